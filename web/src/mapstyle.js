// How the map looks: node colours (by community, by organisation kind or by type),
// shapes by type (so meaning never rests on colour alone), edge widths by weight with
// weak ties faded, and labels that are never drawn below 10 px on screen.

import { NODE_TYPES, OTHER_TYPE, typeInfo, words } from "./types.js";

/** Labels are never drawn smaller than this on screen (px). */
export const MIN_LABEL_PX = 10;
/** The on-screen size of the labels that are always drawn (the biggest, the selected). */
export const LABEL_PX = 12;
/** A label's size in the drawing's units: once the zoom makes this at least
 * MIN_LABEL_PX on screen, GraphView labels every node whose label fits without
 * overlapping another (cytoscape's own min-zoomed-font-size rounds the zoom up to a
 * power of two, so it would draw 6 px labels at zoom 0.6). */
export const BASE_LABEL_SIZE = 11;

/** Communities: the Okabe–Ito palette (colour-blind safe), then Paul Tol's muted. */
const COMMUNITY_COLOURS = [
  "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#882255", "#117733",
  "#332288", "#999933", "#aa4499", "#44aa99",
];
const COMMUNITY_REST = "#8c8c8c";

export function communityColour(index) {
  return COMMUNITY_COLOURS[index] ?? COMMUNITY_REST;
}

/** Organisation kinds (graph/models: OrganisationKind), grouped into readable colours. */
const KIND_COLOURS = {
  MINISTRY: "#0b3c8c",
  AGENCY: "#3f7fd1",
  MUNICIPALITY: "#56b4e9",
  COUNCIL: "#7f63b8",
  NGO: "#d55e00",
  FOUNDATION: "#e69f00",
  FUND: "#b58900",
  NETWORK: "#cc79a7",
  RESEARCH: "#009e73",
  UNIVERSITY: "#117733",
  COMPANY: "#6b6b6b",
  RELIGIOUS: "#882255",
  OTHER: "#9e9e9e",
};

export function kindColour(kind) {
  return KIND_COLOURS[kind] ?? KIND_COLOURS.OTHER;
}

export function kindLabel(kind) {
  const special = { NGO: "NGO", RESEARCH: "Research centre" };
  const text = special[kind] ?? words(kind ?? "OTHER");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A node's fill for the colouring chosen: community, kind (actors) or type. */
export function nodeColour(data, colourBy) {
  if (colourBy === "community" && Number.isInteger(data.community)) return communityColour(data.community);
  if (colourBy !== "type" && data.kind && (data.type === "Organisation")) return kindColour(data.kind);
  return typeInfo(data.type).colour;
}

export function stylesheet({ large = false } = {}) {
  const byType = Object.entries(NODE_TYPES).map(([type, info]) => ({
    selector: `node[type = "${type}"]`,
    style: { shape: info.shape },
  }));
  return [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        shape: OTHER_TYPE.shape,
        label: "",
        width: "mapData(size, 0, 1, 14, 64)",
        height: "mapData(size, 0, 1, 14, 64)",
        "font-family": "system-ui, sans-serif",
        "font-size": BASE_LABEL_SIZE,
        color: "#1a1a1a",
        "text-valign": "bottom",
        "text-margin-y": 3,
        // Labels are shortened once in `short`: cytoscape's own ellipsis measures text on
        // every style pass, which costs seconds with 2,000 labels.
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "border-width": 1.5,
        "border-color": "#ffffff",
      },
    },
    ...byType,
    // Always labelled (the biggest that fit, the selected, a path): LABEL_PX on screen
    // whatever the zoom; GraphView sets the font size as the zoom changes.
    // Below MIN_LABEL_PX on screen a label is not drawn at all (zoom in, or hover).
    { selector: "node.labelled", style: { label: "data(short)", "font-size": "data(labelSize)", "z-index": 5 } },
    { selector: "node.focus", style: { "border-width": 4, "border-color": "#111111", "font-weight": "bold", "z-index": 10 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffbf00", "z-index": 11 } },
    {
      selector: "edge",
      style: {
        width: "mapData(w, 1, 8, 1.2, 8)",
        "line-color": "#7d8799",
        "target-arrow-color": "#7d8799",
        "target-arrow-shape": large ? "none" : "triangle",
        "arrow-scale": 0.7,
        "curve-style": large ? "haystack" : "bezier",
        "haystack-radius": 0,
        opacity: 0.8,
      },
    },
    // Cooperation ties have no direction; a weak tie (the fewest shared) is faded.
    { selector: 'edge[type = "COOPERATED"]', style: { "target-arrow-shape": "none", "curve-style": "haystack", "haystack-radius": 0 } },
    { selector: "edge.weak", style: { opacity: 0.28 } },
    { selector: "edge:selected", style: { "line-color": "#ffbf00", "target-arrow-color": "#ffbf00", opacity: 1 } },
    { selector: "node.path", style: { "border-color": "#c2185b", "border-width": 4, opacity: 1, "z-index": 20 } },
    {
      selector: "edge.path",
      style: { "line-color": "#c2185b", "target-arrow-color": "#c2185b", width: 5, opacity: 1, "z-index": 20 },
    },
    { selector: "edge.changed", style: { "line-color": "#1b7837", opacity: 1, "z-index": 15 } },
    { selector: ".faded", style: { opacity: 0.12 } },
    { selector: "edge.faded", style: { opacity: 0.06 } },
    { selector: ".hidden", style: { display: "none" } },
  ];
}
