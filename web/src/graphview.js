// The network drawing: cytoscape.js with the fCoSE force-directed layout.
// Elements carry their type, dates and sources; filters and the time slider only
// toggle a class, so nothing has to be fetched again to change the view.

import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

import { edgeSpan, nodeSpan } from "./dates.js";
import { NODE_TYPES, OTHER_TYPE, typeInfo } from "./types.js";

cytoscape.use(fcose);

const LABEL_MAX = 38;

function shortLabel(label) {
  const text = String(label ?? "");
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

/** Above this many nodes the drawing is simplified (straight edges, labels only when
 * zoomed in) so that pan and zoom stay smooth; see bench/explorer_render.py. */
export const LARGE = 600;

function stylesheet(large = false) {
  const byType = Object.entries(NODE_TYPES).map(([type, info]) => ({
    selector: `node[type = "${type}"]`,
    style: { "background-color": info.colour, shape: info.shape },
  }));
  return [
    {
      selector: "node",
      style: {
        "background-color": OTHER_TYPE.colour,
        label: "data(short)",
        width: "mapData(size, 0, 1, 16, 58)",
        height: "mapData(size, 0, 1, 16, 58)",
        "font-family": "system-ui, sans-serif",
        "font-size": 11,
        color: "#1a1a1a",
        "text-valign": "bottom",
        "text-margin-y": 3,
        // Labels are shortened once in `short`: cytoscape's own ellipsis measures text on
        // every style pass, which costs seconds with 2,000 labels.
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "min-zoomed-font-size": large ? 10 : 5,
        "border-width": 1.5,
        "border-color": "#ffffff",
      },
    },
    ...byType,
    {
      selector: "node.focus",
      style: { "border-width": 4, "border-color": "#111111", "font-weight": "bold", "z-index": 10 },
    },
    {
      selector: "node:selected",
      style: { "border-width": 4, "border-color": "#ffbf00", "z-index": 11 },
    },
    {
      selector: "edge",
      style: {
        width: "mapData(weight, 1, 10, 1.4, 7)",
        "line-color": "#8a94a6",
        "target-arrow-color": "#8a94a6",
        "target-arrow-shape": large ? "none" : "triangle",
        "arrow-scale": 0.7,
        "curve-style": large ? "haystack" : "bezier",
        "haystack-radius": 0,
        opacity: 0.85,
      },
    },
    { selector: "edge:selected", style: { "line-color": "#ffbf00", "target-arrow-color": "#ffbf00" } },
    {
      selector: "node.path",
      style: { "border-color": "#c2185b", "border-width": 4, opacity: 1, "z-index": 20 },
    },
    {
      selector: "edge.path",
      style: {
        "line-color": "#c2185b",
        "target-arrow-color": "#c2185b",
        width: 5,
        opacity: 1,
        "z-index": 20,
      },
    },
    { selector: ".faded", style: { opacity: 0.15 } },
    { selector: ".hidden", style: { display: "none" } },
  ];
}

export class GraphView {
  constructor(container, { onSelect, onExpand, onChange } = {}) {
    this.onChange = onChange ?? (() => {});
    this.scores = null;
    this.scoreName = "number of ties on screen";
    this.filters = { hiddenTypes: new Set(), hiddenRels: new Set(), from: null, to: null, asOf: null };
    this.large = false;
    this.cy = cytoscape({
      container,
      style: stylesheet(false),
      minZoom: 0.05,
      maxZoom: 4,
      selectionType: "single",
      pixelRatio: "auto",
    });
    // The canvas changes size when the profile panel opens or the window resizes:
    // tell cytoscape, and fit the drawing again unless the user has moved it.
    this.userMoved = false;
    this.cy.on("dragpan scrollzoom pinchzoom", () => { this.userMoved = true; });
    let pending = null;
    new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => {
        this.cy.resize();
        if (!this.userMoved && this.cy.nodes().length) this.fit();
      });
    }).observe(container);
    this.cy.on("tap", "node", (e) => onSelect?.(e.target.id()));
    this.cy.on("dbltap", "node", (e) => onExpand?.(e.target.id()));
  }

  get size() {
    return this.cy.nodes().length;
  }

  has(id) {
    return this.cy.getElementById(id).nonempty();
  }

  node(id) {
    const n = this.cy.getElementById(id);
    return n.nonempty() ? n.data() : null;
  }

  /** Add a network ({nodes, edges} as egoNetwork returns it); return how many were new. */
  merge(network, { focus, around, filter = true } = {}) {
    const anchor = around ? this.cy.getElementById(around) : null;
    const origin = anchor?.nonempty() ? anchor.position() : { x: 0, y: 0 };
    let added = 0;
    this.cy.batch(() => {
      for (const n of network.nodes ?? []) {
        if (this.has(n.id)) continue;
        const properties = parseProps(n.properties);
        this.cy.add({
          group: "nodes",
          data: {
            id: n.id,
            type: n.type,
            label: n.label ?? n.id,
            short: shortLabel(n.label ?? n.id),
            properties,
            span: nodeSpan(properties),
            size: 0.2,
          },
          position: {
            x: origin.x + (Math.random() - 0.5) * 200,
            y: origin.y + (Math.random() - 0.5) * 200,
          },
        });
        added += 1;
      }
      for (const e of network.edges ?? []) {
        const id = e.id ?? `${e.source}-${e.type}-${e.target}`;
        if (this.has(id) || !this.has(e.source) || !this.has(e.target)) continue;
        const properties = parseProps(e.properties);
        const span = edgeSpan(
          properties,
          this.cy.getElementById(e.source).data("span"),
          this.cy.getElementById(e.target).data("span"),
        );
        this.cy.add({
          group: "edges",
          data: {
            id,
            source: e.source,
            target: e.target,
            type: e.type,
            weight: e.weight ?? 1,
            properties,
            sources: e.sources ?? [],
            span,
          },
        });
        added += 1;
      }
      if (focus) {
        this.cy.nodes(".focus").removeClass("focus");
        this.cy.getElementById(focus).addClass("focus");
      }
    });
    this.restyle();
    this.resize();
    // Callers that reset the time slider next skip this pass (it re-filters anyway).
    if (filter) this.applyFilters();
    return added;
  }

  restyle() {
    const large = this.cy.nodes().length > LARGE;
    if (large !== this.large) {
      this.large = large;
      this.cy.style(stylesheet(large));
    }
  }

  clear() {
    this.cy.elements().remove();
    this.restyle();
    this.onChange();
  }

  /** Node sizes: scores from the API (centrality) when given, else degree here. */
  setScores(scores, name) {
    this.scores = scores;
    this.scoreName = name;
    this.resize();
  }

  /**
   * Node size: the API's centrality (0..1) where it has one (organisations, people);
   * otherwise the number of ties on screen, relative to the best-connected node.
   */
  resize() {
    const nodes = this.cy.nodes();
    if (!nodes.length) return;
    let maxDegree = 0;
    nodes.forEach((n) => { maxDegree = Math.max(maxDegree, n.degree(false)); });
    this.cy.batch(() => {
      nodes.forEach((n) => {
        const score = this.scores?.get(n.id());
        const value = score ?? (maxDegree > 0 ? n.degree(false) / maxDegree : 0.2);
        n.data("size", Math.sqrt(value));
      });
    });
  }

  layout({ animate = false, fit = true, incremental = false } = {}) {
    const visible = this.cy.elements().not(".hidden");
    const count = visible.nodes().length;
    if (!count) return Promise.resolve();
    const layout = visible.layout({
      name: "fcose",
      quality: count > 800 ? "draft" : "default",
      randomize: !incremental,
      animate: animate && count < 400,
      animationDuration: 400,
      fit,
      padding: 40,
      nodeDimensionsIncludeLabels: count < 400,
      idealEdgeLength: () => 90,
      nodeRepulsion: () => 6500,
      numIter: count > 800 ? 1200 : 2500,
      packComponents: true,
    });
    this.userMoved = false;
    const done = layout.promiseOn("layoutstop").then(() => this.capZoom());
    layout.run();
    return done;
  }

  fit() {
    this.cy.fit(this.cy.elements().not(".hidden"), 40);
    this.capZoom();
  }

  /** A handful of nodes should not fill the screen: fit, but no closer than 1.6×. */
  capZoom() {
    if (this.cy.zoom() > 1.6) {
      this.cy.zoom(1.6);
      this.cy.center(this.cy.elements().not(".hidden"));
    }
  }

  setFilters(changes) {
    Object.assign(this.filters, changes);
    this.applyFilters();
  }

  /** Hide what the filters and the time slider exclude; keep the focus node always. */
  applyFilters() {
    const { hiddenTypes, hiddenRels, from, to, asOf } = this.filters;
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        const span = n.data("span");
        const hide =
          (hiddenTypes.has(n.data("type")) && !n.hasClass("focus")) ||
          (asOf !== null && span.start !== null && span.start > asOf) ||
          outside(span, from, to);
        if (hide !== n.hasClass("hidden")) n.toggleClass("hidden", hide);
      });
      this.cy.edges().forEach((e) => {
        const span = e.data("span");
        const hide =
          hiddenRels.has(e.data("type")) ||
          e.source().hasClass("hidden") ||
          e.target().hasClass("hidden") ||
          (asOf !== null && span.start !== null && span.start > asOf) ||
          outside(span, from, to);
        if (hide !== e.hasClass("hidden")) e.toggleClass("hidden", hide);
      });
      // With a date window, a node left without any tie in it is not part of the answer.
      if (from !== null || to !== null || asOf !== null) {
        this.cy.nodes().not(".hidden").not(".focus").forEach((n) => {
          const edges = n.connectedEdges();
          if (edges.nonempty() && edges.not(".hidden").empty()) n.addClass("hidden");
        });
      }
    });
    this.onChange();
  }

  /** Month indices of the earliest and latest dated element, or null. */
  timeBounds() {
    let min = Infinity;
    let max = -Infinity;
    this.cy.elements().forEach((el) => {
      const span = el.data("span");
      if (span?.start !== null && span?.start !== undefined) {
        min = Math.min(min, span.start);
        max = Math.max(max, span.start);
      }
    });
    return Number.isFinite(min) ? { min, max } : null;
  }

  counts() {
    return {
      nodes: this.cy.nodes().not(".hidden").length,
      edges: this.cy.edges().not(".hidden").length,
      totalNodes: this.cy.nodes().length,
      totalEdges: this.cy.edges().length,
    };
  }

  typesPresent() {
    return {
      nodes: [...new Set(this.cy.nodes().map((n) => n.data("type")))].sort(),
      edges: [...new Set(this.cy.edges().map((e) => e.data("type")))].sort(),
    };
  }

  /** Visible neighbours of a node, with the ties that connect them. */
  neighbours(id) {
    const node = this.cy.getElementById(id);
    if (node.empty()) return [];
    return node
      .connectedEdges()
      .not(".hidden")
      .map((e) => {
        const other = e.source().id() === id ? e.target() : e.source();
        return { edge: e.data(), outgoing: e.source().id() === id, node: other.data() };
      })
      .filter((x) => !this.cy.getElementById(x.node.id).hasClass("hidden"));
  }

  select(id, { center = true } = {}) {
    this.cy.$(":selected").unselect();
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      n.select();
      if (center && !n.hasClass("hidden")) this.cy.animate({ center: { eles: n }, duration: 250 });
    }
  }

  highlightPaths(elementIds) {
    this.cy.batch(() => {
      this.cy.elements().removeClass("path faded");
      if (!elementIds.size) return;
      this.cy.elements().forEach((el) => {
        el.addClass(elementIds.has(el.id()) ? "path" : "faded");
      });
    });
  }

  visibleElements() {
    const visible = this.cy.elements().not(".hidden");
    return {
      nodes: visible.nodes().map((n) => n.data()),
      edges: visible.edges().map((e) => e.data()),
    };
  }

  png() {
    return this.cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff", maxWidth: 8000 });
  }
}

function outside(span, from, to) {
  if (!span || span.start === null) return false;
  const end = span.end ?? span.start;
  return (from !== null && end < from) || (to !== null && span.start > to);
}

function parseProps(value) {
  if (!value) return {};
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return {};
    }
  }
  return value;
}
