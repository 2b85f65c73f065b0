// A type-ahead picker of an entity (WAI-ARIA combobox): it finds existing entities with
// the API's `search` as you type, and only then offers to make a new one; choosing
// "new" while close matches exist asks "did you mean …" first, so that a duplicate is
// not made by accident.

import { html, useEffect, useId, useRef, useState } from "../ui.js";
import { describedBy, Field, humanEnum } from "./fields.js";
import { typeInfo } from "../types.js";

/**
 * `value`: `{ id, label, type }` (existing), `{ new: { type, name, kind } }`, or null.
 * `makeable`: types a new entity may be made of here, with their kinds
 * (`{ Organisation: ["NGO", …], Person: [] }`); none: existing entities only.
 */
export function EntityPicker({ label, types, value, onChange, search, makeable = {}, error, required, hint, name }) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState(value?.label ?? value?.new?.name ?? "");
  const [hits, setHits] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState("");
  const [doubt, setDoubt] = useState(null); // the "did you mean" question
  const request = useRef(0);
  const timer = useRef(null);

  useEffect(() => setText(value?.label ?? value?.new?.name ?? ""), [value?.id, value?.new?.name]);

  const newTypes = Object.keys(makeable);
  const trimmed = text.trim();
  const options = [
    ...hits.map((h) => ({ kind: "hit", item: h })),
    ...(trimmed.length >= 2 ? newTypes.map((t) => ({ kind: "new", type: t })) : []),
  ];

  function query(value) {
    clearTimeout(timer.current);
    const mine = ++request.current;
    if (value.trim().length < 2) {
      setHits([]);
      setStatus(value.trim() ? "Type at least two letters." : "");
      return;
    }
    timer.current = setTimeout(async () => {
      setStatus("Searching…");
      try {
        const found = await search(value.trim(), types);
        if (mine !== request.current) return;
        setHits(found);
        setOpen(true);
        setActive(-1);
        setStatus(found.length ? `${found.length} found; use the arrow keys to choose.` : `Nothing found for “${value.trim()}”.`);
      } catch (e) {
        if (mine === request.current) setStatus(`Search failed: ${e.message}`);
      }
    }, 200);
  }

  function choose(option) {
    setOpen(false);
    setActive(-1);
    if (!option) return;
    if (option.kind === "hit") {
      setDoubt(null);
      onChange({ id: option.item.id, label: option.item.label, type: option.item.type });
      setText(option.item.label);
      return;
    }
    const similar = hits.filter((h) => h.type === option.type);
    if (similar.length && !doubt) {
      setDoubt({ type: option.type, name: trimmed, similar: similar.slice(0, 3) });
      return;
    }
    makeNew(option.type, trimmed);
  }

  function makeNew(type, name) {
    setDoubt(null);
    const kinds = makeable[type] ?? [];
    onChange({ new: { type, name, kind: kinds.length ? (value?.new?.kind ?? null) : undefined } });
  }

  function key(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!options.length) return;
      setOpen(true);
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((active + step + options.length) % options.length);
    } else if (e.key === "Enter" && open && options.length) {
      e.preventDefault();
      choose(options[active >= 0 ? active : 0]);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const kinds = value?.new ? (makeable[value.new.type] ?? []) : [];
  const optionId = (i) => `${id}-opt-${i}`;
  return html`<div class="picker">
    <${Field} id=${id} label=${label} error=${error} required=${required} hint=${hint}>
      <div class="combobox">
        <input id=${id} name=${name} type="text" role="combobox" autocomplete="off" spellcheck="false"
          aria-autocomplete="list" aria-expanded=${open && options.length ? "true" : "false"} aria-controls=${listId}
          aria-activedescendant=${open && active >= 0 ? optionId(active) : undefined}
          ...${describedBy(id, error, hint)}
          value=${text}
          onInput=${(e) => {
            setText(e.currentTarget.value);
            setDoubt(null);
            if (value) onChange(null);
            query(e.currentTarget.value);
          }}
          onKeyDown=${key}
          onFocus=${() => hits.length && !value && setOpen(true)}
          onBlur=${() => setTimeout(() => setOpen(false), 150)} />
        <ul id=${listId} role="listbox" class="listbox" aria-label=${`${label}: choices`} hidden=${!(open && options.length)}>
          ${options.map((o, i) =>
            o.kind === "hit"
              ? html`<li id=${optionId(i)} role="option" aria-selected=${i === active ? "true" : "false"}
                  class=${`option${i === active ? " active" : ""}`} onMouseDown=${(e) => { e.preventDefault(); choose(o); }}>
                  <span class=${`swatch type-${o.item.type}`} aria-hidden="true"></span>
                  <span class="option-label">${o.item.label}</span>
                  <span class="option-type">${typeInfo(o.item.type).label}</span>
                </li>`
              : html`<li id=${optionId(i)} role="option" aria-selected=${i === active ? "true" : "false"}
                  class=${`option option-new${i === active ? " active" : ""}`} onMouseDown=${(e) => { e.preventDefault(); choose(o); }}>
                  <span class="option-plus" aria-hidden="true">＋</span>
                  <span class="option-label">New ${typeInfo(o.type).label.toLowerCase()}: “${trimmed}”</span>
                </li>`,
          )}
        </ul>
      </div>
      <p class="status-line" aria-live="polite">${status}</p>
    </${Field}>
    ${doubt
      ? html`<div class="did-you-mean" role="group" aria-label="Did you mean">
          <p>Did you mean ${doubt.similar.map((h, i) => html`${i ? ", " : ""}<button type="button" class="link-button" onClick=${() => choose({ kind: "hit", item: h })}>${h.label}</button>`)}?</p>
          <button type="button" onClick=${() => makeNew(doubt.type, doubt.name)}>No, make a new ${typeInfo(doubt.type).label.toLowerCase()} “${doubt.name}”</button>
        </div>`
      : null}
    ${value?.new
      ? html`<p class="new-entity">New ${typeInfo(value.new.type).label.toLowerCase()}: <strong>${value.new.name}</strong>, made when you save.</p>
        ${kinds.length
          ? html`<${KindSelect} label=${`Kind of the new ${typeInfo(value.new.type).label.toLowerCase()}`} options=${kinds}
              value=${value.new.kind} onChange=${(kind) => onChange({ new: { ...value.new, kind } })} />`
          : null}`
      : null}
  </div>`;
}

function KindSelect({ label, options, value, onChange }) {
  const id = useId();
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value ?? ""} onChange=${(e) => onChange(e.currentTarget.value || null)}>
      <option value="">Choose…</option>
      ${options.map((o) => html`<option value=${o}>${humanEnum(o)}</option>`)}
    </select>
  </div>`;
}
