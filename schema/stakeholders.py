"""A campaign's stakeholders and their assessments (a field of Campaign; the grid and
the assessment mutation are in `schema/crm.py`)."""

from __future__ import annotations

from datetime import date

import strawberry

from graph import crm
from graph.models.common import Stored
from graph.models.relationships import Stance
from schema.context import Info
from schema.entity import Entity, ExtraField

strawberry.enum(Stance, description="A stakeholder's stance on a campaign's goal.")
strawberry.enum(crm.Quadrant, description="A quadrant of the stakeholder grid (high = 3 or more).")


@strawberry.type(description="One assessment of a stakeholder.")
class Assessment:
    influence: int = strawberry.field(description="1 (none) to 5 (decisive).")
    interest: int = strawberry.field(description="1 (none) to 5 (central).")
    stance: Stance
    assessed_at: date | None
    note: str | None
    by: str | None = strawberry.field(description="The API key that recorded it.")

    @classmethod
    def from_model(cls, a: crm.Assessment) -> Assessment:
        return cls(
            influence=a.influence,
            interest=a.interest,
            stance=a.stance,
            assessed_at=a.assessed_at,
            note=a.note,
            by=a.by,
        )


@strawberry.type(description="A stakeholder in a campaign: the latest assessment and history.")
class Stakeholder:
    node: Stored = strawberry.field(graphql_type=Entity, description="The organisation or person.")
    influence: int
    interest: int
    stance: Stance
    assessed_at: date | None
    note: str | None
    quadrant: crm.Quadrant
    history: list[Assessment] = strawberry.field(description="Every assessment, oldest first.")

    @classmethod
    def from_model(cls, s: crm.Stakeholder) -> Stakeholder:
        return cls(
            node=s.node,
            influence=s.current.influence,
            interest=s.current.interest,
            stance=s.current.stance,
            assessed_at=s.current.assessed_at,
            note=s.current.note,
            quadrant=crm.quadrant(s.current),
            history=[Assessment.from_model(a) for a in s.history],
        )


async def stakeholders(root: Stored, info: Info) -> list[Stakeholder]:
    found = await info.context.loaders.stakeholders.load(root.id)
    return [Stakeholder.from_model(s) for s in found]


FIELDS = (
    ExtraField(
        "Campaign",
        "stakeholders",
        stakeholders,
        "Assessed stakeholders, most influential first.",
    ),
)
