"""The console by allow-list, against the real engine (issue 21, items 1, 2, 5 and the
console parts of 11/12): admin commands cannot ride in on a comment, Neo4j's parser is
never handed a shape that overflows it, the console cannot starve the API's pool, and
its work, memory, result size and parameters are bounded."""

from __future__ import annotations

import asyncio
import json

import pytest

from api.settings import Settings
from graph import audit, console
from graph.driver import Graph, connect
from graph.keys import Role
from tests.conftest import GraphQLClient, app_client
from tests.factories import make_organisation
from tests.unit.test_console_text import COMMENTS, PAYLOADS, TERMINATORS, wrapped

TERMINATE = (
    "//x\rSHOW TRANSACTIONS YIELD transactionId AS t, currentQuery AS q WHERE NOT q CONTAINS "
    "'SHOW TRANSACTIONS' AND q <> '' TERMINATE TRANSACTIONS t YIELD transactionId, message "
    "RETURN transactionId, message"
)


async def test_the_comment_bypass_terminates_nothing_and_shows_no_settings(graph: Graph) -> None:
    """Reproduction 1: `//x\\r` ended Neo4j's comment but not ours."""
    async with graph.driver.session(database=graph.database) as session:
        writing = await session.begin_transaction()
        await writing.run("CREATE (:Organisation {id: 'kesk-import', name: 'Töö'})")
        for query in (TERMINATE, "//x\rSHOW SETTINGS", "//x\\u000dSHOW SETTINGS"):
            with pytest.raises(console.ConsoleRefused, match="SHOW") as refused:
                await console.run(graph, query, actor="analyst")
            assert "server." not in str(refused.value) and "dbms." not in str(refused.value)
        await writing.commit()  # not terminated
    rows = await console.run(graph, "MATCH (o {id: 'kesk-import'}) RETURN o.name", actor="a")
    assert rows.rows == [["Töö"]]
    trail = await audit.history(graph, "console")
    assert [e.action for e in trail].count("cypher.refused") == 3


ADMIN = [
    "SHOW SETTINGS",
    "SHOW TRANSACTIONS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS YIELD transactionId AS t TERMINATE TRANSACTIONS t YIELD message "
    "RETURN message",
    "SHOW PROCEDURES",
    "SHOW FUNCTIONS",
    "SHOW INDEXES",
    "SHOW CONSTRAINTS",
    "CALL dbms.listConfig()",
    "CALL dbms.components()",
    "CALL db.createLabel('Hacked')",
    "CREATE (:X) RETURN 1",
    "MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS RETURN 1",
]


async def test_the_plan_admits_only_read_operators(graph: Graph) -> None:
    """Skip the text guard: EXPLAIN's operators are checked against an allow-list, so
    `ShowSettings` and `TerminateTransactions` (read-only by query type) are refused."""
    before = await console.fingerprint(graph)
    for query in ADMIN:
        with pytest.raises(console.ConsoleRefused):
            await console._execute(graph, query, {}, max_rows=10, timeout=5)
        assert await console.fingerprint(graph) == before, query


READS = [
    "MATCH (o:Organisation) RETURN o.name ORDER BY o.name SKIP 1 LIMIT 5",
    "OPTIONAL MATCH (o:Organisation {id: 'none'})-[:MEMBER_OF]->(n) RETURN o, n",
    "MATCH (o:Organisation) RETURN o.kind AS kind, count(*) AS n, collect(o.name)[..3] AS some",
    "MATCH (o:Organisation) WITH DISTINCT o.kind AS k RETURN k",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
    "CALL db.schema.nodeTypeProperties()",
    "CALL db.index.fulltext.queryNodes('entity_names', 'tootukassa') YIELD node, score "
    "RETURN node.name AS name",
    "MATCH p = (o:Organisation)-[:ATTENDED]->(e:Event) RETURN p LIMIT 3",
    "MATCH (a:Organisation {id: 'tootukassa'}), (b:Organisation {id: 'sotsiaalministeerium'}) "
    "MATCH p = shortestPath((a)-[*..6]-(b)) RETURN length(p) AS hops",
    "MATCH (a:Organisation {id: 'tootukassa'}), (b:Organisation {id: 'sotsiaalministeerium'}) "
    "MATCH p = allShortestPaths((a)-[*..6]-(b)) RETURN count(p) AS n",
    "MATCH (a:Organisation {id: 'tootukassa'}) "
    "MATCH (a)(()-[:ATTENDED|PART_OF]-()){1,3}(x) RETURN count(DISTINCT x) AS n",
    "MATCH (a:Organisation {id: 'tootukassa'})-[*1..2]-(x) RETURN count(DISTINCT x) AS n",
    "MATCH (o:Organisation) CALL (o) { MATCH (o)-[:ATTENDED]->(e) RETURN count(e) AS n } "
    "RETURN o.id, n ORDER BY n DESC LIMIT 3",
    "MATCH (o:Organisation) WHERE EXISTS { (o)-[:ATTENDED]->() } "
    "RETURN o.id, COUNT { (o)--() } AS degree, COLLECT { MATCH (o)--(x) RETURN x.id } AS xs",
    "MATCH (o:Organisation) RETURN o.id AS id UNION MATCH (p:Person) RETURN p.id AS id",
    "MATCH (o:Organisation) WHERE o.name =~ '(?i).*töö.*' RETURN o.name",
    "MATCH (o:Organisation) WHERE NOT (o)-[:ATTENDED]->() RETURN count(o) AS n",
    "MATCH (a:Organisation)-[:ATTENDED]->(e)<-[:ATTENDED]-(b:Organisation) WHERE a.id < b.id "
    "RETURN a.id, b.id, count(e) AS shared ORDER BY shared DESC LIMIT 5",
    "UNWIND range(1, 5) AS x UNWIND range(1, x) AS y RETURN x, collect(y * y) AS squares",
    "RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x * x] AS even_squares",
    "MATCH (o:Organisation) RETURN o {.id, .name} AS o, elementId(o) AS e LIMIT 2",
    "MATCH (o:Organisation) RETURN count { (o)-->() } AS n ORDER BY n DESC LIMIT 1",
]


