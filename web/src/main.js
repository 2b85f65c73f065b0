// The Koostöö explorer: sign-in, search, profile, ego networks, filters and the time
// slider, path finder, stakeholder grid and exports, wired together.

import { ApiError, AuthError, gql, loadCapabilities } from "./api.js";
import { currentKey, forgetKey, storeKey, takeKeyFromUrl } from "./auth.js";
import { Combobox } from "./combobox.js";
import { monthIndex, monthLabel } from "./dates.js";
import { $, download, h, toast } from "./dom.js";
import { toGraphML } from "./graphml.js";
import { GraphView } from "./graphview.js";
import { renderGrid } from "./grid.js";
import { DocumentReview } from "./components/document-review.js";
import { NoteForm } from "./components/note-form.js";
import { normalisePath, pathNetwork, renderPaths } from "./paths.js";
import { renderConnections, renderPartners, renderProfile, renderTimeline } from "./profile.js";
import {
  createNote,
  findPaths,
  isExampleCampaign,
  loadCampaigns,
  loadCentrality,
  loadEgoNetwork,
  loadPartners,
  loadProfile,
  loadStakeholderGrid,
  loadTimeline,
  searchEntities,
} from "./queries.js";
import { NODE_TYPES, relPhrase, typeInfo } from "./types.js";
import { html, render } from "./ui.js";

const EXAMPLES = [
  {
    text: "Who did the Social Enterprise Network (SEV) work with in 2015–2020?",
    run: () => {
      setYears(2015, 2020);
      open("sev", { fresh: true, label: "Sotsiaalsete Ettevõtete Võrgustik (SEV)" });
    },
  },
  { text: "Eesti Töötukassa (the Unemployment Insurance Fund)", run: () => open("tootukassa", { fresh: true }) },
  { text: "Sotsiaalkindlustusamet (the Social Insurance Board)", run: () => open("sotsiaalkindlustusamet", { fresh: true }) },
  {
    text: "How is Siseministeerium connected to Sillamäe Lastekaitse Ühing?",
    run: () => {
      pathFrom.set({ id: "siseministeerium", label: "Siseministeerium", type: "Organisation" });
      pathTo.set({ id: "sillamae-lastekaitse-uhing", label: "Sillamäe Lastekaitse Ühing", type: "Organisation" });
      $("paths-panel").open = true;
      runPaths();
    },
  },
];

let caps = null;
let view = null;
let current = null; // id of the entity in the profile panel
let pathFrom;
let pathTo;
let paths = [];
let centralityLoaded = false;
let viewerRole = null;

const WRITERS = new Set(["editor", "analyst", "admin"]);

// ---- sign-in -------------------------------------------------------------------

function showSignIn(message = "") {
  $("loading").hidden = true;
  $("app").hidden = true;
  $("whoami").hidden = true;
  $("sign-out").hidden = true;
  $("signin").hidden = false;
  $("signin-error").textContent = message;
  $("signin-key").value = "";
  $("signin-key").focus();
}

async function start() {
  let viewer;
  try {
    viewer = (await gql("query ExplorerViewer { viewer { name role } }")).viewer;
  } catch (e) {
    if (e instanceof AuthError) {
      forgetKey();
      showSignIn(
        `That API key was not accepted (${e.message}). Ask an admin for a key, or run \`make run\` and open the link it prints.`,
      );
      return;
    }
    showSignIn(e.message);
    return;
  }
  try {
    caps = await loadCapabilities();
  } catch (e) {
    handleError(e);
    return;
  }
  $("signin").hidden = true;
  $("loading").hidden = true;
  $("app").hidden = false;
  if (!view) setUp();
  renderTypeFilters();
  $("whoami").hidden = false;
  $("whoami").textContent = `Signed in: ${viewer.name} (${viewer.role})`;
  viewerRole = viewer.role;
  setUpReview();
  $("sign-out").hidden = false;
  $("search-input").focus();
  document.body.dataset.ready = "true";
}

