"""Concurrent edits do not silently overwrite each other (issue 25, item 2): an update
sent with `expectedUpdatedAt` (the version the editor read) is refused with a
ConflictProblem naming each field someone else changed since, with both values, and
nothing is written; fields nobody else touched go through. Through the GraphQL API, on
the real Neo4j."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import entities, maintenance
from graph.driver import Graph
from graph.errors import StaleEdit
from graph.keys import Role
from graph.models.entities import Organisation, OrganisationUpdate
from tests.conftest import GraphQLClient
from tests.factories import make_organisation

UPDATE = """
mutation($id: ID!, $input: UpdateOrganisationInput!, $v: DateTime) {
  updateOrganisation(id: $id, input: $input, expectedUpdatedAt: $v) {
    __typename
    ... on Organisation { name description website tags updatedAt }
    ... on ConflictProblem {
      message field currentUpdatedAt fields { field yours theirs changedBy }
    }
  }
}
"""

READ = "query($id: ID!) { organisation(id: $id) { name description website tags updatedAt } }"


async def _read(client: GraphQLClient, id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await client(READ, id=id))["organisation"]
    return found


async def _edit(
    client: GraphQLClient, id: str, version: str | None, **input: Any
) -> dict[str, Any]:
    result: dict[str, Any] = (await client(UPDATE, id=id, input=input, v=version))[
        "updateOrganisation"
    ]
    return result


async def test_a_stale_edit_of_the_same_field_is_refused_with_both_values(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await make_organisation(graph, "Tartu Ühing", id="tartu")
    mari, jaan = gql[Role.EDITOR], gql[Role.ADMIN]
    opened = (await _read(mari, "tartu"))["updatedAt"]  # both open the form

    first = await _edit(mari, "tartu", opened, name="Tartu Ühing MTÜ")
    assert first["__typename"] == "Organisation", first

    second = await _edit(jaan, "tartu", opened, name="Tartu Selts")
    assert second["__typename"] == "ConflictProblem", second
    assert second["field"] == "input.name"
    assert second["fields"] == [
        {
            "field": "input.name",
            "yours": "Tartu Selts",
            "theirs": "Tartu Ühing MTÜ",
            "changedBy": "test-editor",
        }
    ]
    assert "nothing was saved" in second["message"]
    assert second["currentUpdatedAt"] == first["updatedAt"]
    assert (await _read(mari, "tartu"))["name"] == "Tartu Ühing MTÜ"  # unchanged

    # "keep mine": sent again against the version now stored, it goes through
    again = await _edit(jaan, "tartu", second["currentUpdatedAt"], name="Tartu Selts")
    assert again["__typename"] == "Organisation" and again["name"] == "Tartu Selts"


async def test_a_created_entity_has_a_version_at_once(
    gql: dict[Role, GraphQLClient],
) -> None:
    """`updatedAt` is set by the create (it was left null until the first edit, so the
    first two edits of a new organisation could not be told apart)."""
    editor = gql[Role.EDITOR]
    made = await editor(
        'mutation { createOrganisation(input: {name: "Uus Ühing", kind: NGO}) '
        "{ ... on Organisation { id createdAt updatedAt } } }"
    )
    org = made["createOrganisation"]
    assert org["updatedAt"] is not None and org["updatedAt"] == org["createdAt"]
    assert (await _edit(editor, org["id"], org["updatedAt"], name="Uus Selts"))[
        "__typename"
    ] == "Organisation"
    stale = await _edit(editor, org["id"], org["updatedAt"], name="Uus Kogu")
    assert stale["__typename"] == "ConflictProblem", stale


async def test_edits_of_different_fields_both_go_through(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await make_organisation(graph, "Narva Noored", id="narva-noored")
    mari, jaan = gql[Role.EDITOR], gql[Role.ADMIN]
    opened = (await _read(mari, "narva-noored"))["updatedAt"]
    assert (await _edit(mari, "narva-noored", opened, description="Нарва, молодёжь"))[
        "__typename"
    ] == "Organisation"
    done = await _edit(jaan, "narva-noored", opened, website="https://noored.ee", tags=["noored"])
    assert done["__typename"] == "Organisation", done
    assert done["description"] == "Нарва, молодёжь" and done["website"] == "https://noored.ee"
    # the same value as the other editor's is no conflict either
    same = await _edit(jaan, "narva-noored", opened, description="Нарва, молодёжь")
    assert same["__typename"] == "Organisation", same


async def test_without_a_version_the_last_write_wins_as_before(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await make_organisation(graph, "Pärnu Klubi", id="parnu")
    editor = gql[Role.EDITOR]
    await _edit(editor, "parnu", None, description="üks")
    assert (await _edit(editor, "parnu", None, description="kaks"))["description"] == "kaks"


async def test_a_change_the_trail_cannot_explain_counts_as_a_conflict(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """A write that records no version (an import, a restore) leaves the trail unable to
    say what changed: every field the stale edit would change is refused."""
    await make_organisation(graph, "Võru Selts", id="voru", description="vana")
    editor = gql[Role.EDITOR]
    opened = (await _read(editor, "voru"))["updatedAt"]
    async with graph.driver.session(database=graph.database) as s:
        await s.run(
            "MATCH (n:Organisation {id: 'voru'}) SET n.website = 'https://voru.ee', "
            "n.updatedAt = datetime()"
        )
    refused = await _edit(editor, "voru", opened, description="uus", website="https://x.ee")
    assert refused["__typename"] == "ConflictProblem", refused
    assert [(f["field"], f["yours"], f["theirs"], f["changedBy"]) for f in refused["fields"]] == [
        ("input.description", "uus", "vana", None),
        ("input.website", "https://x.ee", "https://voru.ee", None),
    ]
    # nothing the edit holds differs from what is stored: nothing to overwrite
    same = await _edit(editor, "voru", opened, description="vana")
    assert same["__typename"] == "Organisation", same


async def test_concurrent_editors_of_one_version_one_wins_the_rest_are_told(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """Twelve editors save a new name against the version they all read, at once: the
    node's lock orders them, one is written and every other gets the conflict."""
    await make_organisation(graph, "Jõhvi Kogu", id="johvi")
    editor = gql[Role.EDITOR]
    opened = (await _read(editor, "johvi"))["updatedAt"]
    results = await asyncio.gather(
        *(_edit(editor, "johvi", opened, name=f"Jõhvi Kogu {i}") for i in range(12))
    )
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["ConflictProblem"] * 11 + ["Organisation"], kinds
    winner = next(r["name"] for r in results if r["__typename"] == "Organisation")
    assert (await _read(editor, "johvi"))["name"] == winner
    for r in results:
        if r["__typename"] == "ConflictProblem":
            assert r["fields"][0]["theirs"] == winner


