"""Admin operations: API keys, merging duplicates, exporting and erasing a person."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from graph import keys, merge, privacy
from graph.errors import GraphError, NotFound
from graph.keys import Role
from graph.models.common import Stored
from schema.context import Info
from schema.entity import Entity
from schema.errors import (
    ConflictProblem,
    NotFoundProblem,
    Problems,
    ValidationProblem,
    from_graph_error,
    problem_for,
)
from schema.model import ref, union
from schema.permissions import IsAdmin

strawberry.enum(Role, name="Role", description="viewer < editor < analyst < admin.")


@strawberry.type(description="An API key (never its secret).")
class ApiKey:
    id: strawberry.ID
    name: str
    role: Role
    prefix: str = strawberry.field(description="The first characters of the secret.")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @classmethod
    def from_model(cls, k: keys.ApiKey) -> ApiKey:
        return cls(
            id=strawberry.ID(k.id),
            name=k.name,
            role=k.role,
            prefix=k.prefix,
            created_at=k.created_at,
            expires_at=k.expires_at,
            revoked_at=k.revoked_at,
            active=k.active,
        )


@strawberry.type(description="A new key and its secret: shown once, never stored.")
class CreatedApiKey:
    key: ApiKey
    secret: str


@strawberry.type(description="What a merge did.")
class Merged:
    kept: Stored = strawberry.field(graphql_type=Entity)
    removed_id: strawberry.ID


ApiKeyResult = Annotated[CreatedApiKey | Problems, strawberry.union("CreateApiKeyResult")]
RevokeResult = Annotated[ApiKey | Problems, strawberry.union("RevokeApiKeyResult")]
MergeResult = Annotated[Merged | Problems, strawberry.union("MergeResult")]
EraseResult = union(
    "EraseResult", ref("Person"), ValidationProblem, NotFoundProblem, ConflictProblem
)


@strawberry.type
class AdminQuery:
    @strawberry.field(permission_classes=[IsAdmin], description="Every API key (admin).")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        try:
            return [ApiKey.from_model(k) for k in await keys.list_all(info.context.graph)]
        except GraphError as e:
            raise from_graph_error(e) from e

    @strawberry.field(
        permission_classes=[IsAdmin],
        description="Everything held about a person as JSON: properties, relationships, "
        "sources, notes, tasks and audit entries (admin; the export is audited). "
        "Null if there is no such person.",
        graphql_type=JSON | None,
    )
    async def export_person(self, info: Info, id: strawberry.ID) -> dict[str, Any] | None:
        try:
            return await privacy.export_person(
                info.context.graph, str(id), actor=info.context.actor
            )
        except NotFound:
            return None
        except GraphError as e:
            raise from_graph_error(e) from e


@strawberry.type
class AdminMutation:
    @strawberry.mutation(permission_classes=[IsAdmin], description="Create an API key (admin).")
    async def create_api_key(
        self, info: Info, name: str, role: Role, expires_at: datetime | None = None
    ) -> ApiKeyResult:
        try:
            key, secret = await keys.create(
                info.context.graph,
                name=name,
                role=role,
                actor=info.context.actor,
                expires_at=expires_at,
            )
        except GraphError as e:
            return problem_for(e)
        return CreatedApiKey(key=ApiKey.from_model(key), secret=secret)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Revoke a key by its id, name or prefix (admin).",
    )
    async def revoke_api_key(self, info: Info, key: str) -> RevokeResult:
        try:
            revoked = await keys.revoke(info.context.graph, key, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)
        return ApiKey.from_model(revoked)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Merge a duplicate into the entity to keep (same type): relationships "
        "move, names become aliases, sources stay; audited (admin).",
    )
    async def merge_entities(
        self, info: Info, keep_id: strawberry.ID, remove_id: strawberry.ID
    ) -> MergeResult:
        try:
            kept = await merge.merge(
                info.context.graph, str(keep_id), str(remove_id), actor=info.context.actor
            )
        except GraphError as e:
            return problem_for(e)
        return Merged(kept=kept, removed_id=remove_id)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Erase a person's data: an anonymous placeholder keeps memberships and "
        "attendances (so counts survive); names, contacts, quotes and notes about them go, "
        "and audit snapshots are scrubbed (admin; audited).",
        graphql_type=EraseResult,
    )
    async def erase_person(self, info: Info, id: strawberry.ID) -> object:
        try:
            return await privacy.erase_person(info.context.graph, str(id), actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)
