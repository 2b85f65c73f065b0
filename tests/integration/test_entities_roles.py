"""Every mutation × every role: refused calls are FORBIDDEN and write nothing
(node and relationship counts unchanged); allowed calls succeed and are audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from strawberry.types.base import get_object_definition

from graph import audit, crm, entities, maintenance, relationships
from graph.driver import Graph
from graph.keys import Role
from graph.models import entities as e
from graph.models.entities import OrganisationCreate
from graph.models.relationships import MemberOfProps, RelType
from schema.admin import AdminMutation
from schema.crm import CrmMutation
from schema.model import EntityMutation
from schema.relationships import RelationshipMutation
from tests.conftest import GraphQLClient

MIXINS = (
    EntityMutation,
    RelationshipMutation,
    CrmMutation,
    AdminMutation,
)


@dataclass(frozen=True)
class Case:
    needs: Role
    query: str
    variables: dict[str, Any]
    #: notes and tasks: only their author's key (the editor's here) or an admin's
    author_only: bool = False


def crud(
    type_: str,
    create: dict[str, Any],
    update: dict[str, Any],
    entity: str,
    *,
    author_only: bool = False,
) -> dict[str, Case]:
    sel = "{ __typename }"
    return {
        f"create{type_}": Case(
            Role.EDITOR,
            f"mutation($i: Create{type_}Input!) {{ create{type_}(input: $i) {sel} }}",
            {"i": create},
        ),
        f"update{type_}": Case(
            Role.EDITOR,
            f"mutation($id: ID!, $i: Update{type_}Input!) "
            f"{{ update{type_}(id: $id, input: $i) {sel} }}",
            {"id": entity, "i": update},
            author_only,
        ),
        f"delete{type_}": Case(
            Role.EDITOR,
            f"mutation($id: ID!) {{ delete{type_}(id: $id) {sel} }}",
            {"id": entity},
            author_only,
        ),
    }


CASES: dict[str, Case] = {
    **crud("Organisation", {"name": "Uus MTÜ", "kind": "NGO"}, {"nameEn": "X"}, "org-a"),
    **crud("Person", {"name": "Uus Inimene"}, {"bio": "x"}, "p-1"),
    **crud("Event", {"name": "Kohtumine", "kind": "MEETING"}, {"startDate": "2024"}, "ev-1"),
    **crud("Programme", {"name": "Programm", "kind": "PILOT"}, {"endDate": "2030"}, "pr-1"),
    **crud("Service", {"name": "Teenus"}, {"nameEn": "Service"}, "sv-1"),
    **crud("ServiceCategory", {"name": "Kategooria"}, {"examples": ["a"]}, "sc-1"),
    **crud("Place", {"name": "Koht", "kind": "VILLAGE"}, {"nameEn": "Place"}, "pl-1"),
    **crud("Document", {"title": "Dokument", "kind": "REPORT"}, {"url": "https://x.ee"}, "doc-1"),
    **crud("Topic", {"name": "Teema"}, {"nameEn": "Topic"}, "tp-1"),
    **crud("Campaign", {"name": "Kampaania"}, {"goal": "Win"}, "cp-1"),
    **crud(
        "Note", {"about": ["org-a"], "body": "Hello"}, {"body": "Changed"}, "nt-1", author_only=True
    ),
    **crud(
        "Task",
        {"title": "Helista", "about": ["org-a"]},
        {"status": "DONE"},
        "tk-1",
        author_only=True,
    ),
    "connect": Case(
        Role.EDITOR,
        "mutation($i: ConnectInput!) { connect(input: $i) { __typename } }",
        {"i": {"type": "ATTENDED", "fromId": "org-a", "toId": "ev-1"}},
    ),
    "disconnect": Case(
        Role.EDITOR,
        "mutation($i: DisconnectInput!) { disconnect(input: $i) { __typename } }",
        {"i": {"type": "MEMBER_OF", "fromId": "p-1", "toId": "org-a"}},
    ),
    "assessStakeholder": Case(
        Role.EDITOR,
        """mutation { assessStakeholder(campaignId: "cp-1", stakeholderId: "org-a",
           input: {influence: 4, interest: 2}) { __typename } }""",
        {},
    ),
    "recordMeeting": Case(
        Role.EDITOR,
        """mutation { recordMeeting(input: {name: "Koosolek", startDate: "2025-01-02",
           attendees: [{id: "org-a"}, {id: "p-1"}]}) { __typename } }""",
        {},
    ),
    "createApiKey": Case(
        Role.ADMIN,
        'mutation { createApiKey(name: "robot", role: VIEWER) { __typename } }',
        {},
    ),
    "revokeApiKey": Case(Role.ADMIN, 'mutation { revokeApiKey(key: "spare") { __typename } }', {}),
    "mergeEntities": Case(
        Role.ADMIN,
        'mutation { mergeEntities(keepId: "org-a", removeId: "org-b") { __typename } }',
        {},
    ),
    "erasePerson": Case(Role.ADMIN, 'mutation { erasePerson(id: "p-2") { __typename } }', {}),
}


def test_every_mutation_has_a_case() -> None:
    names = set()
    for mixin in MIXINS:
        definition = get_object_definition(mixin, strict=True)
        names |= {f.graphql_name or _camel(f.python_name) for f in definition.fields}
    assert names == set(CASES)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


async def _base(graph: Graph, author: str = "s") -> None:
    def make(label: str, model: type[Any], **fields: Any) -> Any:
        return entities.create(graph, label, model.model_validate(fields), actor="setup")

    await entities.create(
        graph, "Organisation", OrganisationCreate(id="org-a", name="A", kind="NGO"), actor="s"
    )
    await entities.create(
        graph, "Organisation", OrganisationCreate(id="org-b", name="B", kind="NGO"), actor="s"
    )
    await make("Person", e.PersonCreate, id="p-1", name="Piret")
    await make("Person", e.PersonCreate, id="p-2", name="Peeter", email="p@example.ee")
    await make("Event", e.EventCreate, id="ev-1", name="Seminar", kind="SEMINAR")
    await make("Programme", e.ProgrammeCreate, id="pr-1", name="Programm", kind="PROJECT")
    await make("Service", e.ServiceCreate, id="sv-1", name="Teenus 1")
    await make("ServiceCategory", e.ServiceCategoryCreate, id="sc-1", name="Kultuur")
    await make("Place", e.PlaceCreate, id="pl-1", name="Narva", kind="CITY")
    await make("Document", e.DocumentCreate, id="doc-1", title="Raport", kind="REPORT")
    await make("Topic", e.TopicCreate, id="tp-1", name="Huvikaitse")
    await make("Campaign", e.CampaignCreate, id="cp-1", name="Teenuste delegeerimine")
    await crm.create_note(graph, e.NoteCreate(id="nt-1", about=["org-a"], body="x"), actor=author)
    await crm.create_task(graph, e.TaskCreate(id="tk-1", title="Helista"), actor=author)
    await relationships.connect(
        graph, RelType.MEMBER_OF, "p-1", "org-a", MemberOfProps(role="juht"), actor="s"
    )


async def _counts(graph: Graph) -> tuple[int, dict[str, int], dict[str, int]]:
    """All nodes (entities, audit records, keys), entities per type, relationships per type."""
    return (
        await maintenance.count_data_nodes(graph),
        await maintenance.label_counts(graph),
        await maintenance.relationship_counts(graph),
    )


@pytest.mark.parametrize("name", sorted(CASES))
async def test_mutation_by_role(graph: Graph, gql: dict[Role, GraphQLClient], name: str) -> None:
    from graph import keys

    [editor] = [k for k in await keys.list_all(graph) if k.name == "test-editor"]
    await _base(graph, author=keys.actor_of(editor))
    await keys.create(graph, name="spare", role=Role.VIEWER, actor="setup")
    case = CASES[name]
    roles = list(Role)
    if case.author_only:  # the other keys first, while there is a record to refuse them
        roles.sort(key=lambda r: r in (case.needs, Role.ADMIN))
    for role in roles:
        before = await _counts(graph)
        response = await gql[role].post(case.query, **case.variables)
        assert response.status_code == 200, response.text
        body = response.json()
        not_author = case.author_only and role not in (case.needs, Role.ADMIN)
        if not role.allows(case.needs) or not_author:
            assert body["data"] is None, (role, body)
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
            assert await _counts(graph) == before, f"{role} wrote through {name}"
        else:
            assert "errors" not in body, (role, body)
            result = body["data"][name]
            if role is case.needs:
                assert not result["__typename"].endswith("Problem"), (name, result)
                assert await _counts(graph) != before, f"{name} changed nothing"
                # Every success writes an audit record, so even a delete (one node less)
                # does not lower the node count.
                assert await maintenance.count_data_nodes(graph) >= before[0]


async def test_audit_records_who_and_what(graph: Graph, gql: dict[Role, GraphQLClient]) -> None:
    await _base(graph)
    await gql[Role.EDITOR](CASES["updatePerson"].query, **CASES["updatePerson"].variables)
    trail = await audit.history(graph, "p-1")
    last = trail[-1]
    assert last.action == "update" and last.actor.startswith("key:test-editor:")
    assert last.before is not None and "bio" not in last.before
    assert last.after is not None and last.after["bio"] == "x"