function handleError(e) {
  if (e instanceof AuthError) {
    forgetKey();
    showSignIn(`You were signed out: ${e.message}. Sign in again with a valid key.`);
  } else if (e?.name !== "AbortError") {
    console.error(e);
    toast(e instanceof ApiError ? e.message : `Something went wrong: ${e.message}`, "error");
  }
}

// ---- document review (issue 27): keys that may write ------------------------------

function setUpReview() {
  const slot = $("review-view");
  $("review-panel").hidden = !WRITERS.has(viewerRole);
  $("open-review").onclick = () => {
    slot.hidden = false;
    render(html`<${DocumentReview} notify=${toast} onClose=${() => { slot.hidden = true; render(null, slot); }} />`, slot);
  };
}

// ---- set-up ----------------------------------------------------------------------

function setUp() {
  view = new GraphView($("cy"), {
    onSelect: (id) => showProfile(id),
    onExpand: (id) => expand(id),
    onChange: () => graphChanged(),
  });
  window.koostooExplorer = { view, open, expand, runPaths };

  new Combobox($("search-input"), $("search-results"), {
    search: (text) => searchEntities(caps, text),
    onChoose: (item) => open(item.id, { fresh: true, label: item.label }),
    status: $("search-status"),
  });
  pathFrom = new Combobox($("path-from"), $("path-from-results"), { search: (t) => searchEntities(caps, t) });
  pathTo = new Combobox($("path-to"), $("path-to-results"), { search: (t) => searchEntities(caps, t) });
  $("find-paths").addEventListener("click", runPaths);

  $("examples").replaceChildren(
    ...EXAMPLES.map((ex) => h("li", {}, h("button", { type: "button", class: "example", onclick: ex.run, text: ex.text }))),
  );

  for (const id of ["date-from", "date-to"]) $(id).addEventListener("change", dateRangeChanged);
  $("time-slider").addEventListener("input", sliderMoved);
  $("depth").addEventListener("change", () => current && open(current, { fresh: true }));
  $("fit").addEventListener("click", () => view.fit());
  $("relayout").addEventListener("click", () => view.layout({ animate: true }));
  $("clear").addEventListener("click", () => {
    view.clear();
    closeProfile();
  });
  $("export-png").addEventListener("click", exportPng);
  $("export-graphml").addEventListener("click", exportGraphML);
  $("grid-panel").addEventListener("toggle", () => $("grid-panel").open && loadCampaignList());
  $("campaign-select").addEventListener("change", showGrid);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("profile").hidden && $("profile").contains(document.activeElement)) closeProfile();
    if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
      e.preventDefault();
      $("search-input").focus();
    }
  });
  renderLegend();
  graphChanged();
}

// ---- opening entities ------------------------------------------------------------

function years() {
  const from = $("date-from").value ? Number($("date-from").value) : null;
  const to = $("date-to").value ? Number($("date-to").value) : null;
  return { from, to };
}

function setYears(from, to) {
  $("date-from").value = from ?? "";
  $("date-to").value = to ?? "";
  dateRangeChanged();
}

/** Choose an entity: open its profile at once, and draw its ego network (fresh: alone). */
async function open(id, { fresh = false, label } = {}) {
  try {
    setBusy(true);
    if (fresh) {
      view.clear();
      paths = [];
      view.highlightPaths(new Set());
    }
    const profileShown = showProfile(id, { label });
    const network = await loadEgoNetwork(caps, id, { depth: Number($("depth").value) });
    if (network) {
      view.merge(network, { focus: id, filter: false });
      if (network.truncated) toast("The network is larger than the page draws at once: the nearest part is shown.");
    } else if (!view.has(id)) {
      // This server has no egoNetwork yet: draw the entity on its own.
      view.merge({ nodes: [{ id, type: "Organisation", label: label ?? id }], edges: [] }, { focus: id });
      toast("This server does not offer network queries yet; showing the profile only.");
    }
    resetSlider();
    await view.layout({ animate: false });
    view.select(id, { center: false });
    await profileShown;
    refreshConnections(id);
    refreshScores(); // sizes follow when the scores arrive
  } catch (e) {
    handleError(e);
  } finally {
    setBusy(false);
  }
}

