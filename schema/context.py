"""The typed per-request context: driver handle, caller, request id and fresh loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from graph import organisations
from graph.driver import Graph
from graph.keys import ApiKey
from graph.models.organisation import Organisation


@dataclass
class Loaders:
    organisation: DataLoader[str, Organisation | None]


def make_loaders(graph: Graph) -> Loaders:
    async def load_organisations(ids: list[str]) -> list[Organisation | None]:
        found = await organisations.get_many(graph, ids)
        return [found.get(i) for i in ids]

    return Loaders(organisation=DataLoader(load_fn=load_organisations))


@dataclass
class Context:
    graph: Graph
    principal: ApiKey | None
    request_id: str
    max_page_size: int
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = make_loaders(self.graph)

    @property
    def actor(self) -> str:
        """How the caller is named in audit records."""
        if self.principal is None:
            raise RuntimeError("an operation ran without an authenticated key")
        return f"key:{self.principal.name}:{self.principal.id}"


Info = StrawberryInfo[Context, None]
