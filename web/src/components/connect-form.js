// Connect two actors with any relationship the model allows between their types: the
// choices come from `relationshipRules` (nothing listed by hand here), both directions,
// read as a sentence ("Rasmus Pedanik is a member of SEV"); the type's own properties
// (dates, role, amount, …) and a source (a document and the quote) go with it.

import { html, useEffect, useId, useRef, useState } from "../ui.js";
import { connect, relationshipRules } from "../crm-api.js";
import { byField, check, describedBy, Field, focusFirstInvalid, FormMessage, ModelField } from "./fields.js";
import { EntityPicker } from "./picker.js";

export function ConnectForm({ from, search, onSaved }) {
  const form = useRef(null);
  const [rules, setRules] = useState(null);
  const [other, setOther] = useState(null);
  const [choice, setChoice] = useState("");
  const [props, setProps] = useState({});
  const [document, setDocument] = useState(null);
  const [quote, setQuote] = useState("");
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const typeId = useId();
  const quoteId = useId();

  useEffect(() => {
    relationshipRules().then(setRules, (e) => setMessage(e.message));
  }, []);
  if (!rules) return html`<p class="hint" role="status">${message || "Loading…"}</p>`;

  // the types that can be at the other end, either way round
  const reachable = [...new Set(rules.flatMap((r) => [r.fromType === from.type ? r.toType : null, r.toType === from.type ? r.fromType : null]).filter(Boolean))];
  const options = other
    ? rules.flatMap((r, i) => {
        const found = [];
        if (r.fromType === from.type && r.toType === other.type) found.push({ key: `${i}:out`, rule: r, out: true });
        if (r.toType === from.type && r.fromType === other.type && other.id !== from.id) found.push({ key: `${i}:in`, rule: r, out: false });
        return found;
      })
    : [];
  const chosen = options.find((o) => o.key === choice) ?? null;
  const sentence = (o) => (o.out ? `${from.label} ${o.rule.reads} ${other.label}` : `${other.label} ${o.rule.reads} ${from.label}`);
  const fields = (chosen?.rule.fields ?? []).filter((f) => f.name !== "inferred");

  async function submit(event) {
    event.preventDefault();
    const found = {};
    if (!other) found.other = "Choose who or what to connect with.";
    else if (!chosen) found.type = options.length ? "Choose how they are connected." : "The model allows no relationship between these two.";
    for (const f of fields) {
      const problem = check(f, props[f.name] === "" ? null : props[f.name]);
      if (problem) found[`properties.${f.name}`] = problem;
    }
    if (document && !quote.trim()) found["sources.0.quote"] = "Quote the words in the document that support it.";
    if (quote.trim() && !document) found["sources.0.document"] = "Choose the document the quote is from.";
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage("Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
      return;
    }
    const properties = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== "" && v !== null && v !== undefined).map(([k, v]) => [k, fields.find((f) => f.name === k)?.kind === "NUMBER" || fields.find((f) => f.name === k)?.kind === "INTEGER" ? Number(v) : v]));
    setBusy(true);
    setMessage("");
    try {
      const result = await connect({
        type: chosen.rule.type,
        fromId: chosen.out ? from.id : other.id,
        toId: chosen.out ? other.id : from.id,
        properties,
        sources: document ? [{ document: document.id, quote: quote.trim() }] : [],
      });
      if (result.ok) return onSaved({ sentence: sentence(chosen), other });
      const problems = byField(result.problems);
      setErrors({ ...problems, other: problems.toId ?? problems.fromId, type: problems.type });
      setMessage(problems[""] ?? "Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
    } catch (e) {
      setMessage(e.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<form ref=${form} class="crm-form connect-form" onSubmit=${submit} novalidate>
    <p>Connect <strong>${from.label}</strong> with:</p>
    <${EntityPicker} label="Who or what" types=${reachable} search=${search} value=${other}
      onChange=${(v) => { setOther(v); setChoice(""); setProps({}); }} error=${errors.other} required />
    <${Field} id=${typeId} label="How they are connected" error=${errors.type} required>
      <select id=${typeId} value=${choice} ...${describedBy(typeId, errors.type)} onChange=${(e) => { setChoice(e.currentTarget.value); setProps({}); }}>
        <option value="">${other ? (options.length ? "Choose…" : "Nothing the model allows") : "Choose the other end first"}</option>
        ${options.map((o) => html`<option value=${o.key}>${sentence(o)}</option>`)}
      </select>
    </${Field}>
    ${fields.length ? html`<fieldset><legend>Details</legend><div class="form-grid">
      ${fields.map((f) => html`<${ModelField} key=${f.name} spec=${f} value=${props[f.name]} error=${errors[`properties.${f.name}`]}
        onChange=${(v) => setProps({ ...props, [f.name]: v })} />`)}
    </div></fieldset>` : null}
    <fieldset><legend>Source (optional)</legend>
      <${EntityPicker} label="Document" types=${["Document"]} search=${search} value=${document} onChange=${setDocument} error=${errors["sources.0.document"]} />
      <${Field} id=${quoteId} label="Quote from the document" error=${errors["sources.0.quote"]}>
        <textarea id=${quoteId} rows="2" value=${quote} ...${describedBy(quoteId, errors["sources.0.quote"])} onInput=${(e) => setQuote(e.currentTarget.value)}></textarea>
      </${Field}>
    </fieldset>
    <${FormMessage} text=${message} />
    <div class="button-row"><button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Connect"}</button></div>
  </form>`;
}
