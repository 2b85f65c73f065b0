"""A proposed fact as the rules make it (`Draft`) and the kinds of facts: shared by the
rules (`propose.py`), the store and the review."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from graph.ingest.mentions import ORG, PERSON, PLACE

EVENT: Final = "Event"


class FactKind(StrEnum):
    """What a proposed fact is; the reviewer can accept all of one kind at once."""

    ORGANISATION = "ORGANISATION"
    PERSON = "PERSON"
    PLACE = "PLACE"
    EVENT = "EVENT"
    RELATIONSHIP = "RELATIONSHIP"
    COOCCURRENCE = "COOCCURRENCE"


KIND_OF_LABEL: Final = {
    ORG: FactKind.ORGANISATION,
    PERSON: FactKind.PERSON,
    PLACE: FactKind.PLACE,
    EVENT: FactKind.EVENT,
}


@dataclass
class Draft:
    """One proposed fact before it is stored. Entities have a `label` and `name`;
    relationships a `rel_type` and the keys of their two ends (drafts of the same
    document). `start`/`end`: the quote; `at`/`to`: the name or date inside it."""

    key: str
    kind: FactKind
    quote: str
    start: int
    end: int
    at: int
    to: int
    rule: str
    label: str | None = None
    name: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    rel_type: str | None = None
    from_key: str | None = None
    to_key: str | None = None
    weak: bool = False
    #: an event that is a series of the events of its sentence (not stored)
    series: bool = False
    #: an existing entity this one is (filled by the resolver)
    match_id: str | None = None
    match_name: str | None = None
