"""Whole-graph backups: a signed, versioned JSON Lines export; a restore that cannot
lose the graph it replaces; and a content hash that proves a round trip reproduced the
same graph.

The file (format version 2) is one JSON object per line:

    {"kind": "header", "format": "koostoo-backup", "version": 2, "schemaVersion": 5,
     "createdAt": …, "database": "neo4j", "key": "<key id>", "mac": "HMAC-SHA256"}
    {"kind": "node", "key": 0, "labels": ["Entity", "Organisation"], "properties": {…}}
    {"kind": "relationship", "type": "MEMBER_OF", "start": 0, "end": 7, "properties": {…}}
    {"kind": "end", "nodes": 123, "relationships": 456, "hash": "<content hash>"}
    {"kind": "mac", "mac": "<HMAC-SHA256 of every byte above, with the operator's key>"}

Every node but the migration records is exported (entities, CRM records, audit events,
API-key hashes), and every relationship between them; values as in
`graph/backup_values.py`, the MAC as in `graph/backup_signing.py`.

A restore checks the whole file before it changes anything: the MAC over the raw bytes,
then the header (format, the current schema version), every line (labels and types on
the allow-lists, values Neo4j stores as written, one node per key and per (label, id),
relationship ends that exist), and the counts and content hash of the end line. Then it
replaces the graph so that no failure can lose data:

- a database with data is replaced only with `force`, and its graph is first exported
  to a safety file (signed with the same key, read back and checked);
- the replacement is one transaction (delete, write, content hash checked inside it,
  commit), so any failure rolls it back and readers never see half a graph;
- if Neo4j refuses a transaction that large (its transaction-memory limits or its
  transaction timeout), it replaces in batches instead; any failure then deletes what
  was written and restores the safety file (checked by content hash); if even that
  fails, the error names the safety file to restore by hand.

Unsigned files of format version 1 (before backups were signed) are read only when the
caller trusts them explicitly, and their API keys are never restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol, TypeVar

import neo4j
from neo4j import AsyncManagedTransaction, AsyncTransaction
from neo4j import exceptions as neo4j_errors

from graph import backup_signing, maintenance, migrations
from graph.backup_signing import SignatureError
from graph.backup_values import NAME, check_value, decode_value, encode_properties, encode_value
from graph.driver import Graph, Rows
from graph.errors import Conflict, GraphError, Unavailable
from graph.labels import ENTITY, ENTITY_LABELS, INTERNAL_LABELS
from graph.models.relationships import RelType

FORMAT: Final = "koostoo-backup"
VERSION: Final = 2
#: Format 1: the same lines, no key id in the header and no MAC line (unsigned).
UNSIGNED_VERSION: Final = 1
BATCH_SIZE: Final = 1000
#: No line of a backup is longer (a node's properties); the export refuses to write one.
MAX_LINE_BYTES: Final = 64 << 20

#: Labels a backup never carries: the target database writes its own migration records.
SKIPPED_LABELS: Final = frozenset({"KoostooMigration"})
#: The labels and relationship types of the data model; a backup carries no others.
LABELS: Final = frozenset({ENTITY, *ENTITY_LABELS, *INTERNAL_LABELS}) - SKIPPED_LABELS
TYPES: Final = frozenset({*(t.value for t in RelType), "CITED_IN", "ABOUT"})
#: Never restored from an unsigned file: a key hash there would grant access.
UNTRUSTED_LABELS: Final = frozenset({"ApiKey"})

_FIELDS: Final = {
    "node": {"kind", "key", "labels", "properties"},
    "relationship": {"kind", "type", "start", "end", "properties"},
    "end": {"kind", "nodes", "relationships", "hash"},
}
_HEADER_FIELDS: Final = {
    VERSION: {"kind", "format", "version", "schemaVersion", "createdAt", "database", "key", "mac"},
    UNSIGNED_VERSION: {"kind", "format", "version", "schemaVersion", "createdAt", "database"},
}

EXPORT_NODES = """
MATCH (n) WHERE NOT n:KoostooMigration
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""

