"""Whole-graph backups: a versioned JSON Lines export, a restore into an empty
database, and a content hash that proves a round trip reproduced the same graph.

The file is one JSON object per line (values as in `graph/backup_values.py`):

    {"kind": "header", "format": "koostoo-backup", "version": 1, "schemaVersion": 3, …}
    {"kind": "node", "key": 0, "labels": ["Entity", "Organisation"], "properties": {…}}
    {"kind": "relationship", "type": "MEMBER_OF", "start": 0, "end": 7, "properties": {…}}
    {"kind": "end", "nodes": 123, "relationships": 456, "hash": "…"}

Every node but the migration records is exported (entities, CRM records, audit events,
API-key hashes), and every relationship between them.

The trailer carries the counts and the content hash, so a truncated or edited file is
refused before anything is written. A restore validates the whole file first, then
writes nodes and relationships in batched transactions and checks the content hash of
the restored graph against the trailer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph import maintenance, migrations
from graph.backup_values import decode_value, encode_properties, encode_value
from graph.driver import Graph, Rows
from graph.errors import Conflict, GraphError

FORMAT: Final = "koostoo-backup"
VERSION: Final = 1
BATCH_SIZE: Final = 1000

#: Labels a backup never carries: the target database writes its own migration records.
SKIPPED_LABELS: Final = frozenset({"KoostooMigration"})
#: Labels and types are passed as parameters (`$(…)`), never spliced; this only keeps
#: a hostile file from creating names the application could never have made.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")

EXPORT_NODES = """
MATCH (n) WHERE NOT n:KoostooMigration
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""

EXPORT_RELATIONSHIPS = """
MATCH (a)-[r]->(b) WHERE NOT a:KoostooMigration AND NOT b:KoostooMigration
RETURN type(r) AS type, elementId(a) AS start, elementId(b) AS end, properties(r) AS props
"""

RESTORE_NODES = """
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
RETURN row.key AS key, elementId(n) AS id
"""

RESTORE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
"""


class BackupError(GraphError):
    """A backup file cannot be read or restored; `problems` say where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]) + (" …" if len(problems) > 5 else ""))
        self.problems = problems


# --- the content hash --------------------------------------------------------------------


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def node_digest(labels: list[str], props: dict[str, Any]) -> str:
    """The identity of a node by content: its labels and (encoded) properties."""
    return hashlib.sha256(_canonical({"labels": sorted(labels), "properties": props})).hexdigest()


def relationship_digest(rel_type: str, start: str, end: str, props: dict[str, Any]) -> str:
    """A relationship by content: its type, its end nodes' digests and its properties."""
    return hashlib.sha256(
        _canonical({"type": rel_type, "start": start, "end": end, "properties": props})
    ).hexdigest()


@dataclass
class ContentHash:
    """Accumulates node and relationship digests; order of arrival does not matter."""

    nodes: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)

    def hexdigest(self) -> str:
        digest = hashlib.sha256()
        digest.update(f"nodes {len(self.nodes)}\n".encode())
        for d in sorted(self.nodes):
            digest.update(d.encode() + b"\n")
        digest.update(f"relationships {len(self.relationships)}\n".encode())
        for d in sorted(self.relationships):
            digest.update(d.encode() + b"\n")
        return digest.hexdigest()


NodeSink = Callable[[str, list[str], dict[str, Any]], Awaitable[None]]
RelSink = Callable[[str, str, str, dict[str, Any]], Awaitable[None]]


async def _walk(graph: Graph, on_node: NodeSink, on_relationship: RelSink) -> None:
    """Stream every exported node, then every relationship, in one read transaction
    (properties already encoded)."""

    async def work(tx: AsyncManagedTransaction) -> None:
        async for r in await tx.run(EXPORT_NODES):
            await on_node(r["id"], list(r["labels"]), _encoded(r["props"]))
        async for r in await tx.run(EXPORT_RELATIONSHIPS):
            await on_relationship(r["type"], r["start"], r["end"], _encoded(r["props"]))

    await graph.read(work)


