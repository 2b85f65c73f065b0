// "Review a document" (issue 27): paste a text or choose a file, see the facts proposed
// from it with their quotes highlighted in the text, and accept, edit, merge into an
// existing entity, or reject each (or accept all of one kind). Nothing enters the graph
// until accepted; each decision is one mutation (one transaction on the server).

import { gql } from "../api.js";
import { relPhrase, relationshipTypes } from "../types.js";
import { html, useEffect, useId, useRef, useState } from "../ui.js";

const PROPOSAL = `
  id kind status quote start end type name relationshipType fromKey toKey key weak
  matchId matchName entityId candidates { id type name score }`;

const DOCUMENT = `id title text created date datesWithoutYear { line text } proposals { ${PROPOSAL} }`;
/** A partial ISO date, as the server takes it: 2019, 2019-04 or 2019-04-09. */
const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

const PROPOSE = `mutation ReviewPropose($input: ProposeInput!) {
  proposeFromDocument(input: $input) {
    __typename
    ... on IngestedDocument { ${DOCUMENT} }
    ... on ValidationProblem { message problems { field message } }
    ... on Problem { message }
  }
}`;

const LOAD = `query ReviewDocument($id: ID!) {
  documentProposals(documentId: $id) { ${DOCUMENT} }
}`;

const AWAITING = `query ReviewAwaiting { documentsToReview { id title pending } }`;

const DECISION = `__typename ... on Problem { message }`;
const ACCEPT = `mutation ReviewAccept($ids: [ID!]!) { acceptProposals(ids: $ids) { ${DECISION} } }`;
const REJECT = `mutation ReviewReject($ids: [ID!]!) { rejectProposals(ids: $ids) { ${DECISION} } }`;
const ACCEPT_KIND = `mutation ReviewAcceptKind($doc: ID!, $kind: FactKind!) {
  acceptAllProposals(documentId: $doc, kind: $kind) { ${DECISION} }
}`;
const EDIT = `mutation ReviewEdit($id: ID!, $input: EditProposalInput!) {
  editProposal(id: $id, input: $input) { ${DECISION} }
}`;

const KINDS = [
  ["EVENT", "Events"],
  ["ORGANISATION", "Organisations"],
  ["PERSON", "People"],
  ["PLACE", "Places"],
  ["RELATIONSHIP", "Stated relationships"],
  ["COOCCURRENCE", "Named together (weak suggestions)"],
];
const ONE = {
  EVENT: "events",
  ORGANISATION: "organisations",
  PERSON: "people",
  PLACE: "places",
  RELATIONSHIP: "relationships",
};
const MAX_FILE = 10 * 1024 * 1024;
// Not relationship types a fact can be stated as: derived from others, or the quote itself.
const DERIVED = new Set(["COOPERATED", "CITED_IN"]);

/** The mutation's answer, or an Error with the server's message. */
function answer(result) {
  if (result && "message" in result) {
    throw new Error(result.problems?.[0] ? `${result.problems[0].field}: ${result.problems[0].message}` : result.message);
  }
  return result;
}

async function fileInput(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { name: file.name, contentBase64: btoa(binary) };
}

/** The text cut at every quote's edges: [{ text, ids }] where ids are the quoting facts. */
function segments(text, proposals) {
  const cuts = new Set([0, text.length]);
  for (const p of proposals) cuts.add(p.start).add(p.end);
  const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    out.push({ text: text.slice(from, to), ids: proposals.filter((p) => p.start <= from && to <= p.end).map((p) => p.id) });
  }
  return out;
}

function describe(p, names) {
  if (p.kind === "RELATIONSHIP" || p.kind === "COOCCURRENCE") {
    const from = names.get(p.fromKey) ?? p.fromKey;
    const to = names.get(p.toKey) ?? p.toKey;
    return p.relationshipType ? `${from} ${relPhrase(p.relationshipType)} ${to}` : `${from} · ${to}`;
  }
  return p.matchName ? `${p.name} (= existing ${p.matchName})` : `${p.name} (new ${p.type})`;
}

