"""The analyst console: reads anything, writes nothing, audits everything."""

from __future__ import annotations

import pytest

from graph import audit, console
from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

#: Attempts to write, administer or leave the graph through the console.
ATTEMPTS = [
    "CREATE (n:Organisation {id: 'x', name: 'X'}) RETURN n",
    "MERGE (n:Organisation {id: 'sev'}) SET n.name = 'hacked'",
    "MATCH (n {id: 'sev'}) SET n.name = 'hacked' RETURN n",
    "match (n {id: 'sev'}) set n.name = 'hacked' return n",
    "MATCH (n {id: 'sev'})\tSET\tn.x=1 RETURN n",
    "MATCH (n {id: 'sev'}) DELETE n",
    "MATCH (n {id: 'sev'}) DETACH DELETE n",
    "MATCH (n {id: 'sev'}) REMOVE n.name RETURN n",
    "MATCH (n {id: 'sev'}) REMOVE n:Organisation RETURN n",
    "MATCH (n {id: $id}) SET n += $props RETURN n",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "LOAD CSV WITH HEADERS FROM 'https://example.com/x.csv' AS row RETURN row",
    "MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS OF 10 ROWS RETURN count(*)",
    "CALL { MATCH (n {id: 'sev'}) SET n.x = 1 } IN TRANSACTIONS",
    "MATCH (n) CALL (n) { RETURN n AS m } IN CONCURRENT TRANSACTIONS RETURN count(*)",
    "CALL db.createLabel('Hacked')",
    "CALL db.createProperty('hacked')",
    "CALL db.createRelationshipType('HACKED')",
    "CALL dbms.security.createUser('eve', 'secret', false)",
    "CALL dbms.killQueries([])",
    "CALL dbms.listConfig()",
    "CALL dbms.components()",
    "CALL apoc.create.node(['X'], {})",
    "CALL db.labels() YIELD label CREATE (:X {l: label})",
    "CREATE INDEX hacked FOR (n:Organisation) ON (n.hacked)",
    "DROP CONSTRAINT entity_id",
    "DROP INDEX entity_names",
    "CREATE DATABASE hacked",
    "CREATE USER eve SET PASSWORD 'secretsecret'",
    "ALTER USER neo4j SET PASSWORD 'hijacked123'",
    "GRANT ROLE admin TO eve",
    "SHOW USERS",
    "USE system SHOW USERS",
    "USE neo4j MATCH (n) RETURN n",
    "FOREACH (x IN [1] | CREATE (:X))",
    "MATCH (n) RETURN count(n); CREATE (:X)",
    "MATCH (n) RETURN n LIMIT 1; MATCH (m {id: 'sev'}) DETACH DELETE m",
    "MATCH (n) RETURN n /* ; */ ; CREATE (:X)",
    "MATCH (n {id: 'sev'}) /* harmless */ SET n.name = 'x' RETURN n",
    "// just a comment\nCREATE (:X)",
    "MATCH (n {id: 'sev'}) // comment\nSET n.name = 'x' RETURN n",
    # a string that ends in an escaped backslash, so SET is code
    "MATCH (n {id: 'sev'}) WITH n, 'it\\\\' AS s SET n.x = 1 RETURN s",
    "MATCH (n:`Organisation`) SET n.x = 1 RETURN n",
    "EXPLAIN CREATE (:X)",
    "PROFILE MATCH (n {id: 'sev'}) SET n.x = 1 RETURN n",
    # unicode tricks: homoglyphs, zero-width and fullwidth letters, odd spaces
    "MATCH (n {id: 'sev'}) ЅET n.name = 'x' RETURN n",  # Cyrillic Ѕ
    "MATCH (n {id: 'sev'}) SΕT n.name = 'x' RETURN n",  # Greek Ε
    "CRE\u200bATE (:X)",
    "MATCH (n {id: 'sev'}) SE\u00adT n.x = 1 RETURN n",
    "ＣＲＥＡＴＥ (:X)",
    "MATCH (n {id: 'sev'})\u00a0SET n.x = 1 RETURN n",
    "MATCH (n {id: 'sev'})\u2028SET n.x = 1 RETURN n",
    "MATCH (n {id: 'sev'})\ufeffSET n.x = 1 RETURN n",
    "MATCH (n {id: 'sev'}) SET n.name = 'x' RETURN n\u202e",
    ":use system",
    "",
    "MATCH (n) RETURN 'unterminated",
]


async def test_every_attempt_is_refused_and_changes_nothing(seeded: Graph) -> None:
    before = await console.fingerprint(seeded)
    for query in ATTEMPTS:
        with pytest.raises(console.ConsoleRefused) as refused:
            await console.run(
                seeded, query, {"id": "sev", "props": {"name": "hacked"}}, actor="analyst"
            )
        assert str(refused.value), query  # a clear reason
        assert await console.fingerprint(seeded) == before, query
    trail = await audit.history(seeded, "console", limit=1000)
    assert [e.action for e in trail] == ["cypher.refused"] * len(ATTEMPTS)
    assert {e.actor for e in trail} == {"analyst"}
    assert [e.after["query"] for e in trail if e.after] == ATTEMPTS
    assert all(e.after and e.after["error"] for e in trail)
    assert trail[0].after is not None
    assert trail[0].after["params"] == {"id": "sev", "props": {"name": "hacked"}}


