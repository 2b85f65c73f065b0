// A tie of the cooperation view, opened: what the two shared (cooperationShared), each
// event, programme, service or relationship in a sentence, with its quotes.

import { formatDate } from "./dates.js";
import { h } from "./dom.js";
import { quoteList } from "./quotes.js";

const COUNTS = [
  ["events", "event", "events"],
  ["programmes", "programme", "programmes"],
  ["services", "service", "services"],
  ["relationships", "direct relationship", "direct relationships"],
  ["organisations", "organisation at the same time", "organisations at the same time"],
];

/** "2 events and 1 programme" from a tie's counts. */
export function sharedSummary(tie) {
  const parts = COUNTS.filter(([k]) => tie[k]).map(([k, one, many]) => `${tie[k]} ${tie[k] === 1 ? one : many}`);
  if (parts.length < 2) return parts[0] ?? "nothing dated";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

export function renderTie(panel, tie, { names, shared, close, open }) {
  const a = names(tie.source);
  const b = names(tie.target);
  const when = tie.firstDate ? `${formatDate(tie.firstDate)}${tie.lastDate && tie.lastDate !== tie.firstDate ? ` – ${formatDate(tie.lastDate)}` : ""}` : "";
  const list = h("div", { id: "tie-items", "aria-live": "polite" }, h("p", { class: "hint", text: "Loading what they shared…" }));
  panel.replaceChildren(
    h("div", { class: "profile-head" },
      h("div", {},
        h("h2", { id: "profile-title", text: `${a} and ${b}` }),
        h("p", { class: "kind", text: `Worked together: ${sharedSummary(tie)}${when ? `, ${when}` : ""}` })),
      h("button", { type: "button", class: "icon-button", "aria-label": "Close", onclick: close, text: "×" })),
    h("div", { class: "button-row" },
      h("button", { type: "button", onclick: () => open(tie.source), text: `Open ${a}` }),
      h("button", { type: "button", onclick: () => open(tie.target), text: `Open ${b}` })),
    list,
  );
  panel.hidden = false;
  panel.focus({ preventScroll: true });
  shared().then(
    (found) => {
      if (!found) {
        list.replaceChildren(h("p", { class: "hint", text: "This server does not list what a tie shared." }));
        return;
      }
      list.replaceChildren(
        h("section", { class: "sub", "aria-labelledby": "tie-h" },
          h("h3", { id: "tie-h", text: `What they shared (${found.items.length})` }),
          h("ol", { class: "shared-items" }, found.items.map((item) =>
            h("li", {},
              h("p", { class: "explanation", text: item.explanation }),
              quoteList(item.sources))))),
      );
    },
    (e) => list.replaceChildren(h("p", { class: "error", text: e.message })),
  );
}

/** A partial date as the last day it can mean, for ordering ("2016" → "2016-12-31"). */
function endKey(value) {
  if (!value) return "";
  const v = String(value);
  return v.length === 4 ? `${v}-12-31` : v.length === 7 ? `${v}-31` : v;
}

/**
 * "Worked with" from the map itself (the centre's ties), ranked as the partner list
 * is: heaviest first, then the most recent, then by name; each opens its tie.
 */
export function renderWorkedWith(slot, centreId, view, { from, to, open, openTie }) {
  const rows = view.neighbours(centreId)
    .filter((x) => x.edge.type === "COOPERATED")
    .map((x) => ({ id: x.node.id, name: x.node.label, tie: x.edge }));
  rows.sort((a, b) =>
    b.tie.weight - a.tie.weight ||
    endKey(b.tie.lastDate).localeCompare(endKey(a.tie.lastDate)) ||
    a.name.localeCompare(b.name, "et", { sensitivity: "base" }) ||
    a.id.localeCompare(b.id));
  const window = from || to ? ` ${from ?? "…"}–${to ?? "…"}` : "";
  slot.replaceChildren(
    h("section", { class: "sub", "aria-labelledby": "partners-h" },
      h("h3", { id: "partners-h", text: `Worked with${window} (${rows.length})` }),
      rows.length
        ? h("ol", { class: "partners" }, rows.map(({ id, name, tie }) => {
            const when = tie.firstDate ? ` ${formatDate(tie.firstDate)}${tie.lastDate && tie.lastDate !== tie.firstDate ? ` – ${formatDate(tie.lastDate)}` : ""}` : "";
            return h("li", {},
              h("button", { type: "button", class: "link-button", onclick: () => open(id), text: name }),
              h("span", { class: "weight", text: ` ${sharedSummary(tie)}` }),
              when ? h("span", { class: "date", text: when }) : null,
              h("span", { class: "what" }, " ",
                h("button", { type: "button", class: "link-button", onclick: () => openTie(tie), text: "what they shared" })));
          }))
        : h("p", { class: "hint", text: "No one on the map worked with it in this period." })),
  );
}