EXPORT_RELATIONSHIPS = """
MATCH (a)-[r]->(b) WHERE NOT a:KoostooMigration AND NOT b:KoostooMigration
RETURN type(r) AS type, elementId(a) AS start, elementId(b) AS end, properties(r) AS props
"""

#: The one-transaction replacement's delete; the counts tell whether the graph is still
#: the one just saved to the safety file.
DELETE_ALL = """
MATCH (n) WHERE NOT n:KoostooMigration
WITH n, COUNT { (n)-->() } AS out
DETACH DELETE n
RETURN count(n) AS nodes, coalesce(sum(out), 0) AS relationships
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


Tx = AsyncManagedTransaction | AsyncTransaction
NodeSink = Callable[[str, list[str], dict[str, Any]], Awaitable[None]]
RelSink = Callable[[str, str, str, dict[str, Any]], Awaitable[None]]


async def _walk(tx: Tx, on_node: NodeSink, on_relationship: RelSink) -> None:
    """Stream every exported node, then every relationship (properties encoded)."""
    async for r in await tx.run(EXPORT_NODES):
        await on_node(r["id"], list(r["labels"]), _encoded(r["props"]))
    async for r in await tx.run(EXPORT_RELATIONSHIPS):
        await on_relationship(r["type"], r["start"], r["end"], _encoded(r["props"]))


def _encoded(props: dict[str, Any]) -> dict[str, Any]:
    try:
        return encode_properties(props)
    except ValueError as e:
        raise BackupError([str(e)]) from e


async def _content_hash_in(tx: Tx) -> str:
    acc = ContentHash()
    by_id: dict[str, str] = {}

    async def on_node(node_id: str, labels: list[str], props: dict[str, Any]) -> None:
        digest = node_digest(labels, props)
        by_id[node_id] = digest
        acc.nodes.append(digest)

    async def on_rel(rel_type: str, start: str, end: str, props: dict[str, Any]) -> None:
        acc.relationships.append(relationship_digest(rel_type, by_id[start], by_id[end], props))

    await _walk(tx, on_node, on_rel)
    return acc.hexdigest()


async def content_hash(graph: Graph) -> str:
    """A SHA-256 over every node (labels, properties) and relationship (type, end nodes by
    content, properties), independent of internal ids and order. Migration records are
    left out: they describe the database, not its content."""
    return await graph.read(_content_hash_in)


# --- names and values a backup may carry -------------------------------------------------


def _checked_labels(labels: Any) -> list[str]:
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


def _checked_type(rel_type: Any) -> str:
    if not isinstance(rel_type, str) or rel_type not in TYPES:
        raise ValueError(f"invalid relationship type {rel_type!r}")
    return rel_type


def _checked_properties(props: Any) -> dict[str, Any]:
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


# --- export ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportReport:
    path: Path
    nodes: int
    relationships: int
    hash: str
    key_id: str


def _line(obj: dict[str, Any]) -> bytes:
    data = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    if len(data) > MAX_LINE_BYTES:
        raise BackupError(
            [f"a {obj['kind']} line of {len(data):,} bytes; a restore reads {MAX_LINE_BYTES:,}"]
        )
    return data


def _key(key: bytes) -> bytes:
    try:
        backup_signing.check_key(key)
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
            signer = backup_signing.Signer(out, key)
            signer.write(
                _line(
                    {
                        "kind": "header",
                        "format": FORMAT,
                        "version": VERSION,
                        "schemaVersion": max(versions, default=0),
                        "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
                        "database": graph.database,
                        "key": backup_signing.key_id(key),
                        "mac": backup_signing.ALGORITHM,
                    }
                )
            )

            async def on_node(node_id: str, labels: list[str], props: dict[str, Any]) -> None:
                try:
                    _checked_labels(labels)
                    _checked_properties(props)
                except ValueError as e:
                    raise BackupError(
                        [f"node {props.get('id', node_id)!r} cannot be backed up: {e}"]
                    ) from e
                digest = node_digest(labels, props)
                number = len(keys)
                keys[node_id] = (number, digest)
                acc.nodes.append(digest)
                signer.write(
                    _line(
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
                    _checked_type(rel_type)
                    _checked_properties(props)
                except ValueError as e:
                    raise BackupError(
                        [f"a {rel_type} relationship cannot be backed up: {e}"]
                    ) from e
                acc.relationships.append(
                    relationship_digest(rel_type, start_digest, end_digest, props)
                )
                signer.write(
                    _line(
                        {
                            "kind": "relationship",
                            "type": rel_type,
                            "start": start_key,
                            "end": end_key,
                            "properties": props,
                        }
                    )
                )

            await graph.read(partial(_walk, on_node=on_node, on_relationship=on_rel))
            signer.write(
                _line(
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
        path, len(acc.nodes), len(acc.relationships), acc.hexdigest(), backup_signing.key_id(key)
    )


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable (the file's own data was synced before it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- reading a file ------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeRow:
    key: int
    labels: list[str]
    #: what is written
    properties: dict[str, Any]
    #: as in the file (the export's form): what the content hash covers
    encoded: dict[str, Any]


@dataclass(frozen=True)
class RelRow:
    type: str
    start: int
    end: int
    properties: dict[str, Any]
    encoded: dict[str, Any]


@dataclass(frozen=True)
class Manifest:
    """What a checked backup file holds, and what a restore of it writes."""

    schema_version: int
    created_at: str
    #: nodes and relationships a restore writes, and their content hash
    nodes: int
    relationships: int
    hash: str
    signed: bool
    #: the id of the key that signed the file (None: unsigned)
    key_id: str | None
    #: API keys (and relationships of them) in an unsigned file: never restored
    skipped_nodes: int = 0
    skipped_relationships: int = 0
    #: where the lines end (the MAC line starts) and the node keys not restored
    end: int = field(default=0, repr=False)
    skipped_keys: frozenset[int] = field(default=frozenset(), repr=False)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (the format writes non-finite floats as tags)")


def _lines(f: BinaryIO, name: str, end: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON objects of the file's first `end` bytes, with line numbers."""
    f.seek(0)
    number = 0
    while f.tell() < end:
        number += 1
        where = f"{name}:{number}"
        raw = f.readline(min(MAX_LINE_BYTES, end - f.tell()) + 1)
        if len(raw) > MAX_LINE_BYTES:
            raise BackupError([f"{where}: the line is longer than {MAX_LINE_BYTES:,} bytes"])
        if not raw.endswith(b"\n"):
            raise BackupError([f"{where}: the line is cut off: the file is incomplete"])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise BackupError([f"{where}: not UTF-8 ({e.reason} at byte {e.start})"]) from e
        try:
            obj = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as e:
            raise BackupError([f"{where}: JSON nested too deeply"]) from e
        except ValueError as e:
            msg = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
            raise BackupError([f"{where}: not JSON ({msg})"]) from e
        if not isinstance(obj, dict):
            raise BackupError([f"{where}: expected a JSON object"])
        yield number, obj


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _records(
    f: BinaryIO, name: str, end: int
) -> Iterator[tuple[int, NodeRow | RelRow | dict[str, Any]]]:
    """Every line as a typed row (header and end line as their objects), checked one by
    one: its fields, names on the allow-lists, values Neo4j stores as written."""
    for number, obj in _lines(f, name, end):
        where = f"{name}:{number}"
        kind = obj.get("kind")
        if kind == "header":
            yield number, obj
            continue
        fields = _FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            raise BackupError([f"{where}: unknown line kind {kind!r}"])
        if set(obj) != fields:
            raise BackupError(
                [f"{where}: a {kind} line has the fields {', '.join(sorted(fields))}"]
            )
        try:
            if kind == "node":
                if not _int(obj["key"]):
                    raise ValueError("a node needs an integer key")
                props = obj["properties"]
                yield (
                    number,
                    NodeRow(
                        obj["key"],
                        _checked_labels(obj["labels"]),
                        _checked_properties(props),
                        props,
                    ),
                )
            elif kind == "relationship":
                if not _int(obj["start"]) or not _int(obj["end"]):
                    raise ValueError("a relationship needs integer start and end keys")
                props = obj["properties"]
                yield (
                    number,
                    RelRow(
                        _checked_type(obj["type"]),
                        obj["start"],
                        obj["end"],
                        _checked_properties(props),
                        props,
                    ),
                )
            else:
                yield number, obj
        except ValueError as e:
            raise BackupError([f"{where}: {e}"]) from e


