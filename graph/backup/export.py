"""`export_all`: the whole graph to a signed backup file (format as in
`graph/backup/__init__.py`), written via a temporary file only its owner may read."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from graph import migrations
from graph.backup import signing
from graph.backup.fileformat import (
    FORMAT,
    VERSION,
    BackupError,
    checked_labels,
    checked_properties,
    checked_type,
    line,
)
from graph.backup.hashing import ContentHash, node_digest, relationship_digest
from graph.backup.walk import walk
from graph.driver import Graph


@dataclass(frozen=True)
class ExportReport:
    path: Path
    nodes: int
    relationships: int
    hash: str
    key_id: str


def _key(key: bytes) -> bytes:
    try:
        signing.check_key(key)
    except ValueError as e:
        raise BackupError([str(e)]) from e
    return key


async def export_all(graph: Graph, path: Path, *, key: bytes) -> ExportReport:
    """Write the whole graph to `path`, signed with `key`: via a temporary file that only
    its owner may read (a backup holds personal data), renamed when complete. Refuses a
    graph that holds anything a restore would refuse, so every export restores."""
    path = Path(path)
    _key(key)
    tmp = path.with_name(f".{path.name}.partial")
    acc = ContentHash()
    keys: dict[str, tuple[int, str]] = {}
    versions = await migrations.applied_versions(graph)
    tmp.unlink(missing_ok=True)
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            signer = signing.Signer(out, key)
            signer.write(
                line(
                    {
                        "kind": "header",
                        "format": FORMAT,
                        "version": VERSION,
                        "schemaVersion": max(versions, default=0),
                        "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
                        "database": graph.database,
                        "key": signing.key_id(key),
                        "mac": signing.ALGORITHM,
                    }
                )
            )

            async def on_node(node_id: str, labels: list[str], props: dict[str, Any]) -> None:
                try:
                    checked_labels(labels)
                    checked_properties(props)
                except ValueError as e:
                    raise BackupError(
                        [f"node {props.get('id', node_id)!r} cannot be backed up: {e}"]
                    ) from e
                digest = node_digest(labels, props)
                number = len(keys)
                keys[node_id] = (number, digest)
                acc.nodes.append(digest)
                signer.write(
                    line(
                        {
                            "kind": "node",
                            "key": number,
                            "labels": sorted(labels),
                            "properties": props,
                        }
                    )
                )

            async def on_rel(rel_type: str, start: str, end: str, props: dict[str, Any]) -> None:
                (start_key, start_digest), (end_key, end_digest) = keys[start], keys[end]
                try:
                    checked_type(rel_type)
                    checked_properties(props)
                except ValueError as e:
                    raise BackupError(
                        [f"a {rel_type} relationship cannot be backed up: {e}"]
                    ) from e
                acc.relationships.append(
                    relationship_digest(rel_type, start_digest, end_digest, props)
                )
                signer.write(
                    line(
                        {
                            "kind": "relationship",
                            "type": rel_type,
                            "start": start_key,
                            "end": end_key,
                            "properties": props,
                        }
                    )
                )

            await graph.read(partial(walk, on_node=on_node, on_relationship=on_rel))
            signer.write(
                line(
                    {
                        "kind": "end",
                        "nodes": len(acc.nodes),
                        "relationships": len(acc.relationships),
                        "hash": acc.hexdigest(),
                    }
                )
            )
            signer.finish()
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return ExportReport(
        path, len(acc.nodes), len(acc.relationships), acc.hexdigest(), signing.key_id(key)
    )


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable (the file's own data was synced before it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
