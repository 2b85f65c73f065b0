// The path finder's results: each path drawn on the map and explained hop by hop in
// the server's words (the relationship in the direction it was recorded, roles in
// words), with its date and each supporting quote once.

import { formatDate } from "./dates.js";
import { h } from "./dom.js";
import { quoteList } from "./quotes.js";

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
 * One path from the API as {nodes, hops, edges, actors}. A hop is either a direct tie
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
    return { source: source.id, target: target.id, via, kind: hop.kind, date, dateTo: hop.dateTo, strength: hop.strength, explanation: hop.explanation, sources };
  });
  const label = (id) => nodes.get(id)?.label ?? labelOf(id) ?? id;
  const order = hops.length ? [hops[0].source, ...hops.flatMap((x) => (x.via ? [x.via.id, x.target] : [x.target]))] : [];
  return {
    nodes: [...nodes.values()],
    edges,
    hops,
    order,
    label,
    kind: path.kind,
    length: first(path, ["length"]) ?? hops.length,
    strength: first(path, ["strength", "weight", "score"]),
    key: JSON.stringify(hops.map((x) => [x.source, x.via?.id, x.target])),
  };
}

/** Elements for the graph view from a normalised path. */
export function pathNetwork(p) {
  return { nodes: p.nodes, edges: p.edges };
}

/**
 * Titles: "Shortest path" only for the fewest hops, every other one an alternative;
 * the strongest (when it is not the shortest) says so. Strength is explained in one
 * line, and only where paths differ in it.
 */
export function describePaths(paths) {
  const fewest = Math.min(...paths.map((p) => p.length));
  const strengths = paths.map((p) => p.strength).filter((s) => typeof s === "number");
  const strongest = strengths.length ? Math.max(...strengths) : null;
  const differ = new Set(strengths).size > 1;
  return paths.map((p) => {
    const hops = `${p.length} hop${p.length === 1 ? "" : "s"}`;
    const shortest = p.length === fewest;
    const best = differ && p.strength === strongest;
    const title = shortest ? `Shortest path, ${hops}` : `Alternative, ${hops}`;
    const strength = differ
      ? `${best ? "The strongest: " : ""}each step is backed by at least ${p.strength} shared ${p.strength === 1 ? "activity or tie" : "activities or ties"}.`
      : null;
    return { title, strength, shortest };
  });
}

export function renderPaths(container, paths, { onShow }) {
  if (!paths.length) {
    container.replaceChildren(h("p", { class: "hint", text: "No path within that many hops." }));
    return;
  }
  const described = describePaths(paths);
  container.replaceChildren(
    h("ol", { class: "path-list" }, paths.map((p, i) =>
      h("li", { class: "path-card", dataset: { shortest: String(described[i].shortest) } },
        h("div", { class: "path-head" },
          h("strong", { class: "path-title", text: described[i].title }),
          h("button", { type: "button", class: "link-button", onclick: () => onShow(i), text: "Show on map" })),
        described[i].strength ? h("p", { class: "hint path-strength", text: described[i].strength }) : null,
        h("ol", { class: "hops" }, p.hops.map((hop) =>
          h("li", {},
            h("p", { class: "explanation", text: hop.explanation ?? `${p.label(hop.source)} – ${p.label(hop.target)}` }),
            hop.date ? h("span", { class: "date", text: `${formatDate(hop.date)}${hop.dateTo && hop.dateTo !== hop.date ? ` – ${formatDate(hop.dateTo)}` : ""}` }) : null,
            hop.sources.length ? quoteList(hop.sources) : null)))))),
  );
}
