// Notes are Markdown, rendered safely: `marked` (from npm) only tokenises the text, and
// the tokens become Preact elements here. No HTML string is ever built or inserted, so
// nothing in a note can become markup: raw HTML in a note is shown as the text it is,
// images are shown as their alt text, and a link keeps only an http(s) or mailto address.

import { Lexer } from "marked";
import { html } from "./ui.js";

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** The note's Markdown as Preact elements (blocks). */
export function Markdown({ text }) {
  const tokens = Lexer.lex(String(text ?? ""), { gfm: true, breaks: true });
  return html`<div class="markdown">${blocks(tokens)}</div>`;
}

function blocks(tokens) {
  return tokens.map(block);
}

function block(t) {
  switch (t.type) {
    case "paragraph":
      return html`<p>${inline(t.tokens)}</p>`;
    case "heading": {
      // headings inside a note stay below the panel's own (h3 and down)
      const level = Math.min(6, t.depth + 3);
      return html`<p class=${`md-h md-h${level}`} role="heading" aria-level=${level}>${inline(t.tokens)}</p>`;
    }
    case "list": {
      const items = t.items.map((item) => html`<li>${item.task ? (item.checked ? "☑ " : "☐ ") : ""}${blocks(item.tokens)}</li>`);
      return t.ordered ? html`<ol start=${t.start || 1}>${items}</ol>` : html`<ul>${items}</ul>`;
    }
    case "blockquote":
      return html`<blockquote>${blocks(t.tokens)}</blockquote>`;
    case "code":
      return html`<pre><code>${t.text}</code></pre>`;
    case "hr":
      return html`<hr />`;
    case "table":
      return html`<table>
        <thead><tr>${t.header.map((c) => html`<th>${inline(c.tokens)}</th>`)}</tr></thead>
        <tbody>${t.rows.map((row) => html`<tr>${row.map((c) => html`<td>${inline(c.tokens)}</td>`)}</tr>`)}</tbody>
      </table>`;
    case "space":
      return null;
    case "text":
      return html`<p>${t.tokens ? inline(t.tokens) : t.text}</p>`;
    default:
      // "html" and anything unknown: the source text, as text
      return html`<p>${t.raw}</p>`;
  }
}

function inline(tokens = []) {
  return tokens.map((t) => {
    switch (t.type) {
      case "strong":
        return html`<strong>${inline(t.tokens)}</strong>`;
      case "em":
        return html`<em>${inline(t.tokens)}</em>`;
      case "del":
        return html`<del>${inline(t.tokens)}</del>`;
      case "codespan":
        return html`<code>${t.text}</code>`;
      case "br":
        return html`<br />`;
      case "link":
        return SAFE_HREF.test(t.href)
          ? html`<a href=${t.href} rel="noopener noreferrer nofollow" target="_blank">${inline(t.tokens)}</a>`
          : html`<span>${inline(t.tokens)}</span>`;
      case "image":
        return t.text ? `[${t.text}]` : "";
      case "text":
        return t.tokens ? inline(t.tokens) : unescape(t.text);
      case "escape":
        return t.text;
      default:
        return t.raw;
    }
  });
}

// marked escapes text for HTML output (&amp; &lt; …); we output text, so undo that.
const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
function unescape(text) {
  return String(text).replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);
}
