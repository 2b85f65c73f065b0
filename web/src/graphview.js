// The network drawing: cytoscape.js with the fCoSE force-directed layout, chosen over
// cola by measurement at fit on an 835×677 canvas (the map at 1440×900), median of 5
// runs: SEV 2015–2020 (21 organisations, 110 ties) 711 edge crossings against 913,
// 3 labels on other nodes against 11, 82 % of the canvas used against 78 %, heavier
// ties drawn shorter (r = −0.23 against −0.06), 80 ms against 390 ms; the Ida-Virumaa
// forum (8, 28) equal crossings, 60 % of the canvas against 40 %. Two kinds of map:
// - the cooperation view: organisations (or people) as nodes, one weighted tie per pair
//   that worked together (cooperationNetwork), sized by weighted degree, coloured by
//   community or kind;
// - all ties: every entity and relationship around one (egoNetwork), by type.
// Elements carry their type, dates and sources; filters and the time slider only toggle
// a class (positions stay where they are), so nothing is fetched again to change them.

import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

import { edgeSpan, monthIndex, nodeSpan } from "./dates.js";
import { chooseLabels, labelBox } from "./labels.js";
import { BASE_LABEL_SIZE, LABEL_PX, MIN_LABEL_PX, nodeColour, stylesheet } from "./mapstyle.js";

cytoscape.use(fcose);

const LABEL_MAX = 30;

function shortLabel(label, shortName) {
  const text = String(label ?? "");
  // "Sotsiaalsete Ettevõtete Võrgustik" is long; its own short name (SEV) reads better.
  if (shortName && text.length > 24 && shortName.length < text.length) return String(shortName);
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

/** Above this many nodes the drawing is simplified (straight edges, labels only when
 * zoomed in) so that pan and zoom stay smooth; see bench/explorer_render.py. */
export const LARGE = 600;
/** A drawing may be stretched this much along one axis to fill the canvas. */
const MAX_STRETCH = 1.7;
const PADDING = 30;

/**
 * Run `layout` on a random sequence seeded by the ids of `nodes`: fcose starts from
 * random positions, so the same network was drawn differently each time it was laid
 * out (and whether its labels fitted was chance). Seeded, the same network on the same
 * canvas is always drawn the same way; `round` counts the user's requests for another
 * drawing. The layout computes synchronously in `run()` (an animation only moves the
 * nodes to where it has put them), so `Math.random` is replaced for that call alone.
 */
export function runSeeded(layout, nodes, round = 0) {
  let seed = (2166136261 ^ round) | 0;
  for (const id of nodes.map((n) => n.id()).sort()) {
    for (let i = 0; i < id.length; i += 1) seed = Math.imul(seed ^ id.charCodeAt(i), 16777619);
  }
  const random = Math.random;
  Math.random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    layout.run();
  } finally {
    Math.random = random;
  }
}

/** fCoSE for weighted networks: stronger ties are shorter and stiffer. */
export function layoutOptions(name, count, { animate = false, fit = true, incremental = false } = {}) {
  const w = (e) => Math.max(1, e.data("weight") ?? 1);
  // cola is not a dependency of the page: this serves the layout measurement only.
  if (name === "cola") {
    return {
      name: "cola",
      animate: false,
      fit,
      padding: PADDING,
      randomize: !incremental,
      avoidOverlap: true,
      nodeSpacing: 8,
      edgeLength: (e) => 70 + 90 / Math.sqrt(w(e)),
      maxSimulationTime: 3000,
      handleDisconnected: true,
    };
  }
  return {
    name: "fcose",
    quality: count > 800 ? "draft" : "default",
    randomize: !incremental,
    animate: animate && count < 400,
    animationDuration: 400,
    fit,
    padding: PADDING,
    nodeDimensionsIncludeLabels: false,
    idealEdgeLength: (e) => 60 + 90 / Math.sqrt(w(e)),
    edgeElasticity: (e) => Math.min(0.9, 0.3 + 0.1 * w(e)),
    nodeRepulsion: () => 9000,
    nodeSeparation: 90,
    numIter: count > 800 ? 1200 : 2500,
    packComponents: true,
  };
}

