"""The benchmark's synthetic network and import rows: deterministic, valid, realistic."""

from __future__ import annotations

from collections import Counter

from bench.import_run import attendance_rows
from bench.operations import Samples, sample
from graph.models.registry import REGISTRY
from graph.models.relationships import MATRIX, RelType
from graph.models.spec import DERIVED
from seeds.synth import SIZES, generate


def test_the_same_seed_gives_the_same_network_and_another_seed_another() -> None:
    a, b, c = generate("XS", seed=1), generate("XS", seed=1), generate("XS", seed=2)
    assert a.nodes == b.nodes and a.rels == b.rels
    assert a.rels != c.rels


def test_sizes_and_every_relationship_allowed_by_the_matrix() -> None:
    net = generate("XS")
    size = SIZES["XS"]
    assert len(net.nodes["Organisation"]) == size.organisations
    assert len(net.nodes["Person"]) == size.people
    assert len(net.nodes["Event"]) == size.events
    label_of = {n["id"]: label for label, rows in net.nodes.items() for n in rows}
    assert len(label_of) == net.node_count()  # ids are unique across labels
    for rel_type, rows in net.rels.items():
        for r in rows:
            pair = (label_of[r["from"]], label_of[r["to"]])
            assert pair in MATRIX[rel_type], (rel_type, pair)
    # One relationship per (from, type, to): the writers MERGE on it.
    keys = [(t, r["from"], r["to"]) for t, rows in net.rels.items() for r in rows]
    assert len(keys) == len(set(keys))


def test_nodes_validate_against_the_domain_models() -> None:
    net = generate("XS")
    for label, rows in net.nodes.items():
        create = REGISTRY[label].create
        for row in rows[:50]:
            props = {k: v for k, v in row["props"].items() if k not in DERIVED}
            create.model_validate(props | {"id": row["id"]})
    names = [o["props"]["name"] for o in net.nodes["Organisation"]]
    assert len(names) == len(set(names))  # organisation names are unique


def test_attendance_is_heavy_tailed() -> None:
    net = generate("S")
    per_event = Counter(r["to"] for r in net.rels[RelType.ATTENDED] if "person" in r["from"])
    sizes = sorted(per_event.values())
    median, biggest = sizes[len(sizes) // 2], sizes[-1]
    assert biggest >= 10 * median  # a few huge events, most small
    per_org = Counter(r["to"] for r in net.rels[RelType.MEMBER_OF] if "person" in r["from"])
    assert max(per_org.values()) >= 20 * (sorted(per_org.values())[len(per_org) // 2])


def test_import_rows_are_new_distinct_attendances() -> None:
    net = generate("XS")
    rows = attendance_rows(net, 500)
    existing = {(r["from"], r["to"]) for r in net.rels[RelType.ATTENDED]}
    pairs = [(r["from"], r["to"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == 500
    assert not existing & set(pairs)
    people, events = set(net.ids("Person")), set(net.ids("Event"))
    assert all(a in people and b in events for a, b in pairs)


def test_samples_are_deterministic_and_cycle() -> None:
    orgs, people = sample([f"o{i}" for i in range(1000)], [f"p{i}" for i in range(1000)])
    assert (orgs, people) == sample([f"o{i}" for i in range(1000)], [f"p{i}" for i in range(1000)])
    s = Samples(orgs, people, ["x"], "run")
    assert s.org(0) == s.org(len(orgs))
    a, b = s.person_pair(3)
    assert a != b