def _signature(f: BinaryIO, name: str, key: bytes | None, trust_unsigned: bool) -> tuple[int, bool]:
    """Check the MAC over the raw bytes, before any line is parsed; return where the
    signed lines end and whether the file is signed (only with `trust_unsigned` may it
    not be)."""
    start, last = backup_signing.last_line(f)
    if start == 0 and not last:
        raise BackupError([f"{name}: the file is empty"])
    try:
        claimed = backup_signing.signed_mac(last)
    except SignatureError as e:
        raise BackupError([f"{name}: {e}: the file was altered"]) from e
    if claimed is None:
        if trust_unsigned:
            return f.seek(0, 2), False
        raise BackupError(
            [
                f"{name}: the file is not signed (its last line is no MAC line): it is "
                "incomplete, or an unsigned backup from an older Koostöö (those are read "
                "only with --trust-unsigned, and never restore API keys)"
            ]
        )
    if key is None:
        raise BackupError([f"{name}: the file is signed, and no backup key is configured"])
    try:
        backup_signing.verify(f, key, start, claimed)
    except SignatureError as e:
        signer = _header_key_id(f)
        if signer is not None and signer != backup_signing.key_id(key):
            raise BackupError(
                [
                    f"{name}: {e}: signed with another backup key (the header names key id "
                    f"{signer}, the configured key's id is {backup_signing.key_id(key)}), or "
                    "the file was altered"
                ]
            ) from e
        raise BackupError(
            [f"{name}: {e}: the file was altered or damaged after it was written"]
        ) from e
    return start, True


