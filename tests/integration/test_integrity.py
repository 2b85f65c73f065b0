"""Integrity under concurrent writers (issue 21, items 10-12), through the GraphQL API on
the real Neo4j: unique folded names, derived fields, opposite merges, PART_OF cycles."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j import AsyncTransaction

from graph import bulk, entities, keys, maintenance, merge
from graph.driver import Graph
from graph.errors import Conflict, InvalidInput, NotFound
from graph.keys import Role
from graph.models.entities import OrganisationCreate, OrganisationUpdate
from graph.models.registry import REGISTRY
from seeds.importers.events import import_events
from seeds.importers.run import Options
from tests.conftest import GraphQLClient
from tests.factories import make_organisation

CREATE = """
mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    __typename
    ... on Organisation { id name }
    ... on ConflictProblem { message field }
    ... on ValidationProblem { message field }
  }
}
"""

UPDATE = """
mutation($id: ID!, $input: UpdateOrganisationInput!) {
  updateOrganisation(id: $id, input: $input) {
    __typename
    ... on Organisation { id name }
    ... on ConflictProblem { message field }
    ... on NotFoundProblem { id }
  }
}
"""

MERGE = """
mutation($k: ID!, $r: ID!) {
  mergeEntities(keepId: $k, removeId: $r) {
    __typename
    ... on Merged { removedId kept { id } }
    ... on NotFoundProblem { id message }
    ... on ValidationProblem { field message }
  }
}
"""

STORED = "MATCH (n:Entity) RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n {.*} AS n"


async def stored_entities(graph: Graph) -> list[tuple[str, dict[str, Any]]]:
    async def work(tx: Any) -> list[tuple[str, dict[str, Any]]]:
        return [(r["label"], dict(r["n"])) async for r in await tx.run(STORED)]

    return await graph.read(work)


async def assert_invariants(graph: Graph) -> None:
    """Derived fields agree with the stored names; folded names of unique-name types are
    unique."""
    keys: Counter[tuple[str, str]] = Counter()
    for label, props in await stored_entities(graph):
        spec = REGISTRY[label]
        derived = spec.derived(props)
        assert props.get("sortKey") == derived["sortKey"], (label, props)
        assert props.get("searchText") == derived["searchText"], (label, props)
        if spec.unique_name:
            keys[(label, derived["sortKey"])] += 1
    assert [k for k, n in keys.items() if n > 1] == []


async def test_fifty_concurrent_creates_of_one_name_make_one(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    editor = gql[Role.EDITOR]
    names = [("Eesti Töötukassa" if i % 2 else " eesti TÖÖTUKASSA ") for i in range(50)]
    responses = await asyncio.gather(
        *(editor.post(CREATE, input={"name": n, "kind": "AGENCY"}) for n in names)
    )
    assert [r.status_code for r in responses] == [200] * 50
    results = [r.json()["data"]["createOrganisation"] for r in responses]
    kinds = Counter(r["__typename"] for r in results)
    assert kinds == {"Organisation": 1, "ConflictProblem": 49}, kinds
    winner = next(r for r in results if r["__typename"] == "Organisation")
    for r in results:
        if r["__typename"] == "ConflictProblem":
            assert r["field"] == "name"
            assert winner["id"] in r["message"], r["message"]
    orgs = [p for label, p in await stored_entities(graph) if label == "Organisation"]
    assert [o["id"] for o in orgs] == [winner["id"]]
    await assert_invariants(graph)


@asynccontextmanager
async def held(graph: Graph, ids: list[str]) -> AsyncIterator[AsyncTransaction]:
    """Hold the write locks of these entities until the block ends (in a transaction it
    may write in as well). Writers started in the block (`await blocked(...)` until they
    are there) queue for the locks after whatever reads they do first: the interleavings
    of lost updates, staged every time rather than met now and then."""
    async with graph.driver.session(database=graph.database) as session:
        tx = await session.begin_transaction()
        await (
            await tx.run("MATCH (n:Entity) WHERE n.id IN $ids SET n.id = n.id", ids=ids)
        ).consume()
        yield tx
        await tx.commit()


async def blocked(graph: Graph, n: int) -> None:
    """Wait until `n` transactions wait for a lock (Neo4j's own view, not a guess at
    how long they take to get there)."""
    query = "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n"
    for _ in range(3000):  # at most ~5 minutes on a loaded machine
        async with graph.driver.session(database=graph.database) as session:
            row = await (await session.run(query)).single(strict=True)
        if row["n"] >= n:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {n} transactions came to wait for a lock")


async def test_concurrent_renames_and_description_edits_keep_derived_fields(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """25 renames and 25 description edits at once: the derived keys follow the final
    name. Staged: all read the first name, the renames queue for the lock first, the
    description edits after them (a description edit that derived the keys from the
    name it read before a rename wrote them back)."""
    editor = gql[Role.EDITOR]
    made = await editor(CREATE, input={"name": "Algne nimi", "kind": "NGO"})
    org_id = made["createOrganisation"]["id"]
    renames = [{"name": f"Ühing nr {i} – Šõäöü"} for i in range(25)]
    descriptions = [{"description": f"kirjeldus {i}"} for i in range(25)]
    async with held(graph, [org_id]):
        first = asyncio.gather(*(editor.post(UPDATE, id=org_id, input=e) for e in renames))
        await blocked(graph, len(renames))
        then = asyncio.gather(*(editor.post(UPDATE, id=org_id, input=e) for e in descriptions))
        await blocked(graph, len(renames) + len(descriptions))
    responses = [*await first, *await then]
    assert [r.status_code for r in responses] == [200] * 50
    assert {r.json()["data"]["updateOrganisation"]["__typename"] for r in responses} == {
        "Organisation"
    }
    [org] = [p for _, p in await stored_entities(graph) if p["id"] == org_id]
    assert org["name"].startswith("Ühing nr ") and org["description"].startswith("kirjeldus")
    await assert_invariants(graph)


async def test_opposite_concurrent_merges_apply_once(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """Merge a into b while b merges into a, for several pairs at once: one of each pair
    is applied, the other is a clean NotFoundProblem, never an error.

    Staged: b-into-a starts first and waits for a's lock to remove it; a-into-b starts
    next and, before the merges took their locks first, read a while it still existed,
    waited for the same lock to update a, and wrote into a node removed meanwhile."""
    editor, admin = gql[Role.EDITOR], gql[Role.ADMIN]

    pairs = [(f"org-a-{i}", f"org-b-{i}") for i in range(6)]
    for a, b in pairs:
        for org_id in (a, b):
            made = await editor(CREATE, input={"id": org_id, "name": org_id, "kind": "NGO"})
            assert made["createOrganisation"]["__typename"] == "Organisation"

    # A merge that would make a PART_OF cycle is refused: b's tie to c would become a's.
    await make(gql, "Organisation", "a", "b", "c")
    assert (await part_of(gql, "c", "a"))["__typename"] == "Relationship"
    assert (await part_of(gql, "b", "c"))["__typename"] == "Relationship"
    refused = (await admin(MERGE, k="a", r="b"))["mergeEntities"]
    assert refused["__typename"] == "ValidationProblem", refused
    assert refused["field"] == "removeId" and "(a → c → a)" in refused["message"]
    assert await part_of_ties(graph) == {("c", "a"), ("b", "c")}
    assert (await admin(MERGE, k="a", r="c"))["mergeEntities"]["__typename"] == "Merged"

    async with held(graph, [a for a, _ in pairs]):
        b_into_a = asyncio.gather(*(admin.post(MERGE, k=b, r=a) for a, b in pairs))
        await blocked(graph, len(pairs))
        a_into_b = asyncio.gather(*(admin.post(MERGE, k=a, r=b) for a, b in pairs))
        await blocked(graph, 2 * len(pairs))
    responses = [*await b_into_a, *await a_into_b]
    assert [r.status_code for r in responses] == [200] * 12, [r.text for r in responses]
    bodies = [r.json() for r in responses]
    assert all("errors" not in body for body in bodies), bodies
    stored = {p["id"] for _, p in await stored_entities(graph)}
    for i, (a, b) in enumerate(pairs):
        results = [body["data"]["mergeEntities"] for body in bodies[i :: len(pairs)]]
        assert sorted(r["__typename"] for r in results) == ["Merged", "NotFoundProblem"], results
        assert len(stored & {a, b}) == 1
    await assert_invariants(graph)


CONNECT = """
mutation($i: ConnectInput!) {
  connect(input: $i) {
    __typename
    ... on Relationship { type from { id } to { id } }
    ... on ValidationProblem { field message }
    ... on NotFoundProblem { id }
  }
}
"""

CREATE_ANY = {
    "Organisation": (
        "mutation($id: String!) { createOrganisation(input: {id: $id, name: $id, kind: NGO}) "
        "{ __typename } }"
    ),
    "Place": (
        "mutation($id: String!) { createPlace(input: {id: $id, name: $id, kind: VILLAGE}) "
        "{ __typename } }"
    ),
    "Event": (
        "mutation($id: String!) { createEvent(input: {id: $id, name: $id, kind: MEETING, "
        'startDate: "2024-05-01"}) { __typename } }'
    ),
}


async def make(gql: dict[Role, GraphQLClient], label: str, *ids: str) -> None:
    for entity_id in ids:
        made = await gql[Role.EDITOR](CREATE_ANY[label], id=entity_id)
        assert next(iter(made.values()))["__typename"] == label, made


async def part_of(gql: dict[Role, GraphQLClient], child: str, parent: str) -> dict[str, Any]:
    data = await gql[Role.EDITOR](CONNECT, i={"type": "PART_OF", "fromId": child, "toId": parent})
    result: dict[str, Any] = data["connect"]
    return result


async def part_of_ties(graph: Graph) -> set[tuple[str, str]]:
    async def work(tx: Any) -> set[tuple[str, str]]:
        result = await tx.run("MATCH (a)-[:PART_OF]->(b) RETURN a.id AS a, b.id AS b")
        return {(r["a"], r["b"]) async for r in result}

    return await graph.read(work)


@pytest.mark.parametrize("label", ["Organisation", "Place", "Event"])
async def test_part_of_cycles_are_refused(
    graph: Graph, gql: dict[Role, GraphQLClient], label: str
) -> None:
    await make(gql, label, "a", "b", "c", "d")
    loop = await part_of(gql, "a", "a")
    assert loop["__typename"] == "ValidationProblem", loop
    assert loop["field"] == "toId" and "itself" in loop["message"]

    assert (await part_of(gql, "a", "b"))["__typename"] == "Relationship"
    two = await part_of(gql, "b", "a")
    assert two["__typename"] == "ValidationProblem", two
    assert "'a' is already part of 'b' (a → b)" in two["message"]

    assert (await part_of(gql, "b", "c"))["__typename"] == "Relationship"
    three = await part_of(gql, "c", "a")
    assert three["__typename"] == "ValidationProblem", three
    assert "(a → b → c)" in three["message"]

    # Not a cycle: a second parent, and a tie that exists already (its update).
    assert (await part_of(gql, "a", "c"))["__typename"] == "Relationship"
    assert (await part_of(gql, "a", "b"))["__typename"] == "Relationship"
    assert (await part_of(gql, "d", "a"))["__typename"] == "Relationship"
    assert await part_of_ties(graph) == {("a", "b"), ("b", "c"), ("a", "c"), ("d", "a")}


async def test_record_meeting_part_of_itself_is_refused(gql: dict[Role, GraphQLClient]) -> None:
    await make(gql, "Organisation", "org")
    result = await gql[Role.EDITOR](
        """mutation($i: RecordMeetingInput!) { recordMeeting(input: $i) {
             __typename ... on ValidationProblem { field message } } }""",
        i={
            "id": "kohtumine",
            "name": "Kohtumine",
            "startDate": "2024-05-01",
            "partOf": "kohtumine",
            "attendees": [{"id": "org"}],
        },
    )
    assert result["recordMeeting"]["__typename"] == "ValidationProblem"
    assert result["recordMeeting"]["field"] == "input.partOf"


async def test_concurrent_ties_that_close_a_cycle_together_are_refused(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """Opposite ties at once (a 2-cycle), and two ties that close a 4-cycle between them
    without sharing an end: exactly one of each pair is made."""
    for round_ in range(4):
        a, b, c, d = (f"{x}{round_}" for x in "abcd")
        await make(gql, "Organisation", a, b, c, d)
        opposite = await asyncio.gather(part_of(gql, a, b), part_of(gql, b, a))
        kinds = sorted(r["__typename"] for r in opposite)
        assert kinds == ["Relationship", "ValidationProblem"], opposite

        await gql[Role.EDITOR](
            "mutation($a: ID!, $b: ID!) { disconnect(input: {type: PART_OF, fromId: $a, "
            "toId: $b}) { __typename } }",
            a=a if opposite[0]["__typename"] == "Relationship" else b,
            b=b if opposite[0]["__typename"] == "Relationship" else a,
        )
        assert (await part_of(gql, b, c))["__typename"] == "Relationship"
        assert (await part_of(gql, d, a))["__typename"] == "Relationship"
        apart = await asyncio.gather(part_of(gql, a, b), part_of(gql, c, d))
        kinds = sorted(r["__typename"] for r in apart)
        assert kinds == ["Relationship", "ValidationProblem"], apart
    assert await cycles(graph) == 0


async def cycles(graph: Graph) -> int:
    async def work(tx: Any) -> int:
        row = await (
            await tx.run("MATCH (n) WHERE EXISTS { (n)-[:PART_OF]->+(n) } RETURN count(n) AS n")
        ).single(strict=True)
        return int(row["n"])

    return await graph.read(work)


NOTE = """
mutation($body: String!) {
  createNote(input: {about: ["org"], body: $body}) { __typename ... on Note { id author } }
}
"""
UPDATE_NOTE = """
mutation($id: ID!, $input: UpdateNoteInput!) {
  updateNote(id: $id, input: $input) { __typename ... on Note { body author } }
}
"""
DELETE_NOTE = "mutation($id: ID!) { deleteNote(id: $id) { __typename } }"
TASK = """
mutation($assignee: String) {
  createTask(input: {about: ["org"], title: "Helista", assignee: $assignee}) {
    __typename ... on Task { id author } }
}
"""
UPDATE_TASK = """
mutation($id: ID!, $input: UpdateTaskInput!) {
  updateTask(id: $id, input: $input) { __typename ... on Task { title status author } }
}
"""
DELETE_TASK = "mutation($id: ID!) { deleteTask(id: $id) { __typename } }"


async def editor_named(
    graph: Graph, gql: dict[Role, GraphQLClient], name: str
) -> tuple[GraphQLClient, str]:
    key, secret = await keys.create(graph, name=name, role=Role.EDITOR, actor="test")
    return GraphQLClient(gql[Role.EDITOR].client, secret), key.id


def forbidden(response: httpx.Response) -> bool:
    """Refused as FORBIDDEN (not a 5xx, not a silent success)."""
    body = response.json()
    assert response.status_code == 200, response.text
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    return codes == ["FORBIDDEN"] and body["data"] is None


async def test_only_the_author_or_an_admin_changes_a_note(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await make(gql, "Organisation", "org")
    anu, anu_key = await editor_named(graph, gql, "Anu Õunapuu")
    boris, _ = await editor_named(graph, gql, "Борис")
    note = (await anu(NOTE, body="Kohtusime Narvas."))["createNote"]
    assert note["author"] == f"key:Anu Õunapuu:{anu_key}"

    assert forbidden(await boris.post(UPDATE_NOTE, id=note["id"], input={"body": "Boris"}))
    assert forbidden(await boris.post(DELETE_NOTE, id=note["id"]))
    # The author is not part of the update input at all.
    spoof = await boris.post(UPDATE_NOTE, id=note["id"], input={"author": "key:x:y"})
    assert spoof.status_code < 500 and spoof.json().get("data") is None, spoof.text
    assert "author" in spoof.json()["errors"][0]["message"]
    stored = (
        await gql[Role.VIEWER](
            "query($id: ID!) { node(id: $id) { ... on Note { body author } } }", id=note["id"]
        )
    )["node"]
    assert stored == {"body": "Kohtusime Narvas.", "author": note["author"]}

    mine = await anu(UPDATE_NOTE, id=note["id"], input={"body": "Kohtusime Narvas, 2 h."})
    assert mine["updateNote"] == {
        "__typename": "Note",
        "body": "Kohtusime Narvas, 2 h.",
        "author": note["author"],
    }
    # A rotated key is the same holder: the note stays theirs.
    _, rotated = await keys.rotate(graph, anu_key, actor="test")
    anu = GraphQLClient(anu.client, rotated)
    again = await anu(UPDATE_NOTE, id=note["id"], input={"body": "Pärast võtme vahetust."})
    assert again["updateNote"]["author"] == note["author"]

    admin = gql[Role.ADMIN]
    fixed = await admin(UPDATE_NOTE, id=note["id"], input={"body": "Parandas admin."})
    assert fixed["updateNote"]["author"] == note["author"]
    other = (await boris(NOTE, body="Борис пишет."))["createNote"]
    assert (await admin(DELETE_NOTE, id=other["id"]))["deleteNote"]["__typename"] == "Deleted"
    assert (await anu(DELETE_NOTE, id=note["id"]))["deleteNote"]["__typename"] == "Deleted"
    missing = await boris(DELETE_NOTE, id=note["id"])
    assert missing["deleteNote"]["__typename"] == "NotFoundProblem"


async def test_a_tasks_assignee_may_change_its_status_only(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await make(gql, "Organisation", "org")
    mari, _ = await editor_named(graph, gql, "Mari")
    kadri, _ = await editor_named(graph, gql, "kadri")
    boris, _ = await editor_named(graph, gql, "Борис")
    task = (await mari(TASK, assignee="Kadri"))["createTask"]

    done = await kadri(UPDATE_TASK, id=task["id"], input={"status": "DONE"})
    assert done["updateTask"]["status"] == "DONE"
    assert forbidden(await kadri.post(UPDATE_TASK, id=task["id"], input={"title": "Kirjuta"}))
    assert forbidden(await kadri.post(DELETE_TASK, id=task["id"]))
    assert forbidden(await boris.post(UPDATE_TASK, id=task["id"], input={"status": "OPEN"}))

    retitled = await mari(UPDATE_TASK, id=task["id"], input={"title": "Kirjuta"})
    assert retitled["updateTask"] == {
        "__typename": "Task",
        "title": "Kirjuta",
        "status": "DONE",
        "author": task["author"],
    }
    gone = await gql[Role.ADMIN](DELETE_TASK, id=task["id"])
    assert gone["deleteTask"]["__typename"] == "Deleted"


UPDATE_EVENT = """
mutation($id: ID!, $input: UpdateEventInput!) {
  updateEvent(id: $id, input: $input) { __typename }
}
"""


async def test_an_import_does_not_undo_a_concurrent_rename(
    graph: Graph, gql: dict[Role, GraphQLClient], tmp_path: Path
) -> None:
    """An events file updates an event it finds by name while another writer renames
    the event: the import, whose write waits for the rename, does not write the old
    name's derived keys back."""
    await make(gql, "Event", "kohtumine")
    await gql[Role.EDITOR](UPDATE_EVENT, id="kohtumine", input={"name": "Vana kohtumine"})
    rows = tmp_path / "events.csv"
    rows.write_text(
        "name,kind,startDate,description\nVana kohtumine,MEETING,2024-05-01,Kirjeldus\n",
        encoding="utf-8",
    )
    new = {"name": "Õhtune kohtumine"}
    async with held(graph, ["kohtumine"]) as rename:
        imported = asyncio.ensure_future(import_events(graph, rows, Options()))
        await blocked(graph, 1)
        await rename.run(
            "MATCH (n:Event {id: 'kohtumine'}) SET n += $props",
            props=new | REGISTRY["Event"].derived(new),
        )
    assert (await imported).report.node("Event").updated == 1
    [event] = [p for _, p in await stored_entities(graph) if p["id"] == "kohtumine"]
    assert (event["name"], event["description"]) == ("Õhtune kohtumine", "Kirjeldus")
    await assert_invariants(graph)