async def test_the_reads_analysts_write_keep_working(seeded: Graph) -> None:
    for query in READS:
        result = await console.run(seeded, query, actor="analyst", timeout=30)
        assert result.columns, query
    fulltext = await console.run(seeded, READS[7], actor="analyst")
    assert ["Eesti Töötukassa"] in fulltext.rows
    regex = await console.run(seeded, READS[16], actor="analyst")
    assert ["Eesti Töötukassa"] in regex.rows


async def test_generated_comment_and_terminator_corpus_writes_and_shows_nothing(
    graph: Graph,
) -> None:
    """Every comment form with every line terminator in front of an admin command, a
    `CALL dbms.*` or a write (the payloads in turn): each is refused or fails, none
    returns a row, nothing is written."""
    await make_organisation(graph, "Sotsiaalsete Ettevõtete Võrgustik", id="sev")
    before = await console.fingerprint(graph)
    cases = [(comment, term) for comment in COMMENTS for term in TERMINATORS if comment or term]
    for n, (comment, term) in enumerate(cases):
        query = wrapped(PAYLOADS[n % len(PAYLOADS)], comment, term, 0)
        with pytest.raises((console.ConsoleRefused, console.ConsoleFailed)) as stopped:
            await console.run(graph, query, actor="analyst", timeout=5)
        assert str(stopped.value), query
    assert await console.fingerprint(graph) == before
    trail = await audit.history(graph, "console", limit=1000)
    assert len(trail) == len(cases) and "cypher" not in {e.action for e in trail}


async def test_deep_nesting_does_not_starve_a_viewers_read(
    graph: Graph, settings: Settings, api_keys: dict[Role, str]
) -> None:
    """Reproduction 2: nested parentheses overflowed Neo4j's parser, which then never
    answered; 100 of them took the API's whole pool. Here the API's own pool is small
    (8) and 24 such console requests arrive at once."""
    small = await connect(
        settings.neo4j_uri or "",
        settings.neo4j_user,
        "",
        settings.neo4j_database,
        max_connection_pool_size=8,
        connection_acquisition_timeout=5,
    )
    deep = "RETURN " + "(" * 5000 + "1" + ")" * 5000
    cypher = "query ($q: String!) { cypher(query: $q) { rowCount } }"
    try:
        async with app_client(settings, small) as client:
            analyst = GraphQLClient(client, api_keys[Role.ANALYST])
            viewer = GraphQLClient(client, api_keys[Role.VIEWER])
            attacks = [
                asyncio.create_task(analyst.post(cypher, q=deep.replace("1", str(i))))
                for i in range(24)
            ]
            try:
                data = await asyncio.wait_for(
                    viewer("{ organisations(first: 5) { totalCount } }"), 60
                )
                assert data["organisations"]["totalCount"] == 0
                answers = await asyncio.wait_for(asyncio.gather(*attacks), 60)
            finally:
                for task in attacks:
                    task.cancel()
            for response in answers:
                assert response.status_code == 200
                assert response.json()["errors"][0]["extensions"]["code"] == "CYPHER_REFUSED"
    finally:
        await small.driver.close()


