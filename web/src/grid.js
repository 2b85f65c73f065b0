// The stakeholder grid (power/interest chart) for a campaign: influence upwards,
// interest to the right, stance as colour and symbol, and the same as a table.

import { h, svg } from "./dom.js";
import { unalias } from "./queries.js";

const STANCE = {
  SUPPORT: { colour: "#1b7837", symbol: "+", label: "supports" },
  NEUTRAL: { colour: "#5a5a5a", symbol: "○", label: "neutral" },
  OPPOSE: { colour: "#b2182b", symbol: "−", label: "opposes" },
};

const QUADRANTS = [
  { key: "manageClosely", title: "Manage closely", hint: "high influence, high interest" },
  { key: "keepSatisfied", title: "Keep satisfied", hint: "high influence, low interest" },
  { key: "keepInformed", title: "Keep informed", hint: "low influence, high interest" },
  { key: "monitor", title: "Monitor", hint: "low influence, low interest" },
];

/** Every assessment in the API's answer, wherever it sits (quadrant lists or one list). */
export function assessments(grid) {
  const found = [];
  const seen = new Set();
  const walk = (value) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      if (typeof value.influence === "number" && typeof value.interest === "number") {
        const who = unalias(value.stakeholder ?? value.entity ?? value.node ?? value);
        const id = who.id ?? value.id ?? `${found.length}`;
        if (!seen.has(id)) {
          seen.add(id);
          found.push({
            id,
            name: who.name ?? who.label ?? who.title ?? id,
            influence: value.influence,
            interest: value.interest,
            stance: value.stance ?? "NEUTRAL",
            quadrant: value.quadrant,
          });
        }
      } else Object.values(value).forEach(walk);
    }
  };
  walk(grid);
  return found;
}

function quadrantOf(a) {
  // The API's own quadrant when it gives one (MANAGE_CLOSELY → manageClosely).
  if (a.quadrant) return a.quadrant.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const high = (v) => v >= 3;
  if (high(a.influence) && high(a.interest)) return "manageClosely";
  if (high(a.influence)) return "keepSatisfied";
  if (high(a.interest)) return "keepInformed";
  return "monitor";
}

export function renderGrid(container, grid, { onOpen }) {
  const rows = assessments(grid);
  if (!rows.length) {
    container.replaceChildren(h("p", { class: "hint", text: "No stakeholders are assessed for this campaign yet." }));
    return;
  }
  const size = 300;
  const pad = 34;
  const scale = (v) => pad + ((v - 0.5) / 5) * (size - 2 * pad);
  const chart = svg("svg", { viewBox: `0 0 ${size} ${size}`, role: "img", "aria-labelledby": "grid-title", class: "grid-chart" },
    svg("title", { id: "grid-title", text: "Stakeholders by influence (up) and interest (right)" }),
    svg("rect", { x: pad, y: pad, width: size - 2 * pad, height: size - 2 * pad, fill: "#f7f9fc", stroke: "#9aa5b1" }),
    svg("line", { x1: scale(2.5), x2: scale(2.5), y1: pad, y2: size - pad, stroke: "#9aa5b1", "stroke-dasharray": "4 3" }),
    svg("line", { y1: size - scale(2.5), y2: size - scale(2.5), x1: pad, x2: size - pad, stroke: "#9aa5b1", "stroke-dasharray": "4 3" }),
    svg("text", { x: size / 2, y: size - 6, "text-anchor": "middle", class: "axis", text: "interest →" }),
    svg("text", { x: 12, y: size / 2, "text-anchor": "middle", class: "axis", transform: `rotate(-90 12 ${size / 2})`, text: "influence →" }),
    svg("text", { x: size - pad - 4, y: pad + 12, "text-anchor": "end", class: "quad", text: "Manage closely" }),
    svg("text", { x: pad + 4, y: pad + 12, class: "quad", text: "Keep satisfied" }),
    svg("text", { x: size - pad - 4, y: size - pad - 6, "text-anchor": "end", class: "quad", text: "Keep informed" }),
    svg("text", { x: pad + 4, y: size - pad - 6, class: "quad", text: "Monitor" }),
  );
  const taken = new Map();
  for (const a of rows) {
    const key = `${a.influence}:${a.interest}`;
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    const x = scale(a.interest) + (n % 3) * 9 - 9;
    const y = size - scale(a.influence) + Math.floor(n / 3) * 9;
    const stance = STANCE[a.stance] ?? STANCE.NEUTRAL;
    chart.append(
      svg("g", { class: "dot" },
        svg("title", { text: `${a.name}: influence ${a.influence}, interest ${a.interest}, ${stance.label}` }),
        svg("circle", { cx: x, cy: y, r: 7, fill: stance.colour, stroke: "#fff", "stroke-width": 1.5 }),
        svg("text", { x, y: y + 3.5, "text-anchor": "middle", class: "dot-symbol", text: stance.symbol })),
    );
  }
  const table = h("div", { class: "quadrants" }, QUADRANTS.map((q) => {
    const members = rows.filter((a) => quadrantOf(a) === q.key);
    return h("section", { class: "quadrant", "aria-label": q.title },
      h("h3", { text: `${q.title} (${members.length})` }),
      h("p", { class: "hint", text: q.hint }),
      h("ul", {}, members.map((a) => h("li", {},
        h("button", { type: "button", class: "link-button", onclick: () => onOpen(a.id), text: a.name }),
        h("span", { class: `stance stance-${a.stance}`, text: ` ${(STANCE[a.stance] ?? STANCE.NEUTRAL).label}` })))));
  }));
  container.replaceChildren(chart, table);
}