def _header_key_id(f: BinaryIO) -> str | None:
    """The key id the (unverified) header names, for a clearer refusal."""
    f.seek(0)
    with contextlib.suppress(ValueError, RecursionError):
        header = json.loads(f.readline(4096))
        if isinstance(header, dict) and isinstance(header.get("key"), str):
            return str(header["key"])[:64]
    return None


def _check_header(row: dict[str, Any], where: str, key: bytes | None, signed: bool) -> None:
    if row.get("format") != FORMAT:
        raise BackupError([f"{where}: not a Koostöö backup (format {row.get('format')!r})"])
    version = row.get("version")
    if signed and version != VERSION:
        raise BackupError(
            [f"{where}: backup format version {version!r}; signed backups are version {VERSION}"]
        )
    if not signed and version == VERSION:
        raise BackupError(
            [
                f"{where}: a version {VERSION} backup ends with its MAC line and this one has "
                "none: the file was cut short or the line removed"
            ]
        )
    if not signed and version != UNSIGNED_VERSION:
        raise BackupError(
            [f"{where}: backup format version {version!r}; this Koostöö reads {VERSION}"]
        )
    assert isinstance(version, int)
    if set(row) != _HEADER_FIELDS[version]:
        raise BackupError(
            [f"{where}: the header has the fields {', '.join(sorted(_HEADER_FIELDS[version]))}"]
        )
    if not isinstance(row["createdAt"], str) or not isinstance(row["database"], str):
        raise BackupError([f"{where}: createdAt and database must be text"])
    if signed:
        assert key is not None
        if row["mac"] != backup_signing.ALGORITHM or row["key"] != backup_signing.key_id(key):
            raise BackupError([f"{where}: the header names another MAC or key than the file's"])
    schema = row["schemaVersion"]
    if not (_int(schema) and migrations.OLDEST_RESTORABLE <= schema <= migrations.LATEST_VERSION):
        if _int(schema) and schema > migrations.LATEST_VERSION:
            advice = "upgrade Koostöö first"
        else:
            # Schema versions 4 and 5 added properties the application computes on
            # write (searchText, sortKey); no migration derives them for restored nodes.
            advice = (
                "there is no migration path: restore it with the Koostöö release that made "
                "it and export again"
            )
        raise BackupError(
            [
                f"{where}: made with schema version {schema!r}; this Koostöö restores schema "
                f"versions {migrations.OLDEST_RESTORABLE} to {migrations.LATEST_VERSION}: "
                f"{advice}"
            ]
        )


