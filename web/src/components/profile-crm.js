// The CRM part of an entity's profile: its tasks (status, assignee, due date; mark done),
// its notes (Markdown, rendered safely), and its timeline with filter chips for events,
// notes, tasks and changes, each change a readable diff ("name: A → B, by Mari Maasikas").

import { html, useEffect, useId, useRef, useState } from "../ui.js";
import { createTask, loadNotesAndTasks, loadTimelineAndHistory, setTaskStatus, shown } from "../crm-api.js";
import { formatDate } from "../dates.js";
import { Markdown } from "../markdown.js";
import { relPhrase } from "../types.js";
import { byField, describedBy, Field, focusFirstInvalid, FormMessage, humanEnum, humanise } from "./fields.js";

export function ProfileCrm({ id, canWrite, me, version, onChanged }) {
  const [about, setAbout] = useState(null);
  const [timeline, setTimeline] = useState(null);
  const [status, setStatus] = useState("");
  async function reload() {
    const [found, tl] = await Promise.all([loadNotesAndTasks(id), loadTimelineAndHistory(id).catch(() => null)]);
    setAbout(found);
    setTimeline(tl);
  }
  useEffect(() => {
    reload().catch((e) => setStatus(e.message));
  }, [id, version]);
  if (!about) return html`<p class="hint" role="status">${status || "Loading notes and tasks…"}</p>`;

  async function mark(task, to) {
    const result = await setTaskStatus(task, to);
    setStatus(result.ok ? `“${task.title}”: ${humanEnum(to).toLowerCase()}.` : result.problems[0].message);
    await reload();
    onChanged?.();
  }

  return html`<div class="profile-crm">
    <section class="sub" aria-labelledby=${`${id}-tasks-h`}>
      <h3 id=${`${id}-tasks-h`}>Tasks (${about.tasks.length})</h3>
      <${TaskList} tasks=${about.tasks} canWrite=${canWrite} onMark=${mark} />
      <p class="hint" role="status">${status}</p>
      ${canWrite ? html`<${TaskForm} about=${id} me=${me} onSaved=${async () => { setStatus("Task saved."); await reload(); }} />` : null}
    </section>
    <section class="sub" aria-labelledby=${`${id}-notes-h`}>
      <h3 id=${`${id}-notes-h`}>Notes (${about.notes.length})</h3>
      ${about.notes.length
        ? html`<ul class="notes">${about.notes.map((n) => html`<li class="note" key=${n.id}>
            <${Markdown} text=${n.body} />
            <p class="cite">— ${n.authorName ?? "unknown"}, ${formatDate(n.createdAt)}</p></li>`)}</ul>`
        : html`<p class="hint">No notes yet.</p>`}
    </section>
    <div id="timeline-slot"><${Timeline} data=${timeline} /></div>
  </div>`;
}

export function TaskList({ tasks, canWrite, onMark, showAbout = false }) {
  if (!tasks.length) return html`<p class="hint">No tasks.</p>`;
  return html`<ul class="tasks">${tasks.map((t) => html`<li class=${`task status-${t.status}${t.overdue ? " overdue" : ""}`} key=${t.id}>
    <p class="task-title"><strong>${t.title}</strong>${" "}
      <span class="tag">${humanEnum(t.status)}</span>
      ${t.overdue ? html` <span class="tag tag-overdue">Overdue</span>` : null}</p>
    <p class="task-meta">
      ${t.dueDate ? `Due ${formatDate(t.dueDate)}` : "No due date"}${t.assignee ? ` · for ${t.assignee}` : ""}${t.authorName ? ` · by ${t.authorName}` : ""}
      ${showAbout && t.about?.length ? ` · about ${t.about.map((a) => a.name ?? a.id).join(", ")}` : ""}
    </p>
    ${t.description ? html`<${Markdown} text=${t.description} />` : null}
    ${canWrite && (t.status === "OPEN" || t.status === "IN_PROGRESS")
      ? html`<div class="button-row">
          ${t.status === "OPEN" ? html`<button type="button" onClick=${() => onMark(t, "IN_PROGRESS")}>Start “${t.title}”</button>` : null}
          <button type="button" onClick=${() => onMark(t, "DONE")}>Mark “${t.title}” done</button>
        </div>`
      : null}
  </li>`)}</ul>`;
}

