"""Property-based fuzzing of bad input: GraphQL documents and variables, import files.

What counts as a failure: a 5xx; an unmasked internal error (a Python exception's text,
a traceback, driver/Cypher internals, or the masked "Internal error" itself — input
that is merely bad must get a coded client error, not an internal one); a refused
mutation or import that still wrote something.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import maintenance
from graph.driver import Graph
from graph.keys import Role
from seeds.importers import IMPORTERS
from seeds.importers.reading import ImportProblems
from seeds.importers.run import Options
from tests.conftest import GraphQLClient

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text no client error should ever show.
LEAKS = (
    "Traceback",
    'File "',
    "Internal error",
    "neo4j.",
    "Neo.ClientError",
    "CypherSyntaxError",
    "AttributeError",
    "TypeError",
    "KeyError",
    "ValueError",
    "NoneType",
)

FIELDS = [
    "organisations",
    "organisation",
    "node",
    "viewer",
    "createOrganisation",
    "updateOrganisation",
    "deleteOrganisation",
    "id",
    "name",
    "kind",
    "edges",
    "pageInfo",
    "totalCount",
    "__typename",
    "__schema",
    "__type",
    "nosuchfield",
]
ARGS = ["id", "first", "after", "filter", "input", "nameContains", "kind", "tags", "if", "x"]

names = st.sampled_from(FIELDS) | st.from_regex(r"[_A-Za-z][_0-9A-Za-z]{0,12}", fullmatch=True)
nasty_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", " ", "'; MATCH (n) DETACH DELETE n //", "\\u0000", "ö" * 400, "${x}", "\n", "Töötukassa"]
)


def _gql_string(s: str) -> str:
    return json.dumps(s)


scalars = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    nasty_text.map(_gql_string),
    st.sampled_from(["true", "false", "null", "NGO", "MINISTRY", "FOO", "$x", "$input"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
        | st.dictionaries(st.sampled_from([*ARGS, "name", "kind"]), inner, max_size=4).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        )
    ),
    max_leaves=8,
)
arguments = st.dictionaries(st.sampled_from(ARGS), values, max_size=3).map(
    lambda d: ("(" + ", ".join(f"{k}: {v}" for k, v in d.items()) + ")") if d else ""
)


def _field(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(
        st.one_of(st.just(""), names.map(lambda a: f"{a}: ")),
        names,
        arguments,
        st.one_of(st.just(""), st.just(" @include(if: $x)"), st.just(" @skip(if: true)")),
        st.one_of(st.just(""), children),
    ).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}{(' ' + t[4]) if t[4] else ''}")


selection_sets = st.recursive(
    st.lists(names, min_size=1, max_size=4).map(lambda xs: "{ " + " ".join(xs) + " }"),
    lambda inner: st.lists(
        _field(inner) | inner.map(lambda s: f"... on Organisation {s}"), min_size=1, max_size=4
    ).map(lambda xs: "{ " + " ".join(xs) + " }"),
    max_leaves=25,
)
documents = st.tuples(
    st.sampled_from(["", "query ", "query Q($x: Boolean) ", "mutation ", "subscription S "]),
    selection_sets,
    st.one_of(st.just(""), selection_sets.map(lambda s: f"\nfragment F on Organisation {s}")),
).map(lambda t: f"{t[0]}{t[1]}{t[2]}")

VALID = [
    "{ organisations(first: 3) { totalCount edges { node { id name } } } }",
    'mutation { createOrganisation(input: {name: "Fuzz", kind: NGO}) { __typename } }',
]


@st.composite
def mangled(draw: st.DrawFn) -> str:
    """A valid document with a few characters inserted, deleted or swapped."""
    doc = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(doc)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = draw(st.sampled_from(list("{}()[]:$@!.,\"'\\#\n") + list(string.ascii_letters)))
        if op == "insert":
            doc = doc[:i] + ch + doc[i:]
        elif op == "delete":
            doc = doc[:i] + doc[i + 1 :]
        else:
            doc = doc[:i] + ch + doc[i + 1 :]
    return doc


#: JSON has no NaN or infinity (httpx refuses them); the raw-body test sends them on purpose.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | nasty_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
    max_leaves=10,
)


def assert_handled(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL_SERVER_ERROR", error
        for leak in LEAKS:
            assert leak not in error["message"], error
    return body


@pytest.fixture
def editor(gql: dict[Role, GraphQLClient]) -> GraphQLClient:
    return gql[Role.EDITOR]


async def _post_raw(editor: GraphQLClient, payload: Any) -> httpx.Response:
    return await editor.client.post(
        "/graphql",
        content=json.dumps(payload),
        headers={"Authorization": f"Bearer {editor.key}", "Content-Type": "application/json"},
    )


@FUZZ
@given(
    doc=documents | mangled(),
    variables=st.dictionaries(
        st.sampled_from(["x", "input"]),
        json_values | st.sampled_from([float("inf"), float("-inf"), float("nan")]),
        max_size=2,
    ),
)
async def test_random_documents_are_refused_cleanly(
    editor: GraphQLClient, graph: Graph, doc: str, variables: dict[str, Any]
) -> None:
    before = await maintenance.count_data_nodes(graph)
    body = assert_handled(await _post_raw(editor, {"query": doc, "variables": variables}))
    wrote = await maintenance.count_data_nodes(graph) - before
    data = body.get("data") or {}
    created = data.get("createOrganisation") if isinstance(data, dict) else None
    if not (isinstance(created, dict) and created.get("__typename") == "Organisation"):
        # Only a create that says it succeeded may leave a node behind (plus its audit).
        succeeded = any(
            isinstance(v, dict) and v.get("__typename") == "Organisation"
            for v in (data.values() if isinstance(data, dict) else [])
        )
        assert wrote == 0 or succeeded, (doc, body)


CREATE = """mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { __typename ... on Problem { message } }
}"""
UPDATE = """mutation($id: ID!, $input: UpdateOrganisationInput!) {
  updateOrganisation(id: $id, input: $input) { __typename ... on Problem { message } }
}"""
LIST = """query($first: Int, $after: String, $filter: OrganisationFilter) {
  organisations(first: $first, after: $after, filter: $filter) { totalCount }
}"""

org_inputs = st.fixed_dictionaries(
    {},
    optional={
        "id": nasty_text | st.from_regex(r"[a-z0-9-]{1,140}", fullmatch=True),
        "name": nasty_text,
        "kind": st.sampled_from(["NGO", "MINISTRY", "ngo", "", "NOPE"]) | json_values,
        "shortName": nasty_text | json_values,
        "website": nasty_text,
        "tags": st.lists(nasty_text, max_size=5) | json_values,
        "aliases": st.lists(nasty_text, max_size=5),
        "bogus": json_values,
    },
)


@FUZZ
@given(input=org_inputs | json_values)
async def test_random_create_variables_never_half_write(
    editor: GraphQLClient, graph: Graph, input: Any
) -> None:
    before = await maintenance.count_data_nodes(graph)
    body = assert_handled(await editor.post(CREATE, input=input))
    after = await maintenance.count_data_nodes(graph)
    result = (body.get("data") or {}).get("createOrganisation")
    if result and result["__typename"] == "Organisation":
        assert after - before == 2  # the organisation and its audit record
    else:
        assert after == before, body


@FUZZ
@given(
    id=nasty_text | st.sampled_from(["sotsiaalministeerium", "x"]),
    input=org_inputs | json_values,
    first=st.integers(-(2**33), 2**33) | json_values,
    after=nasty_text | json_values,
    filter=json_values
    | st.fixed_dictionaries({}, optional={"nameContains": nasty_text, "kind": json_values}),
)
async def test_random_update_and_list_variables(
    editor: GraphQLClient, graph: Graph, id: str, input: Any, first: Any, after: Any, filter: Any
) -> None:
    before = await maintenance.count_data_nodes(graph)
    body = assert_handled(await editor.post(UPDATE, id=id, input=input))
    # The graph is empty: every update names a missing organisation and writes nothing.
    assert await maintenance.count_data_nodes(graph) == before, body
    assert_handled(await editor.post(LIST, first=first, after=after, filter=filter))


# --- import files --------------------------------------------------------------------------

GOOD_ATTENDANCE = (
    "event;eventDate;attendee;attendeeType;role;roleNote;organisation;email\n"
    "Pöördepunkti avaseminar;15.10.2020;Anu-Mall Naarits;PERSON;SPEAKER;tutvustus;OÜ Invicta;\n"
    "Pöördepunkti avaseminar;15.10.2020;Sotsiaalkindlustusamet;ORGANISATION;PARTICIPANT;;;\n"
)
GOOD_EVENTS = (
    "id;name;kind;startDate;endDate;place;programme;organisers;description\n"
    ";Pöördepunkti avaseminar;SEMINAR;15.10.2020;15.10.2020;Jõhvi;;;Esimene kohtumine.\n"
)


@st.composite
def import_files(draw: st.DrawFn) -> tuple[str, str, bytes]:
    kind = draw(st.sampled_from(["attendance", "events"]))
    text = GOOD_ATTENDANCE if kind == "attendance" else GOOD_EVENTS
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lines) - 1))
        cells = lines[i].split(";")
        j = draw(st.integers(0, len(cells) - 1))
        how = draw(st.sampled_from(["cell", "drop", "dup", "extra", "line"]))
        if how == "cell":
            cells[j] = draw(nasty_text).replace("\n", " ")
        elif how == "drop":
            del cells[j]
        elif how == "dup":
            lines.append(lines[i])
        elif how == "extra":
            cells.append(draw(nasty_text).replace("\n", " "))
        else:
            lines.insert(i, draw(nasty_text))
        if how in ("cell", "drop", "extra"):
            lines[i] = ";".join(cells)
    data = ("\n".join(lines) + "\n").encode()
    if draw(st.booleans()):
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"", b"\xff\xfe"])) + data
    suffix = draw(st.sampled_from([".csv", ".jsonl"]))
    return kind, suffix, data


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=import_files())
async def test_mutated_import_files_are_refused_whole_or_imported(
    graph: Graph, tmp_path: Path, case: tuple[str, str, bytes]
) -> None:
    kind, suffix, data = case
    path = tmp_path / f"fuzz-{kind}{suffix}"
    path.write_bytes(data)
    before = await maintenance.count_data_nodes(graph)
    try:
        await IMPORTERS[kind](graph, path, Options(actor="fuzz"), None)
    except ImportProblems as e:
        assert e.problems and all(str(p) for p in e.problems)
        assert await maintenance.count_data_nodes(graph) == before, "refused, yet wrote"