def _check(f: BinaryIO, name: str, key: bytes | None, trust_unsigned: bool) -> Manifest:
    end, signed = _signature(f, name, key, trust_unsigned)
    header: dict[str, Any] | None = None
    trailer: dict[str, Any] | None = None
    whole = ContentHash()  # every row: what the end line states
    kept = ContentHash() if not signed else whole  # the rows a restore writes
    digests: dict[int, str] = {}
    skipped: set[int] = set()
    skipped_relationships = 0
    ids: dict[str, dict[str, int]] = {}  # label → id → line
    for number, row in _records(f, name, end):
        where = f"{name}:{number}"
        if trailer is not None:
            raise BackupError([f"{where}: content after the end line"])
        if isinstance(row, dict):
            if row["kind"] == "header":
                if header is not None or number != 1:
                    raise BackupError([f"{where}: the header must be the first line, once"])
                _check_header(row, where, key, signed)
                header = row
            else:
                trailer = row
            continue
        if header is None:
            raise BackupError([f"{name}:1: the header line is missing"])
        if isinstance(row, NodeRow):
            if row.key in digests:
                raise BackupError([f"{where}: node key {row.key} appears twice"])
            node_id = row.properties.get("id")
            if node_id is not None:
                # The type label before Entity, so that the message names the type.
                for label in sorted(row.labels, key=lambda label: label == ENTITY):
                    first = ids.setdefault(label, {}).setdefault(node_id, number)
                    if first != number:
                        raise BackupError(
                            [
                                f"{where}: a second {label} with id {node_id!r} (the first is "
                                f"on line {first}); ids are unique per label"
                            ]
                        )
            digest = node_digest(row.labels, row.encoded)
            digests[row.key] = digest
            whole.nodes.append(digest)
            if not signed and UNTRUSTED_LABELS.intersection(row.labels):
                skipped.add(row.key)
            elif kept is not whole:
                kept.nodes.append(digest)
        else:
            missing = [k for k in (row.start, row.end) if k not in digests]
            if missing:
                raise BackupError([f"{where}: relationship to unknown node key {missing[0]}"])
            digest = relationship_digest(
                row.type, digests[row.start], digests[row.end], row.encoded
            )
            whole.relationships.append(digest)
            if row.start in skipped or row.end in skipped:
                skipped_relationships += 1
            elif kept is not whole:
                kept.relationships.append(digest)
    if header is None:
        raise BackupError([f"{name}: empty file, or the header line is missing"])
    if trailer is None:
        raise BackupError([f"{name}: the end line is missing: the file is incomplete"])
    if (trailer["nodes"], trailer["relationships"]) != (
        len(whole.nodes),
        len(whole.relationships),
    ):
        raise BackupError(
            [
                f"{name}: the end line counts {trailer['nodes']} nodes and "
                f"{trailer['relationships']} relationships, the file holds "
                f"{len(whole.nodes)} and {len(whole.relationships)}"
            ]
        )
    if trailer["hash"] != whole.hexdigest():
        raise BackupError([f"{name}: the content hash does not match the end line: file altered"])
    return Manifest(
        schema_version=int(header["schemaVersion"]),
        created_at=str(header["createdAt"]),
        nodes=len(kept.nodes),
        relationships=len(kept.relationships),
        hash=kept.hexdigest(),
        signed=signed,
        key_id=str(header["key"]) if signed else None,
        skipped_nodes=len(skipped),
        skipped_relationships=skipped_relationships,
        end=end,
        skipped_keys=frozenset(skipped),
    )


