// "New note" about an entity: the example component for the page's forms. It checks
// what it can before sending, and shows the server's refusal next to the field it is
// about; nothing is kept half-written (the note is one mutation).

import { html, useId, useRef, useState } from "../ui.js";

const MAX = 20_000; // LongText in graph/models/common.py

export function NoteForm({ about, save, onSaved }) {
  const id = useId();
  const field = useRef(null);
  const [body, setBody] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const refuse = (message) => {
    setError(message);
    field.current?.focus();
  };

  async function submit(event) {
    event.preventDefault();
    const text = body.trim();
    if (!text) return refuse("Write the note first.");
    if (text.length > MAX) return refuse(`At most ${MAX} characters (now ${text.length}).`);
    setError("");
    setBusy(true);
    try {
      const result = await save(about, text);
      if (result.problems) {
        const mine = result.problems.find((p) => p.field === "body") ?? result.problems[0];
        return refuse(mine.message);
      }
      setBody("");
      onSaved(result.note);
    } catch (e) {
      refuse(e.message);
    } finally {
      setBusy(false);
    }
  }

  return html`
    <form class="note-form" onSubmit=${submit} novalidate>
      <label for=${id}>New note</label>
      <textarea id=${id} ref=${field} name="body" rows="3" value=${body}
        aria-invalid=${error ? "true" : "false"} aria-describedby=${`${id}-error`}
        onInput=${(e) => setBody(e.currentTarget.value)}></textarea>
      <p id=${`${id}-error`} class="error" role="alert">${error}</p>
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Save note"}</button>
    </form>`;
}