async def test_a_query_neo4j_never_answers_frees_its_console_connection(
    graph: Graph, neo4j_server: str
) -> None:
    """Should a shape that overflows the parser pass the text guard, the console's own
    pool and its deadline still bound it: the console gives up, its connection is
    closed, and neither the API's pool nor the next console query waits for it."""
    # The hung query holds the one connection for its 3 s deadline; the next query
    # waits at most 0.5 s for it. It is sent once the hung one has had time to take the
    # connection (sent together, either may take it first). The connection is opened
    # first: opening one takes longer than that half second on a busy machine, and the
    # next query would then find the pool free.
    pool = await console.open_pool(neo4j_server, "neo4j", "", "neo4j", size=1, acquire_timeout=0.5)
    deep = "RETURN " + "(" * 3000 + "1" + ")" * 3000
    try:
        warm = await console._execute(pool, "RETURN 0", {}, max_rows=1, timeout=5)
        assert warm.rows == [[0]]
        hung = asyncio.create_task(console._execute(pool, deep, {}, max_rows=1, timeout=3))
        await asyncio.sleep(0.5)
        busy = await asyncio.wait_for(
            asyncio.gather(console._execute(pool, "RETURN 1", {}, max_rows=1, timeout=1),
                           return_exceptions=True),
            60,
        )  # fmt: skip
        assert isinstance(busy[0], console.ConsoleFailed) and "busy" in str(busy[0])
        assert (await console.run(graph, "RETURN 2 AS two", actor="a")).rows == [[2]]
        with pytest.raises(console.ConsoleFailed, match="did not answer"):
            await asyncio.wait_for(hung, 60)
        after = await asyncio.wait_for(
            console._execute(pool, "RETURN 3", {}, max_rows=1, timeout=5), 60
        )
        assert after.rows == [[3]]
    finally:
        await pool.driver.close()


async def test_backtracking_regexes_and_huge_ranges_never_reach_neo4j(graph: Graph) -> None:
    """Reproduction 5: neither Neo4j's timeout nor its memory limit stops a regex match
    or a list built inside an expression; the console refuses them up front."""
    for query in (
        "RETURN 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' =~ '^(.*a){12}$' AS r",
        "RETURN size([x IN range(1, 50000000) | x]) AS n",
        "UNWIND range(1, 300) AS i RETURN [x IN range(1, 100000) | x] AS r",
    ):
        with pytest.raises(console.ConsoleRefused):
            await console.run(graph, query, actor="analyst")
    ok = await console.run(graph, "RETURN 'Töötukassa' =~ '(?i)töö.*' AS r", actor="a")
    assert ok.rows == [[True]]


async def test_the_memory_limit_stops_a_query_with_a_clear_error(graph: Graph) -> None:
    big = "x" * 3000
    with pytest.raises(console.ConsoleFailed, match="more memory than one transaction"):
        await console.run(
            graph,
            f"WITH '{big}' AS s UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b "
            "RETURN size(collect(s + a + b)) AS n",
            actor="analyst",
            timeout=60,
        )
    assert (await console.run(graph, "RETURN 1 AS ok", actor="a")).rows == [[1]]


async def test_the_result_is_bounded_in_bytes_not_only_rows(graph: Graph) -> None:
    """Reproduction 5: 300 rows of `range(1, 100000)` took the API from 158 to 1,274 MB."""
    for query in (
        f"UNWIND range(1, 3000) AS i RETURN i, '{'ö' * 3500}' AS s",
        "UNWIND range(1, 300) AS i RETURN range(1, 10000) AS r",
    ):
        with pytest.raises(console.ConsoleFailed, match="bytes"):
            await console.run(graph, query, actor="analyst", max_rows=console.MAX_ROWS)


CYPHER = "query ($q: String!, $p: JSON) { cypher(query: $q, params: $p) { rowCount } }"


async def test_params_are_bounded_and_cut_for_the_audit(
    graph: Graph, gql: dict[Role, GraphQLClient]
) -> None:
    """Console parts of 11/12: params 900 deep gave HTTP 500; 20 × 900 KB of params
    stored 18 MB of audit. Params 900 deep no longer reach the console: the request
    body is refused for its nesting (400, `KOOSTOO_MAX_JSON_DEPTH`); params within that
    but deeper than the console's own cap are refused by the console."""

    def nested(depth: int) -> object:
        deep: object = "x"
        for _ in range(depth):
            deep = {"a": deep}
        return deep

    response = await gql[Role.ANALYST].post(CYPHER, q="RETURN $a AS a", p={"a": nested(900)})
    assert response.status_code == 400 and "levels deep" in response.text, response.text
    response = await gql[Role.ANALYST].post(CYPHER, q="RETURN $a AS a", p={"a": nested(20)})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "CYPHER_REFUSED"
    assert error["extensions"]["field"] == "params" and "nest" in error["message"]
    for i in range(20):
        response = await gql[Role.ANALYST].post(CYPHER, q="RETURN 1", p={"x": f"{i:02d}" * 450_000})
        error = response.json()["errors"][0]
        assert error["extensions"].get("field") == "params", error
    trail = await audit.history(graph, "console", limit=100)
    assert len(trail) == 21 and {e.action for e in trail} == {"cypher.refused"}
    assert sum(len(json.dumps(e.after, ensure_ascii=False)) for e in trail) < 200_000
