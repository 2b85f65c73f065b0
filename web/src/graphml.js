// GraphML of what is on screen, built in the page from the drawn elements
// (opens in Gephi, yEd, networkx). Values are XML-escaped; nested values as JSON; an
// attribute whose values are all numbers is a double (Gephi sizes and ranks by it), as
// the server's writer declares them.

function esc(value) {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;")
    // Characters XML 1.0 cannot hold at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

function text(value) {
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function kinds(elements) {
  const found = new Map();
  for (const el of elements) {
    for (const [k, v] of Object.entries(el.properties ?? {})) {
      if (v === undefined || v === null) continue;
      const kind = typeof v === "number" && Number.isFinite(v) ? "double" : typeof v === "boolean" ? "boolean" : "string";
      found.set(k, found.has(k) && found.get(k) !== kind ? "string" : kind);
    }
  }
  return found;
}

export function toGraphML({ nodes, edges }, { directed = true } = {}) {
  const nodeKinds = kinds(nodes);
  const edgeKinds = kinds(edges);
  const reserved = new Set(["label", "type", "weight", "sources"]);
  const nk = [...nodeKinds.keys()].filter((k) => !reserved.has(k)).sort();
  const ek = [...edgeKinds.keys()].filter((k) => !reserved.has(k)).sort();
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    '  <key id="n_label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="n_type" for="node" attr.name="type" attr.type="string"/>',
    ...nk.map((k, i) => `  <key id="n${i}" for="node" attr.name="${esc(k)}" attr.type="${nodeKinds.get(k)}"/>`),
    '  <key id="e_type" for="edge" attr.name="type" attr.type="string"/>',
    '  <key id="e_weight" for="edge" attr.name="weight" attr.type="double"/>',
    '  <key id="e_sources" for="edge" attr.name="sources" attr.type="string"/>',
    ...ek.map((k, i) => `  <key id="e${i}" for="edge" attr.name="${esc(k)}" attr.type="${edgeKinds.get(k)}"/>`),
    `  <graph id="koostoo" edgedefault="${directed ? "directed" : "undirected"}">`,
  ];
  for (const n of nodes) {
    lines.push(`    <node id="${esc(n.id)}">`);
    lines.push(`      <data key="n_label">${esc(n.label ?? n.id)}</data>`);
    lines.push(`      <data key="n_type">${esc(n.type ?? "")}</data>`);
    nk.forEach((k, i) => {
      const v = n.properties?.[k];
      if (v !== undefined && v !== null) lines.push(`      <data key="n${i}">${esc(text(v))}</data>`);
    });
    lines.push("    </node>");
  }
  for (const e of edges) {
    lines.push(`    <edge id="${esc(e.id)}" source="${esc(e.source)}" target="${esc(e.target)}">`);
    lines.push(`      <data key="e_type">${esc(e.type ?? "")}</data>`);
    lines.push(`      <data key="e_weight">${Number(e.weight ?? 1)}</data>`);
    if (e.sources?.length) {
      const cited = e.sources.map((s) => `${s.document?.title ?? s.document?.id ?? "?"}: “${s.quote ?? ""}”`);
      lines.push(`      <data key="e_sources">${esc(cited.join(" | "))}</data>`);
    }
    ek.forEach((k, i) => {
      const v = e.properties?.[k];
      if (v !== undefined && v !== null) lines.push(`      <data key="e${i}">${esc(text(v))}</data>`);
    });
    lines.push("    </edge>");
  }
  lines.push("  </graph>", "</graphml>", "");
  return lines.join("\n");
}
