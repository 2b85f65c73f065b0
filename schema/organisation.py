"""The Organisation GraphQL type, its inputs, queries and mutations."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import organisations
from graph.entities import SortDirection, SortField
from graph.errors import GraphError
from graph.models import organisation as m
from graph.models.relationships import RelType
from schema.context import Info
from schema.entity import DeleteResult, Entity, RelatedConnection, related, spec
from schema.errors import (
    ConflictProblem,
    NotFoundProblem,
    ValidationProblem,
    from_graph_error,
    problem_for,
)
from schema.inputs import parse, parse_or_raise
from schema.node import Deleted
from schema.pagination import (
    Connection,
    PageInfo,
    check_first,
    connection,
    decode_cursor,
    encode_cursor,
)
from schema.permissions import CanRead, CanWrite

if TYPE_CHECKING:
    from schema.campaign import Campaign
    from schema.event import Event
    from schema.person import Person
    from schema.place import Place
    from schema.programme import Programme
    from schema.service import Service

strawberry.enum(m.OrganisationKind, description="What sort of organisation.")

MEMBERS = spec(RelType.MEMBER_OF, "in", "Person")
MEMBER_ORGANISATIONS = spec(RelType.MEMBER_OF, "in", "Organisation")
MEMBER_OF = spec(RelType.MEMBER_OF, "out", "Organisation")
PART_OF = spec(RelType.PART_OF, "out", "Organisation")
UNITS = spec(RelType.PART_OF, "in", "Organisation")
EVENTS = spec((RelType.ATTENDED, RelType.ORGANISED, RelType.FUNDED), "out", "Event")
PROGRAMMES = spec(
    (
        RelType.ORGANISED,
        RelType.FUNDED,
        RelType.COMMISSIONED,
        RelType.IMPLEMENTED,
        RelType.ATTENDED,
    ),
    "out",
    "Programme",
)
SERVICES = spec((RelType.PROVIDES, RelType.COMMISSIONED), "out", "Service")
PLACES = spec(RelType.LOCATED_IN, "out", "Place")
CAMPAIGNS = spec(RelType.STAKEHOLDER_IN, "out", "Campaign")


@strawberry.type(description="An organisation that shared events or programmes with another.")
class PartnerEdge:
    cursor: str
    node: Organisation
    shared: int = strawberry.field(description="How many events and programmes they shared.")
    first_date: str | None = strawberry.field(description="The earliest shared date.")
    last_date: str | None = strawberry.field(description="The latest shared date.")


@strawberry.type(description="Cooperating organisations, heaviest tie first.")
class PartnerConnection:
    edges: list[PartnerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A ministry, agency, municipality, NGO, foundation, network, …")
class Organisation(Entity):
    name: str = strawberry.field(description="The name as written in the sources (Estonian).")
    kind: m.OrganisationKind
    short_name: str | None
    name_en: str | None = strawberry.field(description="The English name, where one is known.")
    website: str | None
    description: str | None
    tags: list[str]
    aliases: list[str] = strawberry.field(description="Other names and spellings in use.")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_model(cls, o: m.Organisation) -> Organisation:
        return cls(
            id=strawberry.ID(o.id),
            name=o.name,
            kind=o.kind,
            short_name=o.short_name,
            name_en=o.name_en,
            website=o.website,
            description=o.description,
            tags=o.tags,
            aliases=o.aliases,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )

    @strawberry.field(description="People who are or were members (staff, board), with role.")
    async def members(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Person, strawberry.lazy("schema.person")]]:
        return await related(info, self.id, MEMBERS, first, after)

    @strawberry.field(description="Member organisations (of a network).")
    async def member_organisations(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Organisation]:
        return await related(info, self.id, MEMBER_ORGANISATIONS, first, after)

    @strawberry.field(description="Networks this organisation is a member of.")
    async def member_of(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Organisation]:
        return await related(info, self.id, MEMBER_OF, first, after)

    @strawberry.field(description="Organisations this one is part of.")
    async def part_of(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Organisation]:
        return await related(info, self.id, PART_OF, first, after)

    @strawberry.field(description="Units that are part of this organisation.")
    async def units(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Organisation]:
        return await related(info, self.id, UNITS, first, after)

    @strawberry.field(
        description="Events it attended, organised or funded (one edge per tie, with `type` "
        "and `role`), oldest first."
    )
    async def events(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Event, strawberry.lazy("schema.event")]]:
        return await related(info, self.id, EVENTS, first, after)

    @strawberry.field(
        description="Programmes it organised, funded, commissioned, implemented or took part in."
    )
    async def programmes(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Programme, strawberry.lazy("schema.programme")]]:
        return await related(info, self.id, PROGRAMMES, first, after)

    @strawberry.field(description="Services it provides or commissions.")
    async def services(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Service, strawberry.lazy("schema.service")]]:
        return await related(info, self.id, SERVICES, first, after)

    @strawberry.field(description="Where it is located.")
    async def places(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Place, strawberry.lazy("schema.place")]]:
        return await related(info, self.id, PLACES, first, after)

    @strawberry.field(description="Campaigns it is a stakeholder in (latest assessment).")
    async def campaigns(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Campaign, strawberry.lazy("schema.campaign")]]:
        return await related(info, self.id, CAMPAIGNS, first, after)

    @strawberry.field(
        description="Organisations that took part in the same events or programmes: "
        "`shared` counts them, with the first and last date; heaviest first."
    )
    async def partners(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> PartnerConnection:
        check_first(first, info.context.max_page_size)
        key = decode_cursor(after, size=1)
        ranked = await info.context.loaders.partners.load(str(self.id))
        start = 0
        if key is not None:
            ids = [p.organisation_id for p in ranked]
            start = ids.index(key[0]) + 1 if key[0] in ids else len(ids)
        window = ranked[start : start + first]
        orgs = await info.context.loaders.organisation.load_many(
            [p.organisation_id for p in window]
        )
        edges = [
            PartnerEdge(
                cursor=encode_cursor([p.organisation_id]),
                node=Organisation.from_model(o),
                shared=p.weight,
                first_date=p.first_date,
                last_date=p.last_date,
            )
            for p, o in zip(window, orgs, strict=True)
            if o is not None
        ]
        return PartnerConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + first < len(ranked),
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=len(ranked),
        )


@strawberry.input
class OrganisationFilter:
    kind: m.OrganisationKind | None = strawberry.UNSET
    name_contains: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Part of the name, short name, English name or an alias; "
        "case- and accent-insensitive ('tootukassa' finds Töötukassa).",
    )
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Any of these tags."
    )
    place: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Located in this place or somewhere inside it."
    )


@strawberry.input
class CreateOrganisationInput:
    id: str | None = strawberry.field(
        default=strawberry.UNSET, description="A slug; a UUID is generated when left out."
    )
    name: str
    kind: m.OrganisationKind
    short_name: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdateOrganisationInput:
    name: str | None = strawberry.UNSET
    kind: m.OrganisationKind | None = strawberry.UNSET
    short_name: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET


OrganisationResult = Annotated[
    Organisation | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("OrganisationResult"),
]


@strawberry.type
class OrganisationQuery:
    @strawberry.field(permission_classes=[CanRead], description="One organisation, or null.")
    async def organisation(self, info: Info, id: strawberry.ID) -> Organisation | None:
        found = await info.context.loaders.organisation.load(str(id))
        return Organisation.from_model(found) if found else None

    @strawberry.field(
        permission_classes=[CanRead], description="Organisations by name, filtered; paged."
    )
    async def organisations(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: OrganisationFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Organisation]:
        check_first(first, info.context.max_page_size)
        key = decode_cursor(after)
        place = filter.place if filter is not None and filter.place else None
        parsed = (
            parse_or_raise(
                m.OrganisationFilter, dataclasses.replace(filter, place=strawberry.UNSET), "filter"
            )
            if filter is not None
            else m.OrganisationFilter()
        )
        try:
            page = await organisations.list_page(
                info.context.graph,
                parsed,
                first=first,
                after=(str(key[0]), str(key[1])) if key else None,
                place=str(place) if place else None,
                sort=sort,
                direction=direction,
            )
        except GraphError as e:
            raise from_graph_error(e) from e
        return connection(page, Organisation.from_model, has_previous=key is not None)


@strawberry.type
class OrganisationMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_organisation(
        self, info: Info, input: CreateOrganisationInput
    ) -> OrganisationResult:
        data = parse(m.OrganisationCreate, input)
        if isinstance(data, ValidationProblem):
            return data
        try:
            created = await organisations.create(info.context.graph, data, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)  # type: ignore[return-value]
        return Organisation.from_model(created)

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_organisation(
        self, info: Info, id: strawberry.ID, input: UpdateOrganisationInput
    ) -> OrganisationResult:
        patch = parse(m.OrganisationUpdate, input)
        if isinstance(patch, ValidationProblem):
            return patch
        try:
            updated = await organisations.update(
                info.context.graph, str(id), patch, actor=info.context.actor
            )
        except GraphError as e:
            return problem_for(e)  # type: ignore[return-value]
        return Organisation.from_model(updated)

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_organisation(self, info: Info, id: strawberry.ID) -> DeleteResult:
        try:
            await organisations.delete(info.context.graph, str(id), actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)  # type: ignore[return-value]
        return Deleted(id=id)
