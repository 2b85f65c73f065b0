"""The executor's shortcut for flat objects (`schema/execution.py`) answers exactly as
graphql-core does: the same data and the same errors, at the same paths, for every
case the shortcut takes and every case it sends back."""

from __future__ import annotations

import enum
from typing import Any, NewType, cast

import pytest
import strawberry
from graphql import GraphQLInterfaceType
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.models.common import Stored
from schema import execution

Upper = NewType("Upper", str)


def _refuse(v: Any) -> str:
    raise ValueError(f"not text: {v!r}")


@strawberry.enum
class Kind(enum.Enum):
    NGO = "NGO"
    AGENCY = "AGENCY"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Doc:
    id: strawberry.ID
    title: str | None


@strawberry.type
class Item(Named):
    id: strawberry.ID
    kind: Kind
    code: Upper
    score: float
    props: JSON
    doc: Doc | None = None

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


def _items(broken: str | None = None) -> list[Item]:
    items = [
        Item(
            id=strawberry.ID(f"i{i}"),
            name=f"Üks õun {i} Ж",
            kind=Kind.NGO if i % 2 else Kind.AGENCY,
            code=Upper(f"c{i}"),
            score=i / 3,
            props=JSON({"a": [i, None], "ž": "š"}),
            doc=Doc(id=strawberry.ID(f"d{i}"), title=None) if i % 3 == 0 else None,
        )
        for i in range(5)
    ]
    if broken == "null":
        items[2].name = None  # type: ignore[assignment]
    elif broken == "scalar":
        items[3].code = 42  # type: ignore[assignment]
    return items


