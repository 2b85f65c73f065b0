// The page's component library: Preact (a small React-compatible renderer, no eval,
// no inline styles) with htm (JSX-like tagged templates, so no compile step and plain
// .js modules). Forms and other stateful views are components; static markup may
// still use `h` from dom.js. Why: web/README.md.

import htm from "htm";
import { h } from "preact";

export { render } from "preact";
export { useEffect, useId, useRef, useState } from "preact/hooks";

/** html`<p class="hint">${text}</p>`: values are text or components, never markup. */
export const html = htm.bind(h);
