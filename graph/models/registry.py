"""The model, read from its declarations: every entity type (`graph/models/entities.py`)
and relationship type (`graph/models/relationships.py`), and what the rest of the code
asks of them. Nothing here is listed by hand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final, Literal

from graph.errors import InvalidInput
from graph.models.common import Stored, to_native
from graph.models.entities import DECLARED
from graph.models.relationships import RELATIONS, RelType
from graph.models.spec import EntityType
from graph.props import present

#: Every entity type by label, in declaration order.
REGISTRY: Final[dict[str, EntityType]] = {m.entity_type.label: m.entity_type for m in DECLARED}
TYPES: Final = tuple(REGISTRY.values())


@dataclass(frozen=True)
class Link:
    """A relationship field of an entity type: the relationship types it gathers, which
    way they point from the type, the types at the other end, its GraphQL name and
    description; `single` for the first related entity instead of a page."""

    on: str
    field: str
    types: tuple[RelType, ...]
    direction: Literal["out", "in"]
    other: tuple[str, ...]
    description: str | None
    single: bool


def _links() -> dict[str, tuple[Link, ...]]:
    gathered: dict[tuple[str, str], list[tuple[RelType, Literal["out", "in"], Any]]] = defaultdict(
        list
    )
    for rel in RELATIONS:
        for outgoing, sides in ((True, rel.outgoing), (False, rel.incoming)):
            for side in sides:
                direction: Literal["out", "in"] = "out" if outgoing else "in"
                gathered[(side.on, side.field)].append(
                    (rel.type, direction, (side, rel.others(side, outgoing)))
                )
    by_label: dict[str, list[Link]] = defaultdict(list)
    for (label, name), parts in gathered.items():
        directions = {d for _, d, _ in parts}
        described = {s.description for _, _, (s, _) in parts if s.description}
        singles = {s.single for _, _, (s, _) in parts}
        if len(directions) != 1 or len(described) != 1 or len(singles) != 1:
            raise AssertionError(
                f"{label}.{name}: one direction, one description and one shape, "
                f"not {directions}, {described}, {singles}"
            )
        other = tuple(dict.fromkeys(o for _, _, (_, others) in parts for o in others))
        by_label[label].append(
            Link(
                on=label,
                field=name,
                types=tuple(dict.fromkeys(t for t, _, _ in parts)),
                direction=directions.pop(),
                other=other,
                description=described.pop(),
                single=singles.pop(),
            )
        )
    return {label: tuple(links) for label, links in by_label.items()}


#: The relationship fields of each entity type.
LINKS: Final[dict[str, tuple[Link, ...]]] = _links()
assert set(LINKS) <= set(REGISTRY), "relationship fields on undeclared types"


def links(label: str) -> tuple[Link, ...]:
    return LINKS.get(label, ())


def entity_type(label: str) -> EntityType:
    try:
        return REGISTRY[label]
    except KeyError:
        raise InvalidInput([("type", f"unknown entity type {label!r}")]) from None


def to_model(label: str, props: dict[str, Any]) -> Stored:
    """A stored entity of type `label` from its properties as a read returns them."""
    return REGISTRY[label].stored.model_validate(to_native(present(props)))


def label_of_model(model: Stored) -> str:
    """The type label of a stored entity."""
    for t in TYPES:
        if type(model) is t.stored:
            return t.label
    raise TypeError(f"not an entity model: {type(model).__name__}")
