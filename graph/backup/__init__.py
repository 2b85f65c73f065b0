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
API-key hashes), and every relationship between them; values as in `values.py`, the MAC
as in `signing.py`.

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
caller trusts them explicitly, and their API keys are never restor

The rooms of this package, one job each:

- `fileformat.py`: the format's constants, allow-lists and line checks;
- `values.py`: property values ↔ JSON, and the check of a value read from a file;
- `signing.py`: the keyed MAC over the whole file;
- `walk.py`: the nodes and relationships a backup holds, read from the graph;
- `hashing.py`: the content hash;
- `export.py`: `export_all`;
- `check.py`: reading a file and checking it whole (`check_file`);
- `restore.py`: `restore`.
"""

from __future__ import annotations

from graph.backup.check import Manifest, check_file
from graph.backup.export import ExportReport, export_all
from graph.backup.fileformat import BackupError
from graph.backup.hashing import ContentHash, content_hash, node_digest, relationship_digest
from graph.backup.restore import RestoreReport, restore
from graph.backup.values import decode_value, encode_value

__all__ = [
    "BackupError",
    "ContentHash",
    "ExportReport",
    "Manifest",
    "RestoreReport",
    "check_file",
    "content_hash",
    "decode_value",
    "encode_value",
    "export_all",
    "node_digest",
    "relationship_digest",
    "restore",
]