def _encoded(props: dict[str, Any]) -> dict[str, Any]:
    try:
        return encode_properties(props)
    except ValueError as e:
        raise BackupError([str(e)]) from e


async def content_hash(graph: Graph) -> str:
    """A SHA-256 over every node (labels, properties) and relationship (type, end nodes by
    content, properties), independent of internal ids and order. Migration records are
    left out: they describe the database, not its content."""
    acc = ContentHash()
    by_id: dict[str, str] = {}

    async def on_node(node_id: str, labels: list[str], props: dict[str, Any]) -> None:
        digest = node_digest(labels, props)
        by_id[node_id] = digest
        acc.nodes.append(digest)

    async def on_rel(rel_type: str, start: str, end: str, props: dict[str, Any]) -> None:
        acc.relationships.append(relationship_digest(rel_type, by_id[start], by_id[end], props))

    await _walk(graph, on_node, on_rel)
    return acc.hexdigest()


# --- export ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportReport:
    path: Path
    nodes: int
    relationships: int
    hash: str


async def export_all(graph: Graph, path: Path) -> ExportReport:
    """Write the whole graph to `path` (via a temporary file, renamed when complete)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    acc = ContentHash()
    keys: dict[str, tuple[int, str]] = {}
    versions = await migrations.applied_versions(graph)
    with tmp.open("w", encoding="utf-8") as out:

        def line(obj: dict[str, Any]) -> None:
            out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")

        line(
            {
                "kind": "header",
                "format": FORMAT,
                "version": VERSION,
                "schemaVersion": max(versions, default=0),
                "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": graph.database,
            }
        )

        async def on_node(node_id: str, labels: list[str], props: dict[str, Any]) -> None:
            digest = node_digest(labels, props)
            key = len(keys)
            keys[node_id] = (key, digest)
            acc.nodes.append(digest)
            line({"kind": "node", "key": key, "labels": sorted(labels), "properties": props})

        async def on_rel(rel_type: str, start: str, end: str, props: dict[str, Any]) -> None:
            (start_key, start_digest), (end_key, end_digest) = keys[start], keys[end]
            acc.relationships.append(relationship_digest(rel_type, start_digest, end_digest, props))
            line(
                {
                    "kind": "relationship",
                    "type": rel_type,
                    "start": start_key,
                    "end": end_key,
                    "properties": props,
                }
            )

        await _walk(graph, on_node, on_rel)
        line(
            {
                "kind": "end",
                "nodes": len(acc.nodes),
                "relationships": len(acc.relationships),
                "hash": acc.hexdigest(),
            }
        )
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
    return ExportReport(path, len(acc.nodes), len(acc.relationships), acc.hexdigest())


# --- reading a file ------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeRow:
    key: int
    labels: list[str]
    properties: dict[str, Any]


@dataclass(frozen=True)
class RelRow:
    type: str
    start: int
    end: int
    properties: dict[str, Any]


@dataclass(frozen=True)
class Manifest:
    """What a checked backup file holds."""

    schema_version: int
    created_at: str
    nodes: int
    relationships: int
    hash: str


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with Path(path).open(encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as e:
                    raise BackupError([f"{path}:{number}: not JSON ({e.msg})"]) from e
                if not isinstance(obj, dict):
                    raise BackupError([f"{path}:{number}: expected a JSON object"])
                yield number, obj
    except (OSError, UnicodeDecodeError) as e:
        raise BackupError([f"{path}: cannot read the file ({e})"]) from e


def _properties(obj: dict[str, Any], where: str) -> dict[str, Any]:
    props = obj.get("properties", {})
    if not isinstance(props, dict):
        raise BackupError([f"{where}: properties must be an object"])
    out: dict[str, Any] = {}
    for k, v in props.items():
        try:
            out[k] = decode_value(v)
        except (ValueError, KeyError, TypeError) as e:
            raise BackupError([f"{where}: property {k!r}: {e}"]) from e
    return out


def _records(path: Path) -> Iterator[tuple[int, NodeRow | RelRow | dict[str, Any]]]:
    """Every line as a typed row (header and trailer as their objects), checked one by one."""
    for number, obj in _lines(path):
        where = f"{path}:{number}"
        kind = obj.get("kind")
        if kind == "node":
            labels, key = obj.get("labels"), obj.get("key")
            if not isinstance(key, int) or isinstance(key, bool):
                raise BackupError([f"{where}: a node needs an integer key"])
            if not isinstance(labels, list) or not labels:
                raise BackupError([f"{where}: a node needs a list of labels"])
            for label in labels:
                if not isinstance(label, str) or not _NAME.fullmatch(label):
                    raise BackupError([f"{where}: invalid label {label!r}"])
                if label in SKIPPED_LABELS:
                    raise BackupError([f"{where}: {label} nodes are not restored from backups"])
            yield number, NodeRow(key, labels, _properties(obj, where))
        elif kind == "relationship":
            rel_type, start, end = obj.get("type"), obj.get("start"), obj.get("end")
            if not isinstance(rel_type, str) or not _NAME.fullmatch(rel_type):
                raise BackupError([f"{where}: invalid relationship type {rel_type!r}"])
            if not isinstance(start, int) or not isinstance(end, int):
                raise BackupError([f"{where}: a relationship needs integer start and end keys"])
            yield number, RelRow(rel_type, start, end, _properties(obj, where))
        elif kind in ("header", "end"):
            yield number, obj
        else:
            raise BackupError([f"{where}: unknown line kind {kind!r}"])


def _check_header(row: dict[str, Any], where: str) -> None:
    if row.get("format") != FORMAT:
        raise BackupError([f"{where}: not a Koostöö backup (format {row.get('format')!r})"])
    version = row.get("version")
    if not isinstance(version, int) or not 1 <= version <= VERSION:
        raise BackupError(
            [f"{where}: backup format version {version!r}; this Koostöö reads {VERSION}"]
        )
    schema = row.get("schemaVersion")
    if not isinstance(schema, int) or schema > migrations.LATEST_VERSION:
        raise BackupError(
            [
                f"{where}: made with schema version {schema!r}, newer than this Koostöö's "
                f"{migrations.LATEST_VERSION}: upgrade first"
            ]
        )


def check_file(path: Path) -> Manifest:
    """Read the whole file and check it (format, version, every line, the counts and the
    content hash in the trailer); nothing is written. Raises `BackupError`."""
    header: dict[str, Any] | None = None
    trailer: dict[str, Any] | None = None
    acc = ContentHash()
    digests: dict[int, str] = {}
    for number, row in _records(path):
        where = f"{path}:{number}"
        if trailer is not None:
            raise BackupError([f"{where}: content after the end line"])
        if isinstance(row, dict):
            if row["kind"] == "header":
                if header is not None or number != 1:
                    raise BackupError([f"{where}: the header must be the first line, once"])
                _check_header(row, where)
                header = row
            else:
                trailer = row
            continue
        if header is None:
            raise BackupError([f"{path}:1: the header line is missing"])
        # Digests are computed from the JSON form, as in the export.
        if isinstance(row, NodeRow):
            if row.key in digests:
                raise BackupError([f"{where}: node key {row.key} appears twice"])
            digest = node_digest(row.labels, encode_properties(row.properties))
            digests[row.key] = digest
            acc.nodes.append(digest)
        else:
            missing = [k for k in (row.start, row.end) if k not in digests]
            if missing:
                raise BackupError([f"{where}: relationship to unknown node key {missing[0]}"])
            acc.relationships.append(
                relationship_digest(
                    row.type,
                    digests[row.start],
                    digests[row.end],
                    encode_properties(row.properties),
                )
            )
    if header is None:
        raise BackupError([f"{path}: empty file, or the header line is missing"])
    if trailer is None:
        raise BackupError([f"{path}: the end line is missing: the file is incomplete"])
    if (trailer.get("nodes"), trailer.get("relationships")) != (
        len(acc.nodes),
        len(acc.relationships),
    ):
        raise BackupError(
            [
                f"{path}: the end line counts {trailer.get('nodes')} nodes and "
                f"{trailer.get('relationships')} relationships, the file holds "
                f"{len(acc.nodes)} and {len(acc.relationships)}"
            ]
        )
    if trailer.get("hash") != acc.hexdigest():
        raise BackupError([f"{path}: the content hash does not match the end line: file altered"])
    return Manifest(
        schema_version=int(header["schemaVersion"]),
        created_at=str(header.get("createdAt", "")),
        nodes=len(acc.nodes),
        relationships=len(acc.relationships),
        hash=acc.hexdigest(),
    )


# --- restore -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreReport:
    nodes: int
    relationships: int
    hash: str
    wiped: int


Progress = Callable[[str, int], None]


async def _batches(
    rows: Iterator[NodeRow | RelRow], kind: type, size: int
) -> AsyncIterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        if isinstance(row, kind):
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


async def restore(
    graph: Graph,
    path: Path,
    *,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> RestoreReport:
    """Restore a backup into this database: the file is checked whole first; the database
    must hold no data unless `force` (then it is wiped first). Writes in batched
    transactions and verifies the restored graph's content hash against the file's."""
    manifest = check_file(path)
    if not await migrations.is_current(graph):
        raise Conflict("the database schema is not current: run `koostoo migrate` first")
    existing = await maintenance.count_data_nodes(graph)
    if existing and not force:
        raise Conflict(
            f"refusing to restore into a database that holds {existing} nodes; "
            "use --force to replace them"
        )
    wiped = await maintenance.wipe(graph, allow_data=True) if existing else 0

    ids: dict[int, str] = {}

    def rows() -> Iterator[NodeRow | RelRow]:
        for _, row in _records(path):
            if isinstance(row, NodeRow | RelRow):
                yield row

    async for batch in _batches(rows(), NodeRow, batch_size):
        params = [{"key": r.key, "labels": r.labels, "props": r.properties} for r in batch]

        async def write_nodes(
            tx: AsyncManagedTransaction, params: list[dict[str, Any]] = params
        ) -> dict[int, str]:
            result = await tx.run(RESTORE_NODES, rows=Rows(params))
            return {r["key"]: r["id"] async for r in result}

        ids.update(await graph.write(write_nodes))
        if progress:
            progress("nodes", len(batch))

    async for batch in _batches(rows(), RelRow, batch_size):
        rel_params = [
            {"type": r.type, "start": ids[r.start], "end": ids[r.end], "props": r.properties}
            for r in batch
        ]

        async def write_rels(
            tx: AsyncManagedTransaction, params: list[dict[str, Any]] = rel_params
        ) -> int:
            row = await (await tx.run(RESTORE_RELATIONSHIPS, rows=Rows(params))).single(strict=True)
            return int(row["created"])

        created = await graph.write(write_rels)
        if created != len(batch):
            raise BackupError([f"restored {created} of a batch of {len(batch)} relationships"])
        if progress:
            progress("relationships", len(batch))

    restored = await content_hash(graph)
    if restored != manifest.hash:
        raise BackupError(
            [
                f"the restored graph's content hash {restored[:12]}… differs from the file's "
                f"{manifest.hash[:12]}…"
            ]
        )
    return RestoreReport(manifest.nodes, manifest.relationships, restored, wiped)


__all__ = [
    "BackupError",
    "ExportReport",
    "Manifest",
    "RestoreReport",
    "check_file",
    "content_hash",
    "decode_value",
    "encode_value",
    "export_all",
    "restore",
]
