"""The Campaign GraphQL type: an advocacy goal and its assessed stakeholders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from graph import crm
from graph.entities import SortDirection, SortField
from graph.models import entities as m
from graph.models.relationships import Stance
from schema.context import Info
from schema.entity import (
    DeleteResult,
    Entity,
    create_entity,
    delete_entity,
    entity_list,
    to_node,
    update_entity,
)
from schema.errors import ConflictProblem, NotFoundProblem, ValidationProblem
from schema.pagination import Connection
from schema.permissions import CanRead, CanWrite

strawberry.enum(m.CampaignStatus, description="Where a campaign stands.")
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
    node: Entity = strawberry.field(description="The organisation or person.")
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
            node=to_node(s.node),
            influence=s.current.influence,
            interest=s.current.interest,
            stance=s.current.stance,
            assessed_at=s.current.assessed_at,
            note=s.current.note,
            quadrant=crm.quadrant(s.current),
            history=[Assessment.from_model(a) for a in s.history],
        )


@strawberry.type(description="An advocacy campaign (a goal) with its stakeholders.")
class Campaign(Entity):
    name: str
    goal: str | None
    status: m.CampaignStatus
    name_en: str | None
    aliases: list[str]
    description: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, c: m.Campaign) -> Campaign:
        return cls(
            id=strawberry.ID(c.id),
            name=c.name,
            goal=c.goal,
            status=c.status,
            name_en=c.name_en,
            aliases=c.aliases,
            description=c.description,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )

    @strawberry.field(description="Assessed stakeholders, most influential first.")
    async def stakeholders(self, info: Info) -> list[Stakeholder]:
        found = await info.context.loaders.stakeholders.load(str(self.id))
        return [Stakeholder.from_model(s) for s in found]


@strawberry.input
class CampaignFilter:
    status: m.CampaignStatus | None = strawberry.UNSET
    text: str | None = strawberry.UNSET


@strawberry.input
class CreateCampaignInput:
    id: str | None = strawberry.UNSET
    name: str
    goal: str | None = strawberry.UNSET
    status: m.CampaignStatus | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateCampaignInput:
    name: str | None = strawberry.UNSET
    goal: str | None = strawberry.UNSET
    status: m.CampaignStatus | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


CampaignResult = Annotated[
    Campaign | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("CampaignResult"),
]


@strawberry.type
class CampaignQuery:
    @strawberry.field(permission_classes=[CanRead], description="One campaign, or null.")
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign | None:
        found = await info.context.loaders.entity.load(str(id))
        return Campaign.from_model(found) if isinstance(found, m.Campaign) else None

    @strawberry.field(permission_classes=[CanRead], description="Campaigns; paged.")
    async def campaigns(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: CampaignFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Campaign]:
        return await entity_list(info, "Campaign", first, after, filter, sort, direction)


@strawberry.type
class CampaignMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CampaignResult:
        result: Any = await create_entity(info, "Campaign", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_campaign(
        self, info: Info, id: strawberry.ID, input: UpdateCampaignInput
    ) -> CampaignResult:
        result: Any = await update_entity(info, "Campaign", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_campaign(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Campaign", id)
        return result  # type: ignore[no-any-return]