async def test_bulk_writers_obey_the_unique_folded_names(graph: Graph) -> None:
    """What the importers' --create-missing and the seed loader write goes through
    `bulk.upsert_nodes`, which the constraint holds as it holds the API."""
    await make_organisation(graph, "Eesti Töötukassa", id="tootukassa")

    async def write(tx: Any) -> None:
        rows = [{"id": "import-tk", "props": {"name": "EESTI TÖÖTUKASSA", "kind": "AGENCY"}}]
        await bulk.upsert_nodes(tx, "Organisation", rows, actor="import")

    with pytest.raises(Conflict) as clash:
        await graph.write(write)
    assert clash.value.field == "sortKey"
    assert str(clash.value) == (
        "an Organisation with the folded name 'eesti tootukassa' already exists"
    )
    assert [p["id"] for _, p in await stored_entities(graph)] == ["tootukassa"]


#: Names that fold into three (case, accents, spacing, ё/е), and one apart.
NAMES = [
    "Eesti Töötukassa",
    "EESTI  TÖÖTUKASSA",
    "eesti tootukassa",
    "Sillamäe Ühing",
    "SILLAMAE UHING",
    "Шахтёрский клуб",
    "шахтерский КЛУБ",
    "Koostöö",
]
SLOTS = 4
Write = tuple[Any, ...]
writes = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(NAMES)),
        st.tuples(st.just("rename"), st.integers(0, SLOTS - 1), st.sampled_from(NAMES)),
        st.tuples(st.just("describe"), st.integers(0, SLOTS - 1), st.sampled_from(["üks", "два"])),
        st.tuples(
            st.just("aliases"),
            st.integers(0, SLOTS - 1),
            st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
        ),
        st.tuples(st.just("merge"), st.integers(0, SLOTS - 1), st.integers(0, SLOTS - 1)),
    ),
    min_size=4,
    max_size=16,
)


