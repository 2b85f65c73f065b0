// Prints every GraphQL document the explorer (web/src/queries.js) sends, as JSON lines.
// stdin: {"schema": <the __schema of an introspection result> | null}; null plays a
// server with introspection off, where the explorer falls back to fixed documents.
// Nothing is sent anywhere: `fetch` is replaced by a stub that records the documents.

import { readFileSync } from "node:fs";

const { schema } = JSON.parse(readFileSync(0, "utf8"));
const sent = [];

globalThis.sessionStorage = { getItem: () => "kst_stub", setItem() {}, removeItem() {} };
globalThis.fetch = async (_url, init) => {
  const { query, variables } = JSON.parse(init.body);
  const introspection = query.includes("__schema");
  if (!introspection) sent.push({ query, variables });
  const body =
    introspection && !schema
      ? { errors: [{ message: "introspection is off" }] }
      : { data: introspection ? { __schema: schema } : {} };
  return { status: 200, json: async () => body };
};

const api = await import("../../web/src/api.js");
const q = await import("../../web/src/queries.js");
const caps = await api.loadCapabilities();
if (Boolean(schema) !== caps.introspected) throw new Error("capabilities not as expected");

const calls = [
  () => q.searchEntities(caps, "tootukassa"),
  () => q.searchEntities(caps, "sillamäe", { types: ["Organisation", "Person"] }),
  () => q.loadProfile(caps, "sev"),
  () => q.loadTimeline(caps, "sev"),
  () => q.loadEgoNetwork(caps, "sev", { depth: 3, relationshipTypes: ["MEMBER_OF"], from: "2016", to: "2024" }),
  () => q.loadCentrality(caps),
  () => q.findPaths(caps, "a", "b", { maxHops: 6, limit: 20, asOf: "2020" }),
  () => q.loadCampaigns(caps),
  () => q.loadStakeholderGrid(caps, "c"),
  () => q.loadPartners(caps, "sev", { from: "2016", to: "2024" }),
  () => q.createNote("sev", "Kohtumine"),
];
for (const call of calls) {
  // The stub answers `{}`: reading the answer may fail once the document is recorded.
  await call().catch(() => null);
}
sent.push({ query: "query ExplorerViewer { viewer { name role } }", variables: {} });
for (const doc of sent) console.log(JSON.stringify(doc));
