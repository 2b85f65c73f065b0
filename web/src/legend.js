// The legend: what colour, size and lines mean on the map now. It sits under the map,
// never over it.

import { h } from "./dom.js";
import { communityColour, kindColour, kindLabel } from "./mapstyle.js";
import { NODE_TYPES, typeInfo } from "./types.js";

function item(colour, text, shapeType) {
  return h("li", {},
    h("span", { class: `swatch${shapeType ? ` shape type-${shapeType}` : ""}`, style: null, dataset: { colour }, "aria-hidden": "true" }),
    text);
}

export function renderLegend(container, view) {
  if (!view) return;
  const present = view.typesPresent();
  const coop = view.mode === "cooperation";
  const items = [];
  let colourText;
  if (view.colourBy === "community" && coop) {
    colourText = "Colour: community (worked together most)";
    for (const c of present.communities) items.push(item(communityColour(c), `Group ${c + 1}`));
  } else if (view.colourBy === "kind" && present.kinds.length) {
    colourText = "Colour: kind of organisation";
    for (const k of present.kinds) items.push(item(kindColour(k), kindLabel(k)));
    for (const t of present.nodes.filter((t) => t !== "Organisation")) items.push(item(typeInfo(t).colour, typeInfo(t).label, t));
  } else {
    colourText = "Colour and shape: type";
    const types = Object.keys(NODE_TYPES).filter((t) => present.nodes.includes(t));
    for (const t of types) items.push(item(typeInfo(t).colour, typeInfo(t).label, t));
  }
  const lines = coop
    ? "Line: thicker = more shared; faint = once; click one for what they shared."
    : "Line: a relationship; thicker = more shared. Pink: a found path.";
  container.replaceChildren(
    h("p", { class: "legend-colour", text: `${colourText}:` }),
    h("ul", { class: "legend-items" }, items),
    h("p", { class: "legend-size", text: `Size: ${view.sizeMeaning}.` }),
    h("p", { class: "legend-lines", text: lines }),
  );
  // Swatch colours through the CSSOM (the page's CSP refuses inline style attributes).
  for (const el of container.querySelectorAll(".swatch[data-colour]")) el.style.background = el.dataset.colour;
}
