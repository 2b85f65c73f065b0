// The map's controls around the drawing: which view (organisations, people, all ties),
// the colouring, the minimum weight, find on the map, the legend and status under it,
// the time bar (slider, play, what changed) and the exports. main.js opens entities;
// this module decides how the map shows them.

import { monthIndex } from "./dates.js";
import { $, download, h, toast } from "./dom.js";
import { findOnMap } from "./findonmap.js";
import { renderLegend } from "./legend.js";
import { exportElements, graphmlOf, pngWithCaption } from "./mapexport.js";
import { kindLabel } from "./mapstyle.js";
import { loadCooperationNetwork, loadEgoNetwork, loadNetworkDiff } from "./queries.js";
import { TimeBar, renderDiff } from "./timebar.js";
import { shownRelationshipTypes, typeInfo } from "./types.js";

/** Views of the map, and which kinds of centre each can be drawn around. */
export const VIEWS = {
  organisations: { network: "ORGANISATIONS", label: "Organisations", centres: ["Organisation", "Event", "Programme", "Service"] },
  people: { network: "PEOPLE", label: "People", centres: ["Person", "Organisation", "Event", "Programme"] },
  all: { network: null, label: "All ties", centres: null },
};

/** The view a question about an entity of `type` opens in. */
export function defaultView(type) {
  if (type === "Person") return "people";
  if (VIEWS.organisations.centres.includes(type)) return "organisations";
  return "all";
}

export class MapControl {
  /** `onRedrawn()`: the map was drawn again around the same centre (view or weight). */
  constructor(view, { caps, years, onSelect, onRedrawn }) {
    Object.assign(this, { view, caps, years, onSelect, onRedrawn });
    this.current = "organisations";
    this.centre = null; // {id, type, label}
    this.timebar = new TimeBar({ slider: $("time-slider"), output: $("time-output"), play: $("time-play"), view, range: years });
    this.finder = findOnMap($("map-find"), $("map-names"), view, { onFound: onSelect, say: (t) => { $("map-find-status").textContent = t; } });
    for (const input of document.querySelectorAll('input[name="map-view"]')) {
      input.addEventListener("change", () => input.checked && this.switchView(input.value));
    }
    $("colour-by").addEventListener("change", () => {
      view.setColourBy($("colour-by").value);
      this.legend();
    });
    $("min-weight").addEventListener("change", () => this.centre && this.redraw());
    $("diff-run").addEventListener("click", () => this.whatChanged());
    // On a phone the legend starts folded: the map needs the height.
    if (window.matchMedia("(max-width: 700px)").matches) $("legend-box").open = false;
  }

  get viewName() {
    return this.current;
  }

  /** Which view to draw `centre` in: the one asked for if it can, else its own. */
  chooseView(type, wanted = this.current) {
    const centres = VIEWS[wanted]?.centres;
    return !centres || centres.includes(type) ? wanted : defaultView(type);
  }

  setView(name) {
    this.current = name;
    for (const input of document.querySelectorAll('input[name="map-view"]')) input.checked = input.value === name;
    $("colour-by").disabled = name === "all";
    if (name === "all") this.view.setColourBy("type");
    else this.view.setColourBy($("colour-by").value);
  }

  switchView(name) {
    if (!this.centre) {
      this.setView(name);
      this.legend();
      return;
    }
    const fits = this.chooseView(this.centre.type, name);
    if (fits !== name) toast(`${this.centre.label} is a ${typeInfo(this.centre.type).label.toLowerCase()}: the ${VIEWS[name].label.toLowerCase()} view cannot be drawn around it.`);
    this.setView(fits);
    return this.redraw();
  }

  reopen() {
    return this.draw(this.centre, { fresh: true });
  }

  /** Draw again around the same centre, and let the page bring its panels up to date. */
  async redraw() {
    document.body.classList.add("busy");
    try {
      await this.reopen();
      this.onRedrawn?.();
    } catch (e) {
      toast(e.message, "error");
    } finally {
      document.body.classList.remove("busy");
    }
  }

  /** Draw the map around `centre` ({id, type, label}) in the current view. */
  async draw(centre, { fresh = true, depth = Number($("depth").value) } = {}) {
    this.centre = centre;
    this.setView(this.chooseView(centre.type));
    const { from, to } = this.years();
    if (fresh) this.view.clear();
    let network = null;
    if (this.current === "all") {
      network = await loadEgoNetwork(this.caps, centre.id, { depth, relationshipTypes: shownRelationshipTypes() });
      if (network) {
        this.view.merge(network, { focus: centre.id, filter: false });
        if (network.truncated) toast("The network is larger than the page draws at once: the nearest part is shown.");
      }
    } else {
      network = await loadCooperationNetwork(this.caps, {
        network: VIEWS[this.current].network,
        centre: centre.id,
        depth: Math.min(depth, 2),
        from: from ? String(from) : null,
        to: to ? String(to) : null,
        minWeight: Number($("min-weight").value),
      });
      if (network) {
        this.view.mergeCooperation(network, { focus: centre.id, filter: false });
        if (network.truncated) toast("More partners than the map draws at once: the strongest are shown.");
        if (!network.nodes.length) toast(`Nobody on the ${VIEWS[this.current].label.toLowerCase()} map for ${centre.label} in this period.`);
      }
    }
    if (!network && !this.view.has(centre.id)) {
      this.view.merge({ nodes: [{ id: centre.id, type: centre.type ?? "Organisation", label: centre.label ?? centre.id }], edges: [] }, { focus: centre.id });
      toast("This server does not offer network queries yet; showing the profile only.");
    }
    this.timebar.reset();
    await this.view.layout({ animate: false });
    this.legend();
    return network;
  }

