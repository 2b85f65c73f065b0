"""How an entity type is declared, once: a class of its stored fields, each with its
roles, from which the input models, the GraphQL types, the CRUD, the filters, the
exports and the derived properties are all built.

A declaration is a `Stored` subclass whose fields are annotated with a `Prop` (what the
field is for) and whose `meta` says what the type is for:

    class Topic(Named):
        '''A theme events and programmes are about.'''

        meta: ClassVar = Meta("Topic", unique_name=True, filters=(TEXT,))

The stored field types are what Neo4j holds (`str`, an enum, `list[str]`); a `Prop`'s
`input` is the stricter type an input must pass (`Name`, `ShortText`, …). Create and
update models are derived from the two (see `EntityType`), so a field is written once.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar, Final, Literal

from pydantic import Field, create_model, field_validator, model_validator
from pydantic.fields import FieldInfo

from graph import morph
from graph.models.common import Model, Stored
from graph.text import confusable_key, fold, search_text

#: Properties every entity carries that no input sets.
BOOKKEEPING: Final = ("id", "createdAt", "updatedAt")
#: Properties derived from the names (see `EntityType.derived`; `nameKey` only on types
#: with unique names, `lemmaText` and `lemmaKeys` only on searchable ones): never in an
#: input, an export or an audit diff, and erased with a person's names.
DERIVED: Final = ("sortKey", "searchText", "nameKey", "lemmaText", "lemmaKeys")
#: Names that are not Estonian: their words are indexed as written, not lemmatised.
NOT_ESTONIAN: Final = ("nameEn",)


@dataclass(frozen=True, slots=True)
class Prop:
    """What a field is for, beyond its stored type.

    `input`: the type an input value must pass (a stricter `Annotated` type); the
    stored type when left out. `search`: one of the names the entity is found by
    (folded into `searchText`; the full-text index covers the same names).
    `personal`: personal data (GDPR): shown to editors and up only, exported to the
    person, erased with them. `create` / `update`: whether the create / update input
    takes it (server-set fields take neither; a field set once only the first).
    `ref`: the value is the id of an entity of that label (an `ID` in inputs, the
    entity itself in reads). `export`: written to the graph exports. `unique`: no two
    entities of the type hold the same value (when they hold one): checked on every
    write, enforced by a uniqueness constraint a migration creates.
    """

    input: Any = None
    search: bool = False
    personal: bool = False
    create: bool = True
    update: bool = True
    ref: str | None = None
    export: bool = True
    unique: bool = False


class FilterKind(StrEnum):
    KIND = "kind"
    TEXT = "text"
    TAGS = "tags"
    PLACE = "place"
    DATE_FROM = "dateFrom"
    DATE_TO = "dateTo"
    STATUS = "status"
    DUE_BEFORE = "dueBefore"
    ASSIGNEE = "assignee"
    #: the value of one property, exactly (`Filter.property`)
    EQUALS = "equals"


@dataclass(frozen=True, slots=True)
class Filter:
    """One argument of a type's list filter: what it filters by (`kind`, which
    `graph.entities.EntityFilter` field it sets), the name it has in GraphQL and its
    description there; `property`: the property an `EQUALS` filter compares."""

    kind: FilterKind
    name: str = ""
    description: str | None = None
    property: str | None = None

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.property or self.kind.value)
        if (self.kind is FilterKind.EQUALS) != (self.property is not None):
            raise ValueError("an EQUALS filter, and only it, names its property")

    def named(self, name: str, description: str | None = None) -> Filter:
        described = description if description is not None else self.description
        return Filter(self.kind, name, described, self.property)

    def described(self, description: str) -> Filter:
        return Filter(self.kind, self.name, description, self.property)

    @classmethod
    def equals(cls, prop: str, description: str | None = None) -> Filter:
        """Entities whose `prop` is exactly the value given."""
        return cls(FilterKind.EQUALS, prop, description, prop)


#: Relationship types an `InputOnly` field may create (besides the model's `RelType`s,
#: which `connect` makes): the CRM's "this note is about that".
INPUT_RELATIONSHIPS: Final = ("ABOUT",)


@dataclass(frozen=True, slots=True)
class InputOnly:
    """An input field that is not a node property: a list of entity ids that the create
    turns into `(new)-[:relationship]->(entity)` ties (a note's `about`). Required
    unless it has a `default`; `ref` as in `Prop`."""

    name: str
    annotation: Any
    relationship: str
    default: Any = ...
    ref: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        assert self.relationship in INPUT_RELATIONSHIPS, self.relationship


@dataclass(frozen=True)
class Meta:
    """What an entity type is for.

    `unique_name`: a second entity of this type with the same folded name is refused
    (and the database enforces it). `personal`: the type holds personal data.
    `date_property`: the property lists sort by with `sort: DATE` (and filter by date
    range); `sort_by_date`: lists sort by it unless told otherwise. `queries`: the type
    has root fields (`organisation(id)`, `organisations(…)`); `searchable`: `search`
    finds it by its names. `computed`: read-only
    fields the stored model computes (a `@property`), exposed as they are.
    `computed_cypher`: the same rule as Cypher, for a computed field the compiled reads
    (graph/compiled) plan: an expression over the node `{n}` and the request's `$today`
    (the API process's date, as the Python rule has it, in ISO text as dates are
    stored); a computed field without one
    runs on its resolver. The differential oracle holds the two to the same answers.
    `checks`: rules over several fields of an input (run on create, and on update over
    the fields sent). `inputs`: create-input fields that become relationships.
    `authored`: the create records who wrote it (`author`, the caller). `docs`: the
    descriptions of its root fields where the derived ones do not fit (`"list"`,
    `"create"`).
    """

    label: str
    description: str
    name_property: str = "name"
    unique_name: bool = False
    personal: bool = False
    date_property: str | None = None
    sort_by_date: bool = False
    queries: bool = True
    searchable: bool = True
    plural: str = ""
    filters: tuple[Filter, ...] = ()
    computed: tuple[str, ...] = ()
    computed_cypher: dict[str, str] = field(default_factory=dict)
    checks: tuple[Callable[[dict[str, Any]], None], ...] = ()
    inputs: tuple[InputOnly, ...] = ()
    authored: bool = False
    docs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Field_:
    """One declared field of an entity type, as the derivations need it."""

    name: str  # Python attribute name
    key: str  # property / GraphQL / input name (camelCase)
    stored: Any  # the stored annotation
    info: FieldInfo
    prop: Prop

    @property
    def required(self) -> bool:
        return self.info.is_required()

    @property
    def description(self) -> str | None:
        return self.info.description

    @property
    def input_type(self) -> Any:
        return self.prop.input if self.prop.input is not None else self.stored


def _prop(info: FieldInfo) -> Prop:
    for extra in info.metadata:
        if isinstance(extra, Prop):
            return extra
    return Prop()


def _optional(annotation: Any) -> Any:
    """`T | None` (unchanged when it already admits None)."""
    if _admits_none(annotation):
        return annotation
    return annotation | None


def _admits_none(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _admits_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return type(None) in typing.get_args(annotation)
    return annotation is None or annotation is type(None)


@dataclass(frozen=True)
class EntityType:
    """An entity type: its declaration and everything derived from it."""

    stored: type[Stored]
    meta: Meta

    @property
    def label(self) -> str:
        return self.meta.label

    @property
    def name_property(self) -> str:
        return self.meta.name_property

    @property
    def unique_name(self) -> bool:
        return self.meta.unique_name

    @property
    def personal(self) -> bool:
        return self.meta.personal

    @cached_property
    def fields(self) -> tuple[Field_, ...]:
        """The declared fields (bookkeeping `id` and timestamps left out)."""
        out = []
        hints = typing.get_type_hints(self.stored, include_extras=True)
        for name, info in self.stored.model_fields.items():
            key = info.alias or name
            if key in BOOKKEEPING:
                continue
            stored = hints[name]
            if typing.get_origin(stored) is typing.Annotated:
                stored = typing.get_args(stored)[0]
            out.append(Field_(name, key, stored, info, _prop(info)))
        return tuple(out)

    def field(self, key: str) -> Field_:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.label} has no field {key!r}")

    @cached_property
    def searchable(self) -> tuple[str, ...]:
        """The properties the entity is found by, its name first."""
        rest = tuple(f.key for f in self.fields if f.prop.search and f.key != self.name_property)
        return (self.name_property, *rest)

    @cached_property
    def unique_fields(self) -> tuple[str, ...]:
        """The properties whose values are unique within the type (`Prop.unique`)."""
        return tuple(f.key for f in self.fields if f.prop.unique)

    @cached_property
    def personal_fields(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.prop.personal)

    @cached_property
    def create(self) -> type[Model]:
        """The create input: the fields an input may set; required as stored."""
        fields: dict[str, Any] = {"id": (_optional(_entity_id()), None)}
        for f in self.fields:
            if not f.prop.create:
                continue
            default: Any = ... if f.required else _default(f.info)
            annotation = f.input_type if f.required else _optional(f.input_type)
            fields[f.name] = (annotation, _input_field(default, _alias(f)))
        for extra in self.meta.inputs:
            default = list if extra.default == [] else extra.default
            fields[extra.name] = (extra.annotation, _input_field(default))
        return _model(f"{self.label}Create", fields, self._validators(partial=False))

    @cached_property
    def update(self) -> type[Model]:
        """The update input (a patch): every field optional; unset = unchanged, null
        clears, except for the fields a stored entity must have."""
        fields: dict[str, Any] = {}
        for f in self.fields:
            if not (f.prop.create and f.prop.update):
                continue
            fields[f.name] = (_optional(f.input_type), _input_field(None, _alias(f)))
        required = tuple(f.name for f in self.fields if f.required and f.name in fields)
        return _model(
            f"{self.label}Update", fields, self._validators(partial=True, required=required)
        )

    def _validators(self, *, partial: bool, required: tuple[str, ...] = ()) -> dict[str, Any]:
        """The type's `checks` (over the fields sent, for a patch) and, for a patch,
        the refusal to clear a field every stored entity has."""
        checks = self.meta.checks

        def check(model: Model) -> Model:
            sent = model.model_dump(by_alias=True, exclude_unset=partial)
            for rule in checks:
                rule(sent)
            return model

        def not_cleared(value: object) -> object:
            if value is None:
                raise ValueError("cannot be cleared")
            return value

        validators: dict[str, Any] = {"_checked": model_validator(mode="after")(check)}
        if required:
            validators["_kept"] = field_validator(*required)(not_cleared)
        return validators

    @property
    def derived_from(self) -> tuple[str, ...]:
        """The properties `derived` reads: a write that changes one of them rewrites the
        derived ones, made from all of them."""
        return self.searchable

    def derived(self, props: dict[str, Any]) -> dict[str, Any]:
        """The properties kept for sorting and accent-insensitive matching, from the
        entity's names: `sortKey` (the folded name), `searchText` (every name), for a
        type whose names are unique `nameKey` (the key of names that look alike), and
        for a searchable type `lemmaText` (the folded words and Estonian lemmas of its
        names: a field of the `entity_names` index) and `lemmaKeys` (each name in lemma
        form: "Töötukassaga" is this name) (graph/morph.py)."""
        name = props.get(self.name_property) or ""
        others = [props.get(k) for k in self.searchable[1:]]
        keys: dict[str, Any] = {"sortKey": fold(name), "searchText": search_text(name, *others)}
        if self.unique_name:
            keys["nameKey"] = confusable_key(name)
        if self.meta.searchable:
            estonian: list[str] = [name]
            foreign: list[str] = []
            for k in self.searchable[1:]:
                value = props.get(k)
                values = value if isinstance(value, list) else [value] if value else []
                (foreign if k in NOT_ESTONIAN else estonian).extend(values)
            words = morph.lemma_text(estonian).split()
            words += [w for f in foreign for w in morph.folded_words(f)]
            keys["lemmaText"] = " ".join(dict.fromkeys(words))
            keys["lemmaKeys"] = morph.name_keys(estonian)
        return keys

    def filter(self, kind: FilterKind) -> Filter | None:
        for f in self.meta.filters:
            if f.kind is kind:
                return f
        return None

    @cached_property
    def equality_filters(self) -> tuple[str, ...]:
        """The properties the type's list filters by exact value (`Filter.equals`)."""
        return tuple(f.property for f in self.meta.filters if f.property is not None)

    @property
    def default_sort(self) -> Literal["NAME", "DATE"]:
        return "DATE" if self.meta.sort_by_date else "NAME"


def _entity_id() -> Any:
    from graph.models.common import EntityId

    return EntityId


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return info.default_factory
    return info.default


def _input_field(default: Any, alias: str | None = None) -> Any:
    """A pydantic field with this default (`...`: required; a callable: a factory)."""
    if default is ... or not callable(default):
        return Field(default=default, alias=alias)
    return Field(default_factory=default, alias=alias)


def _alias(f: Field_) -> str | None:
    return f.key if f.key != f.name else None


def _model(name: str, fields: dict[str, Any], validators: dict[str, Any]) -> type[Model]:
    model: type[Model] = create_model(name, __base__=Model, __validators__=validators, **fields)
    return model


class Declared(Stored):
    """Base of the entity type declarations: `meta` says what the type is for."""

    meta: ClassVar[Meta]
    entity_type: ClassVar[EntityType]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "meta" in cls.__dict__:
            cls.entity_type = EntityType(cls, cls.meta)


def declared(*models: type[Declared]) -> tuple[EntityType, ...]:
    return tuple(m.entity_type for m in models)


__all__ = [
    "BOOKKEEPING",
    "DERIVED",
    "NOT_ESTONIAN",
    "Declared",
    "EntityType",
    "Field_",
    "Filter",
    "FilterKind",
    "InputOnly",
    "Meta",
    "Prop",
    "declared",
]
