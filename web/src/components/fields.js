// The pieces every CRM form is made of: a labelled field with its message under it
// (`aria-invalid`, `aria-describedby`, `role="alert"`), the checks a browser can make
// from the model's field description (`entityFields`, `relationshipRules.fields`), and
// the server's problems placed next to the fields they name.

import { html, useId } from "../ui.js";

const PARTIAL_DATE = /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/;

/** A label, the control, a hint and the field's message. */
export function Field({ id, label, error, hint, children, required }) {
  return html`<div class=${`field${error ? " invalid" : ""}`}>
    <label for=${id}>${label}${required ? html`<span class="required" aria-hidden="true"> *</span>` : ""}</label>
    ${children}
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    <p class="error" id=${`${id}-error`} role="alert">${error ?? ""}</p>
  </div>`;
}

/** What `aria-*` a control needs to say it is invalid and where its message is. */
export function describedBy(id, error, hint) {
  return {
    "aria-invalid": error ? "true" : "false",
    "aria-describedby": [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "),
  };
}

const HINTS = {
  PARTIAL_DATE: "A year, year and month, or a day: 2016, 2016-11 or 2016-11-24.",
  URL: "A web address starting with https://",
};

/**
 * One input for a model field (`spec` from the API): a text field, a text area, a date,
 * a choice, a checkbox; a list field takes one value per line.
 */
export function ModelField({ spec, value, onChange, error, label }) {
  const id = useId();
  const hint = spec.many ? "One per line." : (HINTS[spec.kind] ?? null);
  const aria = describedBy(id, error, hint);
  const text = spec.many ? (value ?? []).join("\n") : (value ?? "");
  const set = (raw) => onChange(spec.many ? raw.split("\n").map((v) => v.trim()).filter(Boolean) : raw);
  let control;
  if (spec.kind === "CHOICE") {
    control = html`<select id=${id} name=${spec.name} ...${aria} value=${value ?? ""} onChange=${(e) => onChange(e.currentTarget.value || null)}>
      ${spec.required ? null : html`<option value="">(none)</option>`}
      ${spec.options.map((o) => html`<option value=${o}>${humanEnum(o)}</option>`)}
    </select>`;
  } else if (spec.kind === "BOOLEAN") {
    control = html`<input id=${id} type="checkbox" name=${spec.name} ...${aria} checked=${Boolean(value)} onChange=${(e) => onChange(e.currentTarget.checked)} />`;
  } else if (spec.kind === "LONG_TEXT" || spec.many) {
    control = html`<textarea id=${id} name=${spec.name} rows=${spec.many ? 3 : 4} ...${aria} value=${text} onInput=${(e) => set(e.currentTarget.value)}></textarea>`;
  } else {
    const type = { DATE: "date", EMAIL: "email", URL: "url", INTEGER: "number", NUMBER: "number" }[spec.kind] ?? "text";
    control = html`<input id=${id} name=${spec.name} type=${type} ...${aria} value=${text}
      inputmode=${spec.kind === "PARTIAL_DATE" ? "numeric" : undefined}
      onInput=${(e) => set(e.currentTarget.value)} />`;
  }
  return html`<${Field} id=${id} label=${label ?? humanise(spec.name)} error=${error} hint=${hint} required=${spec.required}>${control}</${Field}>`;
}

/** The browser's checks of one value against its field description: a message, or null. */
export function check(spec, value) {
  const empty = value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length);
  if (empty) return spec.required ? "This is needed." : null;
  const values = spec.many ? value : [value];
  for (const v of values) {
    const s = String(v);
    if (spec.maxLength && s.length > spec.maxLength) return `At most ${spec.maxLength} characters (now ${s.length}).`;
    if (spec.kind === "PARTIAL_DATE") {
      const problem = partialDateProblem(s.trim());
      if (problem) return problem;
    }
    if (spec.kind === "EMAIL" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim())) return "Write an e-mail address, such as nimi@example.ee.";
    if (spec.kind === "URL" && !/^https?:\/\/\S+$/.test(s.trim())) return "Write a web address starting with https://";
    if ((spec.kind === "INTEGER" || spec.kind === "NUMBER") && Number.isNaN(Number(s))) return "Write a number.";
    if (spec.minimum !== null && spec.minimum !== undefined && Number(s) < spec.minimum) return `At least ${spec.minimum}.`;
    if (spec.maximum !== null && spec.maximum !== undefined && Number(s) > spec.maximum) return `At most ${spec.maximum}.`;
    if (spec.pattern && !new RegExp(spec.pattern).test(s)) return "This is not in the expected form.";
    if (spec.kind === "CHOICE" && !spec.options.includes(s)) return "Choose one of the list.";
  }
  return null;
}

/** What is wrong with a partial date ("2016", "2016-11", "2016-11-24"), or null. */
export function partialDateProblem(text) {
  const match = PARTIAL_DATE.exec(text);
  if (!match) return "Write a date as 2016, 2016-11 or 2016-11-24.";
  const [year, month, day] = text.split("-").map(Number);
  if (month !== undefined && (month < 1 || month > 12)) return "There is no such month: write 01 to 12.";
  if (day !== undefined) {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > last) return `There is no such day: that month has ${last} days.`;
  }
  return null;
}

/** Problems by field key (the first for each), with those not about one field under "". */
export function byField(problems) {
  const out = {};
  for (const p of problems ?? []) {
    const key = p.field ?? "";
    out[key] ??= p.message;
  }
  return out;
}

/** Move focus to the first field a form marks invalid (after it has re-rendered). */
export function focusFirstInvalid(form) {
  setTimeout(() => form?.querySelector('[aria-invalid="true"]')?.focus(), 0);
}

export function humanise(name) {
  const special = { nameEn: "English name", shortName: "Short name", registryCode: "Registry code", givenName: "Given name", familyName: "Family name", dueDate: "Due date", startDate: "Start date", endDate: "End date", roleEn: "Role (English)", roleNote: "Role note", from: "From", to: "To" };
  if (special[name]) return special[name];
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function humanEnum(value) {
  const words = String(value).toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A general message (not about one field) at the top or bottom of a form. */
export function FormMessage({ text, kind = "error" }) {
  return html`<p class=${kind === "error" ? "error form-error" : "hint form-ok"} role=${kind === "error" ? "alert" : "status"}>${text ?? ""}</p>`;
}