def _open(path: Path) -> BinaryIO:
    try:
        return Path(path).open("rb")
    except OSError as e:
        raise BackupError([f"{path}: cannot read the file ({e.strerror or e})"]) from e


def check_file(path: Path, *, key: bytes | None, trust_unsigned: bool = False) -> Manifest:
    """Read the whole file and check it (its MAC with `key` first, then format, schema
    version, every line, the counts and the content hash in the end line); nothing is
    written. An unsigned file passes only with `trust_unsigned`. Raises `BackupError`."""
    with _open(path) as f:
        return _check(f, str(path), key, trust_unsigned)


def _rows(f: BinaryIO, name: str, manifest: Manifest) -> Iterator[NodeRow | RelRow]:
    """The rows a restore writes, read again from the checked file."""
    skipped = manifest.skipped_keys
    for _, row in _records(f, name, manifest.end):
        if (isinstance(row, NodeRow) and row.key not in skipped) or (
            isinstance(row, RelRow) and row.start not in skipped and row.end not in skipped
        ):
            yield row


# --- restore -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreReport:
    nodes: int
    relationships: int
    hash: str
    #: data nodes the restore replaced
    wiped: int
    #: the replaced graph, exported before anything changed (None: the database was empty)
    saved: Path | None
    #: replaced in one transaction (else in batches: Neo4j refused one that large)
    one_transaction: bool
    manifest: Manifest


Progress = Callable[[str, int], None]
Notice = Callable[[str], None]
T = TypeVar("T")


class _Run(Protocol):
    """Runs one unit of work: inside the one transaction, or as a transaction of its own."""

    def __call__(self, work: Callable[[Tx], Awaitable[T]], /) -> Awaitable[T]: ...


class _TooBig(Exception):
    """Neo4j refused the one-transaction restore for its size (rolled back)."""


async def _create_nodes(params: Rows, tx: Tx) -> dict[int, str]:
    result = await tx.run(RESTORE_NODES, rows=params)
    return {r["key"]: r["id"] async for r in result}


async def _create_relationships(params: Rows, tx: Tx) -> int:
    row = await (await tx.run(RESTORE_RELATIONSHIPS, rows=params)).single(strict=True)
    return int(row["created"])


async def _write(
    run: _Run, rows: Iterator[NodeRow | RelRow], batch_size: int, progress: Progress | None
) -> None:
    """Create the rows' nodes and relationships in batches, in file order (a
    relationship's end nodes come before it in a checked file)."""
    ids: dict[int, str] = {}
    nodes: list[NodeRow] = []
    rels: list[RelRow] = []

    async def flush_nodes() -> None:
        if nodes:
            params = Rows({"key": r.key, "labels": r.labels, "props": r.properties} for r in nodes)
            ids.update(await run(partial(_create_nodes, params)))
            if progress:
                progress("nodes", len(nodes))
            nodes.clear()

    async def flush_relationships() -> None:
        await flush_nodes()
        if rels:
            params = Rows(
                {"type": r.type, "start": ids[r.start], "end": ids[r.end], "props": r.properties}
                for r in rels
            )
            created = await run(partial(_create_relationships, params))
            if created != len(rels):
                raise BackupError([f"restored {created} of a batch of {len(rels)} relationships"])
            if progress:
                progress("relationships", len(rels))
            rels.clear()

    for row in rows:
        if isinstance(row, NodeRow):
            nodes.append(row)
            if len(nodes) >= batch_size:
                await flush_nodes()
        else:
            rels.append(row)
            if len(rels) >= batch_size:
                await flush_relationships()
    await flush_relationships()


def _saved_path(directory: Path) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory / f"pre-restore-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}.jsonl"


async def _save(graph: Graph, directory: Path, key: bytes) -> ExportReport:
    """Export the graph a restore is about to replace, and read the file back."""
    saved = await export_all(graph, _saved_path(directory), key=key)
    check_file(saved.path, key=key)
    return saved


