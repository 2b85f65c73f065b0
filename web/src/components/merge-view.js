// Merge duplicates (admins): pick two organisations or two people, see what the merge
// will keep and move (`mergePreview`: the merge itself, rolled back), then confirm.
// Audited; what the history keeps to undo it by hand is said on the page.

import { html, useId, useState } from "../ui.js";
import { mergeEntities, mergePreview, shown } from "../crm-api.js";
import { relPhrase, typeInfo } from "../types.js";
import { FormMessage, humanise } from "./fields.js";
import { EntityPicker } from "./picker.js";

export function MergeView({ search, open }) {
  const typeId = useId();
  const [type, setType] = useState("Organisation");
  const [keep, setKeep] = useState(null);
  const [remove, setRemove] = useState(null);
  const [preview, setPreview] = useState(null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState("");
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setPreview(null);
    setDone(null);
    setMessage("");
  };

  async function look() {
    const found = {};
    if (!keep) found.keep = "Choose the one to keep.";
    if (!remove) found.remove = "Choose the duplicate to merge into it.";
    if (keep && remove && keep.id === remove.id) found.remove = "Choose two different entities.";
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const result = await mergePreview(keep.id, remove.id);
      if (result.ok) {
        setPreview(result.ok);
        setMessage("");
      } else {
        setPreview(null);
        const p = result.problems[0];
        setErrors(p.field === "keepId" ? { keep: p.message } : { remove: p.message });
        setMessage(`This merge would be refused: ${p.message}`);
      }
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    setBusy(true);
    try {
      const result = await mergeEntities(keep.id, remove.id);
      if (result.ok) {
        setDone({ keep, remove });
        setPreview(null);
        setRemove(null);
      } else setMessage(result.problems[0].message);
    } finally {
      setBusy(false);
    }
  }

  const label = typeInfo(type).label.toLowerCase();
  return html`<section class="merge-view" aria-labelledby="merge-h">
    <h2 id="merge-h">Merge duplicates</h2>
    <p class="hint">Two records of one ${label}: the duplicate's ties move to the one kept, its names become aliases, empty fields are filled from it, sources stay. Admins only; every merge is recorded in the history.</p>
    <div class="form-grid">
      <div class="field"><label for=${typeId}>Merge two</label>
        <select id=${typeId} value=${type} onChange=${(e) => { setType(e.currentTarget.value); setKeep(null); setRemove(null); reset(); }}>
          <option value="Organisation">organisations</option><option value="Person">people</option>
        </select></div>
    </div>
    <div class="form-grid">
      <${EntityPicker} key=${`k-${type}`} label=${`Keep this ${label}`} types=${[type]} search=${search} value=${keep} onChange=${(v) => { setKeep(v); reset(); }} error=${errors.keep} required />
      <${EntityPicker} key=${`r-${type}`} label="Merge this duplicate into it (it is removed)" types=${[type]} search=${search} value=${remove} onChange=${(v) => { setRemove(v); reset(); }} error=${errors.remove} required />
    </div>
    <div class="button-row">
      <button type="button" onClick=${() => { setKeep(remove); setRemove(keep); reset(); }} disabled=${!keep && !remove}>Swap the two</button>
      <button type="button" class="primary" onClick=${look} disabled=${busy}>Preview the merge</button>
    </div>
    <${FormMessage} text=${message} />
    ${preview ? html`<${Preview} preview=${preview} busy=${busy} onConfirm=${confirm} />` : null}
    ${done ? html`<div class="done" role="status">
      <p><strong>${done.remove.label}</strong> was merged into <strong>${done.keep.label}</strong>.</p>
      <p class="hint">The history of both keeps the merge: the removed record's every field (“merged-into”) and the kept one's fields before and after (“merge”).</p>
      <button type="button" onClick=${() => open(done.keep.id)}>Open ${done.keep.label}</button></div>` : null}
  </section>`;
}

function Preview({ preview, busy, onConfirm }) {
  const name = (e) => e?.name ?? e?.title ?? e?.body ?? e?.id;
  const moved = preview.ties.filter((t) => !t.dropped);
  const dropped = preview.ties.filter((t) => t.dropped);
  return html`<section class="merge-preview" aria-labelledby="merge-preview-h">
    <h3 id="merge-preview-h">What the merge will do</h3>
    <p>Keeps <strong>${name(preview.keep)}</strong> and removes <strong>${name(preview.remove)}</strong>.</p>
    <h4>Fields of ${name(preview.keep)} that change</h4>
    ${preview.changes.length
      ? html`<table><thead><tr><th scope="col">Field</th><th scope="col">Now</th><th scope="col">After the merge</th></tr></thead>
          <tbody>${preview.changes.map((c) => html`<tr><th scope="row">${humanise(c.field)}</th><td>${shown(c.before)}</td><td>${shown(c.after)}</td></tr>`)}</tbody></table>`
      : html`<p class="hint">None.</p>`}
    <h4>Ties that move to ${name(preview.keep)} (${moved.length}${preview.allTiesListed ? "" : "+"})</h4>
    <ul class="merge-ties">${moved.map((t) => html`<li>${t.outgoing ? `${relPhrase(t.type)} ${name(t.other)}` : `${name(t.other)} ${relPhrase(t.type)} it`}${t.combined ? " (already there: combined into one)" : ""}</li>`)}</ul>
    ${dropped.length ? html`<h4>Ties between the two (removed with it)</h4><ul>${dropped.map((t) => html`<li>${relPhrase(t.type)}</li>`)}</ul>` : null}
    <p class="hint">Undo: nothing undoes a merge in one step. The history keeps every field of the removed record and of the kept one before the merge, so the record can be made again and its fields set back; which ties moved is not recorded one by one (only how many), so those are reconnected by hand.</p>
    <button type="button" class="primary danger" disabled=${busy} onClick=${onConfirm}>Merge ${name(preview.remove)} into ${name(preview.keep)}</button>
  </section>`;
}
