"""Bad HTTP input is a 4xx that says what is wrong, never a 5xx: bodies nested too deep,
not UTF-8, not a JSON object, over the size cap without a Content-Length, too slow."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from graph.driver import Graph
from graph.keys import Role
from tests.conftest import GraphQLClient

VIEWER = "{ viewer { name } }"


@pytest.fixture
def viewer(gql: dict[Role, GraphQLClient]) -> GraphQLClient:
    return gql[Role.VIEWER]


async def post_raw(
    gql: GraphQLClient, content: bytes | AsyncIterator[bytes], **headers: str
) -> httpx.Response:
    return await gql.client.post(
        "/graphql",
        content=content,
        headers={
            "Authorization": f"Bearer {gql.key}",
            "Content-Type": "application/json",
            **headers,
        },
    )


def refusal(response: httpx.Response, status: int) -> str:
    """The message of a coded JSON refusal with this status."""
    assert response.status_code == status, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"]
    message: str = error["message"]
    return message


async def test_deeply_nested_body_is_400(viewer: GraphQLClient) -> None:
    message = refusal(await post_raw(viewer, b"[" * 200_000), 400)
    assert "nests arrays and objects more than 32 levels deep" in message
    inside = json.dumps({"query": VIEWER, "variables": {"x": [[[[[[[[[[[[[]]]]]]]]]]]]] * 3}})
    assert (await post_raw(viewer, inside.encode())).status_code == 200
    deep = '{"query": "{ viewer { name } }", "variables": {"x": ' + "[" * 40 + "]" * 40 + "}}"
    assert "32 levels" in refusal(await post_raw(viewer, deep.encode()), 400)


async def test_brackets_inside_strings_do_not_count(viewer: GraphQLClient) -> None:
    text = json.dumps({"query": VIEWER, "variables": {"x": "[{" * 1000 + '\\"[' * 50}})
    assert (await post_raw(viewer, text.encode())).status_code == 200


async def test_body_that_is_not_utf8_is_400(viewer: GraphQLClient) -> None:
    latin1 = '{"query": "{ viewer { name } }", "variables": {"x": "Sillamäe"}}'.encode("latin-1")
    at = latin1.index("ä".encode("latin-1"))
    assert f"not valid UTF-8 (byte {at})" in refusal(await post_raw(viewer, latin1), 400)
    utf16 = json.dumps({"query": VIEWER}).encode("utf-16")
    assert "not valid UTF-8" in refusal(await post_raw(viewer, utf16), 400)
    # The same text as UTF-8 is fine, õäöüšž and Cyrillic included.
    good = json.dumps({"query": VIEWER, "variables": {"x": "Sillamäe õüšž Силламяэ"}})
    assert (await post_raw(viewer, good.encode())).status_code == 200


async def test_body_that_is_not_a_json_object_is_400(viewer: GraphQLClient) -> None:
    for body, kind in (
        (b"5", "a number"),
        (b'"{ viewer { name } }"', "a string"),
        (b"null", "null"),
        (b"true", "a boolean"),
        (b'[{"query": "{ viewer { name } }"}]', "an array"),
    ):
        message = refusal(await post_raw(viewer, body), 400)
        assert "must be a JSON object" in message and f"not {kind}" in message


async def test_members_of_the_wrong_type_are_refused_cleanly(viewer: GraphQLClient) -> None:
    docs: list[dict[str, Any]] = [
        {"query": 5},
        {"query": ["{ viewer { name } }"]},
        {"query": VIEWER, "variables": [1, 2]},
        {"query": VIEWER, "extensions": "x"},
        {"query": VIEWER, "operationName": 5},
        {"query": VIEWER, "operationName": {"a": [1]}},
        {"variables": {}},
    ]
    for doc in docs:
        response = await post_raw(viewer, json.dumps(doc).encode())
        assert response.status_code < 500, (doc, response.text)
        errors = response.json()["errors"]
        assert errors and all(
            (e.get("extensions") or {}).get("code") != "INTERNAL_SERVER_ERROR" for e in errors
        ), (doc, errors)


async def test_bad_json_and_huge_numbers_are_400(viewer: GraphQLClient) -> None:
    message = refusal(await post_raw(viewer, b'{"query": "{ viewer { name } }",\n "x": }'), 400)
    assert "not valid JSON" in message and "line 2" in message
    huge = b'{"query": "{ viewer { name } }", "variables": {"x": ' + b"9" * 5000 + b"}}"
    assert "more than 4300 digits" in refusal(await post_raw(viewer, huge), 400)


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


async def test_chunked_body_over_the_cap_is_413(viewer: GraphQLClient) -> None:
    response = await post_raw(viewer, _chunks(1_100_000))
    assert "content-length" not in response.request.headers
    assert "request body over 1000000 bytes" in refusal(response, 413)
    assert response.headers["connection"] == "close"
    # Under the cap, a chunked body is read as usual.
    fine = await post_raw(viewer, _chunks(10_000))
    assert "not valid JSON" in refusal(fine, 400)


async def test_json_query_parameters_are_read_the_same_way(viewer: GraphQLClient) -> None:
    auth = {"Authorization": f"Bearer {viewer.key}"}
    deep = {"query": VIEWER, "variables": "[" * 5000}
    message = refusal(await viewer.client.get("/graphql", params=deep, headers=auth), 400)
    assert "a JSON query parameter nests" in message
    ok = {"query": VIEWER, "variables": json.dumps({"x": "Põltsamaa"})}
    assert (await viewer.client.get("/graphql", params=ok, headers=auth)).status_code == 200


# --- a generated corpus: nested bodies and variables of any shape and encoding ----------

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["õäöüšž", "Силламяэ", "[{", '"]}', "\\", "\x00"])
)
json_trees = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=30,
)


@st.composite
def nested(draw: st.DrawFn) -> Any:
    """A JSON value wrapped in 0–60 levels of arrays and objects (the limit is 32)."""
    value = draw(json_trees)
    for _ in range(draw(st.integers(0, 60))):
        value = [value] if draw(st.booleans()) else {draw(st.text(max_size=4)): value}
    return value


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    variables = draw(nested())
    query = draw(
        st.sampled_from(
            [
                VIEWER,
                "query($x: String) { viewer { name } }",
                "query($x: [[String]]) { viewer { name } }",
                'query($x: JSON) { cypher(query: "RETURN 1", params: $x) { rowCount } }',
                "query($x: OrganisationFilter) { organisations(filter: $x) { totalCount } }",
            ]
        )
    )
    shape = draw(st.sampled_from(["object", "variables-as-is", "members", "bare", "truncated"]))
    if shape == "object":
        doc: Any = {"query": query, "variables": {"x": variables}}
    elif shape == "variables-as-is":
        doc = {"query": query, "variables": variables}
    elif shape == "members":  # any member of the request may be of any shape
        doc = {
            name: draw(st.just(sensible) | nested())
            for name, sensible in (
                ("query", query),
                ("variables", {"x": variables}),
                ("operationName", None),
                ("extensions", {}),
            )
        }
    else:
        doc = variables
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    if shape == "truncated":
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "bom", "garbage"]))
    if encoding == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if encoding == "garbage":
        raw = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 3))):
            raw.insert(draw(st.integers(0, len(raw))), draw(st.integers(0x80, 0xFF)))
        return bytes(raw)
    return text.encode(encoding, errors="replace")


CORPUS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@CORPUS
@given(body=bodies())
async def test_nested_bodies_of_any_shape_are_never_a_5xx(
    gql: dict[Role, GraphQLClient], body: bytes
) -> None:
    analyst = gql[Role.ANALYST]
    response = await post_raw(analyst, body)
    assert response.status_code < 500, response.text
    payload = response.json()
    for error in payload.get("errors") or []:
        assert error.get("extensions", {}).get("code") != "INTERNAL_SERVER_ERROR", error
        assert "Traceback" not in error["message"] and "Error:" not in error["message"], error


@settings(CORPUS, max_examples=60)
@given(value=nested())
async def test_nested_get_variables_are_never_a_5xx(viewer: GraphQLClient, value: Any) -> None:
    params = {"query": "query($x: [[String]]) { viewer { name } }", "variables": json.dumps(value)}
    response = await viewer.client.get(
        "/graphql", params=params, headers={"Authorization": f"Bearer {viewer.key}"}
    )
    assert response.status_code < 500, response.text
    assert response.json()


# --- slow bodies -------------------------------------------------------------------------


@pytest.fixture
async def impatient(graph: Graph, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that waits 0.2 s for each chunk of a body, 1 s for all of it."""
    quick = settings.model_copy(update={"body_read_timeout": 0.2, "body_timeout": 1.0})
    async with LifespanManager(create_app(quick, graph=graph)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://koostoo.test") as c:
            yield c


async def _stalls() -> AsyncIterator[bytes]:
    yield b'{"query": "{ viewer '
    await asyncio.Event().wait()  # the rest never comes


async def _trickles() -> AsyncIterator[bytes]:
    yield b'{"query": "{ viewer { name } }", "x": "'
    while True:  # a byte every 0.05 s: never a long pause, never the end
        await asyncio.sleep(0.05)
        yield b"."


async def test_a_stalled_body_is_408(
    impatient: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    auth = {"Authorization": f"Bearer {api_keys[Role.VIEWER]}", "Content-Type": "application/json"}
    for body in (_stalls(), _trickles()):
        response = await impatient.post("/graphql", content=body, headers=auth)
        assert "did not arrive in time" in refusal(response, 408)
        assert response.headers["connection"] == "close"
    whole = await impatient.post("/graphql", json={"query": VIEWER}, headers=auth)
    assert whole.status_code == 200, whole.text


async def test_a_request_without_a_key_is_refused_without_waiting_for_its_body(
    impatient: httpx.AsyncClient,
) -> None:
    response = await impatient.post(
        "/graphql", content=_stalls(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