def _too_big(e: neo4j_errors.Neo4jError) -> bool:
    """Neo4j's transaction-memory limits (db.memory.transaction.max,
    dbms.memory.transaction.total.max), its heap, or its transaction timeout
    (db.transaction.timeout): too big for one transaction."""
    code = e.code or ""
    return "OutOfMemory" in code or "TransactionTimedOut" in code


async def _replace_at_once(
    graph: Graph,
    rows: Callable[[], Iterator[NodeRow | RelRow]],
    manifest: Manifest,
    saved: ExportReport | None,
    batch_size: int,
    progress: Progress | None,
) -> int:
    """Delete the graph and write the file's in one explicit transaction, committed only
    if the content hash read inside it is the file's: any failure rolls it all back.
    Returns how many nodes it replaced; raises `_TooBig` if Neo4j refuses the size."""
    try:
        async with graph.driver.session(
            database=graph.database, default_access_mode=neo4j.WRITE_ACCESS
        ) as session:
            tx = await session.begin_transaction()
            try:
                deleted = await (await tx.run(DELETE_ALL)).single(strict=True)
                wiped, relationships = int(deleted["nodes"]), int(deleted["relationships"])
                before = (saved.nodes, saved.relationships) if saved else (0, 0)
                if (wiped, relationships) != before:
                    raise BackupError(
                        [
                            "the graph changed since it was "
                            + (f"saved to {saved.path}" if saved else "found empty")
                            + f" ({before[0]} nodes and {before[1]} relationships, now {wiped} "
                            f"and {relationships}): stop the writers (the API) and restore "
                            "again; nothing was changed"
                        ]
                    )

                async def run(work: Callable[[Tx], Awaitable[T]]) -> T:
                    return await work(tx)

                await _write(run, rows(), batch_size, progress)
                restored = await _content_hash_in(tx)
                if restored != manifest.hash:
                    raise BackupError(
                        [
                            f"the restored graph's content hash {restored[:12]}… differs from "
                            f"the file's {manifest.hash[:12]}…; rolled back: nothing was changed"
                        ]
                    )
                await tx.commit()
                return wiped
            finally:
                await tx.close()
    except neo4j_errors.Neo4jError as e:
        if _too_big(e):
            raise _TooBig(f"{e.code}: {e.message}") from e
        raise BackupError(
            [f"Neo4j refused the restore ({e.code}: {e.message}); rolled back: nothing was changed"]
        ) from e
    except (neo4j_errors.DriverError, OSError) as e:
        raise Unavailable(
            f"Neo4j could not be reached during the restore ({e}). A transaction it did not "
            "commit is rolled back: the database holds its previous graph or, if the commit "
            "went through, the whole file (compare `content hash`)"
            + (f"; the previous graph is saved in {saved.path}" if saved else "")
        ) from e


async def _replace_in_batches(
    graph: Graph,
    rows: Callable[[], Iterator[NodeRow | RelRow]],
    manifest: Manifest,
    saved: ExportReport | None,
    key: bytes | None,
    batch_size: int,
    progress: Progress | None,
) -> int:
    """Delete the graph and write the file's in batched transactions; on any failure,
    delete what was written and put the saved graph back."""
    now = await maintenance.count_data_nodes(graph)
    if now != (saved.nodes if saved else 0):
        raise BackupError(
            [
                "the graph changed since it was "
                + (f"saved to {saved.path}" if saved else "found empty")
                + f" (now {now} nodes): stop the writers (the API) and restore again; "
                "nothing was changed"
            ]
        )
    try:
        wiped = await maintenance.wipe(graph, allow_data=True, batch_size=batch_size)
        await _write(graph.write, rows(), batch_size, progress)
        restored = await content_hash(graph)
        if restored != manifest.hash:
            raise BackupError(
                [
                    f"the restored graph's content hash {restored[:12]}… differs from the "
                    f"file's {manifest.hash[:12]}…"
                ]
            )
    except Exception as e:
        await _put_back(graph, saved, key, batch_size, e)
    return wiped


