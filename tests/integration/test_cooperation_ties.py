"""Cooperation as a tie (issue 24, part 3): "X pakub teenust koostöös Y-ga" is an edge
between X and Y (`COOPERATES_WITH`), the service is `DELIVERED_FOR` Y, and the facts
the model could not hold (authorship, service concepts developed, ideas brought to
programmes and what grew out of them) are edges with their quotes; the analytics see
them, and a database written before them is migrated (migration 10)."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from graph import maintenance, migration_steps, migrations
from graph.analytics import centrality, communities, cooperation, coverage, network, paths
from graph.analytics.projection import NetworkKind
from graph.driver import Graph
from graph.models.relationships import RelType
from seeds import dataset

#: The NGOs that deliver a service with (for) a municipality, per the brochure (002) and
#: the Pöördepunkt press release (004).
SERVED: dict[str, str] = {
    "parnu-linn": "horisont",
    "tallinna-linn": "kao-paevakeskus",
    "viljandi-vald": "seltsiks-sinule",
    "ida-virumaa-kohalikud-omavalitsused": "sotsiaalministeerium",
}


async def _ties(graph: Graph, entity: str) -> set[tuple[str, str]]:
    async def work(tx: AsyncManagedTransaction) -> set[tuple[str, str]]:
        result = await tx.run(
            "MATCH (:Entity {id: $id})-[r]-(x:Entity) RETURN type(r) AS t, x.id AS x", id=entity
        )
        return {(r["t"], r["x"]) async for r in result}

    return await graph.read(work)


async def test_every_municipality_in_the_sources_has_a_tie(seeded: Graph) -> None:
    municipalities = [
        n.id
        for n in dataset.read().nodes
        if n.label == "Organisation" and n.props.get("kind") == "MUNICIPALITY"
    ]
    assert sorted(municipalities) == sorted(SERVED)
    for m in municipalities:
        kinds = {t for t, _ in await _ties(seeded, m)}
        assert kinds & {"COOPERATES_WITH", "DELIVERED_FOR"}, (m, kinds)
    assert ("COOPERATES_WITH", "seltsiks-sinule") in await _ties(seeded, "viljandi-vald")
    assert ("DELIVERED_FOR", "seltsilise-teenus") in await _ties(seeded, "viljandi-vald")


async def test_paths_from_the_serving_organisations_reach_the_municipalities(
    seeded: Graph,
) -> None:
    for municipality, provider in SERVED.items():
        found = await paths.find(seeded, provider, municipality, max_hops=2, limit=3)
        best = found.shortest[0]
        assert best.actor_ids == [provider, municipality], (provider, municipality)
        hop = best.hops[0]
        assert (hop.kind, hop.source_tie.type) == ("RELATIONSHIP", "COOPERATES_WITH")
        assert hop.sources and hop.sources[0].quote, hop
    # the umbrella NGO of Käo Päevakeskus reaches Tallinn through its unit
    found = await paths.find(seeded, "inimeselt-inimesele", "tallinna-linn", max_hops=3)
    assert found.shortest[0].actor_ids == [
        "inimeselt-inimesele",
        "kao-paevakeskus",
        "tallinna-linn",
    ]


async def test_partners_ego_centrality_and_communities_see_the_ties(seeded: Graph) -> None:
    found = await cooperation.partners(seeded, ["viljandi-vald"])
    [partner] = [p for p in found["viljandi-vald"] if p.organisation_id == "seltsiks-sinule"]
    assert [(s.id, s.type, s.own_roles) for s in partner.shared] == [
        ("seltsilise-teenus", "Service", ["COOPERATES_WITH"])
    ]
    ego = await network.ego(seeded, "viljandi-vald")
    assert {"seltsiks-sinule", "seltsilise-teenus"} <= {n.id for n in ego.nodes}
    assert {e.type for e in ego.edges} >= {"COOPERATES_WITH", "DELIVERED_FOR"}
    degree = await centrality.centrality(
        seeded, centrality.Metric.DEGREE, NetworkKind.ORGANISATIONS, first=1000
    )
    assert {s.id: s.score for s in degree}["viljandi-vald"] > 0
    groups = await communities.communities(seeded, NetworkKind.ORGANISATIONS)
    [together] = [g for g in groups if "viljandi-vald" in {m.id for m in g.members}]
    assert "seltsiks-sinule" in {m.id for m in together.members}


async def test_coverage_says_whom_a_service_is_delivered_for(seeded: Graph) -> None:
    async def category(tx: AsyncManagedTransaction) -> str | None:
        row = await (
            await tx.run(
                "MATCH (:Service {id: 'seltsilise-teenus'})-[:IN_CATEGORY]->(c) RETURN c.id AS c"
            )
        ).single()
        return None if row is None else str(row["c"])

    found = await seeded.read(category)
    assert found is not None
    report = await coverage.coverage(seeded, found)
    services = [s for p in report.places for s in p.services if s.id == "seltsilise-teenus"]
    assert services and all([f.id for f in s.delivered_for] == ["viljandi-vald"] for s in services)


async def test_the_facts_the_model_could_not_hold_are_edges_with_quotes(seeded: Graph) -> None:
    expected = {
        ("jaan-aps", RelType.AUTHORED, "doc-uhenduste-rahastamise-juhendmaterjal"),
        ("oma-pere", RelType.DEVELOPED, "lapsendamise-eelsed-ja-jargsed-teenused"),
        ("teeme", RelType.BROUGHT_IDEA, "eelnevad-arenguprogrammid"),
        ("seltsiks-sinule", RelType.GREW_OUT_OF, "eelnevad-arenguprogrammid"),
    }

    async def edges(tx: AsyncManagedTransaction) -> dict[tuple[str, str, str], Any]:
        result = await tx.run(
            "MATCH (a)-[r:AUTHORED|DEVELOPED|BROUGHT_IDEA|GREW_OUT_OF]->(b) "
            "RETURN a.id AS a, type(r) AS t, b.id AS b, r.evidence AS evidence"
        )
        return {(r["a"], r["t"], r["b"]): r["evidence"] async for r in result}

    found = await seeded.read(edges)
    for a, t, b in expected:
        assert found.get((a, t.value, b)), (a, t, b)


async def test_migration_10_turns_for_organisation_into_edges(graph: Graph) -> None:
    """A graph written before migration 10 holds `PROVIDES {forOrganisation}`: the
    migration makes the two edges from it, with its quotes, and drops the property;
    an id that names no organisation is kept in the note. A rerun finds nothing."""
    async with graph.driver.session(database=graph.database) as session:
        await (await session.run("MATCH (m:KoostooMigration {version: 10}) DELETE m")).consume()
    try:

        async def write(tx: AsyncManagedTransaction) -> None:
            await tx.run(
                "CREATE (ngo:Entity:Organisation {id: 'ngo', name: 'MTÜ Abi', kind: 'NGO'}), "
                "(vald:Entity:Organisation {id: 'vald', name: 'Viljandi vald', "
                "  kind: 'MUNICIPALITY'}), "
                "(s:Entity:Service {id: 's', name: 'Seltsilise teenus'}), "
                "(t:Entity:Service {id: 't', name: 'Muu teenus'}), "
                "(ngo)-[:PROVIDES {forOrganisation: 'vald', basis: 'koostöös vallaga', "
                "  sourceIds: ['doc'], "
                "  evidence: ['Koostöös Viljandi valla omavalitsusega']}]->(s), "
                "(ngo)-[:PROVIDES {forOrganisation: 'kadunud'}]->(t)"
            )

        await graph.write(write)
        assert [m.version for m in await migrations.migrate(graph)] == [10]

        async def rels(tx: AsyncManagedTransaction) -> list[tuple[str, str, str, Any]]:
            result = await tx.run(
                "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, "
                "r {.about, .basis, .evidence, .forOrganisation, .note} AS p ORDER BY a, t, b"
            )
            return [(r["a"], r["t"], r["b"], r["p"]) async for r in result]

        found = {(a, t, b): p for a, t, b, p in await graph.read(rels)}
        quote = ["Koostöös Viljandi valla omavalitsusega"]
        assert found[("ngo", "COOPERATES_WITH", "vald")] == {
            "about": "s",
            "basis": "koostöös vallaga",
            "evidence": quote,
            "forOrganisation": None,
            "note": None,
        }
        assert found[("s", "DELIVERED_FOR", "vald")]["evidence"] == quote
        assert found[("ngo", "PROVIDES", "s")]["forOrganisation"] is None
        assert found[("ngo", "PROVIDES", "t")]["note"] == "for organisation kadunud"
        assert len(found) == 4
        assert await migration_steps.cooperation_edges(graph) == 0
    finally:
        await maintenance.wipe(graph, allow_data=True)
        await migrations.migrate(graph)
