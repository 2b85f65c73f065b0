// A modal dialog (the browser's <dialog>: focus stays inside, Escape closes it, and focus
// returns to what opened it).

import { html, useEffect, useId, useRef } from "../ui.js";

export function Dialog({ title, onClose, children, wide }) {
  const ref = useRef(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement;
    dialog.showModal();
    const first = dialog.querySelector("input, select, textarea, button:not(.dialog-close)");
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return html`<dialog ref=${ref} class=${`crm-dialog${wide ? " wide" : ""}`} aria-labelledby=${titleId}
      onCancel=${(e) => { e.preventDefault(); onClose(); }}>
    <div class="dialog-head">
      <h2 id=${titleId}>${title}</h2>
      <button type="button" class="icon-button dialog-close" aria-label="Close" onClick=${onClose}>×</button>
    </div>
    ${children}
  </dialog>`;
}
