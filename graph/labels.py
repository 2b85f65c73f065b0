"""Node labels of the data model: the allow-lists for any label that has to be spliced
into Cypher text, read from the model's declarations (`graph/models/registry.py`)."""

from __future__ import annotations

from typing import Final

from graph.errors import InvalidInput
from graph.models.registry import REGISTRY

#: Every domain node also carries this label, so ids are unique across types and
#: `node(id)` is one index lookup.
ENTITY: Final = "Entity"

ENTITY_LABELS: Final = tuple(REGISTRY)

#: Internal bookkeeping labels: never exposed as entities.
INTERNAL_LABELS: Final = ("ApiKey", "AuditEvent", "KoostooMigration", "Proposal")

#: Labels whose names (and aliases) are searchable.
NAMED_LABELS: Final = tuple(label for label, t in REGISTRY.items() if t.meta.searchable)


def checked_label(label: str) -> str:
    """Return `label` if it is a known entity label, else raise `InvalidInput`."""
    if label not in REGISTRY:
        raise InvalidInput([("label", f"unknown entity type {label!r}")])
    return label
