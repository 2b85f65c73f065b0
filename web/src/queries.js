// The GraphQL operations the page runs. Each checks what the server offers
// (see Capabilities in api.js) so that the page works while the API grows.

import { gql, namedType } from "./api.js";

const SOURCES = "sources { quote document { id title } }";

/** The field that names an entity of this type: name, else title, else id. */
function nameField(caps, typeName) {
  if (caps.hasField(typeName, "name")) return "name";
  if (caps.hasField(typeName, "title")) return "title";
  return null;
}

function entityTypes(caps) {
  const found = caps.implementations("Node");
  return found.length ? found : ["Organisation"];
}

function typeSig(ref) {
  return ref ? `${ref.kind}:${ref.name ?? ""}(${typeSig(ref.ofType)})` : "";
}

/**
 * Inline fragments, one per type, selecting `fieldsByType[type]`. GraphQL refuses two
 * fragments that select the same name with different types (Organisation.kind is an
 * OrganisationKind, Event.kind an EventKind), so such fields get a per-type alias
 * `name__Type`, which `unalias` folds back.
 */
function fragments(caps, fieldsByType) {
  const sigs = new Map();
  for (const [t, fields] of Object.entries(fieldsByType)) {
    for (const f of fields) {
      const def = caps.fieldsOf(t).find((x) => x.name === f);
      const sig = typeSig(def?.type);
      if (!sigs.has(f)) sigs.set(f, new Set());
      sigs.get(f).add(sig);
    }
  }
  return Object.entries(fieldsByType)
    .filter(([, fields]) => fields.length)
    .map(([t, fields]) => {
      const sel = fields.map((f) => ((sigs.get(f)?.size ?? 0) > 1 ? `${f}__${t}: ${f}` : f));
      return `... on ${t} { ${sel.join(" ")} }`;
    })
    .join(" ");
}

export function unalias(obj) {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[k.includes("__") && !k.startsWith("__") ? k.split("__")[0] : k] = v;
  return out;
}

/** Inline fragments that give id, type and a display name for any entity. */
function labelFragments(caps) {
  const byType = {};
  for (const t of entityTypes(caps)) {
    const name = nameField(caps, t);
    byType[t] = name ? [name, ...(caps.hasField(t, "shortName") ? ["shortName"] : [])] : [];
  }
  return fragments(caps, byType);
}

function toItem(raw) {
  const node = unalias(raw);
  if (!node) return null;
  const label = node.name ?? node.title ?? node.label ?? node.id;
  const short = node.shortName && node.shortName !== label ? ` (${node.shortName})` : "";
  return { id: node.id, type: node.__typename ?? node.type, label: `${label}${short}` };
}

/** Accent-insensitive search: the API's `search` when it exists, else organisations by name. */
export async function searchEntities(caps, text, { types, first = 10 } = {}) {
  if (caps.has("search")) {
    const field = caps.query.get("search");
    const ret = field ? namedType(field.type) : null;
    const retType = ret ? caps.type(ret.name) : null;
    const retFields = new Set((retType?.fields ?? []).map((f) => f.name));
    const connection = retFields.has("nodes") || retFields.has("edges");
    const inner = connection ? caps.type(namedType(retType.fields.find((f) => f.name === (retFields.has("nodes") ? "nodes" : "edges")).type).name) : retType;
    const innerFields = new Set((inner?.fields ?? []).map((f) => f.name));
    // Results are either entities, or hits wrapping one in `node` (with a score).
    let selection;
    if (innerFields.has("node")) {
      selection = `node { __typename id ${labelFragments(caps)} }${innerFields.has("score") ? " score" : ""}${innerFields.has("match") ? " match" : ""}`;
    } else {
      selection = `__typename id ${labelFragments(caps)}`;
    }
    const wrap = connection ? (retFields.has("nodes") ? `nodes { ${selection} }` : `edges { node { ${selection} } }`) : selection;
    const args = ["text: $text", "first: $first"];
    const vars = { text, first };
    if (types?.length && caps.arg("search", "types")) {
      args.push("types: $types");
      vars.types = types;
    }
    const typesDecl = vars.types ? `, $types: [${typesArgType(caps)}!]` : "";
    const data = await gql(
      `query ExplorerSearch($text: String!, $first: Int${typesDecl}) { search(${args.join(", ")}) { ${wrap} } }`,
      vars,
    );
    let rows = data.search;
    if (connection) rows = rows.nodes ?? rows.edges.map((e) => e.node);
    return rows
      .map((r) => {
        const item = toItem(r.node ?? r);
        // how the hit matched (`SearchMatch`): the picker offers FUZZY/PARTIAL hits as "did you mean"
        if (item && r.match) item.match = r.match;
        return item;
      })
      .filter(Boolean);
  }
  const data = await gql(
    `query ExplorerSearchOrganisations($text: String!, $first: Int!) {
      organisations(first: $first, filter: { nameContains: $text }) { nodes { __typename id name shortName } }
    }`,
    { text, first },
  );
  return data.organisations.nodes.map(toItem);
}