function Fact({ p, names, selected, onSelect, act }) {
  const id = useId();
  const [mode, setMode] = useState(null); // null | "edit" | "merge"
  const [value, setValue] = useState("");
  const open = p.status === "PROPOSED";
  const relation = p.kind === "RELATIONSHIP" || p.kind === "COOCCURRENCE";

  function start(next) {
    setMode(next);
    setValue(next === "edit" ? (relation ? p.relationshipType ?? "" : p.name ?? "") : p.candidates[0]?.id ?? "");
  }

  async function save(event) {
    event.preventDefault();
    const input = mode === "merge" ? { mergeInto: value } : relation ? { relationshipType: value } : { name: value.trim() };
    if (await act(EDIT, { id: p.id, input }, mode === "merge" ? "Merged into the existing entity." : "Saved.")) setMode(null);
  }

  return html`
    <li class=${`fact status-${p.status.toLowerCase()}${selected ? " selected" : ""}${p.weak ? " weak" : ""}`}
        data-proposal=${p.id}>
      <button type="button" class="link-button fact-name" aria-pressed=${selected ? "true" : "false"}
        onClick=${() => onSelect(selected ? null : p.id)}>${describe(p, names)}</button>
      <span class="fact-status">${p.status.toLowerCase()}</span>
      <q class="fact-quote">${p.quote}</q>
      ${open && html`
        <div class="button-row">
          ${!p.weak && html`<button type="button" class="primary" onClick=${() => act(ACCEPT, { ids: [p.id] }, "Accepted.")}>Accept</button>`}
          <button type="button" onClick=${() => start("edit")}>Edit</button>
          ${p.candidates.length > 0 && html`<button type="button" onClick=${() => start("merge")}>Merge</button>`}
          <button type="button" onClick=${() => act(REJECT, { ids: [p.id] }, "Rejected.")}>Reject</button>
        </div>`}
      ${open && mode && html`
        <form class="fact-edit" onSubmit=${save}>
          <label for=${id}>${mode === "merge" ? "Merge into" : relation ? "Relationship type" : "Name"}</label>
          ${mode === "merge"
            ? html`<select id=${id} value=${value} onChange=${(e) => setValue(e.currentTarget.value)}>
                ${p.candidates.map((c) => html`<option value=${c.id}>${c.name} (${c.type})</option>`)}
              </select>`
            : relation
              ? html`<select id=${id} value=${value} onChange=${(e) => setValue(e.currentTarget.value)}>
                  <option value="">Choose…</option>
                  ${relationshipTypes().filter((t) => !DERIVED.has(t)).map((t) => html`<option value=${t}>${relPhrase(t)}</option>`)}
                </select>`
              : html`<input id=${id} value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />`}
          <div class="button-row">
            <button type="submit" class="primary" disabled=${!value.trim()}>Save</button>
            <button type="button" onClick=${() => setMode(null)}>Cancel</button>
          </div>
        </form>`}
    </li>`;
}

