"""Network analytics in GraphQL: one module per `graph/analytics/` module it serves
(network, paths, cooperation, cooperation_network, cooperation_shared, common,
centrality, communities, coverage, stale, diff; projection and dates for the enum and
arguments they share). Resolvers are thin:
arguments → `graph.analytics` → types. `AnalyticsQuery` merges their query types and
the analyst console's."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.analytics.centrality import CentralityQuery
from schema.analytics.common import CommonQuery
from schema.analytics.communities import CommunitiesQuery
from schema.analytics.cooperation import CooperationQuery
from schema.analytics.cooperation_network import CooperationNetworkQuery
from schema.analytics.cooperation_shared import CooperationSharedQuery
from schema.analytics.coverage import CoverageQuery
from schema.analytics.diff import DiffQuery
from schema.analytics.network import NetworkQuery
from schema.analytics.paths import PathsQuery
from schema.analytics.stale import StaleQuery
from schema.console import ConsoleQuery

#: Every analytics field (ego networks, paths, partners, …) and the analyst console.
AnalyticsQuery = merge_types(
    "AnalyticsQuery",
    (
        NetworkQuery,
        PathsQuery,
        CooperationQuery,
        CooperationNetworkQuery,
        CooperationSharedQuery,
        CommonQuery,
        CentralityQuery,
        CommunitiesQuery,
        CoverageQuery,
        StaleQuery,
        DiffQuery,
        ConsoleQuery,
    ),
)

__all__ = ["AnalyticsQuery"]