function typesArgType(caps) {
  const arg = caps.query.get("search")?.args.find((a) => a.name === "types");
  if (arg?.type) return namedType(arg.type).name;
  // the capabilities query lists arguments by name only: the API's enum, where it has one
  return caps.type("SearchType") ? "SearchType" : "String";
}

const SKIP_FIELDS = new Set(["searchText", "sortKey"]);

/** Every scalar field of every entity type, plus aliases and sources where they exist. */
function profileFragments(caps) {
  const byType = {};
  for (const t of entityTypes(caps)) {
    byType[t] = caps
      .fieldsOf(t)
      .filter((f) => !SKIP_FIELDS.has(f.name) && !f.args?.length && f.name !== "id")
      .filter((f) => ["SCALAR", "ENUM"].includes(namedType(f.type)?.kind))
      .map((f) => f.name);
  }
  if (caps.fieldsOf("Entity").some((f) => f.name === "sources")) {
    return `${fragments(caps, byType)} ... on Entity { ${SOURCES} }`;
  }
  const withSources = entityTypes(caps).filter((t) => caps.hasField(t, "sources"));
  return `${fragments(caps, byType)} ${withSources.map((t) => `... on ${t} { ${SOURCES} }`).join(" ")}`;
}

export async function loadProfile(caps, id) {
  const selection = caps.introspected
    ? profileFragments(caps)
    : `... on Organisation { name kind shortName nameEn website description tags aliases ${SOURCES} }`;
  const data = await gql(
    `query ExplorerProfile($id: ID!) { node(id: $id) { __typename id ${selection} } }`,
    { id },
  );
  return unalias(data.node);
}

export async function loadTimeline(caps, id) {
  if (!caps.has("timeline")) return null;
  const field = caps.query.get("timeline");
  const ret = field ? caps.type(namedType(field.type).name) : null;
  const names = new Set((ret?.fields ?? []).map((f) => f.name));
  const listField = ["items", "nodes", "entries"].find((n) => names.has(n));
  const itemType = listField ? caps.type(namedType(ret.fields.find((f) => f.name === listField).type).name) : ret;
  const selection = scalarSelection(caps, itemType, ["date", "kind", "type", "title", "label", "summary", "description", "role", "action", "actor", "id", "at", "when", "what", "entityId"]);
  const body = listField ? `${listField} { ${selection} }` : selection;
  const data = await gql(`query ExplorerTimeline($id: ID!) { timeline(id: $id) { ${body} } }`, { id });
  const rows = listField ? data.timeline?.[listField] : data.timeline;
  return rows ?? [];
}

