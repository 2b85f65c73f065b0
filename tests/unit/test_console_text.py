"""The console's text guard, without a database: what reaches Neo4j never carries a
write, an administration command or a shape that overflows Neo4j's parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import console, safe_regex
from graph.console_text import (
    FORBIDDEN,
    MAX_CHAIN,
    MAX_NESTING,
    MAX_TOKENS,
    READ_CLAUSES,
    ConsoleRefused,
    check_text,
)
from graph.cypher_lexer import Kind, lex

ROOT = Path(__file__).resolve().parents[2]

#: Every line terminator and separator Neo4j's grammar knows, written raw and as the
#: unicode escapes Neo4j replaces before it lexes.
TERMINATORS = [
    "\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\u00a0",
    "\\u000d", "\\u000a", "\\u000D\\u000A", "\\uu2028", " ", "",
]  # fmt: skip
#: Every comment form, including nested and unterminated ones; `{t}` is a terminator.
COMMENTS = [
    "//x{t}", "// SET n.x = 1{t}", "/*x*/", "/*{t}*/", "/* /* nested */{t}", "/* */ */{t}",
    "/*x{t}", "//{t}", "/**/", "/* // */{t}", "//x/*{t}*/", "\\u002f\\u002fx{t}",
    "\\u002f*x*\\u002f", "",
]  # fmt: skip
#: What must never reach Neo4j through the console.
PAYLOADS = [
    "SHOW SETTINGS",
    "SHOW TRANSACTIONS",
    "SHOW TRANSACTIONS YIELD transactionId AS t, currentQuery AS q WHERE NOT q CONTAINS "
    "'SHOW TRANSACTIONS' AND q <> '' TERMINATE TRANSACTIONS t YIELD transactionId, message "
    "RETURN transactionId, message",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW USERS",
    "USE system SHOW USERS",
    "CALL dbms.listConfig()",
    "CALL dbms.killQueries([])",
    "CALL dbms.security.createUser('eve', 'secret', false)",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL db.createLabel('Hacked')",
    "CREATE (:X)",
    "INSERT (:X)",
    "MERGE (n:X {id: 1}) RETURN n",
    "MATCH (n {id: 'sev'}) SET n.name = 'hacked' RETURN n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) REMOVE n.name RETURN n",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS RETURN 1",
    "FOREACH (x IN [1] | CREATE (:X))",
    "CREATE INDEX x FOR (n:X) ON (n.x)",
    "DROP CONSTRAINT entity_id",
    "ALTER USER neo4j SET PASSWORD 'hijacked123'",
]

ADMIN_WORDS = {"SHOW", "TERMINATE", "USE", "CREATE", "INSERT", "MERGE", "SET", "DELETE"}
ADMIN_WORDS |= {"DETACH", "REMOVE", "LOAD", "FOREACH", "DROP", "ALTER", "GRANT"}


def wrapped(payload: str, comment: str, term: str, where: int) -> str:
    """`payload` with a comment (and terminator) before it or inside it."""
    words = payload.split(" ")
    where = where % len(words)
    inserted = comment.replace("{t}", term) + term
    return " ".join(words[:where]) + (" " if where else "") + inserted + " ".join(words[where:])


def sent_words(text: str) -> list[str]:
    return [t.text.upper() for t in lex(text).tokens if t.kind is Kind.WORD]


def procedure_calls(text: str) -> list[str]:
    tokens = lex(text).tokens
    return [
        tokens[i + 1].text
        for i, t in enumerate(tokens[:-1])
        if t.is_word("CALL") and not tokens[i + 1].is_symbol("(", "{")
    ]


def assert_nothing_smuggled(query: str) -> None:
    """`query` is refused, or what would be sent is plain read Cypher: no admin or write
    word, no procedure call (no payload calls an allowed one), a read clause first."""
    try:
        sent = check_text(query)
    except ConsoleRefused as e:
        assert str(e)
        return
    words = sent_words(sent)
    assert not ADMIN_WORDS & set(words), (query, sent)
    assert not procedure_calls(sent) and words[0] in READ_CLAUSES, (query, sent)


def test_every_comment_form_and_terminator_around_every_payload() -> None:
    """The whole product: each comment form with each terminator, before the payload
    and between each pair of its words."""
    for payload in PAYLOADS:
        for comment in COMMENTS:
            for term in TERMINATORS:
                for where in range(len(payload.split(" "))):
                    assert_nothing_smuggled(wrapped(payload, comment, term, where))


@settings(derandomize=True, max_examples=500, deadline=None)
@given(
    payload=st.sampled_from(PAYLOADS),
    pieces=st.lists(
        st.tuples(st.sampled_from(COMMENTS), st.sampled_from(TERMINATORS), st.integers(0, 40)),
        min_size=1,
        max_size=4,
    ),
)
def test_several_comments_and_terminators_smuggle_nothing(
    payload: str, pieces: list[tuple[str, str, int]]
) -> None:
    query = payload
    for comment, term, where in pieces:
        query = wrapped(query, comment, term, where)
    assert_nothing_smuggled(query)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_reported_comment_bypass_is_refused(payload: str) -> None:
    for term in ("\r", "\\u000d", "\u2028\n"):
        with pytest.raises(ConsoleRefused):
            check_text(f"//x{term}{payload}")


READS = [
    "MATCH (n) RETURN n",
    "OPTIONAL MATCH (o:Organisation)-[:MEMBER_OF]->(n) RETURN o, count(n) AS c",
    "MATCH (o:Organisation) WHERE o.name =~ '(?i).*töö.*' RETURN o.name",
    "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(x)",
    "RETURN [x IN range(1, 1000) | x * 2] AS l",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.index.fulltext.queryNodes('entity_names', 'töö') YIELD node RETURN node.name",
    "MATCH p = shortestPath((a {id: 'x'})-[*..5]-(b {id: 'y'})) RETURN p",
    "MATCH (n) RETURN n.id AS x UNION ALL MATCH (m) RETURN m.id AS x;",
    "MATCH (n) RETURN n.start, $start, {start: 1, set: 2} AS m",
    "MATCH (o) CALL (o) { MATCH (o)-[:ATTENDED]->(e) RETURN count(e) AS n } RETURN n",
    "WITH 'Нарва' AS s RETURN s =~ '\\\\w+' AS w, CASE WHEN s = 'x' THEN 1 ELSE 2 END AS c",
]


@pytest.mark.parametrize("query", READS)
def test_analyst_reads_pass_and_lose_only_comments(query: str) -> None:
    sent = check_text(query + " // a note")
    assert sent == query.rstrip(";")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("RETURN " + "(" * 5000 + "1" + ")" * 5000, "tokens"),
        ("RETURN " + "(" * 300 + "1" + ")" * 300, "nested"),
        ("RETURN " + "[" * 40 + "1" + "]" * 40, "nested"),
        ("RETURN " + "{a: " * 40 + "1" + "}" * 40, "nested"),
        ("RETURN " + "CASE WHEN true THEN " * 40 + "1" + " END" * 40, "nested"),
        ("RETURN " + "NOT " * 400 + "true", "NOTs"),
        ("WITH {} AS m RETURN m" + ".a" * 400, "in a row"),
        ("WITH {} AS m RETURN m" + ".a[0]" * 100, "in a row"),
        ("RETURN 1 AS a" + " UNION RETURN 1 AS a" * 40, "UNION"),
        ("MATCH (a)" + "-->()" * 60 + " RETURN count(*)", "relationships"),
        ("RETURN '" + "x" * 5000 + "'", "string literal"),
        ("RETURN 1" + " + 1" * 600, "tokens"),
    ],
)
def test_shapes_that_overflow_the_parser_are_refused(query: str, reason: str) -> None:
    with pytest.raises(ConsoleRefused, match=reason):
        check_text(query)


def test_the_bounds_leave_room_for_real_queries() -> None:
    check_text("RETURN " + "(" * (MAX_NESTING - 1) + "1" + ")" * (MAX_NESTING - 1))
    check_text("WITH {} AS m RETURN m" + ".a" * MAX_CHAIN)
    check_text("RETURN [" + ", ".join(["1"] * ((MAX_TOKENS - 4) // 2)) + "]")


@pytest.mark.parametrize(
    "query",
    [
        "RETURN size([x IN range(1, 50000000) | x]) AS n",
        "RETURN [x IN range(1, 1000) | [y IN range(1, 10000) | y]] AS l",
        "MATCH (n) RETURN range(1, n.size) AS l",
        "RETURN range(1, $n) AS l",
    ],
)
def test_ranges_that_materialise_huge_lists_are_refused(query: str) -> None:
    with pytest.raises(ConsoleRefused, match="range"):
        check_text(query)


@pytest.mark.parametrize(
    "pattern",
    [
        "^(.*a){12}$",
        "(a+)+b",
        "(a|aa)*b",
        "(.*){2}",
        ".*.*.*a",
        "(a)\\\\1",
        "(?=a).*",
        "a{1,5000}",
        "a?" * 9 + "a",
        "[[a]]",
    ],
)
def test_backtracking_regexes_are_refused(pattern: str) -> None:
    with pytest.raises(ConsoleRefused, match="=~"):
        check_text(f"RETURN 'aaaa' =~ '{pattern}' AS r")


@pytest.mark.parametrize(
    "query",
    ["RETURN 'a' =~ $p", "RETURN 'a' =~ 'a' + $p", "RETURN 'a' =~ ('a')", "RETURN 'a' =~ n.re"],
)
def test_regexes_must_be_literal(query: str) -> None:
    with pytest.raises(ConsoleRefused, match="string literal pattern"):
        check_text(query)


@pytest.mark.parametrize(
    "pattern",
    ["(?i).*töö.*", "\\d+-\\d+", "^[A-ZÕÄÖÜ][a-zõäöü]+$", "(?i)sa |mtü ", "colou?r", "a{2,5}b"],
)
def test_linear_regexes_pass(pattern: str) -> None:
    safe_regex.check(pattern)


def test_params_nested_or_large_are_refused_before_anything_runs() -> None:
    deep: object = 1
    for _ in range(900):
        deep = [deep]
    with pytest.raises(ConsoleRefused, match="nest") as nested:
        console.check_params({"p": deep})
    assert nested.value.field == "params"
    with pytest.raises(ConsoleRefused, match="larger") as large:
        console.check_params({"p": "x" * 900_000})
    assert large.value.field == "params"
    console.check_params({"ids": ["sev", "tootukassa"], "m": {"a": [1, {"b": "Töö"}]}})


def test_the_audit_keeps_a_bounded_copy_of_params() -> None:
    assert console.audit_params({"id": "sev"}) == {"id": "sev"}
    deep: object = 1
    for _ in range(900):
        deep = [deep]
    for params in ({"p": deep}, {"p": "x" * 900_000}, {f"k{i}": "v" * 300 for i in range(500)}):
        kept = console.audit_params(params)
        assert len(json.dumps(kept, ensure_ascii=False)) <= console.AUDIT_PARAMS_CHARS


def test_forbidden_words_are_words_not_properties_or_keys() -> None:
    for word in FORBIDDEN:
        with pytest.raises(ConsoleRefused, match=word):
            check_text(f"MATCH (n) {word} RETURN n")
        check_text(f"MATCH (n) RETURN n.{word.lower()}, ${word.lower()}, {{{word.lower()}: 1}}")


def test_the_memory_limit_is_set_for_the_local_engine_and_in_compose() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["neo4j"]["environment"]
    assert env["NEO4J_db_memory_transaction_max"].endswith("256m}")
    launcher = (ROOT / "neo4j-local/src/main/java/ee/koostoo/neo4jlocal/Launcher.java").read_text()
    assert "memory_transaction_max_size, o.txMaxBytes" in launcher
