"""Reading a backup file and checking it whole before anything is written: the MAC over
the raw bytes first, then the header (format, the current schema version), every line
(labels and types on the allow-lists, values Neo4j stores as written, one node per key
and per (label, id), relationship ends that exist), and the counts and content hash of
the end line."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from graph import migrations
from graph.backup import signing
from graph.backup.fileformat import (
    FIELDS,
    FORMAT,
    HEADER_FIELDS,
    MAX_LINE_BYTES,
    UNSIGNED_VERSION,
    UNTRUSTED_LABELS,
    VERSION,
    BackupError,
    checked_labels,
    checked_properties,
    checked_type,
)
from graph.backup.hashing import ContentHash, node_digest, relationship_digest
from graph.backup.signing import SignatureError
from graph.labels import ENTITY


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
        fields = FIELDS.get(kind) if isinstance(kind, str) else None
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
                        checked_labels(obj["labels"]),
                        checked_properties(props),
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
                        checked_type(obj["type"]),
                        obj["start"],
                        obj["end"],
                        checked_properties(props),
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
    start, last = signing.last_line(f)
    if start == 0 and not last:
        raise BackupError([f"{name}: the file is empty"])
    try:
        claimed = signing.signed_mac(last)
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
        signing.verify(f, key, start, claimed)
    except SignatureError as e:
        signer = _header_key_id(f)
        if signer is not None and signer != signing.key_id(key):
            raise BackupError(
                [
                    f"{name}: {e}: signed with another backup key (the header names key id "
                    f"{signer}, the configured key's id is {signing.key_id(key)}), or "
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
    if set(row) != HEADER_FIELDS[version]:
        raise BackupError(
            [f"{where}: the header has the fields {', '.join(sorted(HEADER_FIELDS[version]))}"]
        )
    if not isinstance(row["createdAt"], str) or not isinstance(row["database"], str):
        raise BackupError([f"{where}: createdAt and database must be text"])
    if signed:
        assert key is not None
        if row["mac"] != signing.ALGORITHM or row["key"] != signing.key_id(key):
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


def check(f: BinaryIO, name: str, key: bytes | None, trust_unsigned: bool) -> Manifest:
    """`check_file` of an open file (`name` for the messages)."""
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


def open_file(path: Path) -> BinaryIO:
    """`path` opened for reading; `BackupError` if it cannot be."""
    try:
        return Path(path).open("rb")
    except OSError as e:
        raise BackupError([f"{path}: cannot read the file ({e.strerror or e})"]) from e


def check_file(path: Path, *, key: bytes | None, trust_unsigned: bool = False) -> Manifest:
    """Read the whole file and check it (its MAC with `key` first, then format, schema
    version, every line, the counts and the content hash in the end line); nothing is
    written. An unsigned file passes only with `trust_unsigned`. Raises `BackupError`."""
    with open_file(path) as f:
        return check(f, str(path), key, trust_unsigned)


def rows_to_write(f: BinaryIO, name: str, manifest: Manifest) -> Iterator[NodeRow | RelRow]:
    """The rows a restore writes, read again from the checked file."""
    skipped = manifest.skipped_keys
    for _, row in _records(f, name, manifest.end):
        if (isinstance(row, NodeRow) and row.key not in skipped) or (
            isinstance(row, RelRow) and row.start not in skipped and row.end not in skipped
        ):
            yield row
