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

/** Relationship types in ARCHITECTURE.md, with how to read them in a sentence. */
export const REL_TYPES = {
  MEMBER_OF: "is a member of",
  PART_OF: "is part of",
  ATTENDED: "took part in",
  ORGANISED: "organised",
  FUNDED: "funded",
  COMMISSIONED: "commissioned",
  IMPLEMENTED: "implemented",
  PROVIDES: "provides",
  IN_CATEGORY: "is in category",
  AVAILABLE_IN: "is available in",
  HELD_AT: "was held at",
  LOCATED_IN: "is located in",
  CONCERNS: "concerns",
  PRODUCED: "produced",
  STAKEHOLDER_IN: "is a stakeholder in",
  ABOUT: "is about",
  COOPERATED: "cooperated with",
  CITED_IN: "is cited in",
};

export function relPhrase(type) {
  return REL_TYPES[type] ?? type.toLowerCase().replaceAll("_", " ");
}

export function humanise(name) {
  // "startDate" → "Start date", "nameEn" → "English name"
  const special = { nameEn: "English name", shortName: "Short name", id: "Id" };
  if (special[name]) return special[name];
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
