"""The Relay `Node` interface: every entity has a globally unique `id`."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a globally unique id.")
class Node:
    id: strawberry.ID


@strawberry.type(description="What a delete mutation returns on success.")
class Deleted:
    id: strawberry.ID
