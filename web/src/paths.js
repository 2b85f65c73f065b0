// The path finder's results: each path drawn on the graph and explained hop by hop
// (relationship or shared event, date, source).

import { formatDate } from "./dates.js";
import { h } from "./dom.js";
import { sourceItem } from "./profile.js";
import { relPhrase } from "./types.js";

const first = (obj, keys) => {
  for (const k of keys) if (obj?.[k] !== undefined && obj?.[k] !== null) return obj[k];
  return undefined;
};


const nodeOf = (x) =>
  x && typeof x === "object"
    ? { id: x.id, type: x.type ?? x.__typename, label: x.label ?? x.name ?? x.title ?? x.id, properties: { startDate: x.startDate, endDate: x.endDate } }
    : null;

/** The relationship between `end` and the hop's other side, as cytoscape draws it. */
function tieEdge(endId, otherId, tie, sources, date) {
  const type = tie?.type ?? "TIE";
  const [from, to] = tie?.outgoing === false ? [otherId, endId] : [endId, otherId];
  return { id: `${type}:${from}->${to}`, source: from, target: to, type, sources, properties: { ...(tie?.properties ?? {}), ...(date ? { date } : {}) } };
}

/**
 * One path from the API as {nodes, hops, edges}. A hop is either a direct tie
 * (RELATIONSHIP) or two parties of the same event, programme or service (SHARED, `via`).
 */
export function normalisePath(path, labelOf) {
  const nodes = new Map();
  const edges = [];
  const add = (n) => {
    if (n && !nodes.has(n.id)) nodes.set(n.id, n);
  };
  const hops = (first(path, ["hops", "steps"]) ?? []).map((hop) => {
    const source = nodeOf(hop.source);
    const target = nodeOf(hop.target);
    const via = nodeOf(hop.via);
    [source, via, target].forEach(add);
    const date = first(hop, ["dateFrom", "date", "from"]) ?? via?.properties.startDate;
    const sources = hop.sources ?? [];
    if (via) {
      edges.push(tieEdge(source.id, via.id, hop.sourceTie, sources, date));
      edges.push(tieEdge(target.id, via.id, hop.targetTie ?? hop.sourceTie, sources, date));
    } else {
      edges.push(tieEdge(source.id, target.id, hop.sourceTie ?? { type: hop.type }, sources, date));
    }
    return {
      source: source.id,
      target: target.id,
      via,
      kind: hop.kind,
      type: hop.sourceTie?.type ?? hop.type ?? "TIE",
      role: hop.sourceTie?.role,
      date,
      dateTo: hop.dateTo,
      strength: hop.strength,
      explanation: hop.explanation,
      sources,
    };
  });
  const label = (id) => nodes.get(id)?.label ?? labelOf(id) ?? id;
  return {
    nodes: [...nodes.values()],
    edges,
    hops,
    label,
    kind: path.kind,
    length: first(path, ["length"]) ?? hops.length,
    strength: first(path, ["strength", "weight", "score"]),
  };
}

/** Elements for the graph view from a normalised path. */
export function pathNetwork(p) {
  return { nodes: p.nodes, edges: p.edges };
}

export function renderPaths(container, paths, { onShow }) {
  if (!paths.length) {
    container.replaceChildren(h("p", { class: "hint", text: "No path within that many hops." }));
    return;
  }
  container.replaceChildren(
    h("ol", { class: "path-list" }, paths.map((p, i) =>
      h("li", { class: "path-card" },
        h("div", { class: "path-head" },
          h("strong", { text: `${p.kind ? `${String(p.kind).toLowerCase()} path` : `Path ${i + 1}`}: ${p.length} hop${p.length === 1 ? "" : "s"}` }),
          p.strength !== undefined ? h("span", { class: "weight", text: ` strength ${p.strength}` }) : null,
          h("button", { type: "button", class: "link-button", onclick: () => onShow(i), text: "Highlight" })),
        h("ol", { class: "hops" }, p.hops.map((hop) =>
          h("li", {},
            h("span", { class: "hop-line" },
              h("b", { text: p.label(hop.source) }),
              hop.via
                ? h("span", {}, " and ", h("b", { text: p.label(hop.target) }), " both in ", h("i", { text: hop.via.label }))
                : h("span", {}, ` ${relPhrase(hop.type)}${hop.role ? ` (${String(hop.role).toLowerCase()})` : ""} `, h("b", { text: p.label(hop.target) }))),
            hop.explanation ? h("p", { class: "explanation", text: hop.explanation }) : null,
            hop.date ? h("span", { class: "date", text: `${formatDate(hop.date)}${hop.dateTo && hop.dateTo !== hop.date ? ` – ${formatDate(hop.dateTo)}` : ""}` }) : null,
            hop.sources.length ? h("ul", { class: "sources" }, hop.sources.map(sourceItem)) : null)))))),
  );
}