/** The preferred scalar fields that exist on `type` (all of them when unknown). */
function scalarSelection(caps, type, preferred) {
  if (!type?.fields) return preferred.slice(0, 4).join(" ");
  const present = type.fields.filter((f) => {
    const k = namedType(f.type)?.kind;
    return (k === "SCALAR" || k === "ENUM") && !f.args?.length;
  });
  const names = present.map((f) => f.name);
  const chosen = preferred.filter((n) => names.includes(n));
  return (chosen.length ? chosen : names.slice(0, 6)).join(" ");
}

const NETWORK_FIELDS = `nodes { id type label properties }
  edges { id source target type weight properties ${SOURCES} }`;

/** The ego network around `id`; null when the API has no egoNetwork yet. */
export async function loadEgoNetwork(caps, id, { depth = 2, relationshipTypes, from, to } = {}) {
  if (!caps.has("egoNetwork")) return null;
  const args = ["id: $id", "depth: $depth"];
  const decl = ["$id: ID!", "$depth: Int"];
  const vars = { id, depth };
  if (from && caps.arg("egoNetwork", "from")) {
    args.push("from: $from");
    decl.push(`$from: ${argType(caps, "egoNetwork", "from")}`);
    vars.from = from;
  }
  if (to && caps.arg("egoNetwork", "to")) {
    args.push("to: $to");
    decl.push(`$to: ${argType(caps, "egoNetwork", "to")}`);
    vars.to = to;
  }
  if (caps.introspected && caps.arg("egoNetwork", "maxNodes")) {
    // The server caps ego networks (500 by default); the page draws up to 2,000 well.
    args.push("maxNodes: 2000");
  }
  if (relationshipTypes?.length && caps.arg("egoNetwork", "relationshipTypes")) {
    args.push("relationshipTypes: $rels");
    decl.push(`$rels: [${argType(caps, "egoNetwork", "relationshipTypes")}!]`);
    vars.rels = relationshipTypes;
  }
  const data = await gql(
    `query ExplorerEgo(${decl.join(", ")}) { egoNetwork(${args.join(", ")}) { ${networkSelection(caps, "egoNetwork")} } }`,
    vars,
  );
  return data.egoNetwork;
}

/** The network selection, leaving out fields the server does not have yet. */
function networkSelection(caps, field) {
  if (!caps.introspected) return NETWORK_FIELDS;
  const ret = caps.type(namedType(caps.query.get(field).type).name);
  const nodesType = caps.type(namedType(ret.fields.find((f) => f.name === "nodes").type).name);
  const edgesType = caps.type(namedType(ret.fields.find((f) => f.name === "edges").type).name);
  const pick = (type, wanted) =>
    wanted.filter((w) => type.fields.some((f) => f.name === w.split(" ")[0])).join(" ");
  const truncated = ret.fields.some((f) => f.name === "truncated") ? "truncated" : "";
  return `nodes { ${pick(nodesType, ["id", "type", "label", "properties"])} }
    edges { ${pick(edgesType, ["id", "source", "target", "type", "weight", "properties", SOURCES])} } ${truncated}`;
}

function argType(caps, field, arg) {
  const a = caps.query.get(field)?.args.find((x) => x.name === arg);
  if (!a?.type) return "String";
  return namedType(a.type).name;
}

/**
 * PageRank by entity id over the API's actor networks (organisations, people), each
 * scaled to 0..1; null when the API computes no centrality.
 */
export async function loadCentrality(caps) {
  if (!caps.has("centrality")) return null;
  const networks = caps.introspected && caps.arg("centrality", "network") ? caps.enumValues("ActorNetwork") : [];
  const metric = caps.enumValues("CentralityMetric").includes("PAGERANK") || !caps.introspected ? "PAGERANK" : "DEGREE";
  const parts = networks.length
    ? networks.map((n) => `${n.toLowerCase()}: centrality(metric: ${metric}, network: ${n}, first: 1000) { id score }`)
    : [`all: centrality(metric: ${metric}, first: 1000) { id score }`];
  const data = await gql(`query ExplorerCentrality { ${parts.join(" ")} }`);
  const scores = new Map();
  for (const rows of Object.values(data)) {
    const max = Math.max(0, ...rows.map((r) => r.score));
    for (const r of rows) scores.set(r.id, max > 0 ? r.score / max : 0);
  }
  return { scores, metric };
}

