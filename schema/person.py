"""The Person GraphQL type (personal data: email and phone only for editors and up)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final

import strawberry

from graph.keys import Role
from graph.models import entities as m
from graph.models.relationships import RelType
from schema.context import Info
from schema.entity import (
    DeleteResult,
    Entity,
    RelatedConnection,
    create_entity,
    delete_entity,
    entity_list,
    related,
    spec,
    update_entity,
)
from schema.errors import ConflictProblem, NotFoundProblem, ValidationProblem
from schema.pagination import Connection
from schema.permissions import CanRead, CanWrite

if TYPE_CHECKING:
    from schema.campaign import Campaign
    from schema.event import Event
    from schema.organisation import Organisation
    from schema.programme import Programme

from graph.entities import SortDirection, SortField

#: Contact details: personal data shown to editors and up only (least exposure), on
#: Person and in the audit snapshots of `history`.
CONTACT: Final = ("email", "phone")


def sees_contact(info: Info) -> bool:
    """True if the caller may see people's contact details."""
    return info.context.has_role(Role.EDITOR)


MEMBERSHIPS = spec(RelType.MEMBER_OF, "out", "Organisation")
EVENTS = spec(RelType.ATTENDED, "out", "Event")
PROGRAMMES = spec(RelType.ATTENDED, "out", "Programme")
CAMPAIGNS = spec(RelType.STAKEHOLDER_IN, "out", "Campaign")


@strawberry.type(
    description="A person named in the sources. Personal data: email and phone are shown "
    "to editors and admins only; an erased person keeps only a placeholder name."
)
class Person(Entity):
    name: str
    given_name: str | None
    family_name: str | None
    name_en: str | None
    aliases: list[str]
    description: str | None
    bio: str | None
    erased: bool = strawberry.field(description="True once the person's data has been erased.")
    created_at: datetime | None
    updated_at: datetime | None
    private_email: strawberry.Private[str | None]
    private_phone: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, p: m.Person) -> Person:
        return cls(
            id=strawberry.ID(p.id),
            name=p.name,
            given_name=p.given_name,
            family_name=p.family_name,
            name_en=p.name_en,
            aliases=p.aliases,
            description=p.description,
            bio=p.bio,
            erased=p.erased,
            created_at=p.created_at,
            updated_at=p.updated_at,
            private_email=p.email,
            private_phone=p.phone,
        )

    @strawberry.field(description="Email address; null for viewer keys (least exposure).")
    def email(self, info: Info) -> str | None:
        return self.private_email if sees_contact(info) else None

    @strawberry.field(description="Phone number; null for viewer keys (least exposure).")
    def phone(self, info: Info) -> str | None:
        return self.private_phone if sees_contact(info) else None

    @strawberry.field(description="Organisations the person is or was a member of, with role.")
    async def memberships(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Organisation, strawberry.lazy("schema.organisation")]]:
        return await related(info, self.id, MEMBERSHIPS, first, after)

    @strawberry.field(description="Events the person attended, with role, oldest first.")
    async def events(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Event, strawberry.lazy("schema.event")]]:
        return await related(info, self.id, EVENTS, first, after)

    @strawberry.field(
        description="Programmes the person took part in (led, mentored, trained), with role."
    )
    async def programmes(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Programme, strawberry.lazy("schema.programme")]]:
        return await related(info, self.id, PROGRAMMES, first, after)

    @strawberry.field(description="Campaigns the person is a stakeholder in (latest assessment).")
    async def campaigns(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> RelatedConnection[Annotated[Campaign, strawberry.lazy("schema.campaign")]]:
        return await related(info, self.id, CAMPAIGNS, first, after)


@strawberry.input
class PersonFilter:
    text: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of a name or alias, accent-insensitive."
    )


@strawberry.input
class CreatePersonInput:
    id: str | None = strawberry.UNSET
    name: str
    given_name: str | None = strawberry.UNSET
    family_name: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    bio: str | None = strawberry.UNSET


@strawberry.input(description="Only the fields you send change; null clears an optional field.")
class UpdatePersonInput:
    name: str | None = strawberry.UNSET
    given_name: str | None = strawberry.UNSET
    family_name: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    bio: str | None = strawberry.UNSET


PersonResult = Annotated[
    Person | ValidationProblem | NotFoundProblem | ConflictProblem,
    strawberry.union("PersonResult"),
]


@strawberry.type
class PersonQuery:
    @strawberry.field(permission_classes=[CanRead], description="One person, or null.")
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        found = await info.context.loaders.entity.load(str(id))
        return Person.from_model(found) if isinstance(found, m.Person) else None

    @strawberry.field(permission_classes=[CanRead], description="People, filtered; paged.")
    async def people(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: PersonFilter | None = None,
        sort: SortField = SortField.NAME,
        direction: SortDirection = SortDirection.ASC,
    ) -> Connection[Person]:
        return await entity_list(info, "Person", first, after, filter, sort, direction)


@strawberry.type
class PersonMutation:
    @strawberry.mutation(permission_classes=[CanWrite])
    async def create_person(self, info: Info, input: CreatePersonInput) -> PersonResult:
        result: Any = await create_entity(info, "Person", input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def update_person(
        self, info: Info, id: strawberry.ID, input: UpdatePersonInput
    ) -> PersonResult:
        result: Any = await update_entity(info, "Person", id, input)
        return result  # type: ignore[no-any-return]

    @strawberry.mutation(permission_classes=[CanWrite])
    async def delete_person(self, info: Info, id: strawberry.ID) -> DeleteResult:
        result: Any = await delete_entity(info, "Person", id)
        return result  # type: ignore[no-any-return]