async def _put_back(
    graph: Graph,
    saved: ExportReport | None,
    key: bytes | None,
    batch_size: int,
    failure: Exception,
) -> None:
    """After a failed batched restore: the database as it was, or a message that says
    where the previous graph is. Always raises."""
    try:
        await maintenance.wipe(graph, allow_data=True, batch_size=batch_size)
        if saved is not None:
            assert key is not None
            with _open(saved.path) as f:
                previous = _check(f, str(saved.path), key, False)
                await _write(graph.write, _rows(f, str(saved.path), previous), batch_size, None)
            if await content_hash(graph) != previous.hash:
                raise BackupError([f"the content hash of the graph put back is not {saved.path}'s"])
    except Exception as e:
        where = (
            f"it is saved in {saved.path}: restore it with `koostoo restore --force {saved.path}`"
            if saved
            else "the database was empty before; empty it with `koostoo restore --force` of "
            "a good file, or by hand"
        )
        raise BackupError(
            [
                f"the restore failed: {failure}",
                f"putting the previous graph back failed: {e}",
                where,
            ]
        ) from failure
    outcome = (
        f"the previous graph was put back (content hash verified; also saved in {saved.path})"
        if saved
        else "the database was emptied again, as it was before"
    )
    raise BackupError([f"the restore failed: {failure}", outcome]) from failure


async def restore(
    graph: Graph,
    path: Path,
    *,
    key: bytes | None,
    force: bool = False,
    trust_unsigned: bool = False,
    saved_dir: Path | None = None,
    batch_size: int = BATCH_SIZE,
    one_transaction: bool = True,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> RestoreReport:
    """Restore a backup so that no failure loses data (see the module's docstring).

    The file is checked whole with `key` first; an unsigned file only with
    `trust_unsigned`. A database holding data is replaced only with `force`, after its
    graph is exported to `saved_dir` (default: the file's directory), signed with the
    same key. `one_transaction=False` goes straight to the batched replacement.
    `notice` receives a line for each step an operator should know of."""
    path = Path(path)
    say = notice or (lambda _: None)
    with _open(path) as f:
        manifest = _check(f, str(path), key, trust_unsigned)
        if manifest.skipped_nodes:
            say(
                f"not restoring {manifest.skipped_nodes} API keys of the unsigned file "
                "(create new ones with `koostoo keys create`)"
            )
        if not await migrations.is_current(graph):
            raise Conflict("the database schema is not current: run `koostoo migrate` first")
        existing = await maintenance.count_data_nodes(graph)
        if existing and not force:
            raise Conflict(
                f"refusing to restore into a database that holds {existing} nodes; "
                "use --force to replace them"
            )
        saved: ExportReport | None = None
        if existing:
            if key is None:
                raise BackupError(["a backup key is needed to save the graph a restore replaces"])
            saved = await _save(graph, Path(saved_dir) if saved_dir else path.parent, key)
            say(
                f"saved the current graph ({saved.nodes} nodes, {saved.relationships} "
                f"relationships) to {saved.path}"
            )
        rows = partial(_rows, f, str(path), manifest)
        at_once = one_transaction
        if one_transaction:
            try:
                wiped = await _replace_at_once(graph, rows, manifest, saved, batch_size, progress)
            except _TooBig as e:
                say(f"Neo4j refused one transaction of this size ({e}): replacing in batches")
                at_once = False
        if not at_once:
            wiped = await _replace_in_batches(
                graph, rows, manifest, saved, key, batch_size, progress
            )
    upgraded = await migrations.upgrade_data(graph, manifest.schema_version)
    if upgraded:
        say(
            f"the file's schema version {manifest.schema_version} brought up to "
            f"{migrations.LATEST_VERSION} (the data steps of migrations {upgraded})"
        )
    return RestoreReport(
        manifest.nodes,
        manifest.relationships,
        manifest.hash,
        wiped,
        saved.path if saved else None,
        at_once,
        manifest,
    )


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
