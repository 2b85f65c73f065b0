// Runs the graphql-http server audit suite against a live Koostöö server.
// Usage: node audit.mjs URL KEY   → prints one JSON array of {id, name, status, reason}.
import { serverAudits } from "graphql-http";

const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.error("usage: node audit.mjs URL KEY");
  process.exit(2);
}

// Every request carries the API key: the audits test the protocol, not our auth.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set("authorization", `Bearer ${key}`);
  return fetch(input, { ...init, headers });
};

const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === "ok" ? null : result.reason,
  });
}
process.stdout.write(JSON.stringify(results));