function TaskForm({ about, me, onSaved }) {
  const form = useRef(null);
  const base = useId();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState({ title: "", assignee: me ?? "", dueDate: "", description: "" });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  if (!open) return html`<button type="button" onClick=${() => setOpen(true)}>New task</button>`;

  async function submit(event) {
    event.preventDefault();
    const found = {};
    if (!values.title.trim()) found.title = "Write what is to be done.";
    else if (values.title.length > 300) found.title = `At most 300 characters (now ${values.title.length}).`;
    setErrors(found);
    if (Object.keys(found).length) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      const input = { about: [about], title: values.title.trim() };
      for (const k of ["assignee", "dueDate", "description"]) if (values[k].trim()) input[k] = values[k].trim();
      const result = await createTask(input);
      if (result.ok) {
        setValues({ title: "", assignee: me ?? "", dueDate: "", description: "" });
        setOpen(false);
        setMessage("");
        return onSaved(result.ok);
      }
      const problems = byField(result.problems);
      setErrors(problems);
      setMessage(problems[""] ?? "Nothing was saved: see the fields marked.");
      focusFirstInvalid(form.current);
    } finally {
      setBusy(false);
    }
  }

  const input = (name, label, type = "text") => {
    const fid = `${base}-${name}`;
    return html`<${Field} id=${fid} label=${label} error=${errors[name]} required=${name === "title"}>
      ${name === "description"
        ? html`<textarea id=${fid} rows="2" value=${values[name]} ...${describedBy(fid, errors[name])} onInput=${(e) => setValues({ ...values, [name]: e.currentTarget.value })}></textarea>`
        : html`<input id=${fid} type=${type} value=${values[name]} ...${describedBy(fid, errors[name])} onInput=${(e) => setValues({ ...values, [name]: e.currentTarget.value })} />`}
    </${Field}>`;
  };
  return html`<form ref=${form} class="crm-form task-form" onSubmit=${submit} novalidate aria-label="New task">
    ${input("title", "Task")}
    ${input("assignee", "Assignee (a person's name)")}
    ${input("dueDate", "Due date", "date")}
    ${input("description", "Details (Markdown)")}
    <${FormMessage} text=${message} />
    <div class="button-row">
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Save task"}</button>
      <button type="button" onClick=${() => setOpen(false)}>Cancel</button>
    </div>
  </form>`;
}

const KINDS = [
  ["EVENT", "Events"],
  ["NOTE", "Notes"],
  ["TASK", "Tasks"],
  ["CHANGE", "Changes"],
];
const NOISE = new Set(["id", "createdAt", "updatedAt", "fromId", "toId", "type", "from", "to", "sourceIds"]);

/** The timeline, with a chip per kind of item; changes as readable diffs. */
export function Timeline({ data }) {
  const [hidden, setHidden] = useState(new Set());
  const rows = data?.timeline ?? [];
  if (!rows.length) return null;
  const history = new Map((data.history ?? []).map((h) => [h.id, h]));
  const counts = Object.fromEntries(KINDS.map(([k]) => [k, rows.filter((r) => r.kind === k).length]));
  const visible = rows.filter((r) => !hidden.has(r.kind));
  const toggle = (kind) => {
    const next = new Set(hidden);
    next.has(kind) ? next.delete(kind) : next.add(kind);
    setHidden(next);
  };
  return html`<section class="sub" aria-labelledby="tl-h">
    <h3 id="tl-h">Timeline (${rows.length})</h3>
    <div class="chips-row" role="group" aria-label="Show in the timeline">
      ${KINDS.map(([kind, label]) => html`<button type="button" class="chip" aria-pressed=${hidden.has(kind) ? "false" : "true"}
        onClick=${() => toggle(kind)}>${hidden.has(kind) ? "" : "✓ "}${label} (${counts[kind]})</button>`)}
    </div>
    <ol class="timeline">${visible.map((r) => html`<li class=${`tl-${r.kind.toLowerCase()}`}>
      <span class="date">${formatDate(r.at) || "undated"}</span>${" "}
      <span class="tag">${humanEnum(r.kind)}</span>${" "}
      ${r.kind === "CHANGE" && history.has(r.ref) ? html`<${ChangeLine} change=${history.get(r.ref)} />` : html`<span>${r.title}${r.detail ? ` — ${detail(r)}` : ""}</span>`}
    </li>`)}</ol>
  </section>`;
}

function detail(r) {
  if (r.kind === "TASK") return humanEnum(r.detail).toLowerCase();
  if (r.kind === "EVENT") return r.detail.split(" ").map((w, i) => (i === 0 ? relPhrase(w) : humanEnum(w).toLowerCase())).join(", ");
  return r.detail;
}

/** "name: A → B; tags: (none) → noored, by Mari Maasikas" */
function ChangeLine({ change }) {
  const relationship = change.entityType === change.entityType.toUpperCase();
  const what = relationship ? `${humanEnum(change.action)}: ${relPhrase(change.entityType)}` : humanEnum(change.action);
  const lines = change.changes.filter((c) => !NOISE.has(c.field) || (!relationship && (c.field === "from" || c.field === "to")));
  return html`<span class="change">${what}${lines.length ? ": " : ""}${lines.map((c, i) => html`${i ? "; " : ""}<span class="diff">${humanise(c.field)}: ${shown(c.before)} → ${shown(c.after)}</span>`)}, by ${change.actorName}</span>`;
}
