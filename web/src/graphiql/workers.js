// Monaco (GraphiQL's editor) runs its language services in web workers. They are
// built next to this page (build.mjs) and loaded from this origin, which the page's
// Content-Security-Policy allows (no blob: or data: workers).

const WORKERS = {
  json: "/graphiql/assets/json.worker.js",
  graphql: "/graphiql/assets/graphql.worker.js",
};

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return new Worker(WORKERS[label] ?? "/graphiql/assets/editor.worker.js", { type: "module" });
  },
};
