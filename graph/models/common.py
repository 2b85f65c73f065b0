"""Shared field types and base models."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from graph.chars import describe, find_noncharacter, invisible

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")
#: ASCII digits only: `\d` would also take "２０２０" or "٢٠٢٠", which sort and filter as text
PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def is_entity_id(value: str) -> bool:
    """Whether `value` has the form of an entity id: a slug or a UUID."""
    return SLUG.fullmatch(value) is not None or _is_uuid(value)


def _check_slug(value: str) -> str:
    if not is_entity_id(value):
        raise ValueError(
            "must be a lowercase slug (a-z, 0-9, '-', at most 128 characters) or a UUID"
        )
    return value


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def check_partial_date(value: str) -> str:
    match = PARTIAL_DATE.fullmatch(value)
    if not match:
        raise ValueError("must be a date YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as e:
        raise ValueError(f"is not a real date: {e}") from e
    return value


#: C0 and C1 control characters and DEL: invisible, and NUL breaks other tools
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: the same, but tab and line breaks, which longer texts may hold
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse(found: re.Match[str] | None, what: str) -> None:
    if found:
        raise ValueError(
            f"contains {what} (U+{ord(found.group()):04X}) at position {found.start() + 1}"
        )


def _no_control(pattern: re.Pattern[str], value: str) -> None:
    _refuse(pattern.search(value), "a control character")


def _no_noncharacter(value: str) -> None:
    """No noncharacter (U+FFFE, U+FFFF, …): XML cannot hold them and no text needs them."""
    _refuse(find_noncharacter(value), "a noncharacter")


def _no_invisible(value: str) -> None:
    """No character that cannot be seen or that reorders the text around it: two names
    that differ only by one would look the same (see `graph.chars.invisible`)."""
    found = invisible(value)
    if found:
        index, char = found
        raise ValueError(
            f"contains an invisible or formatting character ({describe(char)}) at position "
            f"{index + 1}"
        )


def _nfc(value: str) -> str:
    """One line of text (a name, a tag): composed, no control, invisible or formatting
    characters, no noncharacters."""
    _no_control(_CONTROL, value)
    _no_noncharacter(value)
    _no_invisible(value)
    return unicodedata.normalize("NFC", value)


def one_line(value: str) -> str:
    """A one-line value that is not a `Name` (a web address): checked as a name is."""
    return _nfc(value)


def _nfc_short(value: str) -> str:
    """A short text (a short name, a role, a phone number): as `_nfc`, but tabs and
    line breaks are allowed."""
    _no_control(_CONTROL_IN_TEXT, value)
    _no_noncharacter(value)
    _no_invisible(value)
    return unicodedata.normalize("NFC", value)


def _nfc_text(value: str) -> str:
    """Text that may hold tabs and line breaks: composed, no other control characters,
    no noncharacters. (Format characters stay: a description quotes sources as written.)"""
    _no_control(_CONTROL_IN_TEXT, value)
    _no_noncharacter(value)
    return unicodedata.normalize("NFC", value)


def new_id() -> str:
    return str(uuid.uuid4())


EntityId = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_slug)]
PartialDate = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(check_partial_date)
]
# Stripped before the lengths are checked (so that "  " is not a name and the message
# says "String should have at most 300 characters"), then composed to NFC.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_nfc),
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_nfc_short)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_nfc_text)
]
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), AfterValidator(_nfc)
]


def partial_date_bounds(value: str) -> tuple[str, str]:
    """The first and last ISO day a partial date can mean ('2016-11' → 2016-11-01..30)."""
    import calendar

    match = PARTIAL_DATE.fullmatch(value)
    if not match:
        raise ValueError(f"not a partial date: {value!r}")
    year, month, day = match.groups()
    if day:
        return value, value
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    return f"{year}-01-01", f"{year}-12-31"


def check_order(start: str | None, end: str | None, message: str) -> None:
    """Raise `ValueError(message)` when partial date `end` lies wholly before `start`."""
    if start and end and partial_date_bounds(end)[1] < partial_date_bounds(start)[0]:
        raise ValueError(message)


class Model(BaseModel):
    """Base for input models: strict about unknown fields, camelCase-friendly."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class Stored(BaseModel):
    """Base for models read back from Neo4j."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    created_at: datetime | None = Field(default=None, alias="createdAt")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")


class Source(BaseModel):
    """A document that supports a fact, with the supporting quote."""

    model_config = ConfigDict(frozen=True)

    document_id: str
    document_title: str | None = None
    quote: str


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a keyset-paginated list."""

    items: list[T]
    total_count: int
    has_next_page: bool
    #: the sort key of each item, to build cursors from
    keys: list[list[Any]]


def to_native(value: Any) -> Any:
    """Neo4j temporal values → Python ones, recursively."""
    to_native_fn = getattr(value, "to_native", None)
    if callable(to_native_fn):
        return to_native_fn()
    if isinstance(value, dict):
        return {k: to_native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_native(v) for v in value]
    return value
