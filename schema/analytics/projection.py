"""The actor networks the analytics are computed on (`graph/analytics/projection.py`),
as the GraphQL enum `ActorNetwork`."""

from __future__ import annotations

import strawberry

from graph.analytics.projection import NetworkKind

strawberry.enum(NetworkKind, name="ActorNetwork", description="Which actor network.")

__all__ = ["NetworkKind"]
