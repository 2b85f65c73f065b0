// Edit an organisation or a person (any entity type, in fact): the fields come from the
// model (`entityFields`: a field added to a declaration appears here, registryCode
// included), contact details for the editors who may see them. The edit carries the
// version it was made against: if someone else saved a field in between, nothing is
// saved and both values are shown, to keep theirs or to save yours over them.
// Memberships (MEMBER_OF with role and dates) are saved one by one below the form.

import { html, useEffect, useRef, useState } from "../ui.js";
import { connect, disconnect, entityFields, loadForEdit, loadMemberships, shown, updateEntity } from "../crm-api.js";
import { byField, check, describedBy, Field, focusFirstInvalid, FormMessage, humanise, ModelField, partialDateProblem } from "./fields.js";
import { EntityPicker } from "./picker.js";

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const blank = (v) => (v === "" || (Array.isArray(v) && !v.length) ? null : v);

export function EntityEditForm({ type, id, search, onSaved }) {
  const form = useRef(null);
  const [specs, setSpecs] = useState(null);
  const [original, setOriginal] = useState({});
  const [values, setValues] = useState({});
  const [version, setVersion] = useState(null);
  const [errors, setErrors] = useState({});
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");

  async function load() {
    const fields = await entityFields(type);
    const node = await loadForEdit(type, id, fields);
    const loaded = Object.fromEntries(fields.map((f) => [f.name, node?.[f.name] ?? (f.many ? [] : null)]));
    setSpecs(fields);
    setOriginal(loaded);
    setValues(loaded);
    setVersion(node?.updatedAt ?? node?.createdAt ?? null);
  }
  useEffect(() => {
    load().catch((e) => setMessage(e.message));
  }, [type, id]);

  if (!specs) return html`<p class="hint" role="status">${message || "Loading the form…"}</p>`;

  const changes = () => Object.fromEntries(specs.filter((f) => !same(blank(values[f.name]), blank(original[f.name]))).map((f) => [f.name, blank(values[f.name])]));

  async function save(patch, against) {
    setBusy(true);
    setMessage("");
    try {
      const result = await updateEntity(type, id, patch, against);
      if (result.ok) {
        setConflict(null);
        setErrors({});
        onSaved(result.ok);
        return;
      }
      setErrors(byField(result.problems));
      setConflict(result.conflict ?? null);
      if (!result.conflict) setMessage(byField(result.problems)[""] ?? "Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
    } catch (e) {
      setMessage(e.message);
    } finally {
      setBusy(false);
    }
  }

  function submit(event) {
    event.preventDefault();
    const found = {};
    for (const f of specs) {
      const problem = check(f, blank(values[f.name]));
      if (problem) found[f.name] = problem;
    }
    setErrors(found);
    setConflict(null);
    if (Object.keys(found).length) {
      setMessage("Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
      return;
    }
    const patch = changes();
    if (!Object.keys(patch).length) {
      setMessage("Nothing has changed.");
      return;
    }
    save(patch, version);
  }

  function takeTheirs() {
    const theirs = Object.fromEntries(conflict.fields.map((f) => [f.field, f.theirs ?? null]));
    setOriginal({ ...original, ...theirs });
    setValues({ ...values, ...theirs });
    setVersion(conflict.current);
    setConflict(null);
    setErrors({});
    setMessage("Their values are in the form now; your other changes are kept. Save again to keep them.");
  }

  // the memberships sit after the form, not in it: Enter in one of their fields must not
  // submit the edit (each membership is saved by its own button)
  return html`<div class="entity-edit-wrap"><form ref=${form} class="crm-form entity-edit" onSubmit=${submit} novalidate>
    ${conflict
      ? html`<div class="conflict" role="alert">
          <p><strong>Someone else saved this ${type.toLowerCase()} while you were editing it. Nothing was saved.</strong></p>
          <table>
            <thead><tr><th scope="col">Field</th><th scope="col">Now (theirs)</th><th scope="col">Yours</th></tr></thead>
            <tbody>${conflict.fields.map((f) => html`<tr>
              <th scope="row">${humanise(f.field)}</th>
              <td>${shown(f.theirs)}${f.changedBy ? html`<br /><span class="hint">by ${f.changedBy}</span>` : null}</td>
              <td>${shown(f.yours)}</td></tr>`)}</tbody>
          </table>
          <div class="button-row">
            <button type="button" onClick=${takeTheirs}>Keep theirs</button>
            <button type="button" class="primary" disabled=${busy} onClick=${() => save(changes(), conflict.current)}>Save mine over theirs</button>
          </div>
        </div>`
      : null}
    <div class="form-grid">
      ${specs.map((f) => html`<${ModelField} key=${f.name} spec=${f} value=${values[f.name]} error=${errors[f.name]}
        label=${f.personal ? `${humanise(f.name)} (contact detail)` : undefined}
        onChange=${(v) => setValues({ ...values, [f.name]: v })} />`)}
    </div>
    <${FormMessage} text=${message} kind=${message.startsWith("Their values") ? "ok" : "error"} />
    <div class="button-row">
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Save changes"}</button>
    </div>
  </form>
  ${type === "Person" || type === "Organisation" ? html`<${Memberships} type=${type} id=${id} search=${search} />` : null}
  </div>`;
}

/** A person's memberships or an organisation's members: each saved on its own. */
function Memberships({ type, id, search }) {
  const [rows, setRows] = useState(null);
  const [adding, setAdding] = useState({ other: null, role: "", from: "", to: "" });
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState("");
  const person = type === "Person";

  async function reload() {
    setRows(await loadMemberships(type, id));
  }
  useEffect(() => {
    reload().catch((e) => setStatus(e.message));
  }, [type, id]);

  const ends = (otherId) => (person ? [id, otherId] : [otherId, id]);

  async function save(key, otherId, props) {
    const local = {};
    for (const [k, v] of Object.entries(props)) {
      if ((k === "from" || k === "to") && v && partialDateProblem(v.trim())) local[`${key}.${k}`] = partialDateProblem(v.trim());
    }
    if (!otherId) local[`${key}.other`] = person ? "Choose the organisation." : "Choose the person.";
    setErrors(local);
    if (Object.keys(local).length) return false;
    const [fromId, toId] = ends(otherId);
    const properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v || null]));
    const result = await connect({ type: "MEMBER_OF", fromId, toId, properties });
    if (!result.ok) {
      setErrors(Object.fromEntries(result.problems.map((p) => [`${key}.${(p.field ?? "").replace(/^properties\./, "")}`, p.message])));
      return false;
    }
    setStatus("Membership saved.");
    await reload();
    return true;
  }

  async function remove(edge) {
    const [fromId, toId] = ends(edge.node.id);
    const result = await disconnect("MEMBER_OF", fromId, toId);
    setStatus(result.ok ? `Removed: ${edge.node.name}.` : result.problems[0].message);
    await reload();
  }

  const input = (key, name, label, value, onInput) => {
    const fid = `${id}-${key}-${name}`;
    const error = errors[`${key}.${name}`];
    return html`<${Field} id=${fid} label=${label} error=${error}>
      <input id=${fid} type="text" value=${value ?? ""} ...${describedBy(fid, error)} onInput=${(e) => onInput(e.currentTarget.value)} />
    </${Field}>`;
  };

  return html`<section class="memberships" aria-labelledby=${`${id}-members-h`}>
    <h3 id=${`${id}-members-h`}>${person ? "Memberships" : "Members"}</h3>
    <p class="hint">Each membership is saved on its own, with its role and dates (2016, 2016-11 or 2016-11-24).</p>
    ${rows === null ? html`<p class="hint">Loading…</p>` : null}
    <ul class="membership-list">
      ${(rows ?? []).map((edge, i) => html`<${MembershipRow} key=${edge.node.id} edge=${edge} index=${i} input=${input}
        onSave=${(props) => save(`m${i}`, edge.node.id, props)} onRemove=${() => remove(edge)} />`)}
    </ul>
    <fieldset class="membership-add">
      <legend>Add a ${person ? "membership" : "member"}</legend>
      <${EntityPicker} label=${person ? "Organisation" : "Person"} types=${[person ? "Organisation" : "Person"]} search=${search}
        value=${adding.other} onChange=${(other) => setAdding({ ...adding, other })} error=${errors["new.other"]} />
      ${input("new", "role", "Role", adding.role, (role) => setAdding({ ...adding, role }))}
      ${input("new", "from", "From", adding.from, (from) => setAdding({ ...adding, from }))}
      ${input("new", "to", "To", adding.to, (to) => setAdding({ ...adding, to }))}
      <button type="button" onClick=${async () => {
        if (await save("new", adding.other?.id, { role: adding.role, from: adding.from, to: adding.to })) setAdding({ other: null, role: "", from: "", to: "" });
      }}>Add</button>
    </fieldset>
    <p class="hint" role="status">${status}</p>
  </section>`;
}

/** "Role" on screen, "Role (Eesti Töötukassa)" to a screen reader: each row's fields by name. */
const rowLabel = (label, name) => html`${label}<span class="visually-hidden"> (${name})</span>`;

function MembershipRow({ edge, index, input, onSave, onRemove }) {
  const [props, setProps] = useState({ role: edge.role ?? "", from: edge.from ?? "", to: edge.to ?? "" });
  const key = `m${index}`;
  return html`<li class="membership">
    <p class="membership-name">${edge.node.name}</p>
    ${input(key, "role", rowLabel("Role", edge.node.name), props.role, (role) => setProps({ ...props, role }))}
    ${input(key, "from", rowLabel("From", edge.node.name), props.from, (from) => setProps({ ...props, from }))}
    ${input(key, "to", rowLabel("To", edge.node.name), props.to, (to) => setProps({ ...props, to }))}
    <div class="button-row">
      <button type="button" onClick=${() => onSave(props)}>Save ${edge.node.name}</button>
      <button type="button" onClick=${onRemove}>Remove ${edge.node.name}</button>
    </div>
  </li>`;
}