async def _apply(graph: Graph, write: Write) -> str:
    """One write; its outcome: done, or the expected error it was refused with."""
    what, *args = write
    slot = f"slot-{args[0]}" if what != "create" else ""
    try:
        if what == "create":
            data = OrganisationCreate.model_validate({"name": args[0], "kind": "NGO"})
            await entities.create(graph, "Organisation", data, actor="corpus")
        elif what == "merge":
            await merge.merge(graph, slot, f"slot-{args[1]}", actor="corpus")
        else:
            field = {"rename": "name", "describe": "description", "aliases": "aliases"}[what]
            patch = OrganisationUpdate.model_validate({field: args[1]})
            await entities.update(graph, "Organisation", slot, patch, actor="corpus")
    except (Conflict, NotFound, InvalidInput) as e:
        return type(e).__name__
    return "done"


@settings(
    derandomize=True,
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=writes)
async def test_generated_concurrent_writers_keep_names_unique_and_keys_true(
    graph: Graph, batch: list[Write]
) -> None:
    """Random mixes of creates, renames, description and alias edits and merges on a few
    names that fold alike, all at once: each is done or cleanly refused, and afterwards
    folded names are unique and every derived key agrees with its entity's names."""
    await maintenance.wipe(graph, allow_data=True)
    for i in range(SLOTS):
        data = OrganisationCreate.model_validate(
            {"id": f"slot-{i}", "name": f"Algus {i}"} | {"kind": "NGO"}
        )
        await entities.create(graph, "Organisation", data, actor="corpus")
    outcomes = await asyncio.gather(*(_apply(graph, w) for w in batch))
    assert set(outcomes) <= {"done", "Conflict", "NotFound", "InvalidInput"}, outcomes
    await assert_invariants(graph)
