"""Who may read which audit trail (issue 21, item 4): the console's and the API keys'
trails are for admins only (other roles get an empty list: the same answer whether or
not the id exists); contact details in a person's history follow the Person rule."""

from __future__ import annotations

import json

from graph import keys
from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

TRAIL = """
query($id: ID!) {
  history(id: $id) { action entityType before after }
  timeline(id: $id) { kind title detail }
}
"""
CYPHER = """
query($params: JSON) {
  cypher(query: "MATCH (p:Person) WHERE p.email = $email RETURN p.id", params: $params) {
    rowCount
  }
}
"""
NOT_ADMIN = (Role.VIEWER, Role.EDITOR, Role.ANALYST)


async def test_console_and_key_trails_are_for_admins(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    await gql[Role.ANALYST](CYPHER, params={"email": "mari.tamm@example.ee"})
    key_id = next(k.id for k in await keys.list_all(graph) if k.role is Role.ADMIN)

    for role in NOT_ADMIN:
        for trail in ("console", key_id):
            assert await gql[role](TRAIL, id=trail) == {"history": [], "timeline": []}, role

    console = await gql[Role.ADMIN](TRAIL, id="console")
    assert [c["action"] for c in console["history"]] == ["cypher"]
    assert "mari.tamm@example.ee" in console["history"][0]["after"]
    assert [t["kind"] for t in console["timeline"]] == ["CHANGE"]
    key = await gql[Role.ADMIN](TRAIL, id=key_id)
    assert [(c["action"], c["entityType"]) for c in key["history"]] == [("create", "ApiKey")]
    assert "test-admin" in key["history"][0]["after"]


async def test_person_history_shows_contact_details_as_person_does(
    gql: dict[Role, GraphQLClient],
) -> None:
    await gql[Role.EDITOR](
        'mutation { createPerson(input: {id: "mari-tamm", name: "Mari Tamm", '
        'email: "mari.tamm@example.ee", phone: "+372 5555 0101"}) { __typename } }'
    )
    await gql[Role.EDITOR](
        'mutation { updatePerson(id: "mari-tamm", input: {phone: "+372 5555 0202"}) '
        "{ __typename } }"
    )
    person = 'query { person(id: "mari-tamm") { email phone } }'
    for role in Role:
        shown = await gql[role](person)
        seen = json.dumps(await gql[role](TRAIL, id="mari-tamm"))
        if shown["person"]["email"] is None:
            assert shown["person"]["phone"] is None
            assert "mari.tamm@example.ee" not in seen and "5555" not in seen, role
            assert "[hidden]" in seen
        else:
            assert "mari.tamm@example.ee" in seen and "+372 5555 0101" in seen, role
    assert (await gql[Role.VIEWER](person))["person"]["email"] is None
    assert (await gql[Role.EDITOR](person))["person"]["email"] == "mari.tamm@example.ee"
