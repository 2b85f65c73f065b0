"""The Organisation GraphQL type, its inputs, queries and mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from graph import organisations
from graph.errors import GraphError
from graph.models import organisation as m
from schema.context import Info
from schema.errors import (
    ConflictProblem,
    NotFoundProblem,
    ValidationProblem,
    from_graph_error,
    problem_for,
)
from schema.inputs import parse, parse_or_raise
from schema.node import Deleted, Node
from schema.pagination import Connection, check_first, connection, decode_cursor
from schema.permissions import CanRead, CanWrite

strawberry.enum(m.OrganisationKind, description="What sort of organisation.")


@strawberry.type(description="A ministry, agency, municipality, NGO, foundation, network, …")
class Organisation(Node):
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
DeleteResult = Annotated[Deleted | NotFoundProblem, strawberry.union("DeleteResult")]


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
    ) -> Connection[Organisation]:
        check_first(first, info.context.max_page_size)
        key = decode_cursor(after)
        parsed = (
            parse_or_raise(m.OrganisationFilter, filter, "filter")
            if filter is not None
            else m.OrganisationFilter()
        )
        try:
            page = await organisations.list_page(
                info.context.graph,
                parsed,
                first=first,
                after=(str(key[0]), str(key[1])) if key else None,
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
