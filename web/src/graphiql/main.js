// The API console: GraphiQL from npm, served by us (no CDN), signed in with the key of
// this tab, or the key of the explorer tab that opened it (same origin only).

import "./workers.js";
import "graphiql/style.css";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { currentKey, keyFromOpener, storeKey, takeKeyFromUrl } from "../auth.js";

const DEFAULT_QUERY = `# Koostöö's API console: your key goes with every request.
# Ctrl-Enter (or ▶) runs the query.
{
  viewer {
    name
    role
  }
}
`;

function show(key) {
  document.getElementById("signin").hidden = true;
  const fetcher = createGraphiQLFetcher({
    url: "/graphql",
    // The key goes with every request, but not into the headers editor: it is not
    // shown on screen, and not saved with GraphiQL's tabs in localStorage. A header
    // typed into the editor still overrides it.
    headers: { Authorization: `Bearer ${key}` },
  });
  createRoot(document.getElementById("graphiql")).render(
    createElement(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      shouldPersistHeaders: false,
    }),
  );
  document.body.dataset.ready = "true";
}

function askForKey() {
  const form = document.getElementById("signin-form");
  document.getElementById("signin").hidden = false;
  document.getElementById("signin-key").focus();
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const key = document.getElementById("signin-key").value.trim();
    if (!key) {
      document.getElementById("signin-error").textContent = "Enter an API key.";
      return;
    }
    storeKey(key);
    show(key);
  });
}

takeKeyFromUrl();
const key = currentKey() ?? keyFromOpener();
if (key) {
  storeKey(key);
  show(key);
} else askForKey();
