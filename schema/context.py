"""The typed per-request context: driver handle, caller, request id and fresh loaders.

Every loader batches the keys of one resolver tick into one `UNWIND $ids` query, so
the number of database round trips of a request does not grow with its rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from graph import crm, entities, keys, relationships
from graph.analytics import cooperation
from graph.driver import Graph
from graph.keys import ApiKey, Role
from graph.models.common import Stored

#: (spec, first, after, entity id): one page of one relationship field of one entity.
NeighbourKey = tuple[relationships.Spec, int, tuple[Any, ...] | None, str]


@dataclass
class Loaders:
    entity: DataLoader[str, Stored | None]
    sources: DataLoader[str, list[relationships.Citation]]
    neighbours: DataLoader[NeighbourKey, relationships.NeighbourPage]
    partners: DataLoader[str, list[cooperation.Partner]]
    notes: DataLoader[str, list[Stored]]
    tasks: DataLoader[str, list[Stored]]
    concerns: DataLoader[str, list[Stored]]
    stakeholders: DataLoader[str, list[crm.Stakeholder]]
    supported: DataLoader[str, list[relationships.Supported]]
    cited: DataLoader[str, list[relationships.Cited]]


def make_loaders(graph: Graph) -> Loaders:
    async def load_entities(ids: list[str]) -> list[Stored | None]:
        found = await entities.get_many(graph, ids)
        return [found.get(i) for i in ids]

    async def load_sources(ids: list[str]) -> list[list[relationships.Citation]]:
        found = await relationships.sources_many(graph, ids)
        return [found.get(i, []) for i in ids]

    async def load_neighbours(keys: list[NeighbourKey]) -> list[relationships.NeighbourPage]:
        groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for spec, first, after, entity_id in keys:
            groups[(spec, first, after)].append(entity_id)
        requests = [
            relationships.PageRequest(spec, tuple(dict.fromkeys(ids)), first, after)
            for (spec, first, after), ids in groups.items()
        ]
        pages = await relationships.neighbours_pages(graph, requests)
        by_group = dict(zip(groups, pages, strict=True))
        empty = relationships.NeighbourPage(items=[], total_count=0, has_next_page=False)
        return [by_group[(s, f, a)].get(i, empty) for s, f, a, i in keys]

    async def load_partners(ids: list[str]) -> list[list[cooperation.Partner]]:
        found = await cooperation.partners(graph, ids)
        return [found.get(i, []) for i in ids]

    def about(label: str) -> DataLoader[str, list[Stored]]:
        async def load(ids: list[str]) -> list[list[Stored]]:
            found = await crm.about_many(graph, label, ids)
            return [found.get(i, []) for i in ids]

        return DataLoader(load_fn=load)

    async def load_concerns(ids: list[str]) -> list[list[Stored]]:
        found = await crm.concerns_many(graph, ids)
        return [found.get(i, []) for i in ids]

    async def load_stakeholders(ids: list[str]) -> list[list[crm.Stakeholder]]:
        found = await crm.stakeholders_many(graph, ids)
        return [found.get(i, []) for i in ids]

    async def load_supported(ids: list[str]) -> list[list[relationships.Supported]]:
        found = await relationships.supported_many(graph, ids)
        return [found.get(i, []) for i in ids]

    async def load_cited(ids: list[str]) -> list[list[relationships.Cited]]:
        found = await relationships.cited_many(graph, ids)
        return [found.get(i, []) for i in ids]

    return Loaders(
        entity=DataLoader(load_fn=load_entities),
        sources=DataLoader(load_fn=load_sources),
        neighbours=DataLoader(load_fn=load_neighbours),
        partners=DataLoader(load_fn=load_partners),
        notes=about("Note"),
        tasks=about("Task"),
        concerns=DataLoader(load_fn=load_concerns),
        stakeholders=DataLoader(load_fn=load_stakeholders),
        supported=DataLoader(load_fn=load_supported),
        cited=DataLoader(load_fn=load_cited),
    )


@dataclass
class Context:
    graph: Graph
    principal: ApiKey | None
    request_id: str
    max_page_size: int
    #: the analyst console's own driver (`graph.console.open_pool`); None only where a
    #: context is built by hand without one, and then the console shares `graph`
    console: Graph | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = make_loaders(self.graph)

    @property
    def key(self) -> ApiKey:
        """The caller's key (the operations that use it need one to run at all)."""
        if self.principal is None:
            raise RuntimeError("an operation ran without an authenticated key")
        return self.principal

    @property
    def actor(self) -> str:
        """How the caller is named in audit records."""
        return keys.actor_of(self.key)

    def has_role(self, role: Role) -> bool:
        return self.principal is not None and self.principal.role.allows(role)


Info = StrawberryInfo[Context, None]
