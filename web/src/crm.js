// The CRM in the page: the views beside the network (record a meeting, my tasks,
// campaigns, merge duplicates), the editing controls of the profile panel (edit,
// connect, remove a connection, tasks, notes, the timeline) and who sees which: viewers
// see no editing control at all (the server refuses their writes anyway), merging is
// for admins. main.js calls `setUpCrm` once signed in and `profileCrm` per profile.

import { entityFields, relationshipRules, disconnect } from "./crm-api.js";
import { $, toast } from "./dom.js";
import { searchEntities } from "./queries.js";
import { relPhrase } from "./types.js";
import { html, render } from "./ui.js";
import { CampaignsView } from "./components/campaigns.js";
import { ConnectForm } from "./components/connect-form.js";
import { Dialog } from "./components/dialog.js";
import { EntityEditForm } from "./components/entity-edit.js";
import { MeetingForm } from "./components/meeting-form.js";
import { MergeView } from "./components/merge-view.js";
import { MyTasksView } from "./components/my-tasks.js";
import { NoteForm } from "./components/note-form.js";
import { ProfileCrm } from "./components/profile-crm.js";
import { createNote } from "./queries.js";

export const WRITERS = new Set(["editor", "analyst", "admin"]);
let ctx = null; // { viewer, caps, open, search, canWrite, admin }

const VIEWS = [
  { key: "network", label: "Network" },
  { key: "meeting", label: "Record a meeting", write: true },
  { key: "tasks", label: "My tasks", write: true },
  { key: "campaigns", label: "Campaigns" },
  { key: "merge", label: "Merge duplicates", admin: true },
];

export function setUpCrm({ viewer, caps, open }) {
  const canWrite = WRITERS.has(viewer.role);
  ctx = {
    viewer,
    caps,
    canWrite,
    admin: viewer.role === "admin",
    search: (text, types) => {
      // only the types `search` looks in (a rule may reach notes or tasks, which it does not)
      const searchable = caps.enumValues("SearchType");
      const wanted = searchable.length && types ? types.filter((t) => searchable.includes(t)) : types;
      return wanted && !wanted.length ? Promise.resolve([]) : searchEntities(caps, text, { types: wanted, first: 8 });
    },
    open: (id) => {
      showView("network");
      open(id);
    },
  };
  const nav = $("crm-nav");
  nav.hidden = false;
  render(
    html`${VIEWS.filter((v) => (!v.write || canWrite) && (!v.admin || ctx.admin)).map(
      (v) => html`<button type="button" class="view-tab" data-view=${v.key} aria-current=${v.key === "network" ? "page" : "false"}
        onClick=${() => showView(v.key)}>${v.label}</button>`,
    )}`,
    nav,
  );
  showView("network");
}

export function signedOut() {
  if (!ctx) return;
  $("crm-nav").hidden = true;
  render(null, $("crm-view"));
  $("crm-view").hidden = true;
  ctx = null;
}

/** Show one of the views ("network" is the explorer itself). */
export async function showView(key) {
  for (const tab of $("crm-nav").querySelectorAll(".view-tab")) tab.setAttribute("aria-current", tab.dataset.view === key ? "page" : "false");
  const view = $("crm-view");
  if (key === "network") {
    render(null, view);
    view.hidden = true;
    $("app").hidden = false;
    window.dispatchEvent(new Event("resize")); // the drawing takes its room again
    return;
  }
  $("app").hidden = true;
  view.hidden = false;
  render(html`<p class="hint">Loading…</p>`, view);
  const body = {
    meeting: async () => html`<${MeetingForm} search=${ctx.search} options=${await meetingOptions()} onSaved=${meetingSaved} />`,
    tasks: async () => html`<${MyTasksView} me=${ctx.viewer.name} />`,
    campaigns: async () => html`<${CampaignsView} canWrite=${ctx.canWrite} search=${ctx.search} open=${ctx.open} />`,
    merge: async () => html`<${MergeView} search=${ctx.search} open=${ctx.open} />`,
  }[key];
  try {
    render(html`<div class="crm-view-body">${await body()}</div>`, view);
  } catch (e) {
    render(html`<p class="error" role="alert">${e.message}</p>`, view);
  }
  view.focus({ preventScroll: true });
}

