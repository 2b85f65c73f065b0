// How each kind of entity looks: colour (Okabe–Ito palette, readable for colour-blind
// users) and shape (so the type never depends on colour alone).

export const NODE_TYPES = {
  Organisation: { colour: "#0072b2", shape: "round-rectangle", label: "Organisation" },
  Person: { colour: "#d55e00", shape: "ellipse", label: "Person" },
  Event: { colour: "#009e73", shape: "diamond", label: "Event" },
  Programme: { colour: "#cc79a7", shape: "hexagon", label: "Programme / project" },
  Service: { colour: "#e69f00", shape: "triangle", label: "Public service" },
  ServiceCategory: { colour: "#a87400", shape: "round-triangle", label: "Service category" },
  Place: { colour: "#56b4e9", shape: "vee", label: "Place" },
  Document: { colour: "#7a7a7a", shape: "rectangle", label: "Document" },
  Topic: { colour: "#6a3d9a", shape: "tag", label: "Topic" },
  Campaign: { colour: "#b2182b", shape: "star", label: "Campaign" },
  Note: { colour: "#4d4d4d", shape: "round-rectangle", label: "Note" },
  Task: { colour: "#4d4d4d", shape: "round-rectangle", label: "Task" },
};

export const OTHER_TYPE = { colour: "#555555", shape: "ellipse", label: "Other" };

export function typeInfo(type) {
  return NODE_TYPES[type] ?? OTHER_TYPE;
}

/**
 * How each relationship type reads between its ends ("is a member of") and whether
 * network views draw it: the model's own words, from `relationshipRules` (main.js
 * loads them once). Until then, or for a type the model does not declare, the code in
 * words.
 */
const RULES = { reads: new Map(), hidden: new Set() };

export function setRelationshipRules(rules) {
  RULES.reads.clear();
  RULES.hidden.clear();
  for (const r of rules ?? []) {
    RULES.reads.set(r.type, r.reads);
    if (r.shown === false) RULES.hidden.add(r.type);
  }
}

export function relPhrase(type) {
  return RULES.reads.get(type) ?? words(type);
}

/** Every relationship type the model declares (from `relationshipRules`). */
export function relationshipTypes() {
  return [...RULES.reads.keys()];
}

/** Relationship types network views draw (all the model declares, less `shown: false`). */
export function shownRelationshipTypes() {
  return [...RULES.reads.keys()].filter((t) => !RULES.hidden.has(t));
}

/** A code in words: "CO_ORGANISER" → "co-organiser", "INFO_DAY" → "info day". */
export function words(code) {
  const special = { CO_ORGANISER: "co-organiser", THINK_TANK_MEETING: "think-tank meeting", NGO: "NGO" };
  return special[code] ?? String(code ?? "").toLowerCase().replaceAll("_", " ");
}

export function humanise(name) {
  // "startDate" → "Start date", "nameEn" → "English name"
  const special = { nameEn: "English name", shortName: "Short name", id: "Id" };
  if (special[name]) return special[name];
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
