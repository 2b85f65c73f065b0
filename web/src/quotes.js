// Sources as people read them: each quote once, with every document it appears in.

import { h } from "./dom.js";

/** [{quote, documents: [{id, title}]}] from [{quote, document}], in first-seen order. */
export function groupByQuote(sources) {
  const groups = new Map();
  for (const s of sources ?? []) {
    const key = (s.quote ?? "").replace(/\s+/g, " ").trim();
    if (!groups.has(key)) groups.set(key, { quote: s.quote, documents: [] });
    const docs = groups.get(key).documents;
    if (s.document && !docs.some((d) => d.id === s.document.id)) docs.push(s.document);
  }
  return [...groups.values()];
}

/** The quotes of `sources` as a list: “quote” — Document A; Document B. */
export function quoteList(sources) {
  const groups = groupByQuote(sources);
  if (!groups.length) return null;
  return h(
    "ul",
    { class: "sources" },
    groups.map((g) =>
      h(
        "li",
        { class: "source" },
        g.quote ? h("blockquote", { text: `“${g.quote}”` }) : null,
        h(
          "p",
          { class: "cite" },
          "— ",
          g.documents.flatMap((d, i) => [i ? "; " : null, h("cite", { text: d.title ?? d.id })]),
        ),
      ),
    ),
  );
}
