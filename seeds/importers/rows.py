"""The columns of event and attendance files, and each row validated by the same
pydantic models the API uses (the create inputs of Event and Person, `AttendedProps`,
`SourceRef`).

A row becomes a typed record whose references to other entities (place, programme,
organisers, event, attendee, organisation) are `Ref`s, resolved later against the
graph. Parsing is deterministic, so the write pass re-reads the file and gets the same
records (and the same refs) as the validation pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, Protocol

from pydantic import BaseModel, TypeAdapter, ValidationError

from graph.models.common import Name, check_partial_date
from graph.models.registry import REGISTRY
from graph.models.relationships import AttendanceRole, AttendedProps, SourceRef
from graph.text import normalise_name, split_legal_form
from seeds.importers.reading import Column, Columns, RawRow

EVENT_COLUMNS = Columns(
    "events",
    (
        Column("id", doc="the event's id (optional: a new event gets one made from name+date)"),
        Column("name", required=True, doc="the event's name as written"),
        Column("kind", required=True, doc="THINK_TANK_MEETING, SEMINAR, TRAINING, …"),
        Column("startDate", aliases=("date",), doc="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY"),
        Column("endDate", doc="as startDate; not before it"),
        Column("place", doc="a Place id or name (→ HELD_AT)"),
        Column("programme", doc="a Programme id or name (→ PART_OF)"),
        Column(
            "organisers",
            multi=True,
            aliases=("organiser", "organizers", "organizer"),
            doc="organisation ids or names, separated by |",
        ),
        Column("nameEn", doc="English name"),
        Column("description"),
        Column("sourceDocument", doc="a Document id or title"),
        Column("sourceQuote", doc="the supporting quote (needs sourceDocument)"),
    ),
)

ATTENDANCE_COLUMNS = Columns(
    "attendance",
    (
        Column("event", required=True, doc="an Event id, or its name (with eventDate)"),
        Column("eventDate", doc="the event's start date, to tell same-named events apart"),
        Column("attendee", required=True, doc="a Person or Organisation id or name"),
        Column("attendeeType", aliases=("type",), doc="PERSON or ORGANISATION"),
        Column("role", doc="PARTICIPANT (default), SPEAKER, TRAINER, MODERATOR, …"),
        Column("roleNote", doc="free text about the role"),
        Column("organisation", aliases=("organization",), doc="a person's organisation"),
        Column("email", doc="a person's e-mail address"),
    ),
)

_DMY = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
_MY = re.compile(r"^([0-9]{1,2})\.([0-9]{4})$")


class RowError(Exception):
    """One column of one row is wrong."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class AttendeeType(Enum):
    PERSON = "Person"
    ORGANISATION = "Organisation"


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to an entity, by id or by name, as a row writes it."""

    #: the labels the entity may have
    labels: tuple[str, ...]
    text: str
    #: events: the date that tells same-named events apart
    date: str | None = None
    #: people: the e-mail address given with the name
    email: str | None = None
    #: computed once: a big file looks each ref up several times per row
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.labels, self.text, self.date, self.email)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def key(self) -> str:
        return normalise_name(self.text)

    def describe(self) -> str:
        return repr(self.text) + (f" on {self.date}" if self.date else "")


EVENT = REGISTRY["Event"].create
PERSON = REGISTRY["Person"].create


class EventInput(Protocol):
    """What the importers read of a validated event row (the model's create input)."""

    id: str | None
    name: str
    start_date: str | None
    end_date: str | None

    def model_dump(self, *, by_alias: bool, mode: str, exclude_none: bool) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class EventRecord:
    line: int
    event: EventInput
    place: Ref | None
    programme: Ref | None
    organisers: tuple[Ref, ...]
    document: Ref | None
    quote: str | None

    @property
    def natural_key(self) -> tuple[str, str]:
        """What makes two rows one event when neither gives an id."""
        return normalise_name(self.event.name), self.event.start_date or ""


@dataclass(slots=True)  # not frozen: that made a big file's records 3x slower to build
class AttendanceRecord:
    line: int
    event: Ref
    attendee: Ref
    props: tuple[tuple[str, str], ...]
    organisation: Ref | None


def iso_date(value: str) -> str:
    """'25.11.2016' → '2016-11-25' and '11.2016' → '2016-11' (how Estonian spreadsheets
    write dates); ISO dates are returned as they are for the model to check."""
    if m := _DMY.match(value):
        day, month, year = m.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if m := _MY.match(value):
        month, year = m.groups()
        return f"{year}-{int(month):02d}"
    return value


def _message(err: Any, columns: dict[str, str], written: dict[str, str | None]) -> RowError:
    loc = [str(p) for p in err["loc"]]
    column = columns.get(loc[0], loc[0]) if loc else None
    if err["type"] == "enum":
        expected = str(err["ctx"]["expected"]).replace("'", "").replace(" or ", ", ")
        value = (written.get(loc[0]) if loc else None) or str(err["input"])
        return RowError(column, f"{shown(value)} is not one of {expected}")
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        return RowError(column, "is required")
    if column is None:
        # a rule over several fields ("endDate is before startDate")
        named = [c for c in columns.values() if c in message]
        column = min(named, key=message.index) if named else None
        return RowError(column, message)
    value = err.get("input")
    if isinstance(value, str) and value:
        joiner = " " if message.startswith(("is ", "must ")) else ": "
        return RowError(column, f"{shown(value)}{joiner}{message}")
    return RowError(column, message)


#: Characters of a value an error message repeats: enough to find the cell.
SHOWN = 60


def shown(value: str) -> str:
    """`value` quoted for a message, cut after `SHOWN` characters (a 5 MB cell is
    not repeated whole)."""
    if len(value) <= SHOWN:
        return repr(value)
    return repr(value[:SHOWN]) + f"… ({len(value):,} characters)"


def _validate(
    model: type[BaseModel],
    data: dict[str, Any],
    columns: dict[str, str],
    written: dict[str, str | None] | None = None,
) -> Any:
    """`data` validated by `model`; the errors name `columns` (field → column) and quote
    enum values as `written` (field → the cell before it was upper-cased)."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise RowErrors([_message(err, columns, written or {}) for err in e.errors()]) from e


class RowErrors(Exception):
    """Every problem of one row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _ordered(errors: list[RowError], spec: Columns) -> list[RowError]:
    """Problems in the order of the file's columns."""
    order = {name: i for i, name in enumerate(spec.names)}
    return sorted(errors, key=lambda x: order.get(x.column or "", len(order)))


def _text(values: dict[str, str | list[str]], column: str) -> str | None:
    value = values.get(column)
    assert value is None or isinstance(value, str)
    return value


@lru_cache(maxsize=1024)
def _upper(value: str | None) -> str | None:
    """'speaker', 'Info day' → 'SPEAKER', 'INFO_DAY' (cached: a file repeats a few)."""
    return value.strip().upper().replace(" ", "_").replace("-", "_") if value else None


# --- events ----------------------------------------------------------------------------

_EVENT_FIELDS = {"startDate": "startDate", "endDate": "endDate", "kind": "kind", "id": "id"}


def parse_event(row: RawRow) -> EventRecord:
    """Validate one events row; raise `RowErrors` naming each bad column."""
    v = row.values
    errors: list[RowError] = []
    data: dict[str, Any] = {
        k: value
        for k, value in {
            "id": _text(v, "id"),
            "name": _text(v, "name"),
            "kind": _upper(_text(v, "kind")),
            "startDate": _date(_text(v, "startDate"), "startDate", errors),
            "endDate": _date(_text(v, "endDate"), "endDate", errors),
            "nameEn": _text(v, "nameEn"),
            "description": _text(v, "description"),
        }.items()
        if value is not None
    }
    event: EventInput | None = None
    try:
        event = _validate(
            EVENT, data, {**_EVENT_FIELDS, "name": "name"}, {"kind": _text(v, "kind")}
        )
    except RowErrors as e:
        errors += e.errors
    document = _text(v, "sourceDocument")
    quote = _text(v, "sourceQuote")
    if quote and not document:
        errors.append(RowError("sourceDocument", "is required when sourceQuote is given"))
    if document and not quote:
        errors.append(RowError("sourceQuote", "is required when sourceDocument is given"))
    if document and quote:
        try:
            _validate(SourceRef, {"document": "x", "quote": quote}, {"quote": "sourceQuote"})
        except RowErrors as e:
            errors += e.errors
    place, programme = _text(v, "place"), _text(v, "programme")
    organisers = v.get("organisers") or []
    assert isinstance(organisers, list)
    named = (("place", [place]), ("programme", [programme]), ("organisers", organisers))
    errors += [
        e for column, names in named for name in names if name for e in _name_errors(name, column)
    ]
    if errors or event is None:
        raise RowErrors(_ordered(errors, EVENT_COLUMNS))
    return EventRecord(
        line=row.line,
        event=event,
        place=Ref(("Place",), place) if place else None,
        programme=Ref(("Programme",), programme) if programme else None,
        organisers=tuple(Ref(("Organisation",), o) for o in organisers),
        document=Ref(("Document",), document) if document else None,
        quote=quote,
    )


_NAME: TypeAdapter[str] = TypeAdapter(Name)


@lru_cache(maxsize=1 << 17)
def _name_errors(text: str, column: str) -> tuple[RowError, ...]:
    """A reference by name must be a name an entity could have (at most 300 characters,
    no control characters): it may be created (`--create-missing`) or shown in a
    message. Cached: a big file names the same entities many times."""
    try:
        _NAME.validate_python(text)
    except ValidationError as e:
        message = str(e.errors()[0]["msg"]).removeprefix("Value error, ")
        return (RowError(column, f"{shown(text)}: {message}"),)
    return ()


def _date(value: str | None, column: str, errors: list[RowError]) -> str | None:
    """A date cell as ISO; a bad one joins `errors` as the user wrote it ('31.02.2020',
    not the '2020-02-31' it was turned into) and is left out of the row."""
    if not value:
        return None
    try:
        return check_partial_date(iso_date(value))
    except ValueError as e:
        errors.append(RowError(column, f"{shown(value)} {e}"))
        return None


# --- attendance --------------------------------------------------------------------------

_TYPES = {
    "PERSON": AttendeeType.PERSON,
    "ISIK": AttendeeType.PERSON,
    "ORGANISATION": AttendeeType.ORGANISATION,
    "ORGANIZATION": AttendeeType.ORGANISATION,
    "ORGANISATSIOON": AttendeeType.ORGANISATION,
}
_ROLES = ", ".join(r.value for r in AttendanceRole)


@lru_cache(maxsize=4096)
def _attended(role: str | None, note: str | None) -> tuple[tuple[str, str], ...]:
    """Validated ATTENDED properties, only those the row gives: an empty role cell
    leaves a stored role as it is (a new attendance is a PARTICIPANT,
    `bulk.create_defaults`). Cached, as a big file repeats a few roles."""
    data = {k: x for k, x in {"role": role, "roleNote": note}.items() if x is not None}
    props = _validate(AttendedProps, data, {"role": "role", "roleNote": "roleNote"})
    dumped = props.model_dump(by_alias=True, mode="json", exclude_none=True, exclude_unset=True)
    return tuple(sorted(dumped.items()))


@lru_cache(maxsize=65536)
def _person(name: str, email: str | None) -> str | None:
    """The validated (normalised) e-mail address of a person row."""
    data: dict[str, Any] = {"name": name}
    if email:
        data["email"] = email
    person = _validate(PERSON, data, {"name": "attendee", "email": "email"})
    return str(person.email).lower() if person.email else None


_CACHE = 1 << 17


@lru_cache(maxsize=_CACHE)
def _event_ref(text: str, date: str | None) -> Ref:
    errors = list(_name_errors(text, "event"))
    if date:
        date = _date(date, "eventDate", errors)
    if errors:
        raise RowErrors(errors)
    return Ref(("Event",), text, date=date)


@lru_cache(maxsize=_CACHE)
def _organisation_ref(text: str) -> Ref:
    if errors := _name_errors(text, "organisation"):
        raise RowErrors(list(errors))
    return Ref(("Organisation",), text)


@lru_cache(maxsize=_CACHE)
def _attendee_ref(name: str, type_text: str | None, has_org: bool, email: str | None) -> Ref:
    """The attendee of a row; cached, as a big file names the same people many times."""
    errors: list[RowError] = []
    attendee_type: AttendeeType | None = None
    if type_text:
        attendee_type = _TYPES.get(_upper(type_text) or "")
        if attendee_type is None:
            errors.append(
                RowError("attendeeType", f"{shown(type_text)} is not one of PERSON, ORGANISATION")
            )
    if has_org or email:
        # only people have an organisation (MEMBER_OF) or an e-mail address
        if attendee_type is AttendeeType.ORGANISATION:
            column = "organisation" if has_org else "email"
            errors.append(RowError(column, "is only for people (attendeeType is ORGANISATION)"))
        attendee_type = AttendeeType.PERSON
    try:
        if email and attendee_type is AttendeeType.PERSON:
            email = _person(name, email)
        else:
            _validate(PERSON, {"name": name}, {"name": "attendee"})
    except RowErrors as e:
        errors += e.errors
    if errors:
        raise RowErrors(errors)
    if attendee_type is None and split_legal_form(name)[1]:
        attendee_type = AttendeeType.ORGANISATION  # "MTÜ …", "… OÜ" name an organisation
    labels = (attendee_type.value,) if attendee_type else ("Person", "Organisation")
    return Ref(labels, name, email=email)


def parse_attendance(row: RawRow) -> AttendanceRecord:
    """Validate one attendance row; raise `RowErrors` naming each bad column."""
    v: dict[str, Any] = row.values
    errors: list[RowError] = []
    event_text, attendee = v.get("event"), v.get("attendee")
    organisation, email = v.get("organisation"), v.get("email")
    event = attendee_ref = None
    if not event_text:
        errors.append(RowError("event", "is required"))
    else:
        try:
            event = _event_ref(event_text, v.get("eventDate"))
        except RowErrors as e:
            errors += e.errors
    if not attendee:
        errors.append(RowError("attendee", "is required"))
    else:
        try:
            attendee_ref = _attendee_ref(
                attendee, v.get("attendeeType"), organisation is not None, email
            )
        except RowErrors as e:
            errors += e.errors
    props: tuple[tuple[str, str], ...] = ()
    try:
        props = _attended(_upper(v.get("role")), v.get("roleNote"))
    except RowErrors as e:
        errors += [
            RowError(x.column, f"{shown(v['role'])} is not one of {_ROLES}")
            if x.column == "role"
            else x
            for x in e.errors
        ]
    organisation_ref = None
    if organisation:
        try:
            organisation_ref = _organisation_ref(organisation)
        except RowErrors as e:
            errors += e.errors
    if errors or event is None or attendee_ref is None:
        raise RowErrors(_ordered(errors, ATTENDANCE_COLUMNS))
    return AttendanceRecord(
        line=row.line,
        event=event,
        attendee=attendee_ref,
        props=props,
        organisation=organisation_ref,
    )