export function DocumentReview({ onClose, notify }) {
  const ids = { title: useId(), date: useId(), text: useId(), file: useId() };
  const textField = useRef(null);
  const [title, setTitle] = useState("");
  const [date, setDate] = useState("");
  const [dateError, setDateError] = useState("");
  const dateField = useRef(null);
  const [text, setText] = useState("");
  const [file, setFile] = useState(null);
  const [doc, setDoc] = useState(null);
  const [selected, setSelected] = useState(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState([]);

  const refresh = () =>
    gql(AWAITING).then((d) => setWaiting(d.documentsToReview), (e) => notify(e.message, "error"));
  useEffect(() => { refresh(); }, []);

  async function openDocument(id) {
    setBusy(true);
    try {
      const found = (await gql(LOAD, { id })).documentProposals;
      if (found) setDoc({ ...found, created: true });
      setSelected(null);
    } catch (e) {
      notify(e.message, "error");
    } finally {
      setBusy(false);
    }
  }

  async function propose(event) {
    event.preventDefault();
    if (!file && !text.trim()) {
      setError("Paste the document's text or choose a file first.");
      textField.current?.focus();
      return;
    }
    if (file && file.size > MAX_FILE) return setError(`The file is larger than ${MAX_FILE / 1024 / 1024} MB.`);
    if (date.trim() && !PARTIAL_DATE.test(date.trim())) {
      setDateError("Write the date as 2019, 2019-04 or 2019-04-09.");
      dateField.current?.focus();
      return;
    }
    setDateError("");
    setError("");
    setBusy(true);
    try {
      const input = {
        title: title.trim() || null,
        date: date.trim() || null,
        ...(file ? { file: await fileInput(file) } : { text }),
      };
      const got = answer((await gql(PROPOSE, { input })).proposeFromDocument);
      setDoc(got);
      setSelected(null);
      refresh();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  async function act(mutation, variables, done) {
    setBusy(true);
    try {
      const data = await gql(mutation, variables);
      answer(Object.values(data)[0]);
      const fresh = (await gql(LOAD, { id: doc.id })).documentProposals;
      setDoc({ ...fresh, created: doc.created });
      notify(done);
      refresh();
      return true;
    } catch (e) {
      notify(e.message, "error");
      return false;
    } finally {
      setBusy(false);
    }
  }

  const proposals = doc?.proposals ?? [];
  const names = new Map(proposals.filter((p) => p.name).map((p) => [p.key, p.name]));
  const chosen = proposals.find((p) => p.id === selected);

  return html`
    <div class="review" aria-busy=${busy ? "true" : "false"}>
      <div class="review-head">
        <h2>Review a document</h2>
        <button type="button" onClick=${onClose}>Close</button>
      </div>
      ${waiting.length > 0 && html`
        <section class="review-waiting" aria-labelledby="review-waiting-title">
          <h3 id="review-waiting-title">Awaiting review</h3>
          <ul>
            ${waiting.map((d) => html`<li key=${d.id}>
              <button type="button" class="link-button" onClick=${() => openDocument(d.id)}>${d.title}</button>
              ${" "}(${d.pending} to decide)</li>`)}
          </ul>
        </section>`}
      <form class="review-form" onSubmit=${propose} novalidate>
        <label for=${ids.title}>Title (optional)</label>
        <input id=${ids.title} value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} />
        <label for=${ids.date}>The document's date (optional)</label>
        <input id=${ids.date} ref=${dateField} value=${date} placeholder="2019, 2019-04 or 2019-04-09"
          aria-invalid=${dateError ? "true" : "false"} aria-describedby=${`${ids.date}-error`}
          onInput=${(e) => setDate(e.currentTarget.value)} />
        <p id=${`${ids.date}-error`} class="error" role="alert">${dateError}</p>
        <label for=${ids.text}>Document text</label>
        <textarea id=${ids.text} ref=${textField} rows="6" value=${text} disabled=${Boolean(file)}
          aria-invalid=${error ? "true" : "false"} aria-describedby=${`${ids.text}-error`}
          onInput=${(e) => setText(e.currentTarget.value)}></textarea>
        <label for=${ids.file}>Or a file (text, Markdown, HTML, PDF, DOCX)</label>
        <input id=${ids.file} type="file" accept=".txt,.md,.markdown,.html,.htm,.pdf,.docx"
          onChange=${(e) => setFile(e.currentTarget.files[0] ?? null)} />
        <p id=${`${ids.text}-error`} class="error" role="alert">${error}</p>
        <button type="submit" class="primary" disabled=${busy}>${busy ? "Working…" : "Propose facts"}</button>
      </form>
      ${doc && html`
        <section class="review-result" aria-labelledby="review-doc-title">
          <h3 id="review-doc-title">${doc.title}</h3>
          <p class="status-line" role="status">${doc.created
            ? `${proposals.length} facts proposed. Nothing is in the graph until you accept it.`
            : "This text was ingested before: these are its facts, decided ones as decided."}</p>
          ${doc.datesWithoutYear?.length > 0 && html`
            <p class="notice" role="note">${doc.datesWithoutYear.length === 1 ? "One date has" : `${doc.datesWithoutYear.length} dates have`}
              ${" "}no year the text gives (${doc.datesWithoutYear.slice(0, 6).map((d) => `${d.text} on line ${d.line}`).join(", ")}${doc.datesWithoutYear.length > 6 ? ", …" : ""}),
              so what they date is not proposed. Enter the document's date above and propose it again.</p>`}
          <div class="review-columns">
            <div class="review-text" aria-label="Document text with the quotes highlighted">${segments(doc.text, proposals).map((s) =>
              s.ids.length === 0
                ? s.text
                : html`<mark class=${chosen && s.ids.includes(chosen.id) ? "chosen" : ""}>${s.text}</mark>`,
            )}</div>
            <div class="review-facts">
              ${KINDS.map(([kind, label]) => {
                const mine = proposals.filter((p) => p.kind === kind);
                if (mine.length === 0) return null;
                const waiting = mine.filter((p) => p.status === "PROPOSED").length;
                return html`
                  <section class="fact-kind" aria-label=${label}>
                    <h4>${label} (${mine.length})</h4>
                    ${ONE[kind] && waiting > 0 && html`
                      <button type="button" onClick=${() => act(ACCEPT_KIND, { doc: doc.id, kind }, `Accepted all ${ONE[kind]}.`)}>
                        Accept all ${ONE[kind]}</button>`}
                    <ul class="facts">
                      ${mine.map((p) => html`<${Fact} key=${p.id} p=${p} names=${names} selected=${p.id === selected}
                        onSelect=${setSelected} act=${act} />`)}
                    </ul>
                  </section>`;
              })}
            </div>
          </div>
        </section>`}
    </div>`;
}