/** Explained paths between two entities; null when the API has no `paths` yet. */
export async function findPaths(caps, from, to, { maxHops = 4, limit = 3, asOf } = {}) {
  if (!caps.has("paths")) return null;
  const vars = { from, to, maxHops, limit };
  const decl = ["$from: ID!", "$to: ID!", "$maxHops: Int", "$limit: Int"];
  const args = ["from: $from", "to: $to", "maxHops: $maxHops", "limit: $limit"];
  if (asOf && caps.arg("paths", "asOf")) {
    decl.push(`$asOf: ${argType(caps, "paths", "asOf")}`);
    args.push("asOf: $asOf");
    vars.asOf = asOf;
  }
  const data = await gql(
    `query ExplorerPaths(${decl.join(", ")}) { paths(${args.join(", ")}) { ${pathSelection(caps)} } }`,
    vars,
  );
  const found = data.paths;
  if (Array.isArray(found)) return found;
  // {shortest: [...], strongest: [...], …}: one list, each path tagged, duplicates once;
  // the scalars beside the lists (e.g. detoursSearched) are not paths.
  const out = [];
  const seen = new Set();
  for (const [kind, list] of Object.entries(found ?? {})) {
    if (!Array.isArray(list)) continue;
    for (const path of list) {
      const key = JSON.stringify((path.hops ?? []).map((h) => [h.source?.id, h.via?.id, h.target?.id]));
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...path, kind });
    }
  }
  return out;
}

/** Selects every scalar on a path, its nodes and its hops (whatever the server names them). */
function pathSelection(caps) {
  const field = caps.query.get("paths");
  if (!field) return "kind length nodes { id type label } hops { source target type date explanation " + SOURCES + " }";
  return selectionFor(caps, namedType(field.type).name, 0, new Set());
}

function selectionFor(caps, typeName, depth, seen) {
  const type = caps.type(typeName);
  // A reference to an entity (Node/Entity interface): its id, type and name only.
  if (type?.kind === "INTERFACE" || type?.kind === "UNION") return `__typename id ${labelFragments(caps)}`;
  if (!type?.fields || depth > 3) return "__typename";
  const parts = [];
  for (const f of type.fields) {
    if (f.args?.length) continue;
    const t = namedType(f.type);
    if (t.kind === "SCALAR" || t.kind === "ENUM") parts.push(f.name);
    else if (["OBJECT", "INTERFACE", "UNION"].includes(t.kind) && !seen.has(`${typeName}.${f.name}`)) {
      if (f.name === "sources") parts.push(SOURCES);
      else {
        const inner = selectionFor(caps, t.name, depth + 1, new Set([...seen, `${typeName}.${f.name}`]));
        parts.push(`${f.name} { ${inner} }`);
      }
    }
  }
  return parts.join(" ") || "__typename";
}

/** Whether a campaign is one of the seeded examples (its description says so first). */
export function isExampleCampaign(campaign) {
  return /^Example campaign\b/.test(campaign?.description ?? "");
}

export async function loadCampaigns(caps) {
  if (!caps.has("campaigns")) return null;
  const field = caps.query.get("campaigns");
  const ret = caps.type(namedType(field.type).name);
  const isConnection = ret?.fields?.some((f) => f.name === "nodes");
  const fields = caps.hasField("Campaign", "description") ? "id name description" : "id name";
  const inner = isConnection ? `nodes { ${fields} }` : fields;
  const firstArg = caps.arg("campaigns", "first") ? "(first: 100)" : "";
  const data = await gql(`query ExplorerCampaigns { campaigns${firstArg} { ${inner} } }`);
  return isConnection ? data.campaigns.nodes : data.campaigns;
}

