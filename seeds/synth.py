"""A deterministic synthetic stakeholder network in sizes XS, S, M and L (benchmarks).

It loads through the same batched writers as the seed loader and the importers
(`graph/bulk/`), so what the benchmarks read was written the production way.

The shape aims at what real networks look like rather than at uniform noise:
organisation sizes, event attendance and personal activity are heavy-tailed (Zipf
weights, Pareto draws), organisations cluster in a few counties, most people belong to
one or two organisations, a few events are huge and most are small.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from neo4j import AsyncManagedTransaction

from graph import bulk
from graph.driver import Graph
from graph.models.entities import EventKind, OrganisationKind, ProgrammeKind
from graph.models.registry import REGISTRY
from graph.models.relationships import AttendanceRole, RelType
from graph.text import fold
from seeds import gc_tuning


@dataclass(frozen=True)
class Size:
    name: str
    organisations: int
    people: int
    events: int
    programmes: int
    services: int
    #: mean number of people attending an event (Pareto-distributed, capped)
    mean_attendance: float = 8.0


SIZES: dict[str, Size] = {
    "XS": Size("XS", 100, 300, 200, 10, 20),
    "S": Size("S", 1_000, 3_000, 2_000, 100, 200),
    "M": Size("M", 10_000, 30_000, 20_000, 1_000, 2_000),
    "L": Size("L", 100_000, 300_000, 200_000, 10_000, 20_000),
    # The size of the analytics benchmark (issue 5): 100k organisations and people,
    # about 1M relationships.
    "100K": Size("100K", 25_000, 75_000, 50_000, 2_500, 5_000, mean_attendance=10.0),
}

COUNTIES = [
    "Harju maakond", "Tartu maakond", "Ida-Viru maakond", "Pärnu maakond", "Lääne-Viru maakond",
    "Viljandi maakond", "Rapla maakond", "Võru maakond", "Saare maakond", "Jõgeva maakond",
    "Järva maakond", "Valga maakond", "Põlva maakond", "Lääne maakond", "Hiiu maakond",
]  # fmt: skip
TOWNS = [
    "Tallinn", "Tartu", "Narva", "Pärnu", "Kohtla-Järve", "Viljandi", "Maardu", "Rakvere",
    "Kuressaare", "Sillamäe", "Võru", "Valga", "Jõhvi", "Keila", "Haapsalu", "Paide", "Saue",
    "Elva", "Tapa", "Põlva", "Türi", "Rapla", "Jõgeva", "Kiviõli", "Põltsamaa", "Sindi",
    "Paldiski", "Kärdla", "Kunda", "Tõrva", "Narva-Jõesuu", "Kehra", "Loksa", "Otepää",
    "Räpina", "Tamsalu", "Kilingi-Nõmme", "Karksi-Nuia", "Võhma", "Antsla", "Lihula",
    "Mustvee", "Suure-Jaani", "Abja-Paluoja", "Püssi", "Kallaste", "Mõisaküla",
]  # fmt: skip
STEMS = [
    "Noorte", "Küla", "Pere", "Tervise", "Kultuuri", "Haridus", "Sotsiaal", "Spordi",
    "Puuetega Inimeste", "Eakate", "Keskkonna", "Ettevõtlus", "Kodanike", "Vabatahtlike",
    "Muusika", "Käsitöö", "Toidu", "Digi", "Mere", "Metsa", "Õpi", "Ühis", "Vaimse Tervise",
]  # fmt: skip
FORMS = {
    OrganisationKind.NGO: ["Selts", "Ühing", "Liit", "Klubi", "Koda", "Võrgustik", "Kogu"],
    OrganisationKind.FOUNDATION: ["Sihtasutus", "Fond", "Keskus"],
    OrganisationKind.COMPANY: ["OÜ", "AS", "Partnerid OÜ", "Stuudio OÜ"],
    OrganisationKind.MUNICIPALITY: ["Vallavalitsus", "Linnavalitsus"],
    OrganisationKind.AGENCY: ["Amet", "Keskus", "Inspektsioon"],
    OrganisationKind.RESEARCH: ["Uuringute Keskus", "Instituut", "Mõttekoda"],
    OrganisationKind.UNIVERSITY: ["Kolledž", "Akadeemia"],
    OrganisationKind.NETWORK: ["Koostöökoda", "Ümarlaud", "Võrgustik"],
    OrganisationKind.RELIGIOUS: ["Kogudus"],
    OrganisationKind.FUND: ["Toetusfond", "Arengufond"],
    OrganisationKind.COUNCIL: ["Nõukoda", "Esinduskogu"],
    OrganisationKind.MINISTRY: ["Ministeerium"],
    OrganisationKind.OTHER: ["Algatus", "Kogukond"],
}
KIND_WEIGHTS = {
    OrganisationKind.NGO: 46, OrganisationKind.COMPANY: 18, OrganisationKind.FOUNDATION: 9,
    OrganisationKind.MUNICIPALITY: 5, OrganisationKind.AGENCY: 3, OrganisationKind.RESEARCH: 3,
    OrganisationKind.UNIVERSITY: 1, OrganisationKind.NETWORK: 4, OrganisationKind.RELIGIOUS: 3,
    OrganisationKind.FUND: 2, OrganisationKind.COUNCIL: 2, OrganisationKind.MINISTRY: 1,
    OrganisationKind.OTHER: 3,
}  # fmt: skip
GIVEN = [
    "Mari", "Jaan", "Kadri", "Tõnu", "Ülle", "Märt", "Liis", "Andres", "Kristiina", "Peeter",
    "Triin", "Rein", "Anu", "Mihkel", "Kärt", "Toomas", "Helen", "Jüri", "Piret", "Sven",
    "Olga", "Sergei", "Tatjana", "Aleksei", "Eha", "Margus", "Külli", "Ants", "Merike", "Priit",
]  # fmt: skip
FAMILY = [
    "Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel",
    "Lepik", "Kõiv", "Oja", "Raudsepp", "Luik", "Lill", "Vaher", "Kivi", "Põder", "Jõgi",
    "Ivanov", "Smirnov", "Kuznetsova", "Männik", "Org", "Kuusk", "Laur", "Toom", "Paju", "Sild",
]  # fmt: skip
CATEGORIES = [
    "Kultuur", "Vaba aeg", "Piirkondliku elu edendamine", "Noorsootöö", "Sotsiaalhoolekanne",
    "Tervishoid", "Haridus",
]  # fmt: skip
MEMBER_ROLES = ["liige", "juhataja", "spetsialist", "koordinaator", "nõunik", "projektijuht"]
EVENT_KINDS = list(EventKind)
EVENT_KIND_WEIGHTS = [3, 20, 15, 4, 8, 14, 6, 22, 6, 2]
ROLE_WEIGHTS = {
    AttendanceRole.PARTICIPANT: 88, AttendanceRole.SPEAKER: 6, AttendanceRole.TRAINER: 2,
    AttendanceRole.MODERATOR: 2, AttendanceRole.MENTOR: 1, AttendanceRole.COORDINATOR: 1,
}  # fmt: skip


@dataclass
class Network:
    """Rows ready for `graph.bulk`: nodes per label `{id, props}`, relationships per type."""

    size: Size
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[RelType, list[dict[str, Any]]] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    def rel_count(self) -> int:
        return sum(len(v) for v in self.rels.values())

    def ids(self, label: str) -> list[str]:
        return [n["id"] for n in self.nodes.get(label, [])]


class _Zipf:
    """Draws indexes 0..n-1 with weight 1/(rank+1)^s, ranks shuffled by the seed."""

    def __init__(self, rng: random.Random, n: int, s: float) -> None:
        order = list(range(n))
        rng.shuffle(order)
        self._order = order
        self._cum = list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(n)))
        self._rng = rng

    def draw(self) -> int:
        x = self._rng.random() * self._cum[-1]
        return self._order[min(bisect.bisect_left(self._cum, x), len(self._cum) - 1)]

    def distinct(self, k: int) -> list[int]:
        k = min(k, len(self._order))
        seen: dict[int, None] = {}
        tries = 0
        while len(seen) < k and tries < k * 20:
            seen.setdefault(self.draw(), None)
            tries += 1
        return list(seen)


def _pareto_count(rng: random.Random, mean: float, cap: int, alpha: float = 1.8) -> int:
    """A heavy-tailed count ≥ 1 with roughly the given mean."""
    xm = mean * (alpha - 1) / alpha
    return max(1, min(cap, int(xm * rng.paretovariate(alpha))))


def _date(rng: random.Random, first_year: int = 2015, last_year: int = 2026) -> str:
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _node(label: str, node_id: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"id": node_id, "props": props | REGISTRY[label].derived(props)}


def generate(size: Size | str, seed: int = 7) -> Network:
    """The network of this size; the same seed gives the same network."""
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)
    net = Network(size)
    rels: dict[RelType, list[dict[str, Any]]] = {t: [] for t in RelType}

    def rel(t: RelType, a: str, b: str, **props: Any) -> None:
        rels[t].append({"from": a, "to": b, "props": props})

    # Places: the country, its counties, a municipality per town.
    places = [_node("Place", "synth-ee", {"name": "Eesti", "kind": "COUNTRY"})]
    counties = [f"synth-county-{i}" for i in range(len(COUNTIES))]
    for cid, name in zip(counties, COUNTIES, strict=True):
        places.append(_node("Place", cid, {"name": name, "kind": "COUNTY"}))
        rel(RelType.PART_OF, cid, "synth-ee")
    towns = [f"synth-town-{i}" for i in range(len(TOWNS))]
    for i, (tid, name) in enumerate(zip(towns, TOWNS, strict=True)):
        places.append(_node("Place", tid, {"name": name, "kind": "MUNICIPALITY"}))
        rel(RelType.PART_OF, tid, counties[i % len(counties)])
    town_pick = _Zipf(rng, len(towns), 1.1)
    net.nodes["Place"] = places

    # Organisations: kinds by weight, names unique, located in a (mostly big) town.
    kinds = list(KIND_WEIGHTS)
    kind_cum = list(itertools.accumulate(KIND_WEIGHTS.values()))
    orgs, org_kind, used = [], [], set()
    for i in range(size.organisations):
        kind = rng.choices(kinds, cum_weights=kind_cum)[0]
        town = town_pick.draw()
        base = f"{TOWNS[town]} {rng.choice(STEMS)} {rng.choice(FORMS[kind])}"
        name, n = base, 1
        while fold(name) in used:  # unique as the database counts it (migration 6)
            n += 1
            name = f"{base} {n}"
        used.add(fold(name))
        oid = f"synth-org-{i}"
        orgs.append(
            _node(
                "Organisation",
                oid,
                {"name": name, "kind": kind.value, "tags": [rng.choice(STEMS).lower()]},
            )
        )
        org_kind.append(kind)
        rel(RelType.LOCATED_IN, oid, towns[town])
    net.nodes["Organisation"] = orgs
    org_ids = [o["id"] for o in orgs]
    org_pick = _Zipf(rng, len(orgs), 0.9)
    by_kind: dict[OrganisationKind, list[str]] = {}
    for oid, kind in zip(org_ids, org_kind, strict=True):
        by_kind.setdefault(kind, []).append(oid)
    networks = by_kind.get(OrganisationKind.NETWORK, org_ids[:1])
    for oid in org_ids:
        network = rng.choice(networks)
        if rng.random() < 0.15 and network != oid:
            rel(RelType.MEMBER_OF, oid, network)

    # People: most belong to one organisation, some to several (heavy-tailed org sizes).
    people = []
    for i in range(size.people):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        pid = f"synth-person-{i}"
        people.append(
            _node(
                "Person",
                pid,
                {"name": f"{given} {family}", "givenName": given, "familyName": family},
            )
        )
        for o in org_pick.distinct(_pareto_count(rng, 1.4, 8, alpha=2.5)):
            since = str(rng.randint(2005, 2024))
            rel(
                RelType.MEMBER_OF, pid, org_ids[o], role=rng.choice(MEMBER_ROLES), **{"from": since}
            )
    net.nodes["Person"] = people
    person_ids = [p["id"] for p in people]
    person_pick = _Zipf(rng, len(people), 0.7)

    # Programmes and services.
    funders = (
        by_kind.get(OrganisationKind.MINISTRY, [])
        + by_kind.get(OrganisationKind.FUND, [])
        + by_kind.get(OrganisationKind.AGENCY, [])
    ) or org_ids
    programmes = []
    for i in range(size.programmes):
        prid = f"synth-programme-{i}"
        start = rng.randint(2014, 2024)
        programmes.append(
            _node(
                "Programme",
                prid,
                {
                    "name": f"{rng.choice(STEMS)}programm {start}-{i}",
                    "kind": rng.choice(list(ProgrammeKind)).value,
                    "startDate": str(start),
                    "endDate": str(start + rng.randint(1, 4)),
                },
            )
        )
        rel(RelType.FUNDED, rng.choice(funders), prid, amount=float(rng.randint(5, 500) * 1000),
            currency="EUR")  # fmt: skip
        rel(RelType.COMMISSIONED, rng.choice(funders), prid)
        for o in org_pick.distinct(rng.randint(1, 3)):
            rel(RelType.IMPLEMENTED, org_ids[o], prid)
    net.nodes["Programme"] = programmes
    net.nodes["ServiceCategory"] = [
        _node("ServiceCategory", f"synth-category-{i}", {"name": name})
        for i, name in enumerate(CATEGORIES)
    ]
    providers = by_kind.get(OrganisationKind.NGO, org_ids)
    services = []
    for i in range(size.services):
        sid = f"synth-service-{i}"
        cat = rng.randrange(len(CATEGORIES))
        services.append(
            _node("Service", sid, {"name": f"{CATEGORIES[cat]}: {rng.choice(STEMS)}teenus {i}"})
        )
        rel(RelType.IN_CATEGORY, sid, f"synth-category-{cat}")
        for provider in rng.sample(providers, min(len(providers), rng.randint(1, 2))):
            rel(RelType.PROVIDES, provider, sid, basis="leping")
        for t in {town_pick.draw() for _ in range(rng.randint(1, 3))}:
            rel(RelType.AVAILABLE_IN, sid, towns[t])
    net.nodes["Service"] = services

    # Events: heavy-tailed attendance, organised by one (often big) organisation.
    events = []
    cap = max(20, min(500, size.people // 10))
    for i in range(size.events):
        eid = f"synth-event-{i}"
        ekind = rng.choices(EVENT_KINDS, weights=EVENT_KIND_WEIGHTS)[0]
        town = town_pick.draw()
        events.append(
            _node(
                "Event",
                eid,
                {
                    "name": f"{TOWNS[town]} {rng.choice(STEMS).lower()} {ekind.value.lower()} {i}",
                    "kind": ekind.value,
                    "startDate": _date(rng),
                },
            )
        )
        rel(RelType.HELD_AT, eid, towns[town])
        organiser = org_ids[org_pick.draw()]
        rel(RelType.ORGANISED, organiser, eid)
        if programmes and rng.random() < 0.5:
            rel(RelType.PART_OF, eid, rng.choice(programmes)["id"])
        orgs_here = {organiser} | {
            org_ids[o] for o in org_pick.distinct(_pareto_count(rng, 2.0, 40))
        }
        for oid in sorted(orgs_here):
            rel(RelType.ATTENDED, oid, eid, role="PARTICIPANT")
        for p in person_pick.distinct(_pareto_count(rng, size.mean_attendance, cap)):
            role = rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0]
            rel(RelType.ATTENDED, person_ids[p], eid, role=role.value)
    net.nodes["Event"] = events
    net.rels = {t: rows for t, rows in rels.items() if rows}
    return net


#: Places first (organisations point at them), people before the events they attend.
ORDER = ("Place", "ServiceCategory", "Organisation", "Person", "Programme", "Service", "Event")

Progress = Callable[[str, int], None]


def _batches(rows: Sequence[dict[str, Any]], n: int) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), n):
        yield list(rows[i : i + n])


@gc_tuning.loads
async def load(
    graph: Graph,
    net: Network,
    *,
    batch: int = 5_000,
    actor: str = "synth",
    progress: Progress | None = None,
    writers: int = bulk.WRITERS,
) -> bulk.Report:
    """Write the network with the batched idempotent writers, one transaction per batch,
    `writers` batches in flight (graph/bulk/pipeline.py `Pipeline`): nodes first, then edges."""
    report = bulk.Report()

    def counted(counts: bulk.Counts, into: bulk.Counts, name: str, n: int) -> None:
        into.__iadd__(counts)
        if progress:
            progress(name, n)

    async with bulk.Pipeline(graph, writers) as pipeline:
        for label in ORDER:
            for rows in _batches(net.nodes.get(label, []), batch):

                async def nodes(tx: AsyncManagedTransaction, rows: list[dict[str, Any]] = rows,
                                label: str = label) -> bulk.Counts:  # fmt: skip
                    return await bulk.upsert_nodes(tx, label, rows, actor=actor)

                done = partial(counted, into=report.node(label), name=label, n=len(rows))
                await pipeline.submit(nodes, done)
        await pipeline.drain()  # the edges connect these nodes
        for rel_type, all_rows in net.rels.items():
            for rows in bulk.by_start(all_rows, batch * 2):

                async def edges(tx: AsyncManagedTransaction, rows: list[dict[str, Any]] = rows,
                                rel_type: RelType = rel_type) -> bulk.Counts:  # fmt: skip
                    return await bulk.upsert_relationships(tx, rel_type, rows)

                done = partial(
                    counted, into=report.rel(rel_type.value), name=rel_type.value, n=len(rows)
                )
                await pipeline.submit(edges, done)
    return report
