"""GET /export/graph: streamed cytoscape.js, GraphML, GEXF and CSV, read back with
independent readers (networkx, csv, json) and compared with the database."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from typing import Any

import httpx
import networkx as nx
import pytest

from graph import entities, export, maintenance
from graph.analytics.network import DEFAULT_TYPES, NetworkFilter
from graph.driver import Graph
from graph.export import selection
from graph.keys import Role
from graph.models.entities import OrganisationCreate
from seeds import dataset, loader

CYRILLIC = "Нарвский центр социальной работы «Ёлка»"


@pytest.fixture
async def seeded(graph: Graph) -> Graph:
    await loader.load(graph, dataset.read())
    await entities.create(
        graph,
        "Organisation",
        OrganisationCreate.model_validate(
            {"id": "narva-keskus", "name": CYRILLIC, "kind": "NGO", "tags": ["Ida-Virumaa", "тест"]}
        ),
        actor="test",
    )
    return graph


async def _get(client: httpx.AsyncClient, key: str, **params: str) -> httpx.Response:
    return await client.get(
        "/export/graph", params=params, headers={"Authorization": f"Bearer {key}"}
    )


async def _expected(graph: Graph) -> tuple[int, int]:
    labels = await maintenance.label_counts(graph)
    rels = await maintenance.relationship_counts(graph)
    nodes = sum(labels.values())
    edges = sum(n for t, n in rels.items() if t in DEFAULT_TYPES)
    return nodes, edges


async def test_graphml_opens_with_networkx_and_matches_the_database(
    seeded: Graph, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await _get(client, api_keys[Role.VIEWER], format="graphml")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/graphml+xml")
    assert "koostoo-graph.graphml" in response.headers["content-disposition"]
    g = nx.read_graphml(io.BytesIO(response.content), force_multigraph=True)
    nodes, edges = await _expected(seeded)
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    assert g.is_directed()
    tk = g.nodes["tootukassa"]
    assert (tk["label"], tk["type"], tk["kind"]) == ("Eesti Töötukassa", "Organisation", "AGENCY")
    assert json.loads(tk["aliases"]) == ["Töötukassa"] or "Töötukassa" in tk["aliases"]
    assert g.nodes["narva-keskus"]["label"] == CYRILLIC
    assert json.loads(g.nodes["narva-keskus"]["tags"]) == ["Ida-Virumaa", "тест"]
    assert "searchText" not in tk and "email" not in g.nodes["vassili-golikov"]
    edge = _only_edge(g, "tootukassa", "huvikaitse-mottekoja-kohtumised")
    assert edge["type"] == "ATTENDED" and edge["role"] == "PARTICIPANT"
    assert edge["weight"] == 1.0
    assert json.loads(edge["sourceIds"]) == ["doc-sev-huvikaitse-koostoovorgustik"] * 2
    by_type = Counter(d["type"] for _, _, d in g.edges(data=True))
    rels = await maintenance.relationship_counts(seeded)
    assert dict(by_type) == {t: n for t, n in rels.items() if t in DEFAULT_TYPES}
    by_label = Counter(d["type"] for _, d in g.nodes(data=True))
    assert dict(by_label) == await maintenance.label_counts(seeded)


async def test_gexf_opens_with_networkx(
    seeded: Graph, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await _get(client, api_keys[Role.ANALYST], format="gexf")
    assert response.status_code == 200, response.text
    g = nx.read_gexf(io.BytesIO(response.content))
    nodes, edges = await _expected(seeded)
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    assert g.nodes["narva-keskus"]["label"] == CYRILLIC
    assert g.nodes["sillamae-lastekaitse-uhing"]["label"] == "Sillamäe Lastekaitse Ühing"
    assert g.nodes["tootukassa"]["type"] == "Organisation"
    forum = g.nodes["ida-virumaa-kodanikuuhiskonna-foorum-2016"]
    assert (forum["startDate"], forum["endDate"]) == ("2016-11-25", "2016-11-26")
    edge = _only_edge(g, "sev", "ida-virumaa-kodanikuuhiskonna-foorum-2016")
    assert edge["type"] == "ORGANISED" and edge["role"] == "CO_ORGANISER"


async def test_cytoscape_ego_export_follows_the_ego_filters(
    seeded: Graph, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await _get(
        client,
        api_keys[Role.VIEWER],
        format="cytoscape",
        id="tootukassa",
        depth="1",
        **{"from": "2016-11"},
    )
    assert response.status_code == 200, response.text
    body = json.loads(response.content)
    nodes = {n["data"]["id"] for n in body["elements"]["nodes"]}
    assert nodes == {
        "tootukassa",
        "huvikaitse-mottekoja-kohtumised",
        "ida-virumaa-kodanikuuhiskonna-foorum-2016",
        "luhiajaline-kaitstud-too",
    }
    edges = body["elements"]["edges"]
    assert all(e["data"]["source"] in nodes and e["data"]["target"] in nodes for e in edges)
    attended = next(e["data"] for e in edges if e["data"]["type"] == "ATTENDED")
    assert attended["sources"][1] == {
        "document": "doc-sev-huvikaitse-koostoovorgustik",
        "quote": "Eesti Töötukassa, Riigikantselei",
    }


async def test_csv_zip_has_nodes_and_edges(
    seeded: Graph, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await _get(client, api_keys[Role.VIEWER], format="csv", labels="Organisation")
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
    nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8"))))
    labels = await maintenance.label_counts(seeded)
    assert len(nodes) == labels["Organisation"]
    assert {n["type"] for n in nodes} == {"Organisation"}
    assert next(n for n in nodes if n["id"] == "narva-keskus")["label"] == CYRILLIC
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8"))))
    ids = {n["id"] for n in nodes}
    assert edges and all(e["source"] in ids and e["target"] in ids for e in edges)
    assert {e["type"] for e in edges} <= {"MEMBER_OF", "PART_OF", "COOPERATES_WITH"}


async def test_export_streams_in_chunks(seeded: Graph) -> None:
    chunks = [
        c
        async for c in export.stream(
            seeded, export.Format.GRAPHML, filter=NetworkFilter(max_nodes=5000)
        )
    ]
    total = sum(len(c) for c in chunks)
    assert total > export.CHUNK_BYTES and len(chunks) > 1
    assert all(len(c) <= export.CHUNK_BYTES + 16_384 for c in chunks)


def _only_edge(g: nx.DiGraph, u: str, v: str) -> dict[str, Any]:
    """The attributes of the one edge from u to v (two organisations may be tied more than
    once since issue 24: "koostöös" beside a membership, so the readers give multigraphs)."""
    if not g.is_multigraph():
        edge: dict[str, Any] = g.edges[u, v]
        return edge
    found = g.get_edge_data(u, v)
    assert found is not None and len(found) == 1, found
    data: dict[str, Any] = next(iter(found.values()))
    return data


async def _graphml(graph: Graph) -> nx.MultiDiGraph:
    chunks = [
        c
        async for c in export.stream(
            graph, export.Format.GRAPHML, filter=NetworkFilter(max_nodes=5000)
        )
    ]
    return nx.read_graphml(io.BytesIO(b"".join(chunks)), force_multigraph=True)


async def test_pages_of_any_size_export_the_same_graph(
    seeded: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = await _graphml(seeded)
    # pages of 7 nodes: many page boundaries, some pages whose sources have no edges
    monkeypatch.setattr(selection, "PAGE", 7)
    paged = await _graphml(seeded)
    assert sorted(paged.nodes) == sorted(whole.nodes)
    assert sorted(paged.edges(keys=False)) == sorted(whole.edges(keys=False))
    assert dict(paged.nodes(data=True)) == dict(whole.nodes(data=True))
    nodes, edges = await _expected(seeded)
    assert (paged.number_of_nodes(), paged.number_of_edges()) == (nodes, edges)


async def test_schema_scan_declares_the_keys_a_full_pass_finds(seeded: Graph) -> None:
    params = NetworkFilter(max_nodes=5000).params() | {"ids": None}
    async with seeded.driver.session(database=seeded.database) as session:
        tx = await session.begin_transaction()
        try:
            scanned = await selection._attrs(tx, selection.EDGE_KEYS_ALL, params, frozenset())
            passed = await selection._attrs(tx, selection.EDGE_KEYS, params, frozenset())
        finally:
            await tx.rollback()
    assert scanned == passed
    assert selection.Attr("role", "string") in scanned
    assert selection.Attr("createdAt", "string") in scanned


async def test_export_is_authorised_and_validated(
    seeded: Graph, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    assert (await client.get("/export/graph")).status_code == 401
    bad_key = await client.get("/export/graph", headers={"Authorization": "Bearer not-a-key"})
    assert bad_key.status_code == 401
    key = api_keys[Role.VIEWER]
    bad = await _get(client, key, format="pdf")
    assert bad.status_code == 400 and bad.json()["error"]["problems"][0]["field"] == "format"
    bad = await _get(client, key, format="graphml", relationshipTypes="KNOWS")
    assert bad.json()["error"]["problems"][0]["field"] == "relationshipTypes"
    bad = await _get(client, key, format="graphml", id="tootukassa", depth="7")
    assert bad.status_code == 400
    missing = await _get(client, key, format="graphml", id="nobody")
    assert missing.status_code == 404