export class GraphView {
  constructor(container, { onSelect, onExpand, onChange, onTie } = {}) {
    this.onChange = onChange ?? (() => {});
    this.scores = null;
    this.scoreName = "number of ties on screen";
    this.mode = "all"; // "cooperation" (organisations or people) or "all" (every tie)
    this.colourBy = "community";
    this.layoutName = "fcose";
    this.keepLabels = new Set();
    this.filters = { hiddenTypes: new Set(), hiddenRels: new Set(), from: null, to: null, asOf: null };
    this.large = false;
    this.legible = false; // at this zoom every label would be at least MIN_LABEL_PX
    this.cy = cytoscape({
      container,
      style: stylesheet(),
      minZoom: 0.05,
      maxZoom: 4,
      selectionType: "single",
      pixelRatio: "auto",
    });
    // The canvas changes size when a panel opens or the window resizes: tell cytoscape,
    // and fit the drawing again unless the user has moved it.
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
    let zooming = null;
    this.cy.on("zoom", () => {
      this.scaleLabels();
      clearTimeout(zooming);
      zooming = setTimeout(() => this.updateLabels(), 150);
    });
    this.cy.on("tap", "node", (e) => onSelect?.(e.target.id()));
    this.cy.on("dbltap", "node", (e) => onExpand?.(e.target.id()));
    this.cy.on("tap", "edge", (e) => onTie?.(e.target.data()));
    this.cy.on("mouseover", "node", (e) => this.hover(e.target, true));
    this.cy.on("mouseout", "node", (e) => this.hover(e.target, false));
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
    const origin = this.origin(around);
    let added = 0;
    this.cy.batch(() => {
      for (const n of network.nodes ?? []) {
        if (this.has(n.id)) continue;
        const properties = parseProps(n.properties);
        this.addNode({ id: n.id, type: n.type, label: n.label ?? n.id, properties, span: nodeSpan(properties) }, origin);
        added += 1;
      }
      for (const e of network.edges ?? []) {
        const id = e.id ?? `${e.source}-${e.type}-${e.target}`;
        if (this.has(id) || !this.has(e.source) || !this.has(e.target)) continue;
        const properties = parseProps(e.properties);
        const span = edgeSpan(properties, this.cy.getElementById(e.source).data("span"), this.cy.getElementById(e.target).data("span"));
        const weight = e.weight ?? 1;
        this.cy.add({
          group: "edges",
          data: { id, source: e.source, target: e.target, type: e.type, weight, w: weight, properties, sources: e.sources ?? [], span },
        });
        added += 1;
      }
      this.setFocus(focus);
    });
    this.afterAdd(filter);
    return added;
  }

  /**
   * Draw (or add to) the cooperation view from a `cooperationNetwork` answer: actors as
   * nodes with their measures on the map, one tie per pair with its weight and dates.
   */
  mergeCooperation(coop, { focus, around, filter = true } = {}) {
    const origin = this.origin(around);
    this.mode = "cooperation";
    let added = 0;
    this.cy.batch(() => {
      for (const n of coop.nodes ?? []) {
        const data = {
          id: n.id,
          type: n.type,
          label: n.label,
          shortName: n.shortName,
          kind: n.kind,
          strength: n.strength,
          degree: n.degree,
          betweenness: n.betweenness,
          community: n.community,
          firstDate: n.firstDate,
          lastDate: n.lastDate,
          scores: n.scores ?? {},
          properties: { kind: n.kind, firstDate: n.firstDate, lastDate: n.lastDate },
          span: { start: monthIndex(n.firstDate), end: monthIndex(n.lastDate, { end: true }) },
        };
        const existing = this.cy.getElementById(n.id);
        if (existing.nonempty()) existing.data(data);
        else {
          this.addNode(data, origin);
          added += 1;
        }
      }
      for (const t of coop.ties ?? []) {
        if (!this.has(t.source) || !this.has(t.target)) continue;
        const dates = (t.sharedDates ?? []).map((d) => monthIndex(d)).filter((m) => m !== null).sort((a, b) => a - b);
        const data = {
          id: t.id,
          source: t.source,
          target: t.target,
          type: "COOPERATED",
          weight: t.weight,
          w: t.weight,
          events: t.events,
          programmes: t.programmes,
          services: t.services,
          relationships: t.relationships,
          organisations: t.organisations,
          firstDate: t.firstDate,
          lastDate: t.lastDate,
          dates,
          undated: t.weight - dates.length,
          properties: { firstDate: t.firstDate, lastDate: t.lastDate },
          sources: [],
          span: { start: dates.length ? dates[0] : null, end: monthIndex(t.lastDate, { end: true }) },
        };
        const existing = this.cy.getElementById(t.id);
        if (existing.nonempty()) existing.data(data);
        else {
          this.cy.add({ group: "edges", data });
          added += 1;
        }
      }
      this.setFocus(focus);
    });
    this.afterAdd(filter);
    return added;
  }