function refreshConnections(id) {
  if (current !== id) return;
  renderConnections($("connections-slot"), view.neighbours(id), openFromProfile);
}

function openFromProfile(other) {
  if (view.has(other)) {
    view.select(other);
    showProfile(other);
  } else open(other);
}

async function expand(id) {
  try {
    setBusy(true);
    const network = await loadEgoNetwork(caps, id, { depth: 1 });
    if (!network) {
      toast("This server does not offer network queries yet.");
      return;
    }
    const before = view.counts();
    view.merge(network, { around: id, filter: false });
    const after = view.counts();
    resetSlider({ keep: true });
    await view.layout({ animate: true, incremental: true });
    const added = after.totalNodes - before.totalNodes;
    const name = view.node(id)?.label ?? id;
    toast(added ? `Added ${added} neighbour${added === 1 ? "" : "s"} of ${name}.` : `All neighbours of ${name} are already shown.`);
    refreshConnections(id);
    refreshScores();
  } catch (e) {
    handleError(e);
  } finally {
    setBusy(false);
  }
}

async function refreshScores() {
  if (centralityLoaded || !caps.has("centrality")) {
    view.resize();
    return;
  }
  centralityLoaded = true; // once per page: the scores are over the whole network
  try {
    const found = await loadCentrality(caps);
    if (found?.scores.size) {
      const metric = found.metric === "PAGERANK" ? "PageRank" : found.metric.toLowerCase();
      view.setScores(found.scores, `organisations and people by ${metric} centrality in the whole network; other nodes by their ties on screen`);
      renderLegend();
    } else view.resize();
  } catch (e) {
    if (e instanceof AuthError) handleError(e);
    else console.warn("centrality unavailable", e);
  }
}

async function showProfile(id, { label } = {}) {
  current = id;
  const panel = $("profile");
  const drawn = view.node(id) ?? { id, label: label ?? id };
  const actions = {
    close: closeProfile,
    expand: () => expand(id),
    open: openFromProfile,
    pathFrom: () => {
      pathFrom.set({ id, label: drawn?.label ?? id });
      $("paths-panel").open = true;
      $("path-to").focus();
    },
    pathTo: () => {
      pathTo.set({ id, label: drawn?.label ?? id });
      $("paths-panel").open = true;
      $("path-from").focus();
    },
  };
  try {
    const entity = await loadProfile(caps, id);
    if (current !== id) return;
    renderProfile(panel, { entity, fallback: drawn, neighbours: view.neighbours(id), actions });
    if (WRITERS.has(viewerRole)) {
      render(html`<${NoteForm} about=${id} save=${createNote} onSaved=${() => noteSaved(id)} />`, $("note-form-slot"));
    }
    panel.focus({ preventScroll: true });
    const [timeline, partners] = await Promise.all([
      loadTimeline(caps, id).catch(softFail),
      (entity?.__typename ?? drawn?.type) === "Organisation" ? partnersFor(id).catch(softFail) : null,
    ]);
    if (current !== id) return;
    renderTimeline($("timeline-slot"), timeline);
    renderPartners($("partners-slot"), partners, { ...years(), open: actions.open });
  } catch (e) {
    handleError(e);
  }
}

async function noteSaved(id) {
  toast("Note saved.");
  const timeline = await loadTimeline(caps, id).catch(softFail);
  if (current === id) renderTimeline($("timeline-slot"), timeline);
}

function softFail(e) {
  if (e instanceof AuthError) throw e;
  console.warn(e);
  return null;
}

function partnersFor(id) {
  const { from, to } = years();
  return loadPartners(caps, id, { from: from ? String(from) : null, to: to ? String(to) : null });
}

function closeProfile() {
  current = null;
  $("profile").hidden = true;
  $("search-input").focus();
}

// ---- filters, slider, legend ------------------------------------------------------

function dateRangeChanged() {
  const { from, to } = years();
  view.setFilters({ from: from ? monthIndex(String(from)) : null, to: to ? monthIndex(String(to), { end: true }) : null });
  if (current) showProfile(current);
}