WRITES = [
    "CREATE (:X) RETURN 1",
    "MATCH (n {id: 'sev'}) SET n.name = 'hacked' RETURN n",
    "MATCH (n {id: 'sev'}) DETACH DELETE n",
    "MERGE (n:X {id: 1}) RETURN n",
    "CALL db.createLabel('Hacked')",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CREATE INDEX hacked FOR (n:Organisation) ON (n.hacked)",
    "MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS RETURN 1",
    "CALL dbms.listConfig()",
]


async def test_the_server_side_guards_hold_without_the_lexical_one(seeded: Graph) -> None:
    """Skip the text check: EXPLAIN's query type and the READ session still refuse."""
    before = await console.fingerprint(seeded)
    for query in WRITES:
        with pytest.raises(console.ConsoleRefused):
            await console._execute(seeded, query, {}, max_rows=10, timeout=5)
        assert await console.fingerprint(seeded) == before, query


async def test_reads_return_typed_json_and_are_audited(seeded: Graph) -> None:
    result = await console.run(
        seeded,
        "MATCH p = (o:Organisation {id: $id})-[r:ATTENDED]->(e:Event {id: $event}) "
        "RETURN o, r, p, e.name AS name, date(e.startDate) AS day, "
        "datetime('2016-11-25T10:00:00Z') AS at, duration('P2D') AS span, "
        "{n: 1, list: [1, 'kaks']} AS map, 'Нарва' AS cyrillic",
        {"id": "tootukassa", "event": "huvikaitse-mottekoja-kohtumised"},
        actor="analyst",
    )
    assert result.columns == ["o", "r", "p", "name", "day", "at", "span", "map", "cyrillic"]
    assert result.row_count == 1 and not result.truncated
    o, r, p, name, day, at, span, mapping, cyrillic = result.rows[0]
    assert o["kind"] == "node" and "Organisation" in o["labels"]
    assert o["properties"]["name"] == "Eesti Töötukassa"
    assert o["properties"]["createdAt"]["kind"] == "datetime"
    assert r["kind"] == "relationship" and r["type"] == "ATTENDED"
    assert r["start"] == o["elementId"]
    assert r["properties"]["role"] == "PARTICIPANT"
    assert p["kind"] == "path" and len(p["nodes"]) == 2 and len(p["relationships"]) == 1
    assert name == "Huvikaitse mõttekoja kohtumised"
    assert day == {"kind": "date", "value": "2015-10-29"}
    assert at["kind"] == "datetime" and at["value"].startswith("2016-11-25T10:00:00")
    assert span == {"kind": "duration", "value": "P2D"}
    assert mapping == {"n": 1, "list": [1, "kaks"]}
    assert cyrillic == "Нарва"
    trail = await audit.history(seeded, "console")
    assert [(e.action, e.actor) for e in trail] == [("cypher", "analyst")]
    assert trail[0].after is not None
    assert trail[0].after["rows"] == 1
    assert trail[0].after["params"] == {
        "id": "tootukassa",
        "event": "huvikaitse-mottekoja-kohtumised",
    }


async def test_words_inside_strings_and_property_names_are_not_clauses(seeded: Graph) -> None:
    result = await console.run(
        seeded,
        "MATCH (o:Organisation) WHERE o.name <> 'CREATE; DELETE' "
        "RETURN count(o) AS n, {set: 1, create: 2} AS m // SET in a comment",
        actor="analyst",
    )
    assert result.rows == [[53, {"set": 1, "create": 2}]]
    labels = await console.run(seeded, "CALL db.labels() YIELD label RETURN label", actor="a")
    assert ["Organisation"] in labels.rows
    sub = await console.run(
        seeded,
        "MATCH (o:Organisation {id: 'tootukassa'}) "
        "CALL (o) { MATCH (o)-[:ATTENDED]->(e:Event) RETURN count(e) AS n } RETURN n",
        actor="a",
    )
    assert sub.rows == [[3]]  # the think tank and its two seminars (source 000)


async def test_row_cap_and_timeout(seeded: Graph) -> None:
    capped = await console.run(
        seeded, "UNWIND range(1, 50) AS x RETURN x", actor="analyst", max_rows=10
    )
    assert capped.row_count == 10 and capped.truncated
    assert [row[0] for row in capped.rows] == list(range(1, 11))
    with pytest.raises(console.ConsoleFailed, match="longer than"):
        await console.run(
            seeded,
            "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(x)",
            actor="analyst",
            timeout=0.5,
        )
    with pytest.raises(console.ConsoleFailed, match="could not run"):
        await console.run(seeded, "MATCH (n RETURN n", actor="analyst")
    actions = [e.action for e in await audit.history(seeded, "console")]
    assert actions == ["cypher", "cypher.failed", "cypher.failed"]


CYPHER = (
    "query ($q: String!, $p: JSON) "
    "{ cypher(query: $q, params: $p) { columns rows rowCount truncated } }"
)


async def test_graphql_console_needs_the_analyst_role(gql: dict[Role, GraphQLClient]) -> None:
    for role in (Role.VIEWER, Role.EDITOR):
        body = (await gql[role].post(CYPHER, q="RETURN 1 AS one")).json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    data = await gql[Role.ANALYST](CYPHER, q="RETURN $x AS x, 'Töö' AS t", p={"x": [1, 2]})
    assert data["cypher"] == {
        "columns": ["x", "t"],
        "rows": [[[1, 2], "Töö"]],
        "rowCount": 1,
        "truncated": False,
    }
    body = (await gql[Role.ADMIN].post(CYPHER, q="MATCH (n) DETACH DELETE n")).json()
    assert body["errors"][0]["extensions"]["code"] == "CYPHER_REFUSED"
    assert "DETACH" in body["errors"][0]["message"]
