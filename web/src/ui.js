// The page's component library: Preact (a small React-compatible renderer, no eval,
// no inline styles) with htm (JSX-like tagged templates, so no compile step and plain
// .js modules). Forms and other stateful views are components; static markup may
// still use `h` from dom.js. Why: web/README.md.

import htm from "htm";
import { h } from "preact";

import { useState } from "preact/hooks";

export { render } from "preact";
export { useEffect, useRef, useState } from "preact/hooks";

let ids = 0;
/**
 * An id unique in the whole page, kept for the component's life. (Preact's own `useId`
 * counts per render root, and the page has several: the profile panel's slots, the
 * views, the dialogs; two roots gave two elements one id, so a `<label for>`, an
 * `aria-controls` or a dialog's `aria-labelledby` named the wrong element.)
 */
export function useId() {
  const [id] = useState(() => `ui-${++ids}`);
  return id;
}

/** html`<p class="hint">${text}</p>`: values are text or components, never markup. */
export const html = htm.bind(h);