  origin(around) {
    const anchor = around ? this.cy.getElementById(around) : null;
    return anchor?.nonempty() ? anchor.position() : { x: 0, y: 0 };
  }

  addNode(data, origin) {
    this.cy.add({
      group: "nodes",
      data: { ...data, short: shortLabel(data.label, data.shortName), size: 0.2, colour: nodeColour(data, this.colourBy), labelSize: LABEL_PX / this.cy.zoom() },
      position: { x: origin.x + (Math.random() - 0.5) * 200, y: origin.y + (Math.random() - 0.5) * 200 },
    });
  }

  setFocus(focus) {
    if (!focus) return;
    this.cy.nodes(".focus").removeClass("focus");
    this.cy.getElementById(focus).addClass("focus");
  }

  afterAdd(filter) {
    this.restyle();
    this.resize();
    this.recolour();
    // Callers that reset the time slider next skip this pass (it re-filters anyway).
    if (filter) this.applyFilters();
  }

  restyle() {
    const large = this.cy.nodes().length > LARGE;
    if (large !== this.large) {
      this.large = large;
      this.cy.style(stylesheet({ large }));
    }
  }

  clear() {
    this.cy.elements().remove();
    this.mode = "all";
    this.keepLabels.clear();
    this.restyle();
    this.onChange();
  }

  /** Node colours: "community" or "kind" (organisations; other nodes by type) or "type". */
  setColourBy(by) {
    this.colourBy = by;
    this.recolour();
  }

