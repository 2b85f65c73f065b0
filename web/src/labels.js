// Label density: which labels the map always draws. The biggest nodes are labelled as
// long as their labels fit without overlapping each other (greedy, biggest first), and
// the nodes the user is looking at (selected, focused, hovered) always are, a path's
// nodes first wherever their labels fit;
// once the zoom makes labels at least MIN_LABEL_PX high, every label that fits does.
// A label is never drawn over another label or another node.

import { LABEL_PX } from "./mapstyle.js";

let context = null;

function textWidth(text, px) {
  context ??= document.createElement("canvas").getContext("2d");
  context.font = `${px}px system-ui, sans-serif`;
  return context.measureText(text).width;
}

/** The label's box on screen, as cytoscape draws a bottom label (rendered px). */
export function labelBox(node, px = LABEL_PX) {
  const p = node.renderedPosition();
  const half = node.renderedOuterHeight() / 2;
  const w = textWidth(node.data("short") ?? "", px) + 4;
  const h = px * 1.3 + 2;
  const top = p.y + half + 3;
  return { x1: p.x - w / 2, x2: p.x + w / 2, y1: top, y2: top + h };
}

export function overlaps(a, b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/**
 * The ids to label: `keep` always; then `prefer` (a path's nodes) and the biggest
 * visible nodes whose labels fit inside the canvas (`width` × `height`) without
 * overlapping a label already chosen or another node (which would be drawn over it),
 * at most `max` of them.
 */
export function chooseLabels(nodes, { keep = new Set(), prefer = new Set(), max = 14, width, height }) {
  const chosen = [];
  const boxes = [];
  const inside = (b) => b.x1 >= 0 && b.y1 >= 0 && b.x2 <= width && b.y2 <= height;
  const bodies = nodes.map((n) => ({ id: n.id(), box: n.renderedBoundingBox({ includeLabels: false }) }));
  const onNode = (n, box) => bodies.some((b) => b.id !== n.id() && overlaps(b.box, box));
  const sorted = nodes.toArray().sort((a, b) => {
    const k = Number(keep.has(b.id())) - Number(keep.has(a.id()));
    const p = Number(prefer.has(b.id())) - Number(prefer.has(a.id()));
    return k || p || b.data("size") - a.data("size") || String(a.data("label")).localeCompare(String(b.data("label")));
  });
  for (const n of sorted) {
    const must = keep.has(n.id());
    if (!must && chosen.length >= max) break;
    const box = labelBox(n);
    if (must || (inside(box) && !boxes.some((b) => overlaps(b, box)) && !onNode(n, box))) {
      chosen.push(n.id());
      boxes.push(box);
    }
  }
  return new Set(chosen);
}