class Deny(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Guarded:
    id: strawberry.ID
    secret: str | None = strawberry.field(permission_classes=[Deny])
    boom: str | None


class _Guarded:
    """A source whose `boom` raises when read."""

    def __init__(self, i: int) -> None:
        self.id = f"g{i}"
        self.secret = "salajane"

    @property
    def boom(self) -> str:
        raise ValueError("boom")


class OrgModel(Stored):
    name: str


class PersonModel(Stored):
    name: str
    email: str | None = None


class SubOrgModel(OrgModel):
    """A subclass: `isinstance` says it is an organisation (the class decides)."""


class Strange(Stored):
    """A stored model no object type says it is."""


@strawberry.interface
class Entry:
    id: strawberry.ID


def _is(model: type[Stored]) -> Any:
    return staticmethod(lambda obj, info: isinstance(obj, model))


@strawberry.type
class Org(Entry):
    name: str
    is_type_of = _is(OrgModel)


@strawberry.type
class Human(Entry):
    name: str
    email: str | None
    is_type_of = _is(PersonModel)


def _entries(strange: bool = False) -> list[Stored]:
    found: list[Stored] = [
        OrgModel(id="o1", name="Töötukassa"),
        PersonModel(id="p1", name="Kaie Kotov", email="kaie@näide.ee"),
        SubOrgModel(id="o2", name="Пярну"),
        OrgModel(id="o3", name="SEV"),
    ]
    return [*found, Strange(id="x1")] if strange else found


def _maybe_entries() -> list[Stored | None]:
    return [None, *_entries()]


@strawberry.type
class Query:
    entries: list[Stored] = strawberry.field(resolver=_entries, graphql_type=list[Entry])
    maybe_entries: list[Stored | None] = strawberry.field(
        resolver=_maybe_entries, graphql_type=list[Entry | None]
    )

    @strawberry.field
    def items(self, broken: str | None = None) -> list[Item]:
        return _items(broken)

    @strawberry.field
    def maybe_items(self, broken: str | None = None) -> list[Item | None]:
        return [None, *_items(broken)]

    @strawberry.field
    def named(self) -> list[Named]:
        return list(_items())

    @strawberry.field
    def guarded(self) -> list[Guarded]:
        return [cast(Guarded, _Guarded(i)) for i in range(3)]

    @strawberry.field
    def one(self, broken: str | None = None) -> Item:
        return _items(broken)[3]


CONFIG = StrawberryConfig(
    scalar_map={
        Upper: strawberry.scalar(
            name="Upper",
            serialize=lambda v: v.upper() if isinstance(v, str) else _refuse(v),
            parse_value=str,
        )
    }
)
PLAIN = strawberry.Schema(query=Query, config=CONFIG, types=[Org, Human])
FLAT = strawberry.Schema(
    query=Query, config=CONFIG, types=[Org, Human], execution_context_class=execution.FlatObjects
)

DOCUMENTS = [
    "{ items { id name kind code score props } }",
    "{ items { __typename a: id b: name id } }",
    "{ items { ...F } } fragment F on Item { id kind ... on Named { name } }",
    "query($s: Boolean!) { items { id name @skip(if: $s) kind @include(if: $s) } }",
    "{ items { id doc { id title } } }",
    "{ items { id shout(times: 2) } }",
    "{ maybeItems { id name } }",
    "{ named { __typename name ... on Item { id code } } }",
    '{ items(broken: "null") { id name } }',
    '{ maybeItems(broken: "null") { id name } }',
    '{ items(broken: "scalar") { id code } }',
    '{ one(broken: "scalar") { id code } }',
    "{ one { id name kind } }",
    "{ guarded { id secret } }",
    "{ guarded { id boom } }",
    "{ entries { __typename id ... on Org { name } ... on Human { name email } } }",
    "{ maybeEntries { id ... on Human { email } } }",
    "{ entries(strange: true) { __typename id } }",
]


def _plain(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("skip", [True, False])
async def test_the_shortcut_answers_as_graphql_core_does(document: str, skip: bool) -> None:
    variables = {"s": skip} if "$s" in document else None
    expected = await PLAIN.execute(document, variable_values=variables)
    got = await FLAT.execute(document, variable_values=variables)
    assert _plain(got) == _plain(expected)
    assert got.data is not None or got.errors
    if "entries" in document.lower() and "strange" not in document:
        assert got.errors is None, got.errors


async def test_errors_keep_their_paths() -> None:
    # A null in a non-null field nulls the whole list (the list is non-null, so the
    # query's data is null), with the error at the field's path; a scalar that refuses
    # a value says so at that value's path.
    nulled = await FLAT.execute('{ items(broken: "null") { id name } }')
    assert nulled.data is None
    assert nulled.errors is not None
    assert [e.path for e in nulled.errors] == [["items", 2, "name"]]
    refused = await FLAT.execute('{ one(broken: "scalar") { id code } }')
    assert refused.data is None
    assert refused.errors is not None
    assert refused.errors[0].path == ["one", "code"]
    assert "not text: 42" in refused.errors[0].message


async def test_permissions_and_raising_fields_are_graphql_cores() -> None:
    # A field with a permission class (and no resolver) is refused at its own path, and
    # a value that raises when read errs at its own path, the rest of the item intact.
    refused = await FLAT.execute("{ guarded { id secret } }")
    assert refused.data == {"guarded": [{"id": f"g{i}", "secret": None} for i in range(3)]}
    assert refused.errors is not None
    assert sorted(e.path or [] for e in refused.errors) == [
        ["guarded", i, "secret"] for i in range(3)
    ]
    assert {e.message for e in refused.errors} == {"not for you"}
    raised = await FLAT.execute("{ guarded { id boom } }")
    assert raised.data == {"guarded": [{"id": f"g{i}", "boom": None} for i in range(3)]}
    assert raised.errors is not None
    assert sorted(e.path or [] for e in raised.errors) == [["guarded", i, "boom"] for i in range(3)]


async def test_flat_lists_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shortcut is taken (not only agreed with): graphql-core's per-object
    # completion is never called for a list of flat objects, and is for one with a
    # field that has a resolver of its own.
    calls: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.complete_object_value

    def counted(self: Any, return_type: Any, *args: Any) -> Any:
        calls.append(return_type.name)
        return original(self, return_type, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "complete_object_value", counted)
    flat = await FLAT.execute("{ items { id name kind props } }")
    assert flat.errors is None and flat.data is not None and len(flat.data["items"]) == 5
    assert calls == []
    resolved = await FLAT.execute("{ items { id shout } }")
    assert resolved.errors is None and resolved.data is not None
    assert calls == ["Item"] * 5


async def test_stored_models_find_their_type_once_per_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An abstract field's stored models: each class's type is asked for once per
    # request (a subclass apart from its parent), and the answer is graphql-core's.
    asked: list[str] = []
    entry = cast(GraphQLInterfaceType, FLAT.schema_converter.type_map["Entry"].implementation)
    original = entry.resolve_type
    assert original is not None

    def counted(obj: Any, info: Any, abstract: Any) -> Any:
        asked.append(type(obj).__name__)
        return original(obj, info, abstract)

    monkeypatch.setattr(entry, "resolve_type", counted)
    document = "{ entries { __typename id } }"
    got = await FLAT.execute(document)
    assert got.errors is None
    assert got.data == {
        "entries": [
            {"__typename": "Org", "id": "o1"},
            {"__typename": "Human", "id": "p1"},
            {"__typename": "Org", "id": "o2"},
            {"__typename": "Org", "id": "o3"},
        ]
    }
    # o3 reuses OrgModel's answer
    assert asked == ["OrgModel", "PersonModel", "SubOrgModel"]
    strange = await FLAT.execute("{ entries(strange: true) { id } }")
    assert strange.errors is not None and "Entry" in strange.errors[0].message
    assert strange.errors[0].path == ["entries", 4]