function resetSlider({ keep = false } = {}) {
  const slider = $("time-slider");
  const bounds = view.timeBounds();
  if (!bounds) {
    slider.disabled = true;
    slider.min = slider.max = slider.value = "0";
    $("time-output").textContent = "all dates";
    view.setFilters({ asOf: null });
    return;
  }
  const atEnd = !keep || Number(slider.value) >= Number(slider.max);
  slider.disabled = false;
  slider.min = String(bounds.min);
  slider.max = String(bounds.max + 1); // one past the last date: everything
  if (atEnd) slider.value = slider.max;
  sliderMoved();
}

function sliderMoved() {
  const slider = $("time-slider");
  const value = Number(slider.value);
  const all = value >= Number(slider.max);
  $("time-output").textContent = all ? "all dates" : monthLabel(value);
  slider.setAttribute("aria-valuetext", all ? "all dates" : monthLabel(value));
  view.setFilters({ asOf: all ? null : value });
}

function renderTypeFilters() {
  const present = view.typesPresent();
  const nodeTypes = [...new Set([...Object.keys(NODE_TYPES).filter((t) => caps.type(t) || !caps.introspected), ...present.nodes])];
  const relTypes = [...new Set([...caps.enumValues("RelationshipType"), ...caps.enumValues("RelType"), ...present.edges])].sort();
  const hidden = view.filters;
  $("type-filters").replaceChildren(
    ...nodeTypes.map((t) =>
      checkbox(`type-${t}`, typeInfo(t).label, !hidden.hiddenTypes.has(t), (on) => {
        on ? hidden.hiddenTypes.delete(t) : hidden.hiddenTypes.add(t);
        view.applyFilters();
      }, t),
    ),
  );
  $("rel-filters").replaceChildren(
    ...relTypes.map((t) =>
      checkbox(`rel-${t}`, relPhrase(t), !hidden.hiddenRels.has(t), (on) => {
        on ? hidden.hiddenRels.delete(t) : hidden.hiddenRels.add(t);
        view.applyFilters();
      }),
    ),
  );
}

function checkbox(id, label, checked, onChange, swatchType) {
  const input = h("input", { type: "checkbox", id, checked, value: id });
  input.addEventListener("change", () => onChange(input.checked));
  return h("label", { for: id, class: "check" }, input, swatchType ? h("span", { class: `swatch type-${swatchType}`, "aria-hidden": "true" }) : null, label);
}

function renderLegend() {
  const present = view ? new Set(view.typesPresent().nodes) : new Set();
  const types = Object.keys(NODE_TYPES).filter((t) => !present.size || present.has(t));
  $("legend").replaceChildren(
    h("h2", { text: "Legend" }),
    h("ul", {}, types.map((t) => h("li", {}, h("span", { class: `swatch shape type-${t}`, "aria-hidden": "true" }), typeInfo(t).label))),
    h("p", { class: "hint", text: `Size: ${view?.scoreName ?? "degree"}. Thicker line: more shared activities. Pink: a found path.` }),
  );
}

let lastTypes = "";
function graphChanged() {
  const c = view.counts();
  const status = $("graph-status");
  if (!c.totalNodes) {
    status.textContent = "Nothing drawn yet.";
    $("empty-state").hidden = false;
  } else {
    $("empty-state").hidden = true;
    const hiddenNodes = c.totalNodes - c.nodes;
    const hiddenEdges = c.totalEdges - c.edges;
    status.textContent =
      `${c.nodes} node${c.nodes === 1 ? "" : "s"} and ${c.edges} tie${c.edges === 1 ? "" : "s"} shown` +
      (hiddenNodes || hiddenEdges ? ` (${hiddenNodes} nodes and ${hiddenEdges} ties hidden by filters)` : "");
  }
  status.dataset.nodes = String(c.nodes);
  status.dataset.edges = String(c.edges);
  const types = JSON.stringify(view.typesPresent());
  if (types !== lastTypes && caps) {
    lastTypes = types;
    renderTypeFilters();
    renderLegend();
  }
}

function setBusy(busy) {
  document.body.classList.toggle("busy", busy);
  $("cy").setAttribute("aria-busy", String(busy));
}

// ---- paths --------------------------------------------------------------------------

