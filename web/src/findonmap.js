// Search and focus inside the map: type a name drawn on the map, and the map zooms to
// it and its partners, the rest faded; Escape (or an empty field) shows everything.

import { debounce } from "./dom.js";

export function findOnMap(input, datalist, view, { onFound, say }) {
  const labels = () => view.cy.nodes().not(".hidden").map((n) => ({ id: n.id(), label: String(n.data("label")), short: String(n.data("short")) }));
  const refresh = debounce(() => {
    const options = labels()
      .sort((a, b) => a.label.localeCompare(b.label, "et"))
      .map((n) => {
        const o = document.createElement("option");
        o.value = n.label;
        return o;
      });
    datalist.replaceChildren(...options);
  }, 200);
  const find = () => {
    const text = input.value.trim().toLocaleLowerCase("et");
    if (!text) {
      view.focusOn(null);
      say("");
      return;
    }
    const all = labels();
    const hit =
      all.find((n) => n.label.toLocaleLowerCase("et") === text || n.short.toLocaleLowerCase("et") === text) ??
      all.find((n) => n.label.toLocaleLowerCase("et").includes(text) || n.short.toLocaleLowerCase("et").includes(text));
    if (hit && view.focusOn(hit.id)) {
      say(`${hit.label} and its ties on the map.`);
      onFound?.(hit.id);
    } else say(`“${input.value.trim()}” is not on the map.`);
  };
  input.addEventListener("change", find);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      find();
    } else if (e.key === "Escape") {
      input.value = "";
      find();
    }
  });
  input.addEventListener("input", () => {
    if (!input.value) find();
  });
  return { refresh };
}
