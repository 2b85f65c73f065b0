"""How the explorer copes with a large view: 2,000 visible nodes in headless Chromium.

The built page (web/dist) runs unchanged; Playwright answers its GraphQL requests with a
synthetic ego network of N nodes (deterministic), so the figures measure the browser
side only: merging the elements, the fCoSE layout, the first render, moving the time
slider (re-filtering), and frame times while panning and zooming.

    .venv/bin/python bench/explorer_render.py [--nodes 2000] [--edges-per-node 2] [--runs 3]

Prints a table and writes bench/out/explorer_render.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "web" / "dist"
OUT = ROOT / "bench" / "out" / "explorer_render.json"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TYPES = {
    "FUNDED": ("Organisation", "Programme"),
    "ATTENDED": ("Person", "Event"),
    "ORGANISED": ("Organisation", "Event"),
    "MEMBER_OF": ("Person", "Organisation"),
    "PART_OF": ("Event", "Programme"),
}


def synthetic_network(n: int, edges_per_node: float, seed: int = 6) -> dict[str, Any]:
    """A connected network shaped like the seed data: organisations, people, events."""
    rnd = random.Random(seed)
    shares = [("Organisation", 0.2), ("Person", 0.5), ("Event", 0.25), ("Programme", 0.05)]
    nodes: list[dict[str, Any]] = [
        {"id": "focus", "type": "Organisation", "label": "Sotsiaalsete Ettevõtete Võrgustik"}
    ]
    by_type: dict[str, list[str]] = {t: [] for t, _ in shares}
    by_type["Organisation"].append("focus")
    for t, share in shares:
        for i in range(int(n * share)):
            if len(nodes) >= n:
                break
            props: dict[str, Any] = {}
            if t in ("Event", "Programme"):
                props["startDate"] = f"{rnd.randint(2012, 2022)}-{rnd.randint(1, 12):02d}"
            nid = f"{t.lower()}-{i}"
            nodes.append({"id": nid, "type": t, "label": f"{t} {i} Ülemiste", "properties": props})
            by_type[t].append(nid)
    edges: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    # A spanning tree first (the view is one ego network), then random extra ties.
    ids = [x["id"] for x in nodes]
    for i, nid in enumerate(ids[1:], start=1):
        other = ids[rnd.randrange(0, i)]
        seen.add((nid, other))
        edges.append({"id": f"e{len(edges)}", "source": nid, "target": other, "type": "PART_OF"})
    while len(edges) < int(n * edges_per_node):
        rel, (a, b) = rnd.choice(list(TYPES.items()))
        s, t = rnd.choice(by_type[a]), rnd.choice(by_type[b])
        if (s, t) in seen:
            continue
        seen.add((s, t))
        edges.append(
            {
                "id": f"e{len(edges)}",
                "source": s,
                "target": t,
                "type": rel,
                "weight": rnd.randint(1, 5),
                "properties": {},
                "sources": [],
            }
        )
    for x in nodes:
        x.setdefault("properties", {})
    for e in edges:
        e.setdefault("weight", 1)
        e.setdefault("properties", {})
        e.setdefault("sources", [])
    return {"nodes": nodes, "edges": edges}


def answer(network: dict[str, Any]) -> Any:
    """A fake /graphql for the page: only what opening one entity asks for."""

    def handle(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        query: str = body.get("query", "")
        if "ExplorerViewer" in query:
            data: Any = {"viewer": {"name": "bench", "role": "viewer"}}
        elif "ExplorerEgo" in query:
            data = {"egoNetwork": network}
        elif "ExplorerProfile" in query:
            data = {"node": {"__typename": "Organisation", "id": "focus", "name": "SEV"}}
        elif "ExplorerCentrality" in query:
            data = {"centrality": []}
        elif "ExplorerTimeline" in query:
            data = {"timeline": []}
        elif "ExplorerPartners" in query:
            data = {"partners": []}
        else:  # introspection: the page then assumes the full API
            route.fulfill(json={"errors": [{"message": "introspection is disabled"}]})
            return
        route.fulfill(json={"data": data})

    return handle


MEASURE = """
async ({ panFrames }) => {
  const ex = window.koostooExplorer;
  const t0 = performance.now();
  await ex.open("focus", { fresh: true });
  const opened = performance.now() - t0;
  // One frame after the layout: the first complete render.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const firstFrame = performance.now() - t0;
  const cy = ex.view.cy;
  const counts = ex.view.counts();

  // Layout alone, again, on the same elements.
  const l0 = performance.now();
  await ex.view.layout();
  const layout = performance.now() - l0;

  // Pan and zoom: one viewport change per animation frame, frame times recorded.
  const frames = [];
  let last = performance.now();
  await new Promise((resolve) => {
    let i = 0;
    const step = () => {
      const now = performance.now();
      frames.push(now - last);
      last = now;
      if (i < panFrames) cy.panBy({ x: 6, y: 3 });
      else {
        const level = cy.zoom() * (i % 2 ? 1.04 : 0.97);
        cy.zoom({ level, renderedPosition: { x: 500, y: 400 } });
      }
      i += 1;
      if (i < panFrames * 2) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });

  // The time slider: re-filter to the middle of the period, then back.
  const slider = document.getElementById("time-slider");
  const s0 = performance.now();
  slider.value = String(Math.round((Number(slider.min) + Number(slider.max)) / 2));
  slider.dispatchEvent(new Event("input"));
  await new Promise((r) => requestAnimationFrame(r));
  const sliderMs = performance.now() - s0;
  const afterSlider = ex.view.counts();
  return { opened, firstFrame, layout, frames: frames.slice(1), counts, afterSlider, sliderMs };
}
"""


def run(nodes: int, edges_per_node: float, runs: int) -> dict[str, Any]:
    assert (DIST / "index.html").is_file(), "build the page first: make install (or make web)"
    network = synthetic_network(nodes, edges_per_node)
    results = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=profile,
            executable_path="/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 900},
        )
        base = "http://explorer.bench"
        context.route(f"{base}/graphql", answer(network))
        context.route(
            f"{base}/assets/**",
            lambda route: route.fulfill(path=str(DIST / route.request.url.split(f"{base}/")[1])),
        )
        context.route(
            lambda url: url == f"{base}/" or url.startswith(f"{base}/?"),
            lambda route: route.fulfill(path=str(DIST / "index.html")),
        )
        for _ in range(runs):
            page = context.new_page()
            page.goto(f"{base}/?key=bench")
            page.wait_for_selector("#whoami:not([hidden])")
            results.append(page.evaluate(MEASURE, {"panFrames": 60}))
            page.close()
        context.close()
    frames = [f for r in results for f in r["frames"]]
    summary = {
        "nodes_drawn": results[0]["counts"]["nodes"],
        "edges_drawn": results[0]["counts"]["edges"],
        "runs": runs,
        "open_to_drawn_ms_median": statistics.median(r["opened"] for r in results),
        "first_frame_ms_median": statistics.median(r["firstFrame"] for r in results),
        "layout_ms_median": statistics.median(r["layout"] for r in results),
        "pan_zoom_frame_ms_median": statistics.median(frames),
        "pan_zoom_frame_ms_p95": sorted(frames)[int(len(frames) * 0.95)],
        "pan_zoom_fps_median": 1000 / statistics.median(frames),
        "time_slider_refilter_ms_median": statistics.median(r["sliderMs"] for r in results),
        "edges_after_slider": results[0]["afterSlider"]["edges"],
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--edges-per-node", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    summary = run(args.nodes, args.edges_per_node, args.runs)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(summary, indent=2) + "\n")
    for k, v in summary.items():
        print(f"{k:34} {v:10.1f}" if isinstance(v, float) else f"{k:34} {v:>10}")
    print(f"written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
