"""Privacy: exporting everything held about a person, erasing it, and who may."""

from __future__ import annotations

import json

import pytest

from graph import audit, entities, merge, privacy
from graph.driver import Graph
from graph.errors import InvalidInput
from graph.keys import Role
from graph.models.entities import PersonCreate
from seeds import dataset, loader
from tests.conftest import GraphQLClient

PERSON = "rasmus-pedanik"
EXPORT = "query($id: ID!) { exportPerson(id: $id) }"
ERASE = """
mutation($id: ID!) {
  erasePerson(id: $id) { __typename ... on Person { id name bio email erased sources { quote } } }
}
"""
COUNTS = """
query($id: ID!) {
  organisation(id: $id) { members(first: 100) { totalCount } partners(first: 100) { totalCount } }
}
"""


async def _prepare(gql: dict[Role, GraphQLClient]) -> None:
    editor = gql[Role.EDITOR]
    await editor(
        'mutation { updatePerson(id: "rasmus-pedanik", input: {email: "rasmus@example.ee", '
        'phone: "+372 5000 0000"}) { __typename } }'
    )
    await editor(
        'mutation { createNote(input: {about: ["rasmus-pedanik"], body: "Rasmus prefers calls."}) '
        "{ __typename } }"
    )
    await editor(
        'mutation { createNote(input: {about: ["rasmus-pedanik", "sev"], body: "Met at SEV."}) '
        "{ __typename } }"
    )
    await editor(
        'mutation { createTask(input: {title: "Call Rasmus", about: ["rasmus-pedanik"]}) '
        "{ __typename } }"
    )


async def test_export_holds_everything_and_is_admin_only(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    data = dataset.read()
    await loader.load(graph, data)
    await _prepare(gql)
    for role in (Role.VIEWER, Role.EDITOR, Role.ANALYST):
        refused = (await gql[role].post(EXPORT, id=PERSON)).json()
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    exported = (await gql[Role.ADMIN](EXPORT, id=PERSON))["exportPerson"]
    assert exported["person"]["email"] == "rasmus@example.ee"
    assert exported["person"]["name"] == "Rasmus Pedanik"
    expected_rels = {
        (r.type.value, r.to_id if r.from_id == PERSON else r.from_id)
        for r in data.relationships
        if PERSON in (r.from_id, r.to_id)
    }
    assert {(r["type"], r["otherId"]) for r in exported["relationships"]} >= expected_rels
    assert len(exported["sources"]) == len(
        {(s.document, s.quote) for n in data.nodes if n.id == PERSON for s in n.sources}
    )
    assert sorted(n["body"] for n in exported["notes"]) == ["Met at SEV.", "Rasmus prefers calls."]
    assert [t["title"] for t in exported["tasks"]] == ["Call Rasmus"]
    assert [a["action"] for a in exported["audit"]][:2] == ["create", "update"]
    assert (await gql[Role.ADMIN](EXPORT, id="nobody"))["exportPerson"] is None
    assert (await audit.history(graph, PERSON))[-1].action == "export"


async def test_erase_removes_pii_and_keeps_counts(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    await _prepare(gql)
    admin = gql[Role.ADMIN]
    orgs = ["sev", "si-lab"]
    before = {o: (await admin(COUNTS, id=o))["organisation"] for o in orgs}

    for role in (Role.VIEWER, Role.EDITOR, Role.ANALYST):
        refused = (await gql[role].post(ERASE, id=PERSON)).json()
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    erased = (await admin(ERASE, id=PERSON))["erasePerson"]
    assert erased["__typename"] == "Person"
    assert erased["erased"] is True
    assert erased["name"].startswith("Anonymous person ")
    assert (erased["bio"], erased["email"], erased["sources"]) == (None, None, [])
    assert {o: (await admin(COUNTS, id=o))["organisation"] for o in orgs} == before

    exported = (await admin(EXPORT, id=PERSON))["exportPerson"]
    text = json.dumps(exported, ensure_ascii=False)
    for secret in ("Rasmus", "Pedanik", "rasmus@example.ee", "5000 0000", "prefers calls"):
        assert secret not in text, secret
    assert [n["body"] for n in exported["notes"]] == []
    assert exported["tasks"] == []
    shared = (await admin('query { organisation(id: "sev") { notes { body } } }'))["organisation"]
    assert [n["body"] for n in shared["notes"]] == ["Met at SEV."]

    every_change = json.dumps(
        [(e.before, e.after) for e in await audit.history(graph, PERSON)], ensure_ascii=False
    )
    assert "Pedanik" not in every_change and "rasmus@example.ee" not in every_change
    assert (await audit.history(graph, PERSON))[-1].action in ("erase", "export")
    found = (await gql[Role.VIEWER]('query { search(text: "pedanik") { node { id } } }'))["search"]
    assert found == []
    missing = (await admin(ERASE, id="nobody"))["erasePerson"]
    assert missing == {"__typename": "NotFoundProblem"}


async def test_history_hides_contact_details_from_viewers(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await loader.load(graph, dataset.read())
    await _prepare(gql)
    query = 'query { history(id: "rasmus-pedanik") { action after } }'
    seen_by_viewer = json.dumps((await gql[Role.VIEWER](query))["history"])
    seen_by_editor = json.dumps((await gql[Role.EDITOR](query))["history"])
    assert "rasmus@example.ee" not in seen_by_viewer and "[hidden]" in seen_by_viewer
    assert "rasmus@example.ee" in seen_by_editor


async def test_an_erased_placeholder_does_not_merge_with_a_person(graph: Graph) -> None:
    for pid in ("mari-tamm", "mari-tamm-2", "anon-1", "anon-2"):
        await entities.create(
            graph, "Person", PersonCreate.model_validate({"id": pid, "name": pid}), actor="test"
        )
    for pid in ("mari-tamm-2", "anon-1", "anon-2"):
        await privacy.erase_person(graph, pid, actor="test")

    with pytest.raises(InvalidInput) as refused:
        await merge.merge(graph, "mari-tamm", "mari-tamm-2", actor="test")
    assert refused.value.problems[0][0] == "removeId"
    assert "erased" in refused.value.problems[0][1]
    with pytest.raises(InvalidInput) as refused:
        await merge.merge(graph, "mari-tamm-2", "mari-tamm", actor="test")
    assert refused.value.problems[0][0] == "keepId"
    kept = await entities.get(graph, "mari-tamm")
    assert kept is not None and getattr(kept, "erased", None) is False

    merged = await merge.merge(graph, "anon-1", "anon-2", actor="test")
    assert getattr(merged, "erased", None) is True and getattr(merged, "aliases", None) == []
