"""The analyst console's injection corpus, extended (the first one is in test_console.py):
more ways to write, administer or escape — through the graph function and through
GraphQL. Each must be refused or fail, and the graph's content must not change."""

from __future__ import annotations

from graph import console
from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

MORE_ATTEMPTS = [
    # GQL's INSERT is CREATE by another name
    "INSERT (:X {id: 'y'})",
    "MATCH (n {id: 'sev'}) INSERT (n)-[:X]->(:Y)",
    # writes hidden in subqueries, unions and expressions
    "MATCH (n) CALL (n) { SET n.x = 1 } RETURN count(*)",
    "MATCH (n) CALL { WITH n SET n.x = 1 } RETURN count(*)",
    "WITH 1 AS x CALL { CREATE (:X) } RETURN x",
    "MATCH (n) RETURN n.id AS x UNION CREATE (m:X) RETURN m.id AS x",
    "MATCH (n) RETURN n.id AS x UNION ALL MATCH (m {id: 'sev'}) SET m.x = 1 RETURN m.id AS x",
    "RETURN COLLECT { CREATE (x:X) RETURN x } AS xs",
    "RETURN EXISTS { MATCH (n {id: 'sev'}) SET n.x = 1 } AS e",
    "RETURN COUNT { MERGE (:X) } AS c",
    "OPTIONAL MATCH (n {id: 'sev'}) MERGE (n)-[:X]->(n) RETURN n",
    # dynamic labels and properties (Neo4j 5.26)
    "MATCH (n {id: 'sev'}) SET n:$('Hacked') RETURN n",
    "MATCH (n {id: 'sev'}) SET n[$key] = 'hacked' RETURN n",
    "MATCH (n {id: 'sev'}) REMOVE n[$key] RETURN n",
    # case, whitespace, quoting and comments
    "cReAtE (:X)",
    "MATCH (`n` {id: 'sev'}) SET `n`.x = 1 RETURN `n`",
    "MATCH (n {id: 'sev'})\n\n\tSET\r\nn.x = 1 RETURN n",
    "MATCH (n) RETURN n /* unterminated comment SET n.x = 1",
    "MATCH (n) RETURN n\n;\nCREATE (:X)",
    "RETURN 1 AS `a;CREATE (:X)`; CREATE (:X)",
    "CREATE\u3000(:X)",  # ideographic space
    "ＭＡＴＣＨ (n) ＳＥＴ n.x = 1 RETURN n",
    "MATCH (n {id: 'sev'}) S\u0301ET n.x = 1 RETURN n",  # combining accent
    "MATCH (n) RETURN n " + " " * 20_001 + "CREATE (:X)",
    # query options and planner prefixes
    "CYPHER runtime=slotted CREATE (:X)",
    "CYPHER 5 CREATE (:X)",
    "CYPHER 25 MATCH (n {id: 'sev'}) SET n.x = 1 RETURN n",
    "EXPLAIN MATCH (n {id: 'sev'}) SET n.x = 1 RETURN n",
    # procedures: spelled with backticks, tabs, or not on the allow-list
    "CALL `db`.`createLabel`('Hacked')",
    "CALL `db.createLabel`('Hacked')",
    "CALL\tdb.createLabel('Hacked')",
    "CALL db.labels() YIELD label WITH label CALL db.createLabel(label + 'X') RETURN 1",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL db.clearQueryCaches()",
    "CALL tx.setMetaData({a: 1})",
    "CALL db.awaitIndexes(1)",
    "CALL dbms.procedures()",
    "CALL apoc.cypher.runWrite('CREATE (:X)', {})",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'SET n.x = 1', {})",
    "CALL db.index.fulltext.queryNodes('entity_names', 'x') YIELD node SET node.x = 1 RETURN 1",
    # administration and other databases
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS",
    "STOP DATABASE neo4j",
    "CREATE OR REPLACE DATABASE neo4j",
    "CREATE CONSTRAINT hacked IF NOT EXISTS FOR (n:X) REQUIRE n.id IS UNIQUE",
    # leaving the graph
    "load csv from 'http://169.254.169.254/latest/meta-data/' as l return l",
    "LOAD\nCSV FROM 'file:///proc/self/environ' AS l RETURN l",
]


async def test_more_attempts_write_nothing(seeded: Graph) -> None:
    before = await console.fingerprint(seeded)
    ran = []
    for query in MORE_ATTEMPTS:
        try:
            await console.run(seeded, query, {"key": "name"}, actor="analyst", timeout=5)
        except (console.ConsoleRefused, console.ConsoleFailed) as stopped:
            assert str(stopped), query
        else:
            ran.append(query)
        assert await console.fingerprint(seeded) == before, query
    assert ran == []


async def test_injection_through_parameters_is_only_data(seeded: Graph) -> None:
    before = await console.fingerprint(seeded)
    payload = "sev'}) DETACH DELETE n //"
    result = await console.run(
        seeded,
        "MATCH (n:Organisation) WHERE n.id = $id OR n.name = $id RETURN n.id AS id",
        {"id": payload},
        actor="analyst",
    )
    assert result.row_count == 0
    assert await console.fingerprint(seeded) == before


CYPHER = "query ($q: String!, $p: JSON) { cypher(query: $q, params: $p) { rowCount } }"


async def test_graphql_console_refuses_the_corpus_without_a_5xx(
    seeded: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    before = await console.fingerprint(seeded)
    for query in MORE_ATTEMPTS:
        response = await gql[Role.ADMIN].post(CYPHER, q=query, p={"key": "name"})
        assert response.status_code == 200, query
        body = response.json()
        assert body["data"] is None, query
        code = body["errors"][0]["extensions"]["code"]
        assert code in ("CYPHER_REFUSED", "CYPHER_FAILED", "BAD_USER_INPUT"), (query, body)
    assert await console.fingerprint(seeded) == before