export async function loadStakeholderGrid(caps, campaignId) {
  if (!caps.has("stakeholderGrid")) return null;
  const field = caps.query.get("stakeholderGrid");
  const sel = selectionFor(caps, namedType(field.type).name, 0, new Set());
  const data = await gql(
    `query ExplorerGrid($id: ID!) { stakeholderGrid(campaignId: $id) { ${sel} } }`,
    { id: campaignId },
  );
  return data.stakeholderGrid;
}

/** Cooperating organisations (shared events and programmes) in a date window. */
export async function loadPartners(caps, organisationId, { from, to } = {}) {
  if (!caps.has("partners")) {
    if (!caps.hasField("Organisation", "partners")) return null;
    // Organisation.partners: all-time partners with first and last shared date.
    const data = await gql(
      `query ExplorerOrgPartners($id: ID!) { organisation(id: $id) { partners(first: 100) {
        edges { shared firstDate lastDate node { id name shortName } } } } }`,
      { id: organisationId },
    );
    const rows = (data.organisation?.partners.edges ?? []).map((e) => ({
      id: e.node.id,
      name: e.node.shortName ? `${e.node.name} (${e.node.shortName})` : e.node.name,
      weight: e.shared,
      firstDate: e.firstDate,
      lastDate: e.lastDate,
    }));
    // Keep partners whose shared activity overlaps the window (all-time counts).
    return rows.filter((p) => overlaps(p.firstDate, p.lastDate, from, to));
  }
  const field = caps.query.get("partners");
  const sel = selectionFor(caps, namedType(field.type).name, 0, new Set());
  const decl = ["$id: ID!"];
  const args = ["organisationId: $id"];
  const vars = { id: organisationId };
  if (from && caps.arg("partners", "from")) {
    decl.push(`$from: ${argType(caps, "partners", "from")}`);
    args.push("from: $from");
    vars.from = from;
  }
  if (to && caps.arg("partners", "to")) {
    decl.push(`$to: ${argType(caps, "partners", "to")}`);
    args.push("to: $to");
    vars.to = to;
  }
  const data = await gql(`query ExplorerPartners(${decl.join(", ")}) { partners(${args.join(", ")}) { ${sel} } }`, vars);
  return data.partners;
}

function overlaps(first, last, from, to) {
  if (!from && !to) return true;
  if (!first && !last) return false;
  const start = String(first ?? last).slice(0, 4);
  const end = String(last ?? first).slice(0, 4);
  return (!from || end >= String(from)) && (!to || start <= String(to));
}

const CREATE_NOTE = `mutation ExplorerCreateNote($input: CreateNoteInput!) {
  createNote(input: $input) {
    __typename
    ... on Note { id }
    ... on ValidationProblem { message problems { field message } }
    ... on NotFoundProblem { message }
  }
}`;

/**
 * Save a note about an entity. Returns `{ note }`, or `{ problems }`: the server's
 * refusal as `[{ field, message }]`, `field` being the input's own name ("body"), or
 * null for a problem that is not about one field.
 */
export async function createNote(about, body) {
  const result = (await gql(CREATE_NOTE, { input: { about: [about], body } })).createNote;
  if (result.__typename === "Note") return { note: result };
  const problems = result.problems?.length
    ? result.problems.map((p) => ({ field: p.field.replace(/^input\./, "").split(".")[0], message: p.message }))
    : [{ field: null, message: result.message }];
  return { problems };
}

// ---- maps (issue 26): the cooperation view, what a tie shared, what changed ---------

const COOPERATION_NETWORK = `query ExplorerCooperation($network: ActorNetwork, $centre: ID, $depth: Int,
    $from: String, $to: String, $minWeight: Int, $maxNodes: Int) {
  cooperationNetwork(network: $network, centre: $centre, depth: $depth, from: $from, to: $to,
                     minWeight: $minWeight, maxNodes: $maxNodes) {
    network centre { id type label } from to minWeight truncated
    nodes { id type label shortName kind degree strength betweenness community firstDate lastDate scores }
    ties { id source target weight events programmes services relationships organisations
           firstDate lastDate sharedDates }
  }
}`;

