"""Recording a meeting (or seminar, training, forum) in one transaction: the event,
its organisers and attendees (existing entities, or new ones made with it), its place and
programme, and its source: a document and the quote in it, or the recorder's own notes.
All or nothing; every entity and tie it makes is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction
from pydantic import Field, ValidationError, model_validator

from graph import bulk, entities
from graph.driver import Graph
from graph.errors import Conflict, InvalidInput
from graph.models.common import EntityId, LongText, Model, Name, PartialDate, Stored
from graph.models.entities import EventKind
from graph.models.registry import REGISTRY, to_model
from graph.models.relationships import (
    AttendanceRole,
    AttendedProps,
    RelProps,
    RelType,
    SourceRef,
)
from graph.models.reltypes import OrganisedProps, OrganiserRole
from graph.relationships import connect_in_tx


class NewEntity(Model):
    """An entity to make with the meeting, for one not found by the pickers: its type,
    name (a document's title) and kind, where the type has kinds."""

    type: str
    name: Name
    kind: str | None = None

    def create_input(self) -> Model:
        """The type's own create input (its rules: a kind from its list, one script per
        word of an organisation's name, …)."""
        spec = REGISTRY[self.type]
        data: dict[str, Any] = {spec.name_property: self.name}
        if self.kind is not None:
            data["kind"] = self.kind
        return spec.create.model_validate(data)


class Choice(Model):
    """An existing entity (`id`) or one to make (`new`): exactly one of the two."""

    id: EntityId | None = None
    new: NewEntity | None = None

    @model_validator(mode="after")
    def _one(self) -> Choice:
        if (self.id is None) == (self.new is None):
            raise ValueError("give either `id` (an existing entity) or `new`, not both")
        return self


class AttendeeRef(Choice):
    role: AttendanceRole = AttendanceRole.PARTICIPANT


class OrganiserRef(Choice):
    role: OrganiserRole | None = None


class MeetingSource(Model):
    """Where the record comes from: a document and the quote in it that supports it, or
    the recorder's own notes (then the meeting's `note` holds them)."""

    document: Choice | None = None
    quote: LongText | None = Field(default=None, min_length=1)
    own_notes: bool = Field(default=False, alias="ownNotes")

    @model_validator(mode="after")
    def _one(self) -> MeetingSource:
        if self.own_notes and self.document is not None:
            raise ValueError("a document and the quote, or own notes: not both")
        if not self.own_notes and self.document is None:
            raise ValueError("give the document and the quote, or choose own notes")
        if self.document is not None and not self.quote:
            raise ValueError("quote the words in the document that support the record")
        return self


class MeetingInput(Model):
    """An event, who organised and attended it, where, in which programme, and its source."""

    id: EntityId | None = None
    name: Name
    kind: EventKind = EventKind.MEETING
    start_date: PartialDate = Field(alias="startDate")
    end_date: PartialDate | None = Field(default=None, alias="endDate")
    description: LongText | None = None
    place: Choice | None = None
    part_of: Choice | None = Field(default=None, alias="partOf")
    organisers: list[OrganiserRef] = Field(default_factory=list, max_length=50)
    attendees: list[AttendeeRef] = Field(min_length=1, max_length=200)
    source: MeetingSource | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _own_notes_written(self) -> MeetingInput:
        if self.source is not None and self.source.own_notes and not self.note:
            raise ValueError("with own notes as the source, write them in `note`")
        return self


#: The types each place in the input may make (`new`).
MAY_MAKE: dict[str, tuple[str, ...]] = {
    "attendees": ("Organisation", "Person"),
    "organisers": ("Organisation",),
    "place": ("Place",),
    "partOf": ("Programme",),
    "source": ("Document",),
}


#: The tie each kind of named entity gets with the event, and whether it starts there.
TIES: dict[str, tuple[RelType, bool]] = {
    "organisers": (RelType.ORGANISED, False),
    "attendees": (RelType.ATTENDED, False),
    "place": (RelType.HELD_AT, True),
    "partOf": (RelType.PART_OF, True),
}


@dataclass(frozen=True)
class Named:
    """An entity the input names: its key (`attendees.0`), what may be made there, the
    GraphQL paths of its `id` and its `new`, and the choice."""

    key: str
    where: str
    id_path: str
    new_path: str
    choice: Choice


def _choices(data: MeetingInput) -> list[Named]:
    """Every entity the input names, with the paths problems name it by."""
    found: list[Named] = []
    for where, items in (("organisers", data.organisers), ("attendees", data.attendees)):
        for i, c in enumerate(items):
            path = f"input.{where}.{i}"
            found.append(Named(f"{where}.{i}", where, f"{path}.id", f"{path}.new", c))
    if data.place:
        found.append(Named("place", "place", "input.place", "input.newPlace", data.place))
    if data.part_of:
        found.append(Named("partOf", "partOf", "input.partOf", "input.newPartOf", data.part_of))
    if data.source and data.source.document:
        path = "input.source.document"
        found.append(Named("source", "source", f"{path}.id", f"{path}.new", data.source.document))
    return found


def _new_inputs(data: MeetingInput) -> dict[str, Model]:
    """The create input of every new entity, by its key; all checked before anything is
    written, each problem named by its path."""
    made: dict[str, Model] = {}
    problems: list[tuple[str, str]] = []
    for named in _choices(data):
        new = named.choice.new
        if new is None:
            continue
        allowed = MAY_MAKE[named.where]
        if new.type not in allowed:
            problems.append((f"{named.new_path}.type", f"must be {' or '.join(allowed)} here"))
            continue
        try:
            made[named.key] = new.create_input()
        except ValidationError as e:
            for err in e.errors():
                key = str(err["loc"][0]) if err["loc"] else "name"
                field = "name" if key == REGISTRY[new.type].name_property else key
                message = err["msg"].removeprefix("Value error, ")
                problems.append((f"{named.new_path}.{field}", message))
    if problems:
        raise InvalidInput(problems)
    return made


async def record_meeting(graph: Graph, data: MeetingInput, *, actor: str) -> Stored:
    """Make the new entities, the event, its ties (ORGANISED, ATTENDED with roles,
    HELD_AT, PART_OF; each carrying the source document and quote), the event's citation
    and the note: all or nothing, each step audited. Problems name the input path."""
    event_data = REGISTRY["Event"].create.model_validate(
        data.model_dump(
            by_alias=True, include={"id", "name", "kind", "start_date", "end_date", "description"}
        )
    )
    new_inputs = _new_inputs(data)

    async def work(tx: AsyncManagedTransaction) -> Stored:
        named = _choices(data)
        ids: dict[str, str] = {}
        for n in named:
            if n.choice.id is not None:
                ids[n.key] = n.choice.id
                continue
            assert n.choice.new is not None
            try:
                made = await entities.create_in_tx(
                    tx, n.choice.new.type, new_inputs[n.key], actor=actor
                )
            except Conflict as e:
                raise Conflict(str(e), field=f"{n.new_path}.name") from e
            ids[n.key] = made["id"]
        created = await entities.create_in_tx(tx, "Event", event_data, actor=actor)
        event_id = created["id"]
        document = ids.get("source")
        quote = data.source.quote if data.source else None
        sources = [SourceRef(document=document, quote=quote)] if document and quote else []
        for n in named:
            if n.where not in TIES:
                continue
            rel_type, from_event = TIES[n.where]
            a, b = (event_id, ids[n.key]) if from_event else (ids[n.key], event_id)
            try:
                await connect_in_tx(tx, rel_type, a, b, _props(n), sources=sources, actor=actor)
            except InvalidInput as e:
                # what does not fit: the source's document, or the choice's entity
                at = e.problems[0][0]
                field = (
                    "input.source.document.id"
                    if at.startswith("sources.")
                    else (n.id_path if n.choice.id is not None else f"{n.new_path}.type")
                )
                raise InvalidInput([(field, m) for _, m in e.problems]) from e
        if document is not None and quote:
            cited = [event_id, *(ids[k] for k in new_inputs if k != "source")]
            await bulk.cite(tx, [{"id": x, "document": document, "quote": quote} for x in cited])
        if data.note:
            note = REGISTRY["Note"].create.model_validate({"about": [event_id], "body": data.note})
            await entities.create_in_tx(tx, "Note", note, actor=actor)
        return to_model("Event", created)

    try:
        return await graph.write(work)
    except Conflict as e:
        if e.field != "sortKey":
            raise
        # the database's unique names: another writer took one of the new names just now
        raise Conflict(f"a name of a new entity was taken meanwhile ({e}); try again") from e


def _props(named: Named) -> RelProps:
    """The properties of a named entity's tie with the event (a role, where it has one)."""
    if isinstance(named.choice, OrganiserRef):
        return OrganisedProps(role=named.choice.role)
    if isinstance(named.choice, AttendeeRef):
        return AttendedProps(role=named.choice.role)
    return RelProps()