  recolour() {
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => { n.data("colour", nodeColour(n.data(), this.colourBy)); });
    });
  }

  /** Node sizes: scores from the API (centrality) when given, else degree here. */
  setScores(scores, name) {
    this.scores = scores;
    this.scoreName = name;
    this.resize();
  }

  /**
   * Node size. The cooperation view: weighted degree (shared items with the others on
   * the map). All ties: the API's centrality (0..1) where it has one, otherwise the
   * number of ties on screen; both relative to the biggest.
   */
  resize() {
    const nodes = this.cy.nodes();
    if (!nodes.length) return;
    const coop = this.mode === "cooperation";
    let max = 0;
    nodes.forEach((n) => { max = Math.max(max, coop ? (n.data("strength") ?? 0) : n.degree(false)); });
    this.cy.batch(() => {
      nodes.forEach((n) => {
        const own = coop ? (n.data("strength") ?? 0) : n.degree(false);
        const score = coop ? undefined : this.scores?.get(n.id());
        const value = score ?? (max > 0 ? own / max : 0.2);
        n.data("size", Math.sqrt(value));
      });
    });
  }

  /** What node size means, for the legend. */
  get sizeMeaning() {
    return this.mode === "cooperation"
      ? "weighted degree centrality (items shared with the others on the map)"
      : this.scoreName;
  }

  layout({ animate = false, fit = true, incremental = false, name = this.layoutName, again = false } = {}) {
    if (again) this.layoutRound = (this.layoutRound ?? 0) + 1;
    const visible = this.cy.elements().not(".hidden");
    const count = visible.nodes().length;
    if (!count) return Promise.resolve();
    const layout = visible.layout({ ...layoutOptions(name, count, { animate, fit: false, incremental }) });
    this.userMoved = false;
    const done = layout.promiseOn("layoutstop").then(() => {
      this.stretch(visible.nodes());
      if (fit) this.fit();
    });
    runSeeded(layout, visible.nodes(), this.layoutRound ?? 0);
    return done;
  }

  /**
   * Lay a path out in a row (its nodes in order), other elements around it: left to
   * right, or top to bottom on a canvas taller than wide (a phone), where a row across
   * would leave its names no room.
   */
  layoutPath(ids) {
    const visible = this.cy.elements().not(".hidden");
    const nodes = ids.filter((id) => this.has(id));
    const options = layoutOptions(this.layoutName, visible.nodes().length, { fit: false });
    if (nodes.length > 1) {
      const portrait = this.cy.height() > this.cy.width();
      options.alignmentConstraint = portrait ? { vertical: [nodes] } : { horizontal: [nodes] };
      options.relativePlacementConstraint = nodes.slice(1).map((id, i) =>
        portrait ? { top: nodes[i], bottom: id, gap: 70 } : { left: nodes[i], right: id, gap: 140 });
    }
    const layout = visible.layout(options);
    this.userMoved = false;
    const done = layout.promiseOn("layoutstop").then(() => this.fit());
    runSeeded(layout, visible.nodes());
    return done;
  }

  /** Stretch the drawing along its short axis (at most MAX_STRETCH) to fill the canvas. */
  stretch(nodes) {
    if (nodes.length < 3) return;
    const bb = nodes.boundingBox({ includeLabels: false });
    const width = this.cy.width() - 2 * PADDING;
    const height = this.cy.height() - 2 * PADDING;
    if (bb.w <= 0 || bb.h <= 0 || width <= 0 || height <= 0) return;
    const ratio = (width / height) / (bb.w / bb.h);
    const sx = ratio > 1 ? Math.min(ratio, MAX_STRETCH) : 1;
    const sy = ratio < 1 ? Math.min(1 / ratio, MAX_STRETCH) : 1;
    if (sx === 1 && sy === 1) return;
    const cx = bb.x1 + bb.w / 2;
    const cy = bb.y1 + bb.h / 2;
    this.cy.batch(() => {
      nodes.forEach((n) => {
        const p = n.position();
        n.position({ x: cx + (p.x - cx) * sx, y: cy + (p.y - cy) * sy });
      });
    });
  }

  fit() {
    this.cy.fit(this.cy.elements().not(".hidden"), PADDING);
    this.capZoom();
    this.updateLabels();
  }

  /** A handful of nodes should not fill the screen: fit, but no closer than 1.6×. */
  capZoom() {
    if (this.cy.zoom() > 1.6) {
      this.cy.zoom(1.6);
      this.cy.center(this.cy.elements().not(".hidden"));
    }
  }

  // ---- labels ------------------------------------------------------------------------

  /**
   * Choose the labels drawn: `keepLabels` and the selected, focused and hovered nodes
   * always; then a path's nodes and the biggest that fit without overlapping, a handful at fit, and
   * once the zoom makes labels legible as many as fit (never one over another).
   */
  updateLabels() {
    this.legible = BASE_LABEL_SIZE * this.cy.zoom() >= MIN_LABEL_PX;
    const visible = this.cy.nodes().not(".hidden");
    const keep = new Set([...this.keepLabels, ...this.cy.nodes(":selected, .focus, .hovered").map((n) => n.id())]);
    // A path's nodes first, but only where their labels fit (a phone is narrow).
    const prefer = new Set(this.cy.nodes(".path").map((n) => n.id()));
    const max = this.legible ? Infinity : undefined;
    const chosen = this.large && !this.legible ? new Set([...keep, ...prefer]) : chooseLabels(visible, { keep, prefer, max, width: this.cy.width(), height: this.cy.height() });
    // Sizes first, in the same batch: a label must never be drawn (and its texture
    // cached by cytoscape) at the size of an earlier zoom, which clips its text.
    const size = LABEL_PX / this.cy.zoom();
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        if (n.data("labelSize") !== size) n.data("labelSize", size);
        n.toggleClass("labelled", chosen.has(n.id()));
      });
    });
    this.remeasure();
  }

  /**
   * cytoscape keeps a label's box from before a font size given by data() changed and
   * clips the text to it: make it measure the labels again.
   */
  remeasure() {
    const nodes = this.cy.nodes(".labelled");
    if (typeof nodes.dirtyBoundingBoxCache === "function") nodes.dirtyBoundingBoxCache();
  }

  /** Keep the labels LABEL_PX high on screen, whatever the zoom. */
  scaleLabels() {
    const size = LABEL_PX / this.cy.zoom();
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => { if (n.data("labelSize") !== size) n.data("labelSize", size); });
    });
    this.remeasure();
  }

  hover(node, on) {
    node.toggleClass("hovered", on);
    if (on) {
      node.addClass("labelled");
      this.scaleLabels();
    } else if (!this.keepLabels.has(node.id())) this.updateLabels();
  }

  /**
   * The labels drawn now, each with its text, its height on screen and its box in page
   * coordinates (the browser tests check these).
   */
  drawnLabels() {
    const rect = this.cy.container().getBoundingClientRect();
    const zoom = this.cy.zoom();
    const out = [];
    this.cy.nodes().not(".hidden").forEach((n) => {
      const px = (n.data("labelSize") ?? 0) * zoom;
      if (!n.hasClass("labelled") || !n.data("short")) return;
      const b = labelBox(n, px);
      // The room cytoscape gives the label (its label box on screen): narrower than the
      // text, and the text is clipped.
      const room = n.boundingBox({ includeNodes: false, includeLabels: true }).w * zoom;
      out.push({ id: n.id(), text: n.data("short"), px, room, width: b.x2 - b.x1 - 4, box: { x1: rect.left + b.x1, x2: rect.left + b.x2, y1: rect.top + b.y1, y2: rect.top + b.y2 } });
    });
    return out;
  }

  // ---- filters and time ----------------------------------------------------------------

  setFilters(changes) {
    Object.assign(this.filters, changes);
    this.applyFilters();
  }

  /**
   * Hide what the filters and the time slider exclude; keep the focus node always.
   * A cooperation tie exists from its first shared item on, and weighs what was shared
   * by the slider's date.
   */
  applyFilters() {
    const { hiddenTypes, hiddenRels, from, to, asOf } = this.filters;
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        const span = n.data("span");
        const hide =
          (hiddenTypes.has(n.data("type")) && !n.hasClass("focus")) ||
          (this.mode !== "cooperation" && ((asOf !== null && span.start !== null && span.start > asOf) || outside(span, from, to)));
        if (hide !== n.hasClass("hidden")) n.toggleClass("hidden", hide);
      });
      let maxW = 0;
      this.cy.edges().forEach((e) => {
        const span = e.data("span");
        let w = e.data("weight") ?? 1;
        if (e.data("type") === "COOPERATED" && asOf !== null) {
          w = e.data("undated") + e.data("dates").filter((d) => d <= asOf).length;
        }
        e.data("w", w);
        const hide =
          hiddenRels.has(e.data("type")) ||
          e.source().hasClass("hidden") ||
          e.target().hasClass("hidden") ||
          w <= 0 ||
          (asOf !== null && span.start !== null && span.start > asOf) ||
          (e.data("type") !== "COOPERATED" && outside(span, from, to));
        if (hide !== e.hasClass("hidden")) e.toggleClass("hidden", hide);
        if (!hide) maxW = Math.max(maxW, w);
      });
      // Weak ties (the fewest shared, when some share three or more) are faded.
      this.cy.edges().forEach((e) => { e.toggleClass("weak", maxW >= 3 && e.data("w") <= 1); });
      // With a date window or a date, a node left without any tie is not part of the answer.
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
      for (const m of [span?.start, ...(el.data("dates") ?? [])]) {
        if (m !== null && m !== undefined) {
          min = Math.min(min, m);
          max = Math.max(max, m);
        }
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
      kinds: [...new Set(this.cy.nodes().not(".hidden").map((n) => n.data("kind")).filter(Boolean))].sort(),
      communities: [...new Set(this.cy.nodes().not(".hidden").map((n) => n.data("community")).filter(Number.isInteger))].sort((a, b) => a - b),
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
    this.updateLabels();
  }

  /**
   * Search and focus inside the map: the node and its ties stand out, the rest fades,
   * and the view zooms until its neighbours' labels are legible. `null` clears it.
   */
  focusOn(id) {
    this.cy.batch(() => this.cy.elements().removeClass("faded"));
    this.keepLabels.clear();
    const n = id ? this.cy.getElementById(id) : null;
    if (!n || n.empty() || n.hasClass("hidden")) {
      this.updateLabels();
      return false;
    }
    const near = n.closedNeighborhood().not(".hidden");
    this.cy.batch(() => this.cy.elements().not(near).addClass("faded"));
    near.nodes().forEach((x) => this.keepLabels.add(x.id()));
    this.cy.$(":selected").unselect();
    n.select();
    this.userMoved = true;
    this.cy.animate({ fit: { eles: near, padding: 60 }, duration: 300, complete: () => this.updateLabels() });
    return true;
  }

  highlightPaths(elementIds) {
    this.cy.batch(() => {
      this.cy.elements().removeClass("path faded");
      if (!elementIds.size) return;
      this.cy.elements().forEach((el) => {
        el.addClass(elementIds.has(el.id()) ? "path" : "faded");
      });
    });
    this.updateLabels();
  }

  /** Mark ties between the given actor pairs (e.g. those formed in a period). */
  markChanged(pairs) {
    this.cy.batch(() => {
      this.cy.edges().removeClass("changed");
      for (const [a, b] of pairs) {
        const id = a < b ? `${a}|${b}` : `${b}|${a}`;
        this.cy.getElementById(id).addClass("changed");
      }
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
    return this.cy.png({ output: "blob-promise", full: false, scale: 2, bg: "#ffffff", maxWidth: 8000 });
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
