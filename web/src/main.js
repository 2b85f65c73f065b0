// The Koostöö explorer: sign-in, search, profile, the map (mapcontrol.js: cooperation
// view, all ties, time bar, legend, exports), path finder and stakeholder grid, wired
// together.

import { ApiError, AuthError, gql, loadCapabilities } from "./api.js";
import { currentKey, forgetKey, storeKey, takeKeyFromUrl } from "./auth.js";
import { Combobox } from "./combobox.js";
import { $, h, toast } from "./dom.js";
import { GraphView } from "./graphview.js";
import { renderGrid } from "./grid.js";
import { MapControl, defaultView } from "./mapcontrol.js";
import { DocumentReview } from "./components/document-review.js";
import { normalisePath, pathNetwork, renderPaths } from "./paths.js";
import { renderConnections, renderPartners, renderProfile } from "./profile.js";
import { WRITERS, profileCrm, removeAction, setUpCrm, signedOut } from "./crm.js";
import {
  findPaths,
  isExampleCampaign,
  loadCampaigns,
  loadCentrality,
  loadCooperationShared,
  loadEntityType,
  loadPartners,
  loadProfile,
  loadRelationshipRules,
  loadStakeholderGrid,
  loadWholeNetworkScores,
  searchEntities,
} from "./queries.js";
import { renderTie, renderWorkedWith } from "./tiedetail.js";
import { NODE_TYPES, relPhrase, setRelationshipRules, shownRelationshipTypes, typeInfo } from "./types.js";
import { html, render } from "./ui.js";

const EXAMPLES = [
  {
    text: "Who did the Social Enterprise Network (SEV) work with in 2015–2020?",
    run: () => {
      setYears(2015, 2020, { redraw: false });
      open("sev", { fresh: true, label: "Sotsiaalsete Ettevõtete Võrgustik (SEV)", type: "Organisation" });
    },
  },
  {
    text: "Who took part in the 2nd Ida-Virumaa Civil Society Forum (2016), and how they worked together",
    run: () => {
      setYears(null, null, { redraw: false });
      open("ida-virumaa-kodanikuuhiskonna-foorum-2016", { fresh: true, type: "Event" });
    },
  },
  { text: "Eesti Töötukassa (the Unemployment Insurance Fund)", run: () => open("tootukassa", { fresh: true, type: "Organisation" }) },
  { text: "Sotsiaalkindlustusamet (the Social Insurance Board)", run: () => open("sotsiaalkindlustusamet", { fresh: true, type: "Organisation" }) },
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
let map = null; // MapControl: how the map shows what is opened
let current = null; // id of the entity in the profile panel
let pathFrom;
let pathTo;
let paths = [];
let centralityLoaded = false;

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
    setRelationshipRules(await loadRelationshipRules(caps));
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
  // What the CRM opens (a recorded meeting, a task's subject) is drawn with all its ties.
  setUpCrm({ viewer, caps, open: (id) => open(id, { mapView: "all" }) });
  setUpReview(viewer);
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

function setUpReview(viewer) {
  const slot = $("review-view");
  $("review-panel").hidden = !WRITERS.has(viewer.role);
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
    onTie: (tie) => showTie(tie),
  });
  map = new MapControl(view, { caps, years, onSelect: (id) => openFromProfile(id), onRedrawn: () => current && showProfile(current) });
  window.koostooExplorer = { view, map, open, expand, runPaths };

  new Combobox($("search-input"), $("search-results"), {
    search: (text) => searchEntities(caps, text),
    onChoose: (item) => open(item.id, { fresh: true, label: item.label, type: item.type }),
    status: $("search-status"),
  });
  // Paths run between people and organisations only.
  const actors = (t) => searchEntities(caps, t, { types: ["Organisation", "Person"] });
  pathFrom = new Combobox($("path-from"), $("path-from-results"), { search: actors });
  pathTo = new Combobox($("path-to"), $("path-to-results"), { search: actors });
  $("find-paths").addEventListener("click", runPaths);

  $("examples").replaceChildren(
    ...EXAMPLES.map((ex) => h("li", {}, h("button", { type: "button", class: "example", onclick: ex.run, text: ex.text }))),
  );

  for (const id of ["date-from", "date-to"]) $(id).addEventListener("change", dateRangeChanged);
  $("depth").addEventListener("change", () => map.centre && open(map.centre.id, { fresh: true, type: map.centre.type }));
  $("fit").addEventListener("click", () => view.fit());
  $("relayout").addEventListener("click", () => view.layout({ animate: true, again: true }));
  $("toggle-tools").addEventListener("click", () => toggleTools());
  $("close-tools").addEventListener("click", () => toggleTools(false));
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
  map.legend();
  graphChanged();
}

