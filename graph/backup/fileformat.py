"""What a backup file may hold: its format constants, the names (labels, relationship
types) on the allow-lists, the checks of a line's labels, type and properties, and the
encoding of one line."""

from __future__ import annotations

import json
from typing import Any, Final

from graph.backup.values import NAME, check_value
from graph.errors import GraphError
from graph.labels import ENTITY, ENTITY_LABELS, INTERNAL_LABELS
from graph.models.relationships import RelType

FORMAT: Final = "koostoo-backup"
VERSION: Final = 2
#: Format 1: the same lines, no key id in the header and no MAC line (unsigned).
UNSIGNED_VERSION: Final = 1
#: No line of a backup is longer (a node's properties); the export refuses to write one.
MAX_LINE_BYTES: Final = 64 << 20

#: Labels a backup never carries: the target database writes its own migration records.
SKIPPED_LABELS: Final = frozenset({"KoostooMigration"})
#: The labels and relationship types of the data model; a backup carries no others.
LABELS: Final = frozenset({ENTITY, *ENTITY_LABELS, *INTERNAL_LABELS}) - SKIPPED_LABELS
TYPES: Final = frozenset({*(t.value for t in RelType), "CITED_IN", "ABOUT"})
#: Never restored from an unsigned file: a key hash there would grant access.
UNTRUSTED_LABELS: Final = frozenset({"ApiKey"})

FIELDS: Final = {
    "node": {"kind", "key", "labels", "properties"},
    "relationship": {"kind", "type", "start", "end", "properties"},
    "end": {"kind", "nodes", "relationships", "hash"},
}
HEADER_FIELDS: Final = {
    VERSION: {"kind", "format", "version", "schemaVersion", "createdAt", "database", "key", "mac"},
    UNSIGNED_VERSION: {"kind", "format", "version", "schemaVersion", "createdAt", "database"},
}


class BackupError(GraphError):
    """A backup file cannot be read or restored; `problems` say where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]) + (" …" if len(problems) > 5 else ""))
        self.problems = problems


def checked_labels(labels: Any) -> list[str]:
    if not isinstance(labels, list) or not labels:
        raise ValueError("a node needs a list of labels")
    for label in labels:
        if not isinstance(label, str) or label not in LABELS:
            if label in SKIPPED_LABELS:
                raise ValueError(f"{label} nodes are not restored from backups")
            raise ValueError(f"invalid label {label!r} (not a label of the data model)")
    if len(set(labels)) != len(labels):
        raise ValueError("a label appears twice")
    return labels


def checked_type(rel_type: Any) -> str:
    if not isinstance(rel_type, str) or rel_type not in TYPES:
        raise ValueError(f"invalid relationship type {rel_type!r}")
    return rel_type


def checked_properties(props: Any) -> dict[str, Any]:
    """The JSON properties of a line → the values to write (see `check_value`)."""
    if not isinstance(props, dict):
        raise ValueError("properties must be an object")
    out: dict[str, Any] = {}
    for k, v in props.items():
        if not NAME.fullmatch(k):
            raise ValueError(f"invalid property name {k[:100]!r}")
        try:
            out[k] = check_value(v)
        except ValueError as e:
            raise ValueError(f"property {k!r}: {e}") from e
    if "id" in out and not isinstance(out["id"], str):
        raise ValueError("property 'id' must be text")
    return out


def line(obj: dict[str, Any]) -> bytes:
    """One line of a backup file; refuses one longer than a restore reads."""
    data = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    if len(data) > MAX_LINE_BYTES:
        raise BackupError(
            [f"a {obj['kind']} line of {len(data):,} bytes; a restore reads {MAX_LINE_BYTES:,}"]
        )
    return data