TASK = """
mutation($id: ID!, $v: DateTime) {
  updateTask(id: $id, input: {status: DONE}, expectedUpdatedAt: $v) {
    __typename ... on Task { status } ... on ConflictProblem { fields { field theirs } }
  }
}
"""


async def test_notes_and_tasks_take_the_version_too(gql: dict[Role, GraphQLClient]) -> None:
    editor = gql[Role.EDITOR]
    made = await editor(
        'mutation { createTask(input: {title: "Helista Marile"}) { ... on Task { id updatedAt } } }'
    )
    task = made["createTask"]
    await editor(
        "mutation($id: ID!) { updateTask(id: $id, input: {status: CANCELLED}) { __typename } }",
        id=task["id"],
    )
    stale = (await editor(TASK, id=task["id"], v=task["updatedAt"]))["updateTask"]
    assert stale == {
        "__typename": "ConflictProblem",
        "fields": [{"field": "input.status", "theirs": "CANCELLED"}],
    }


# --- A generated corpus: sequences of edits against versions read at random points ----

FIELDS: dict[str, list[Any]] = {
    "description": ["üks", "kaks", "Нарва"],
    "shortName": ["ÕÄ", "ŠŽ", None],
    "tags": [["a"], ["b", "c"], []],
}
edits = st.lists(
    st.tuples(
        st.integers(0, 5),  # how many versions back the editor read
        st.dictionaries(
            st.sampled_from(sorted(FIELDS)),
            st.integers(0, 2),
            min_size=1,
            max_size=2,
        ),
    ),
    min_size=2,
    max_size=8,
)


@settings(
    derandomize=True,
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=edits)
async def test_generated_edits_are_refused_exactly_when_they_would_overwrite(
    graph: Graph, batch: list[tuple[int, dict[str, int]]]
) -> None:
    """Each edit is made against a version some steps back. A model of the rule: it is
    refused exactly when a field it sets to a value other than the stored one was changed
    after that version; otherwise it is applied. The stored entity follows the model."""
    await maintenance.wipe(graph, allow_data=True)
    created = await make_organisation(graph, "Korpus", id="korpus")
    versions: list[datetime] = [_version(created)]
    # as stored: an organisation made without tags has none (not an empty list)
    state: dict[str, Any] = {"description": None, "shortName": None, "tags": None}
    changed_at: dict[str, int] = {}  # field → index of the version that last changed it
    for back, picks in batch:
        seen = max(0, len(versions) - 1 - back)
        patch = {k: FIELDS[k][i] for k, i in picks.items()}
        differs = {k for k, v in patch.items() if v != state[k]}
        refused = any(changed_at.get(k, 0) > seen for k in differs)
        update = OrganisationUpdate.model_validate(patch)
        try:
            after = await entities.update(
                graph, "Organisation", "korpus", update, actor="corpus", expected=versions[seen]
            )
        except StaleEdit as e:
            assert refused, (patch, state, changed_at, seen)
            assert {c.field for c in e.fields} == {
                k for k in differs if changed_at.get(k, 0) > seen
            }
            continue
        assert not refused, (patch, state, changed_at, seen)
        versions.append(_version(after))
        for k in patch:
            if patch[k] != state[k]:
                changed_at[k] = len(versions) - 1
        state |= patch
        stored = (await entities.get_many_of(graph, Organisation, ["korpus"]))["korpus"]
        assert (stored.description, stored.short_name, stored.tags) == (
            state["description"],
            state["shortName"],
            state["tags"] or [],
        )


def _version(entity: Any) -> datetime:
    assert entity.updated_at is not None
    value: datetime = entity.updated_at
    return value
