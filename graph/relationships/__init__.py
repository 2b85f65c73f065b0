"""Relationships between entities: `writes.py` (connect/disconnect checked against the
MATRIX and audited), `neighbours.py` (batched neighbour pages for the GraphQL
DataLoaders) and `sources.py` (the documents entities and relationships are cited in).
"""

from __future__ import annotations

from graph.relationships.neighbours import (
    Neighbour,
    NeighbourPage,
    PageRequest,
    Spec,
    neighbours_pages,
)
from graph.relationships.sources import (
    Citation,
    Cited,
    Supported,
    cited_many,
    sources_many,
    supported_many,
)
from graph.relationships.writes import (
    MAX_NEW_TIES,
    NewTie,
    Relationship,
    allowed_pairs,
    check_allowed,
    connect,
    connect_in_tx,
    create_connected,
    disconnect,
    part_of_path,
    record_change,
    refuse_part_of_cycle,
    rel_properties,
)

__all__ = [
    "MAX_NEW_TIES",
    "Citation",
    "Cited",
    "Neighbour",
    "NeighbourPage",
    "NewTie",
    "PageRequest",
    "Relationship",
    "Spec",
    "Supported",
    "allowed_pairs",
    "check_allowed",
    "cited_many",
    "connect",
    "connect_in_tx",
    "create_connected",
    "disconnect",
    "neighbours_pages",
    "part_of_path",
    "record_change",
    "refuse_part_of_cycle",
    "rel_properties",
    "sources_many",
    "supported_many",
]
