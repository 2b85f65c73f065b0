// The profile panel: an entity's fields, aliases, sources (document and quote),
// timeline, who it worked with, and its connections on screen as a keyboard-usable list.

import { formatDate } from "./dates.js";
import { h } from "./dom.js";
import { humanise, relPhrase, typeInfo } from "./types.js";

const HIDDEN_FIELDS = new Set(["__typename", "id", "name", "title", "aliases", "sources", "createdAt", "updatedAt"]);

export function renderProfile(panel, { entity, fallback, neighbours, actions }) {
  const type = entity?.__typename ?? fallback?.type ?? "Entity";
  const name = entity?.name ?? entity?.title ?? fallback?.label ?? entity?.id ?? fallback?.id;
  const info = typeInfo(type);

  const shown = ([k, v]) =>
    !HIDDEN_FIELDS.has(k) &&
    v !== null &&
    v !== undefined &&
    v !== "" &&
    !(k === "erased" && v === false) && // only an erased record says so
    (typeof v !== "object" || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x !== "object")));
  const fields = Object.entries(entity ?? fallback?.properties ?? {}).filter(shown);

  const children = [
    h(
      "div",
      { class: "profile-head" },
      h("span", { class: `swatch big type-${type}`, "aria-hidden": "true" }),
      h("div", {}, h("h2", { id: "profile-title", text: name }), h("p", { class: "kind", text: info.label })),
      h("button", { type: "button", class: "icon-button", "aria-label": "Close profile", onclick: actions.close, text: "×" }),
    ),
    h(
      "div",
      { class: "button-row" },
      h("button", { type: "button", class: "primary", id: "expand-node", onclick: actions.expand, text: "Show neighbours" }),
      h("button", { type: "button", onclick: actions.pathFrom, text: "Path from here" }),
      h("button", { type: "button", onclick: actions.pathTo, text: "Path to here" }),
    ),
  ];

  // "Worked with" first: for an organisation it is usually the question.
  children.push(h("div", { id: "partners-slot" }));

  if (fields.length) {
    children.push(
      h(
        "dl",
        { class: "fields" },
        fields.flatMap(([k, v]) => [
          h("dt", { text: humanise(k) }),
          h("dd", {}, fieldValue(k, v)),
        ]),
      ),
    );
  }

  if (entity?.aliases?.length) {
    children.push(
      h("section", { class: "sub", "aria-labelledby": "aliases-h" },
        h("h3", { id: "aliases-h", text: "Also known as" }),
        h("ul", { class: "chips" }, entity.aliases.map((a) => h("li", { text: a })))),
    );
  }

  if (entity?.sources?.length) {
    children.push(
      h("section", { class: "sub", "aria-labelledby": "sources-h" },
        h("h3", { id: "sources-h", text: `Sources (${entity.sources.length})` }),
        h("ul", { class: "sources" }, entity.sources.map(sourceItem))),
    );
  } else if (entity) {
    children.push(h("p", { class: "hint", text: "No source is recorded for this entity." }));
  }

  // The CRM part (crm.js fills them): edit and connect for keys that may write, the
  // "new note" form, then tasks, notes and the timeline.
  children.splice(2, 0, h("div", { id: "crm-actions-slot" }));
  children.push(h("div", { id: "note-form-slot" }));
  children.push(h("div", { id: "crm-slot" }));

  children.push(h("div", { id: "connections-slot" }));

  panel.replaceChildren(...children);
  panel.hidden = false;
  renderConnections(panel.querySelector("#connections-slot"), neighbours, actions.open, actions.remove);
}

/**
 * The entity's ties on screen, as text: the keyboard-usable twin of the drawing. With
 * `remove` (keys that may write), each tie of the model has a button that removes it.
 */
export function renderConnections(slot, neighbours, open, remove = null) {
  if (!slot) return;
  if (!neighbours.length) {
    slot.replaceChildren();
    return;
  }
  const sorted = [...neighbours].sort((a, b) => String(a.node.label).localeCompare(String(b.node.label), "et"));
  slot.replaceChildren(
    h("section", { class: "sub", "aria-labelledby": "conn-h" },
      h("h3", { id: "conn-h", text: `Connections on screen (${neighbours.length})` }),
      h("ul", { class: "connections" }, sorted.map((n) => connectionItem(n, open, remove)))),
  );
}