// ---- opening entities ------------------------------------------------------------

function years() {
  const from = $("date-from").value ? Number($("date-from").value) : null;
  const to = $("date-to").value ? Number($("date-to").value) : null;
  return { from, to };
}

function setYears(from, to, { redraw = true } = {}) {
  $("date-from").value = from ?? "";
  $("date-to").value = to ?? "";
  if (redraw) dateRangeChanged();
}

/**
 * Choose an entity: open its profile at once, and draw the map around it (fresh:
 * alone): organisations, events and programmes in the cooperation view, people in
 * the people view, anything else with all its ties.
 */
async function open(id, { fresh = false, label, type, mapView } = {}) {
  try {
    setBusy(true);
    if (fresh) {
      paths = [];
      view.highlightPaths(new Set());
      $("map-find").value = "";
      view.focusOn(null);
    }
    toggleTools(false);
    const profileShown = showProfile(id, { label });
    const kind = type ?? view.node(id)?.type ?? (await loadEntityType(id));
    if (mapView) map.setView(mapView);
    else if (fresh || !map.centre) map.setView(defaultView(kind));
    await map.draw({ id, type: kind, label: label ?? view.node(id)?.label ?? id }, { fresh: true });
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
  renderConnections($("connections-slot"), view.neighbours(id), openFromProfile, removeFor(id));
  showWorkedWith(id);
}

/** Removing a tie from the profile's list (writers): gone from the drawing at once. */
function removeFor(id) {
  const run = removeAction();
  if (!run) return null;
  const model = new Set(caps.enumValues("RelationshipType"));
  return {
    removable: (edge) => model.has(edge.type),
    run: (item) => run(item, id, (edge) => {
      view.cy.getElementById(edge.id).remove();
      refreshConnections(id);
      profileCrm({ id, ...profileOf(id) });
    }),
  };
}

function profileOf(id) {
  const drawn = view.node(id);
  return { type: drawn?.type, label: drawn?.label ?? id, refresh: () => open(id) };
}

/**
 * With the cooperation view drawn around `id`, its "worked with" list is the map's own
 * ties (the list and the drawing are one answer), whichever of profile and map came
 * first. False when the map is not that view.
 */
function showWorkedWith(id) {
  const slot = document.getElementById("partners-slot"); // absent until the profile is drawn
  const centred = view.mode === "cooperation" && map.centre?.id === id && ["Organisation", "Person"].includes(map.centre.type);
  if (!centred || !slot || current !== id) return false;
  renderWorkedWith(slot, id, view, { ...years(), open: openFromProfile, openTie: showTie });
  return true;
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
    const added = await map.expand(id);
    if (added === null) {
      toast("This server does not offer network queries yet.");
      return;
    }
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
  if (view.mode === "cooperation") return; // sized by what is on the map
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
      map.legend();
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
    remove: removeFor(id),
  };
  try {
    const entity = await loadProfile(caps, id);
    if (current !== id) return;
    renderProfile(panel, { entity, fallback: drawn, neighbours: view.neighbours(id), actions });
    const type = entity?.__typename ?? drawn?.type;
    profileCrm({ id, type, label: entity?.name ?? entity?.title ?? drawn?.label ?? id, refresh: () => open(id) });
    panel.focus({ preventScroll: true });
    const partners = type === "Organisation" ? await partnersFor(id).catch(softFail) : null;
    if (current !== id) return;
    if (!showWorkedWith(id)) renderPartners($("partners-slot"), partners, { ...years(), open: actions.open });
  } catch (e) {
    handleError(e);
  }
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

/** A tie of the cooperation view, opened in the side panel: what the two shared. */
function showTie(tie) {
  if (tie.type !== "COOPERATED") return;
  current = null;
  const { from, to } = years();
  const network = map.viewName === "people" ? "PEOPLE" : "ORGANISATIONS";
  renderTie($("profile"), tie, {
    names: (id) => view.node(id)?.label ?? id,
    shared: () => loadCooperationShared(caps, tie.source, tie.target, { network, from: from ? String(from) : null, to: to ? String(to) : null }),
    close: closeProfile,
    open: openFromProfile,
  });
}

// ---- filters, time, legend --------------------------------------------------------

async function dateRangeChanged() {
  try {
    setBusy(true);
    await map.rangeChanged();
    if (current) showProfile(current);
  } catch (e) {
    handleError(e);
  } finally {
    setBusy(false);
  }
}

/** On a phone the search and tools panel is a sheet over the map. */
function toggleTools(open) {
  const show = open ?? !document.body.classList.contains("tools-open");
  document.body.classList.toggle("tools-open", show);
  $("toggle-tools").setAttribute("aria-expanded", String(show));
}

function renderTypeFilters() {
  const present = view.typesPresent();
  const nodeTypes = [...new Set([...Object.keys(NODE_TYPES).filter((t) => caps.type(t) || !caps.introspected), ...present.nodes])];
  const relTypes = [...new Set([...shownRelationshipTypes(), ...present.edges])].sort();
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

let lastTypes = "";
function graphChanged() {
  const c = view.counts();
  const status = $("graph-status");
  if (!c.totalNodes) {
    status.textContent = "Nothing drawn yet.";
    $("empty-state").hidden = false;
  } else {
    $("empty-state").hidden = true;
    status.textContent = map ? map.status() : "";
  }
  status.title = status.textContent;
  status.dataset.nodes = String(c.nodes);
  status.dataset.edges = String(c.edges);
  const types = JSON.stringify(view.typesPresent());
  if (types !== lastTypes && caps) {
    lastTypes = types;
    renderTypeFilters();
    map?.legend();
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
    const found = await findPaths(caps, pathFrom.chosen.id, pathTo.chosen.id, { maxHops: Number($("max-hops").value) });
    if (found === null) {
      out.replaceChildren(h("p", { class: "error", text: "This server does not offer the path finder yet." }));
      return;
    }
    paths = found.map((p) => normalisePath(p, (id) => view.node(id)?.label));
    // The paths alone on the map (all ties view), the one shown drawn left to right.
    map.setView("all");
    map.centre = null;
    view.clear();
    view.setFilters({ from: null, to: null, asOf: null });
    for (const p of paths) view.merge(pathNetwork(p));
    refreshScores();
    map.timebar.reset();
    map.legend();
    renderPaths(out, paths, { onShow: showPath });
    // On a phone the results are in the tools sheet: open it over the map's lower part.
    if (getComputedStyle($("toggle-tools")).display !== "none") toggleTools(true);
    $("paths-panel").scrollIntoView({ block: "start" });
    if (paths.length) await showPath(0);
  } catch (e) {
    out.replaceChildren(h("p", { class: "error", text: e.message }));
    handleError(e);
  }
}

/** One path on the map: its nodes in a row (down the map on a phone); the other paths faded. */
async function showPath(i) {
  const p = paths[i];
  if (!p) return;
  const net = pathNetwork(p);
  view.highlightPaths(new Set([...net.nodes.map((n) => n.id), ...net.edges.map((e) => e.id)]));
  [...$("path-results").querySelectorAll(".path-card")].forEach((card, j) => card.classList.toggle("shown", i === j));
  await view.layoutPath(p.order);
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

async function exportPng() {
  if (!view.counts().nodes) return toast("Draw something first: search for an entity.");
  try {
    await map.exportPng(`koostoo-network-${stamp()}.png`);
  } catch (e) {
    handleError(e);
  }
}

/** GraphML of the map, with the whole network's centrality and community as the
 * server's export names them, and the map's own measures and dates. */
async function exportGraphML() {
  if (!view.counts().nodes) return toast("Draw something first: search for an entity.");
  try {
    const whole = await loadWholeNetworkScores(caps).catch(softFail);
    map.exportGraphML(`koostoo-network-${stamp()}.graphml`, whole);
  } catch (e) {
    handleError(e);
  }
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
    signedOut();
    view?.clear();
    showSignIn("You are signed out.");
  });
  if (currentKey()) start();
  else showSignIn();
}

boot();