  /** Add the partners (or neighbours) of `id`; returns how many nodes were added. */
  async expand(id) {
    const before = this.view.counts().totalNodes;
    const { from, to } = this.years();
    if (this.view.mode === "cooperation") {
      const found = await loadCooperationNetwork(this.caps, {
        network: VIEWS[this.current].network,
        centre: id,
        from: from ? String(from) : null,
        to: to ? String(to) : null,
        minWeight: Number($("min-weight").value),
      });
      if (!found) return null;
      this.view.mergeCooperation(found, { around: id, filter: false });
    } else {
      const network = await loadEgoNetwork(this.caps, id, { depth: 1, relationshipTypes: shownRelationshipTypes() });
      if (!network) return null;
      this.view.merge(network, { around: id, filter: false });
    }
    this.timebar.reset({ keep: true });
    await this.view.layout({ animate: true, incremental: true });
    this.legend();
    return this.view.counts().totalNodes - before;
  }

  /** The date range changed: the cooperation view asks the server again; all ties filter. */
  async rangeChanged() {
    const { from, to } = this.years();
    if (this.view.mode === "cooperation" && this.centre) await this.reopen();
    else {
      this.view.setFilters({ from: from ? monthIndex(String(from)) : null, to: to ? monthIndex(String(to), { end: true }) : null });
      this.timebar.reset({ keep: true });
    }
    $("diff-from").value = from ?? "";
    $("diff-to").value = to ?? "";
  }

  legend() {
    renderLegend($("legend"), this.view);
  }

  /** The status under the map, with singulars right ("1 organisation"). */
  status() {
    const c = this.view.counts();
    const coop = this.view.mode === "cooperation";
    const noun = coop ? (this.current === "people" ? ["person", "people"] : ["organisation", "organisations"]) : ["node", "nodes"];
    const tie = coop ? ["tie", "ties"] : ["tie", "ties"];
    const n = (k, [one, many]) => `${k} ${k === 1 ? one : many}`;
    let text = `${n(c.nodes, noun)} and ${n(c.edges, tie)}`;
    const hiddenNodes = c.totalNodes - c.nodes;
    const hiddenEdges = c.totalEdges - c.edges;
    if (hiddenNodes || hiddenEdges) text += ` (${n(hiddenNodes, noun)} and ${n(hiddenEdges, tie)} hidden by filters or the date)`;
    if (this.centre && coop) text = `${this.centre.label}: ${text}`;
    this.finder.refresh();
    return text;
  }

  async whatChanged() {
    const out = $("diff-results");
    const from = $("diff-from").value.trim();
    const to = $("diff-to").value.trim();
    if (!/^\d{4}$/.test(from) || !/^\d{4}$/.test(to)) {
      out.replaceChildren(h("p", { class: "error", text: "Give both years, e.g. 2015 and 2017." }));
      return;
    }
    if (Number(to) < Number(from)) {
      out.replaceChildren(h("p", { class: "error", text: "The second year is before the first." }));
      return;
    }
    out.replaceChildren(h("p", { class: "hint", text: "Comparing…" }));
    try {
      const diff = await loadNetworkDiff(this.caps, from, to);
      const pairs = renderDiff(out, diff, { onMap: (id) => this.view.has(id), open: this.onSelect });
      this.view.markChanged(pairs);
    } catch (e) {
      out.replaceChildren(h("p", { class: "error", text: e.message }));
    }
  }

  caption() {
    const { from, to } = this.years();
    const what = this.centre
      ? `${VIEWS[this.view.mode === "cooperation" ? this.current : "all"].label}: ${this.centre.label}`
      : "Koostöö network";
    const present = this.view.typesPresent();
    const colour = this.view.colourBy === "community" && this.view.mode === "cooperation"
      ? `Colour: community on the map (${present.communities.length} groups)`
      : this.view.colourBy === "kind" ? `Colour: kind (${present.kinds.map(kindLabel).join(", ")})` : "Colour and shape: type";
    return [
      `${what}${from || to ? `, ${from ?? "…"}–${to ?? "…"}` : ""}`,
      `Size: ${this.view.sizeMeaning}. ${colour}.`,
      `${this.view.counts().nodes} nodes, ${this.view.counts().edges} ties. Exported ${new Date().toISOString().slice(0, 10)} from Koostöö.`,
    ];
  }

  async exportPng(name) {
    download(await pngWithCaption(this.view, this.caption()), name);
  }

  exportGraphML(name, wholeNetwork) {
    const xml = graphmlOf(this.view, { wholeNetwork });
    download(new Blob([xml], { type: "application/graphml+xml" }), name);
    return exportElements(this.view, { wholeNetwork });
  }
}