function meetingSaved(event) {
  toast(`Recorded: ${event.name}.`);
  ctx.open(event.id); // the new event, drawn at once with its ties
}

/** What the meeting form offers, from the model: kinds of events and of new entities, roles. */
async function meetingOptions() {
  const kinds = {};
  const [rules, ...fields] = await Promise.all([
    relationshipRules(),
    ...["Event", "Organisation", "Place", "Programme", "Document"].map((t) => entityFields(t).then((f) => [t, f])),
  ]);
  for (const [type, specs] of fields) kinds[type] = specs.find((f) => f.name === "kind")?.options ?? [];
  const roles = (type) => rules.find((r) => r.type === type)?.fields.find((f) => f.name === "role")?.options ?? [];
  return {
    eventKinds: kinds.Event,
    kinds: { Organisation: kinds.Organisation, Place: kinds.Place, Programme: kinds.Programme, Document: kinds.Document, Person: [] },
    attendanceRoles: roles("ATTENDED"),
    organiserRoles: roles("ORGANISED"),
  };
}

// ---- the profile panel -----------------------------------------------------------------

let dialogs = null;

/** The CRM part of a profile: actions (writers), tasks, notes, the timeline. */
export function profileCrm({ id, type, label, refresh }) {
  if (!ctx) return;
  const actions = $("crm-actions-slot");
  const version = Date.now();
  if (ctx.canWrite) {
    render(
      html`<div class="button-row crm-actions">
        <button type="button" onClick=${() => openDialog("edit", { id, type, label, refresh })}>Edit</button>
        <button type="button" onClick=${() => openDialog("connect", { id, type, label, refresh })}>Connect…</button>
      </div>`,
      actions,
    );
    render(html`<${NoteForm} about=${id} save=${createNote} onSaved=${() => { toast("Note saved."); profileCrm({ id, type, label, refresh }); }} />`, $("note-form-slot"));
  } else {
    render(null, actions);
    render(null, $("note-form-slot"));
  }
  render(html`<${ProfileCrm} id=${id} canWrite=${ctx.canWrite} me=${ctx.viewer.name} version=${version} />`, $("crm-slot"));
}

function openDialog(kind, { id, type, label, refresh }) {
  dialogs ??= document.body.appendChild(document.createElement("div"));
  const close = () => render(null, dialogs);
  const from = { id, type, label };
  const content =
    kind === "edit"
      ? html`<${Dialog} title=${`Edit ${label}`} wide onClose=${close}>
          <${EntityEditForm} type=${type} id=${id} search=${ctx.search} onSaved=${() => { close(); toast("Saved."); refresh(); }} />
        </${Dialog}>`
      : html`<${Dialog} title=${`Connect ${label}`} onClose=${close}>
          <${ConnectForm} from=${from} search=${ctx.search} onSaved=${({ sentence, other }) => { close(); toast(`Connected: ${sentence}.`); refresh(other.id); }} />
        </${Dialog}>`;
  render(content, dialogs);
}

/** For the profile's list of connections: a "remove" action for writers (audited). */
export function removeAction() {
  if (!ctx?.canWrite) return null;
  return async ({ edge, outgoing, node }, self, done) => {
    const [fromId, toId] = outgoing ? [self, node.id] : [node.id, self];
    const what = `${outgoing ? "" : `${node.label} `}${relPhrase(edge.type)}${outgoing ? ` ${node.label}` : ""}`;
    if (!window.confirm(`Remove this connection: ${what}?`)) return;
    const result = await disconnect(edge.type, fromId, toId);
    if (result.ok) {
      toast(`Removed: ${what}.`);
      done(edge);
    } else toast(result.problems[0].message, "error");
  };
}
