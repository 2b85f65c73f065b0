"""The relationship types of the data model: which labels each may connect, and the
properties each carries."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import Field, model_validator

from graph.models.common import (
    EntityId,
    LongText,
    Model,
    PartialDate,
    ShortText,
    check_order,
)


class AttendanceRole(StrEnum):
    PARTICIPANT = "PARTICIPANT"
    SPEAKER = "SPEAKER"
    TRAINER = "TRAINER"
    MODERATOR = "MODERATOR"
    MENTOR = "MENTOR"
    COORDINATOR = "COORDINATOR"


class OrganiserRole(StrEnum):
    HOST = "HOST"
    CO_ORGANISER = "CO_ORGANISER"


class Stance(StrEnum):
    SUPPORT = "SUPPORT"
    NEUTRAL = "NEUTRAL"
    OPPOSE = "OPPOSE"


class RelProps(Model):
    """Properties any relationship may carry."""

    note: LongText | None = None
    inferred: bool | None = Field(
        default=None, description="True when the tie is inferred rather than stated."
    )


class PeriodProps(RelProps):
    from_: PartialDate | None = Field(default=None, alias="from")
    to: PartialDate | None = None

    @model_validator(mode="after")
    def _to_after_from(self) -> PeriodProps:
        check_order(self.from_, self.to, "`to` is before `from`")
        return self


class MemberOfProps(PeriodProps):
    role: ShortText | None = None
    role_en: ShortText | None = Field(default=None, alias="roleEn")
    former: bool | None = None


class AttendedProps(RelProps):
    role: AttendanceRole = AttendanceRole.PARTICIPANT
    role_note: ShortText | None = Field(default=None, alias="roleNote")


class OrganisedProps(RelProps):
    role: OrganiserRole | None = None
    role_note: ShortText | None = Field(default=None, alias="roleNote")


class FundedProps(RelProps):
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    instrument: ShortText | None = None


class CommissionedProps(RelProps):
    basis: ShortText | None = None


class ImplementedProps(RelProps):
    role: ShortText | None = None


class ProvidesProps(PeriodProps):
    basis: ShortText | None = None
    for_organisation: EntityId | None = Field(default=None, alias="forOrganisation")
    status: ShortText | None = None


class AvailableInProps(RelProps):
    status: ShortText | None = None


class StakeholderProps(RelProps):
    influence: int = Field(ge=1, le=5)
    interest: int = Field(ge=1, le=5)
    stance: Stance = Stance.NEUTRAL
    assessed_at: date | None = Field(default=None, alias="assessedAt")


class RelType(StrEnum):
    MEMBER_OF = "MEMBER_OF"
    PART_OF = "PART_OF"
    ATTENDED = "ATTENDED"
    ORGANISED = "ORGANISED"
    FUNDED = "FUNDED"
    COMMISSIONED = "COMMISSIONED"
    IMPLEMENTED = "IMPLEMENTED"
    PROVIDES = "PROVIDES"
    IN_CATEGORY = "IN_CATEGORY"
    AVAILABLE_IN = "AVAILABLE_IN"
    HELD_AT = "HELD_AT"
    LOCATED_IN = "LOCATED_IN"
    CONCERNS = "CONCERNS"
    PRODUCED = "PRODUCED"
    STAKEHOLDER_IN = "STAKEHOLDER_IN"


_ORG, _PERSON, _EVENT, _PROG = "Organisation", "Person", "Event", "Programme"

#: (from label, to label) pairs each relationship type may connect, as the model says.
MATRIX: Final[dict[RelType, frozenset[tuple[str, str]]]] = {
    RelType.MEMBER_OF: frozenset({(_PERSON, _ORG), (_ORG, _ORG)}),
    RelType.PART_OF: frozenset(
        {(_ORG, _ORG), (_EVENT, _PROG), (_EVENT, _EVENT), ("Place", "Place")}
    ),
    # A programme is taken part in too: a mentor, a team, the person who led it.
    RelType.ATTENDED: frozenset(
        {(_PERSON, _EVENT), (_ORG, _EVENT), (_PERSON, _PROG), (_ORG, _PROG)}
    ),
    RelType.ORGANISED: frozenset({(_ORG, _EVENT), (_ORG, _PROG)}),
    RelType.FUNDED: frozenset({(_ORG, _EVENT), (_ORG, _PROG)}),
    RelType.COMMISSIONED: frozenset({(_ORG, _PROG), (_ORG, "Service")}),
    RelType.IMPLEMENTED: frozenset({(_ORG, _PROG)}),
    RelType.PROVIDES: frozenset({(_ORG, "Service")}),
    RelType.IN_CATEGORY: frozenset({("Service", "ServiceCategory")}),
    RelType.AVAILABLE_IN: frozenset({("Service", "Place")}),
    RelType.HELD_AT: frozenset({(_EVENT, "Place")}),
    RelType.LOCATED_IN: frozenset({(_ORG, "Place")}),
    RelType.CONCERNS: frozenset(
        {(_EVENT, "Service"), (_EVENT, "Topic"), (_PROG, "Service"), (_PROG, "Topic")}
    ),
    RelType.PRODUCED: frozenset({(_PROG, "Document")}),
    RelType.STAKEHOLDER_IN: frozenset({(_ORG, "Campaign"), (_PERSON, "Campaign")}),
}

PROPS: Final[dict[RelType, type[RelProps]]] = {
    RelType.MEMBER_OF: MemberOfProps,
    RelType.ATTENDED: AttendedProps,
    RelType.ORGANISED: OrganisedProps,
    RelType.FUNDED: FundedProps,
    RelType.COMMISSIONED: CommissionedProps,
    RelType.IMPLEMENTED: ImplementedProps,
    RelType.PROVIDES: ProvidesProps,
    RelType.AVAILABLE_IN: AvailableInProps,
    RelType.STAKEHOLDER_IN: StakeholderProps,
}


def props_model(rel_type: RelType) -> type[RelProps]:
    return PROPS.get(rel_type, RelProps)


def allowed(rel_type: RelType, from_label: str, to_label: str) -> bool:
    return (from_label, to_label) in MATRIX[rel_type]


def describe(rel_type: RelType) -> str:
    pairs = sorted(MATRIX[rel_type])
    return ", ".join(f"({a})-[:{rel_type.value}]->({b})" for a, b in pairs)


class SourceRef(Model):
    """A supporting source: a Document id and the exact quote."""

    document: EntityId
    quote: LongText = Field(min_length=1)
