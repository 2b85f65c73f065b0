"""The arithmetic of the benchmark: percentiles, per-cell statistics, ratios, targets and
the Markdown report. Pure functions, so the unit tests can check them exactly."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

TARGETS = ("ours", "floor", "peer")


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) with linear interpolation between closest ranks
    (numpy's default "linear" method). Raises on an empty sample."""
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, not {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


@dataclass(frozen=True)
class Stats:
    """Latency percentiles in milliseconds and throughput in requests per second."""

    requests: int
    errors: int
    p50: float
    p95: float
    p99: float
    throughput: float
    first_error: str | None = None


def summarise(
    latencies_s: Sequence[float], wall_s: float, errors: int = 0, first_error: str | None = None
) -> Stats:
    """Statistics of one cell: `latencies_s` of the successful requests, `wall_s` the time
    the whole cell took (throughput counts successful requests only)."""
    if wall_s <= 0:
        raise ValueError("wall time must be positive")
    if not latencies_s:
        nan = float("nan")
        return Stats(0, errors, nan, nan, nan, 0.0, first_error)
    ms = [x * 1000 for x in latencies_s]
    return Stats(
        requests=len(ms),
        errors=errors,
        p50=percentile(ms, 50),
        p95=percentile(ms, 95),
        p99=percentile(ms, 99),
        throughput=len(ms) / wall_s,
        first_error=first_error,
    )


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing, not a number or b is zero."""
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b == 0:
        return None
    return a / b


@dataclass
class Cell:
    """One operation through one target at one concurrency: figures, or why there are none."""

    operation: str
    target: str
    concurrency: int
    stats: Stats | None = None
    note: str = ""
    #: CPU time per request of the target's server process(es) and Neo4j, in ms
    cpu_ms: float | None = None

    @property
    def ok(self) -> bool:
        return self.stats is not None and self.stats.requests > 0


@dataclass
class OneOff:
    """A measurement that is not a request loop: import, export, centrality."""

    name: str
    target: str
    value: float | None
    unit: str
    detail: str = ""


@dataclass
class Verdict:
    target: str
    figure: str
    met: bool | None  # None: not measured (operation missing, or not at this size)


@dataclass
class Report:
    size: str
    meta: dict[str, str]
    data: dict[str, str]
    cells: list[Cell] = field(default_factory=list)
    oneoffs: list[OneOff] = field(default_factory=list)
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)

    def cell(self, operation: str, target: str, concurrency: int) -> Cell | None:
        for c in self.cells:
            if (c.operation, c.target, c.concurrency) == (operation, target, concurrency):
                return c
        return None

    def operations(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.cells:
            seen.setdefault(c.operation, None)
        return list(seen)

    def concurrencies(self) -> list[int]:
        return sorted({c.concurrency for c in self.cells})

    def oneoff(self, name: str, target: str = "ours") -> OneOff | None:
        for o in self.oneoffs:
            if (o.name, o.target) == (name, target):
                return o
        return None


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None or math.isnan(x):
        return "–"
    return f"{x:,.{digits}f}"


def _fmt_ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _cell_text(c: Cell | None) -> tuple[str, str]:
    """(latency text, throughput text) for a table."""
    if c is None:
        return "n/a", "n/a"
    if not c.ok:
        return c.note or "n/a", "–"
    assert c.stats is not None
    s = c.stats
    lat = f"{_fmt(s.p50)} / {_fmt(s.p95)} / {_fmt(s.p99)}"
    if s.errors:
        lat += f" ({s.errors} errors)"
    return lat, _fmt(s.throughput)


#: read operations (the latency and throughput targets apply to these)
READS = (
    "organisation by id with members and events",
    "100 organisations, two nested levels",
    "search",
    "ego network depth 2",
    "shortest path",
)


def evaluate(report: Report) -> list[Verdict]:
    """The issue's targets against the measured figures."""
    verdicts: list[Verdict] = []
    # ours/floor p50 ≤ 1.5 on reads (at every concurrency measured)
    worst: tuple[float, str] | None = None
    for op in READS:
        for conc in report.concurrencies():
            ours, floor = report.cell(op, "ours", conc), report.cell(op, "floor", conc)
            if ours and floor and ours.ok and floor.ok:
                assert ours.stats and floor.stats
                r = ratio(ours.stats.p50, floor.stats.p50)
                if r is not None and (worst is None or r > worst[0]):
                    worst = (r, f"{op}, c={conc}")
    verdicts.append(
        Verdict(
            "ours/floor p50 ≤ 1.5 on reads",
            f"worst {worst[0]:.2f} ({worst[1]})" if worst else "no read measured on both",
            None if worst is None else worst[0] <= 1.5,
        )
    )
    # throughput ≥ the peer on every read
    lowest: tuple[float, str] | None = None
    for op in READS:
        for conc in report.concurrencies():
            ours, peer = report.cell(op, "ours", conc), report.cell(op, "peer", conc)
            if ours and peer and ours.ok and peer.ok:
                assert ours.stats and peer.stats
                r = ratio(ours.stats.throughput, peer.stats.throughput)
                if r is not None and (lowest is None or r < lowest[0]):
                    lowest = (r, f"{op}, c={conc}")
    verdicts.append(
        Verdict(
            "throughput ≥ the peer on every read",
            f"lowest ours/peer {lowest[0]:.2f} ({lowest[1]})"
            if lowest
            else "no read measured on both",
            None if lowest is None else lowest[0] >= 1.0,
        )
    )
    imp = report.oneoff("import 100k attendance rows")
    verdicts.append(
        Verdict(
            "import ≥ 20,000 rows/s",
            f"{_fmt(imp.value, 0)} rows/s ({imp.detail})" if imp and imp.value else "n/a",
            None if not imp or imp.value is None else imp.value >= 20_000,
        )
    )
    exp = report.oneoff("export of the whole graph")
    rss = report.oneoff("API peak RSS during export")
    if exp and exp.value is not None and rss and rss.value is not None:
        figure = f"{exp.value:.2f} s, peak RSS {rss.value:.0f} MB at size {report.size}"
        met = exp.value <= 5 and rss.value <= 500 if report.size == "M" else None
        if report.size != "M":
            figure += " (the target is for M)"
    else:
        figure, met = (exp.detail if exp else "n/a"), None
    verdicts.append(Verdict("export of M ≤ 5 s with API memory ≤ 500 MB", figure, met))
    ego = report.cell("ego network depth 2", "ours", 1)
    if ego and ego.ok and ego.stats:
        figure = f"p95 {ego.stats.p95:.1f} ms at size {report.size}"
        met = ego.stats.p95 <= 50 if report.size == "L" else None
        if report.size != "L":
            figure += " (the target is for L)"
    else:
        figure, met = (ego.note if ego else "n/a"), None
    verdicts.append(Verdict("ego network depth 2 p95 ≤ 50 ms on L", figure, met))
    return verdicts + compiled_reads(report)


#: Issue 23 (compiled reads): ours/floor p50 at concurrency 1, at most…
P50_OVER_FLOOR = {
    "organisation by id with members and events": 1.5,
    "100 organisations, two nested levels": 1.5,
    "search": 1.5,
    "ego network depth 2": 1.5,
    "shortest path": 3.0,
}
#: … ours/peer throughput at concurrency 16, at least 1 …
PEER_THROUGHPUT = (
    "organisation by id with members and events",
    "100 organisations, two nested levels",
    "create-and-connect mutation",
)
#: … and the CPU per request of 100 nested organisations at most 1.5x the floor's.
NESTED = "100 organisations, two nested levels"


def compiled_reads(report: Report) -> list[Verdict]:
    """Issue 23's targets, one verdict per operation."""
    verdicts: list[Verdict] = []
    for op, most in P50_OVER_FLOOR.items():
        ours, floor = report.cell(op, "ours", 1), report.cell(op, "floor", 1)
        r = None
        if ours and floor and ours.ok and floor.ok and ours.stats and floor.stats:
            r = ratio(ours.stats.p50, floor.stats.p50)
        figure = f"{r:.2f}" if r is not None else "n/a"
        verdicts.append(Verdict(f"{op}: ours/floor p50 at c=1 ≤ {most:g}", figure,
                                None if r is None else r <= most))  # fmt: skip
    for op in PEER_THROUGHPUT:
        ours, peer = report.cell(op, "ours", 16), report.cell(op, "peer", 16)
        r = None
        if ours and peer and ours.ok and peer.ok and ours.stats and peer.stats:
            r = ratio(ours.stats.throughput, peer.stats.throughput)
        figure = f"{r:.2f}" if r is not None else "n/a"
        verdicts.append(Verdict(f"{op}: ours/peer req/s at c=16 ≥ 1", figure,
                                None if r is None else r >= 1.0))  # fmt: skip
    ours, floor = report.cell(NESTED, "ours", 1), report.cell(NESTED, "floor", 1)
    r = None
    if ours and floor and ours.cpu_ms is not None and floor.cpu_ms is not None:
        r = ratio(ours.cpu_ms, floor.cpu_ms)
    verdicts.append(
        Verdict(
            f"{NESTED}: CPU per request (API + Neo4j) ≤ 1.5x the floor's at c=1",
            f"{r:.2f}" if r is not None else "n/a",
            None if r is None else r <= 1.5,
        )
    )
    return verdicts


def _verdict_text(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not evaluated"}[met]


def _cpu_tables(report: Report) -> list[str]:
    """CPU milliseconds per request: what each target costs the machine, which holds up
    better than wall-clock latency when the machine is shared."""
    if not any(c.cpu_ms is not None for c in report.cells):
        return []
    lines = [
        "",
        "## CPU time per request",
        "",
        "User + system CPU of the server process (floor: the driver's process) plus Neo4j,",
        "divided by the requests of the cell, in milliseconds.",
        "",
        "| operation | concurrency | ours | floor | peer | ours/floor | ours/peer |",
        "|---|---|---|---|---|---|---|",
    ]
    for conc in report.concurrencies():
        for op in report.operations():
            cpu = {t: (c.cpu_ms if (c := report.cell(op, t, conc)) else None) for t in TARGETS}
            if all(v is None for v in cpu.values()):
                continue
            lines.append(
                f"| {op} | {conc} | {_fmt(cpu['ours'])} | {_fmt(cpu['floor'])} "
                f"| {_fmt(cpu['peer'])} | {_fmt_ratio(ratio(cpu['ours'], cpu['floor']))} "
                f"| {_fmt_ratio(ratio(cpu['ours'], cpu['peer']))} |"
            )
    return lines


def render(report: Report) -> str:
    """RESULTS.md: machine and run details, one table per concurrency, one-offs, targets."""
    lines = [
        f"# Benchmark results — size {report.size}",
        "",
        "Generated by `bench/run.py`; do not edit by hand. Latencies are p50 / p95 / p99 in",
        "milliseconds, throughput in successful requests per second. *ours* is the Koostöö",
        "GraphQL API over HTTP, *floor* the equivalent hand-written Cypher through the Python",
        "async driver, *peer* a server built on the Neo4j GraphQL Library (`bench/peer/`).",
        "All three ran against the same local Neo4j on the same machine as the load generator.",
        "",
    ]
    lines += [f"- **{k}:** {v}" for k, v in report.meta.items()]
    lines += ["", "## Data", ""]
    lines += [f"- **{k}:** {v}" for k, v in report.data.items()]
    for conc in report.concurrencies():
        lines += [
            "",
            f"## Concurrency {conc}",
            "",
            "| operation | ours | ours req/s | floor | floor req/s | peer | peer req/s "
            "| ours/floor p50 | ours/peer p50 | ours/peer req/s |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for op in report.operations():
            cells = {t: report.cell(op, t, conc) for t in TARGETS}
            if all(c is None for c in cells.values()):
                continue
            texts = {t: _cell_text(c) for t, c in cells.items()}
            stats = {t: (c.stats if c and c.ok else None) for t, c in cells.items()}
            o, f, p = stats["ours"], stats["floor"], stats["peer"]
            lines.append(
                f"| {op} | {texts['ours'][0]} | {texts['ours'][1]} | {texts['floor'][0]} "
                f"| {texts['floor'][1]} | {texts['peer'][0]} | {texts['peer'][1]} "
                f"| {_fmt_ratio(ratio(o.p50, f.p50) if o and f else None)} "
                f"| {_fmt_ratio(ratio(o.p50, p.p50) if o and p else None)} "
                f"| {_fmt_ratio(ratio(o.throughput, p.throughput) if o and p else None)} |"
            )
    lines += _cpu_tables(report)
    if report.oneoffs:
        lines += ["", "## One-off measurements", "", "| what | target | figure | detail |"]
        lines.append("|---|---|---|---|")
        for x in report.oneoffs:
            value = "n/a" if x.value is None else f"{_fmt(x.value, 2)} {x.unit}"
            lines.append(f"| {x.name} | {x.target} | {value} | {x.detail} |")
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for v in evaluate(report):
        lines.append(f"| {v.target} | {v.figure} | {_verdict_text(v.met)} |")
    if report.findings:
        lines += ["", "## Findings", ""]
        lines += [f"- {x}" for x in report.findings]
    if report.documents:
        lines += ["", "## What each target ran", ""]
        for op, docs in report.documents.items():
            lines += [f"### {op}", ""]
            for target, text in docs.items():
                lang = "cypher" if target == "floor" else "graphql"
                lines += [f"{target}:", "", f"```{lang}", text.strip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"
