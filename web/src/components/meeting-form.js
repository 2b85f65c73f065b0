// Record a meeting (or seminar, training, forum): its name, kind and dates (partial dates
// allowed), place, programme, organisers, attendees (people and organisations, each with
// a role) and its source (a document and the quote, or own notes), all in one form and
// saved by one mutation, `recordMeeting` (one transaction: nothing is half-written).
// Pickers find existing entities first and only then offer to make a new one.

import { html, useId, useRef, useState } from "../ui.js";
import { recordMeeting } from "../crm-api.js";
import { byField, describedBy, Field, focusFirstInvalid, FormMessage, humanEnum, partialDateProblem } from "./fields.js";
import { EntityPicker } from "./picker.js";

const DATE_HINT = "A year, year and month, or a day: 2016, 2016-11 or 2016-11-24.";

/** `options`: the enums the form offers (from the API): EventKind, AttendanceRole, … */
export function MeetingForm({ search, options, onSaved }) {
  const form = useRef(null);
  const base = useId();
  const [v, setV] = useState({
    name: "",
    kind: "MEETING",
    startDate: "",
    endDate: "",
    description: "",
    place: null,
    partOf: null,
    organisers: [],
    attendees: [{ who: null, role: "PARTICIPANT" }],
    sourceKind: "document",
    document: null,
    quote: "",
    note: "",
  });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (patch) => setV({ ...v, ...patch });
  const makeable = (types) => Object.fromEntries(types.map((t) => [t, options.kinds[t] ?? []]));

  function checkInBrowser() {
    const found = {};
    if (!v.name.trim()) found.name = "Name the meeting.";
    else if (v.name.length > 300) found.name = `At most 300 characters (now ${v.name.length}).`;
    if (!v.startDate.trim()) found.startDate = "When did it take place? " + DATE_HINT;
    else if (partialDateProblem(v.startDate.trim())) found.startDate = partialDateProblem(v.startDate.trim());
    if (v.endDate.trim() && partialDateProblem(v.endDate.trim())) found.endDate = partialDateProblem(v.endDate.trim());
    const attendees = v.attendees.filter((a) => a.who);
    if (!attendees.length) found["attendees.0.id"] = "Add at least one person or organisation who attended.";
    v.attendees.forEach((a, i) => {
      if (a.who?.new && options.kinds[a.who.new.type]?.length && !a.who.new.kind) found[`attendees.${i}.new.kind`] = "Choose the kind of the new organisation.";
    });
    v.organisers.forEach((o, i) => {
      if (!o.who) found[`organisers.${i}.id`] = "Choose the organiser, or remove the row.";
      else if (o.who.new && !o.who.new.kind) found[`organisers.${i}.new.kind`] = "Choose the kind of the new organisation.";
    });
    if (v.place?.new && !v.place.new.kind) found["newPlace.kind"] = "Choose the kind of the new place.";
    if (v.partOf?.new && !v.partOf.new.kind) found["newPartOf.kind"] = "Choose the kind of the new programme.";
    if (v.sourceKind === "document") {
      if (!v.document) found["source.document.id"] = "Choose the document, or choose own notes.";
      if (!v.quote.trim()) found["source.quote"] = "Quote the words in the document that say so.";
    } else if (!v.note.trim()) found.note = "Write your notes of the meeting: they are its source.";
    return found;
  }

  const choice = (who) => (who?.new ? { new: clean(who.new) } : who ? { id: who.id } : undefined);

  async function submit(event) {
    event.preventDefault();
    const found = checkInBrowser();
    setErrors(found);
    if (Object.keys(found).length) {
      setMessage("Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
      return;
    }
    const input = {
      name: v.name.trim(),
      kind: v.kind,
      startDate: v.startDate.trim(),
      attendees: v.attendees.filter((a) => a.who).map((a) => ({ ...choice(a.who), role: a.role })),
      organisers: v.organisers.map((o) => ({ ...choice(o.who), role: o.role || null })),
      source: v.sourceKind === "document" ? { document: choice(v.document), quote: v.quote.trim() } : { ownNotes: true },
    };
    if (v.endDate.trim()) input.endDate = v.endDate.trim();
    if (v.description.trim()) input.description = v.description.trim();
    if (v.note.trim()) input.note = v.note.trim();
    if (v.place) Object.assign(input, v.place.new ? { newPlace: clean(v.place.new) } : { place: v.place.id });
    if (v.partOf) Object.assign(input, v.partOf.new ? { newPartOf: clean(v.partOf.new) } : { partOf: v.partOf.id });
    setBusy(true);
    setMessage("");
    try {
      const result = await recordMeeting(input);
      if (result.ok) return onSaved(result.ok);
      const problems = byField(result.problems);
      setErrors(problems);
      setMessage(problems[""] ?? problems.input ?? "Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
    } catch (e) {
      setMessage(e.message);
    } finally {
      setBusy(false);
    }
  }

  // a picker's message: the server names its id, its new entity's fields, or the row
  const pickerError = (path) => errors[`${path}.id`] ?? errors[`${path}.new.name`] ?? errors[`${path}.new.type`] ?? errors[path];
  const text = (name, label, { hint, required, area, error = errors[name] } = {}) => {
    const id = `${base}-${name}`;
    const aria = describedBy(id, error, hint);
    return html`<${Field} id=${id} label=${label} error=${error} hint=${hint} required=${required}>
      ${area
        ? html`<textarea id=${id} name=${name} rows="4" value=${v[name]} ...${aria} onInput=${(e) => set({ [name]: e.currentTarget.value })}></textarea>`
        : html`<input id=${id} name=${name} type="text" value=${v[name]} ...${aria} onInput=${(e) => set({ [name]: e.currentTarget.value })} />`}
    </${Field}>`;
  };
  const select = (id, label, value, values, onChange, error) => html`<${Field} id=${id} label=${label} error=${error}>
    <select id=${id} value=${value} ...${describedBy(id, error)} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${values.map((o) => (Array.isArray(o) ? html`<option value=${o[0]}>${o[1]}</option>` : html`<option value=${o}>${humanEnum(o)}</option>`))}
    </select></${Field}>`;
  const rows = (key) => v[key];
  const setRow = (key, i, patch) => set({ [key]: rows(key).map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const removeRow = (key, i) => set({ [key]: rows(key).filter((_, j) => j !== i) });

  return html`<form ref=${form} class="crm-form meeting-form" onSubmit=${submit} novalidate aria-labelledby=${`${base}-h`}>
    <h2 id=${`${base}-h`}>Record a meeting</h2>
    <p class="hint">A meeting, seminar, training or forum, who organised and attended it, and where this comes from. Saved in one go: nothing is written if anything is refused.</p>
    <fieldset><legend>The meeting</legend>
      <div class="form-grid">
        ${text("name", "Name", { required: true })}
        ${select(`${base}-kind`, "Kind", v.kind, options.eventKinds, (kind) => set({ kind }), errors.kind)}
        ${text("startDate", "Date", { required: true, hint: DATE_HINT })}
        ${text("endDate", "Until (if it lasted longer)")}
      </div>
      ${text("description", "Description", { area: true })}
      <div class="form-grid">
        <${EntityPicker} label="Place" types=${["Place"]} search=${search} value=${v.place} onChange=${(place) => set({ place })}
          makeable=${makeable(["Place"])} error=${errors.place ?? errors["newPlace.name"] ?? errors["newPlace.kind"] ?? errors.newPlace} />
        <${EntityPicker} label="Programme or project it belongs to" types=${["Programme"]} search=${search} value=${v.partOf}
          onChange=${(partOf) => set({ partOf })} makeable=${makeable(["Programme"])}
          error=${errors.partOf ?? errors["newPartOf.name"] ?? errors["newPartOf.kind"] ?? errors.newPartOf} />
      </div>
    </fieldset>

    <fieldset><legend>Organisers</legend>
      ${v.organisers.length ? null : html`<p class="hint">None yet.</p>`}
      <ol class="rows">${v.organisers.map((o, i) => html`<li class="row" key=${`o${i}`}>
        <${EntityPicker} label=${`Organiser ${i + 1}`} types=${["Organisation"]} search=${search} value=${o.who}
          onChange=${(who) => setRow("organisers", i, { who })} makeable=${makeable(["Organisation"])}
          error=${pickerError(`organisers.${i}`) ?? errors[`organisers.${i}.new.kind`]} />
        ${select(`${base}-org-role-${i}`, `Role of organiser ${i + 1}`, o.role, [["", "(not said)"], ...options.organiserRoles], (role) => setRow("organisers", i, { role }))}
        <button type="button" onClick=${() => removeRow("organisers", i)}>Remove organiser ${i + 1}</button>
      </li>`)}</ol>
      <button type="button" onClick=${() => set({ organisers: [...v.organisers, { who: null, role: "" }] })}>Add an organiser</button>
    </fieldset>

    <fieldset><legend>Attendees</legend>
      <ol class="rows">${v.attendees.map((a, i) => html`<li class="row" key=${`a${i}`}>
        <${EntityPicker} label=${`Attendee ${i + 1}`} types=${["Person", "Organisation"]} search=${search} value=${a.who}
          onChange=${(who) => setRow("attendees", i, { who })} makeable=${makeable(["Person", "Organisation"])}
          error=${pickerError(`attendees.${i}`) ?? errors[`attendees.${i}.new.kind`]} required=${i === 0} />
        ${select(`${base}-att-role-${i}`, `Role of attendee ${i + 1}`, a.role, options.attendanceRoles, (role) => setRow("attendees", i, { role }), errors[`attendees.${i}.role`])}
        ${v.attendees.length > 1 ? html`<button type="button" onClick=${() => removeRow("attendees", i)}>Remove attendee ${i + 1}</button>` : null}
      </li>`)}</ol>
      <button type="button" onClick=${() => set({ attendees: [...v.attendees, { who: null, role: "PARTICIPANT" }] })}>Add an attendee</button>
    </fieldset>

    <fieldset><legend>Source</legend>
      <div class="radios" role="radiogroup" aria-label="Where this comes from">
        <label><input type="radio" name=${`${base}-source`} checked=${v.sourceKind === "document"} onChange=${() => set({ sourceKind: "document" })} /> A document and the quote in it</label>
        <label><input type="radio" name=${`${base}-source`} checked=${v.sourceKind === "notes"} onChange=${() => set({ sourceKind: "notes" })} /> My own notes</label>
      </div>
      ${v.sourceKind === "document"
        ? html`<${EntityPicker} label="Document" types=${["Document"]} search=${search} value=${v.document}
              onChange=${(document) => set({ document })} makeable=${makeable(["Document"])}
              error=${pickerError("source.document") ?? errors["source.document.new.kind"] ?? errors.source} required />
            ${text("quote", "Quote", { area: true, required: true, error: errors["source.quote"], hint: "The words in the document that say the meeting took place." })}`
        : null}
      ${text("note", v.sourceKind === "notes" ? "Your notes of the meeting" : "Notes (minutes, outcome)", { area: true, required: v.sourceKind === "notes", error: errors.note ?? errors.input, hint: "Markdown: **bold**, lists, links." })}
    </fieldset>
    <${FormMessage} text=${message} />
    <div class="button-row"><button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Record the meeting"}</button></div>
  </form>`;
}

function clean(entity) {
  const out = { type: entity.type, name: entity.name };
  if (entity.kind) out.kind = entity.kind;
  return out;
}