/**
 * Who worked with whom, as the map draws it: actors and one weighted tie per pair
 * (`cooperationNetwork`); null when the server has no such field.
 */
export async function loadCooperationNetwork(caps, { network = "ORGANISATIONS", centre = null, depth = 1, from = null, to = null, minWeight = 1, maxNodes = 300 } = {}) {
  if (!caps.has("cooperationNetwork")) return null;
  const data = await gql(COOPERATION_NETWORK, { network, centre, depth, from, to, minWeight, maxNodes });
  return data.cooperationNetwork;
}

const COOPERATION_SHARED = `query ExplorerCooperationShared($a: ID!, $b: ID!, $network: ActorNetwork,
    $from: String, $to: String) {
  cooperationShared(a: $a, b: $b, network: $network, from: $from, to: $to) {
    a { id type label } b { id type label } weight firstDate lastDate
    items { kind id type name itemKind startDate endDate explanation
            ${SOURCES} }
  }
}`;

/** What two actors shared (the items behind a tie), each explained and sourced. */
export async function loadCooperationShared(caps, a, b, { network = "ORGANISATIONS", from = null, to = null } = {}) {
  if (!caps.has("cooperationShared")) return null;
  return (await gql(COOPERATION_SHARED, { a, b, network, from, to })).cooperationShared;
}

const NETWORK_DIFF = `query ExplorerNetworkDiff($from: String!, $to: String!) {
  networkDiff(from: $from, to: $to) {
    from to
    formed { kind sourceId sourceName targetId targetName date viaId viaName }
    ended { kind sourceId sourceName targetId targetName date viaId viaName }
  }
}`;

/** Ties formed and ended between two (partial) dates; null without `networkDiff`. */
export async function loadNetworkDiff(caps, from, to) {
  if (!caps.has("networkDiff")) return null;
  return (await gql(NETWORK_DIFF, { from, to })).networkDiff;
}

/** How each relationship type reads and whether network views draw it (the model's). */
export async function loadRelationshipRules(caps) {
  if (!caps.has("relationshipRules")) return [];
  return (await gql("query ExplorerRelationshipRules { relationshipRules { type fromType toType reads shown } }")).relationshipRules;
}

/** The type of an entity (Organisation, Person, Event, …), or null when unknown. */
export async function loadEntityType(id) {
  const data = await gql("query ExplorerEntityType($id: ID!) { node(id: $id) { __typename } }", { id });
  return data.node?.__typename ?? null;
}

/**
 * The whole network's PageRank and community of every organisation and person, under
 * the names the server's exports give them (`centralityPagerank`, `community`); for the
 * page's GraphML. null when the server computes neither.
 */
export async function loadWholeNetworkScores(caps) {
  if (!caps.has("centrality") || !caps.has("communities")) return null;
  const data = await gql(`query ExplorerWholeScores {
    organisationRanks: centrality(metric: PAGERANK, network: ORGANISATIONS, first: 1000) { id score }
    peopleRanks: centrality(metric: PAGERANK, network: PEOPLE, first: 1000) { id score }
    organisationCommunities: communities(network: ORGANISATIONS, minSize: 1) { index members { id } }
    peopleCommunities: communities(network: PEOPLE, minSize: 1) { index members { id } }
  }`);
  const scores = new Map();
  const at = (id) => scores.get(id) ?? scores.set(id, {}).get(id);
  for (const r of [...data.organisationRanks, ...data.peopleRanks]) at(r.id).centralityPagerank = r.score;
  for (const c of [...data.organisationCommunities, ...data.peopleCommunities]) {
    for (const m of c.members) at(m.id).community = c.index;
  }
  return scores;
}
