"""Role checks, declared on fields: viewer < editor < analyst < admin."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from graph.keys import Role
from schema.context import Info


class _RolePermission(BasePermission):
    needed: ClassVar[Role]
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - typed as an instance var upstream

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and principal.role.allows(self.needed)


class CanRead(_RolePermission):
    needed = Role.VIEWER
    message = "this needs a key with the viewer role or higher"


class CanWrite(_RolePermission):
    needed = Role.EDITOR
    message = "this needs a key with the editor role or higher"


class CanAnalyse(_RolePermission):
    needed = Role.ANALYST
    message = "this needs a key with the analyst role or higher"


class IsAdmin(_RolePermission):
    needed = Role.ADMIN
    message = "this needs a key with the admin role"