// fields whose values are the model's enums (not names such as a short name "SEV")
const ENUM_FIELDS = new Set(["kind", "status", "stance", "basis", "instrument", "channel", "level"]);

function fieldValue(key, value) {
  if (Array.isArray(value)) return value.join(", ");
  if (key === "website" && /^https?:\/\//.test(value)) {
    return h("a", { href: value, rel: "noopener noreferrer", target: "_blank", text: value });
  }
  if (/date|At$/.test(key)) return formatDate(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  // an enum value (MEETING, PUBLIC_SERVICE) read as words
  if (ENUM_FIELDS.has(key) && /^[A-Z][A-Z0-9_]+$/.test(value)) return value.charAt(0) + value.slice(1).toLowerCase().replaceAll("_", " ");
  return String(value);
}

export function sourceItem(source) {
  return h(
    "li",
    { class: "source" },
    source.quote ? h("blockquote", { text: `“${source.quote}”` }) : null,
    h("p", { class: "cite" }, "— ", h("cite", { text: source.document?.title ?? source.document?.id ?? "unknown document" })),
  );
}

function connectionItem({ edge, outgoing, node }, open, remove) {
  const phrase = relPhrase(edge.type);
  const role = edge.properties?.role ? ` (${String(edge.properties.role).toLowerCase()})` : "";
  const sentence = outgoing ? `${phrase}${role}` : `← ${phrase}${role}`;
  const span = edge.properties?.from || edge.properties?.startDate || node.properties?.startDate;
  return h(
    "li",
    {},
    h("span", { class: "rel", text: sentence }),
    " ",
    h("button", { type: "button", class: "link-button", onclick: () => open(node.id), text: node.label }),
    span ? h("span", { class: "date", text: ` ${formatDate(span)}` }) : null,
    edge.sources?.length ? h("details", { class: "edge-sources" },
      h("summary", { text: `${edge.sources.length} source${edge.sources.length > 1 ? "s" : ""}` }),
      h("ul", { class: "sources" }, edge.sources.map(sourceItem))) : null,
    remove?.removable(edge)
      ? h("button", { type: "button", class: "link-button remove-tie", onclick: () => remove.run({ edge, outgoing, node }), text: "Remove",
          "aria-label": `Remove the connection: ${outgoing ? "" : `${node.label} `}${phrase}${outgoing ? ` ${node.label}` : ""}` })
      : null,
  );
}

/** "Worked with": partners ranked by shared events and programmes in the date window. */
export function renderPartners(slot, partners, { from, to, open }) {
  if (!partners) {
    slot.replaceChildren();
    return;
  }
  const window = from || to ? ` ${from ?? "…"}–${to ?? "…"}` : "";
  slot.replaceChildren(
    h("section", { class: "sub", "aria-labelledby": "partners-h" },
      h("h3", { id: "partners-h", text: `Worked with${window} (${partners.length})` }),
      partners.length
        ? h("ol", { class: "partners" }, partners.map((p) => {
            const id = p.organisationId ?? p.organisation?.id ?? p.node?.id ?? p.id;
            const name = p.name ?? p.organisation?.name ?? p.node?.name ?? id;
            const first = p.firstDate ?? p.first ?? "";
            const last = p.lastDate ?? p.last ?? "";
            const shared = p.shared ?? p.events ?? p.activities ?? [];
            return h("li", {},
              h("button", { type: "button", class: "link-button", onclick: () => open(id), text: name }),
              h("span", { class: "weight", text: ` ${p.weight} shared ${p.weight === 1 ? "activity" : "activities"}` }),
              first ? h("span", { class: "date", text: ` ${formatDate(first)}${last && last !== first ? ` – ${formatDate(last)}` : ""}` }) : null,
              shared.length ? h("details", {}, h("summary", { text: "which" }),
                h("ul", {}, shared.map((s) => h("li", { text: `${s.name ?? s.id}${s.startDate ? ` (${formatDate(s.startDate)})` : ""}` })))) : null);
          }))
        : h("p", { class: "hint", text: "No shared events or programmes in this period." })),
  );
}
