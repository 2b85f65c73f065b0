"""The names of the model's relationship types and the properties each carries (the
declarations that use them, with the types each connects: graph/models/relationships.py)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

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
    status: ShortText | None = None


class CooperatesProps(PeriodProps):
    """'X koostöös Y-ga': what they do together (`about`: the id of the service, event
    or programme) and on what footing (`basis`, as written)."""

    about: EntityId | None = Field(
        default=None, description="The service, event or programme they cooperate in."
    )
    basis: ShortText | None = None


class DeliveredForProps(PeriodProps):
    status: ShortText | None = None


class RoleProps(RelProps):
    """A free-text role, as the source words it ('kaasautor', 'kontseptsioon')."""

    role: ShortText | None = None


class IdeaProps(RelProps):
    idea: ShortText | None = Field(default=None, description="The idea, as the source words it.")


class AvailableInProps(RelProps):
    status: ShortText | None = None


class StakeholderProps(RelProps):
    influence: int = Field(ge=1, le=5)
    interest: int = Field(ge=1, le=5)
    stance: Stance = Stance.NEUTRAL
    assessed_at: date | None = Field(default=None, alias="assessedAt")


class RelType(StrEnum):
    """A relationship type of the model."""

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
    COOPERATES_WITH = "COOPERATES_WITH"
    DELIVERED_FOR = "DELIVERED_FOR"
    AUTHORED = "AUTHORED"
    DEVELOPED = "DEVELOPED"
    BROUGHT_IDEA = "BROUGHT_IDEA"
    GREW_OUT_OF = "GREW_OUT_OF"
