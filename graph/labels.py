"""Node labels and relationship types of the data model: the allow-lists for any
label or type that has to be spliced into Cypher text."""

from __future__ import annotations

from typing import Final

from graph.errors import InvalidInput

#: Every domain node also carries this label, so ids are unique across types and
#: `node(id)` is one index lookup.
ENTITY: Final = "Entity"

ENTITY_LABELS: Final = (
    "Organisation",
    "Person",
    "Event",
    "Programme",
    "Service",
    "ServiceCategory",
    "Place",
    "Document",
    "Topic",
    "Note",
    "Task",
    "Campaign",
)

#: Internal bookkeeping labels: never exposed as entities.
INTERNAL_LABELS: Final = ("ApiKey", "AuditEvent", "KoostooMigration")

#: Labels whose names (and aliases) are searchable.
NAMED_LABELS: Final = (
    "Organisation",
    "Person",
    "Event",
    "Programme",
    "Service",
    "ServiceCategory",
    "Place",
    "Document",
    "Topic",
    "Campaign",
)


def checked_label(label: str) -> str:
    """Return `label` if it is a known entity label, else raise `InvalidInput`."""
    if label not in ENTITY_LABELS:
        raise InvalidInput([("label", f"unknown entity type {label!r}")])
    return label
