// The page's exports carry what the server's exports carry: per node the centrality and
// community (the whole network's, under the server's names: centralityPagerank, …,
// community) and the dates; for the cooperation view also the measures on the map
// (weightedDegree, degree, betweenness, mapCommunity) and per tie its weight, counts
// and first and last date. The PNG has a caption with the same meaning.

import { toGraphML } from "./graphml.js";

/** Nodes and edges on screen with the properties an export writes. */
export function exportElements(view, { wholeNetwork } = {}) {
  const { nodes, edges } = view.visibleElements();
  const coop = view.mode === "cooperation";
  return {
    nodes: nodes.map((n) => {
      const properties = { ...(n.properties ?? {}), ...(n.scores ?? {}) };
      const whole = wholeNetwork?.get(n.id);
      if (whole) for (const [k, v] of Object.entries(whole)) properties[k] ??= v;
      if (coop) {
        Object.assign(properties, {
          kind: n.kind,
          weightedDegree: n.strength,
          degree: n.degree,
          betweenness: n.betweenness,
          mapCommunity: n.community,
          firstDate: n.firstDate,
          lastDate: n.lastDate,
        });
      }
      return { ...n, properties };
    }),
    edges: edges.map((e) => {
      if (e.type !== "COOPERATED") return e;
      const properties = { firstDate: e.firstDate, lastDate: e.lastDate };
      for (const k of ["events", "programmes", "services", "relationships", "organisations"]) properties[k] = e[k];
      return { ...e, properties };
    }),
  };
}

export function graphmlOf(view, options) {
  return toGraphML(exportElements(view, options), { directed: view.mode !== "cooperation" });
}

/** The map as a PNG with a caption above it: what it shows, the dates, size and colour. */
export async function pngWithCaption(view, captionLines) {
  const blob = await view.cy.png({ output: "blob-promise", full: true, scale: 2, bg: "#ffffff", maxWidth: 8000 });
  const image = await createImageBitmap(blob);
  const scale = 2;
  const line = 18 * scale;
  const pad = 12 * scale;
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(image.width, 900 * scale);
  canvas.height = image.height + pad * 2 + line * captionLines.length;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#1a1d23";
  captionLines.forEach((text, i) => {
    ctx.font = `${i === 0 ? "bold " : ""}${13 * scale}px system-ui, sans-serif`;
    ctx.fillText(text, pad, pad + line * (i + 0.8), canvas.width - 2 * pad);
  });
  ctx.drawImage(image, 0, pad * 2 + line * captionLines.length);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}