async function runPaths() {
  const out = $("path-results");
  if (!pathFrom.chosen || !pathTo.chosen) {
    out.replaceChildren(h("p", { class: "error", text: "Choose both ends from the search results first." }));
    return;
  }
  out.replaceChildren(h("p", { class: "hint", text: "Looking for paths…" }));
  try {
    const slider = $("time-slider");
    const asOf = !slider.disabled && Number(slider.value) < Number(slider.max) ? `${monthLabel(Number(slider.value))}` : null;
    const found = await findPaths(caps, pathFrom.chosen.id, pathTo.chosen.id, { maxHops: Number($("max-hops").value), asOf });
    if (found === null) {
      out.replaceChildren(h("p", { class: "error", text: "This server does not offer the path finder yet." }));
      return;
    }
    paths = found.map((p) => normalisePath(p, (id) => view.node(id)?.label));
    for (const p of paths) view.merge(pathNetwork(p));
    refreshScores();
    resetSlider({ keep: true });
    renderPaths(out, paths, { onShow: showPath });
    $("paths-panel").scrollIntoView({ block: "start" });
    if (paths.length) {
      await view.layout({ animate: false });
      showPath(0);
    }
  } catch (e) {
    out.replaceChildren(h("p", { class: "error", text: e.message }));
    handleError(e);
  }
}

function showPath(i) {
  const p = paths[i];
  if (!p) return;
  const net = pathNetwork(p);
  view.highlightPaths(new Set([...net.nodes.map((n) => n.id), ...net.edges.map((e) => e.id)]));
  [...$("path-results").querySelectorAll(".path-card")].forEach((card, j) => card.classList.toggle("shown", i === j));
}

// ---- stakeholder grid ---------------------------------------------------------------

async function loadCampaignList() {
  const select = $("campaign-select");
  if (select.dataset.loaded) return;
  try {
    const campaigns = await loadCampaigns(caps);
    select.dataset.loaded = "1";
    if (campaigns === null) {
      $("grid-view").replaceChildren(h("p", { class: "hint", text: "This server does not offer campaigns yet." }));
      return;
    }
    if (!campaigns.length) {
      $("grid-view").replaceChildren(h("p", { class: "hint", text: "No campaigns yet. Create one through the API console." }));
    }
    select.replaceChildren(
      h("option", { value: "", text: "Choose a campaign…" }),
      ...campaigns.map((c) => h("option", { value: c.id, text: `${c.name ?? c.id}${isExampleCampaign(c) ? " (example)" : ""}` })),
    );
  } catch (e) {
    handleError(e);
  }
}

async function showGrid() {
  const id = $("campaign-select").value;
  if (!id) return;
  try {
    const grid = await loadStakeholderGrid(caps, id);
    if (grid === null) {
      $("grid-view").replaceChildren(h("p", { class: "hint", text: "This server does not offer the stakeholder grid yet." }));
      return;
    }
    renderGrid($("grid-view"), grid, { onOpen: (other) => open(other) });
  } catch (e) {
    handleError(e);
  }
}

// ---- export -----------------------------------------------------------------------

function stamp() {
  return new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
}

function exportPng() {
  if (!view.counts().nodes) return toast("Draw something first: search for an entity.");
  download(view.png(), `koostoo-network-${stamp()}.png`);
}

function exportGraphML() {
  if (!view.counts().nodes) return toast("Draw something first: search for an entity.");
  const xml = toGraphML(view.visibleElements());
  download(new Blob([xml], { type: "application/graphml+xml" }), `koostoo-network-${stamp()}.graphml`);
}

// ---- boot ---------------------------------------------------------------------------

function boot() {
  takeKeyFromUrl();
  $("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("signin-key").value.trim();
    if (!key) {
      $("signin-error").textContent = "Enter an API key.";
      return;
    }
    storeKey(key);
    $("signin").hidden = true;
    $("loading").hidden = false;
    start();
  });
  $("sign-out").addEventListener("click", () => {
    forgetKey();
    view?.clear();
    showSignIn("You are signed out.");
  });
  if (currentKey()) start();
  else showSignIn();
}

boot();
