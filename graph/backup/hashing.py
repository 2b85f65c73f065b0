"""The content hash: a SHA-256 over every node (labels, properties) and relationship
(type, end nodes by content, properties), independent of internal ids and order. It
proves that a restore reproduced the graph a backup was made of."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from graph.backup.walk import Tx, walk
from graph.driver import Graph


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


async def content_hash_in(tx: Tx) -> str:
    """The content hash of the graph as `tx` sees it."""
    acc = ContentHash()
    by_id: dict[str, str] = {}

    async def on_node(node_id: str, labels: list[str], props: dict[str, Any]) -> None:
        digest = node_digest(labels, props)
        by_id[node_id] = digest
        acc.nodes.append(digest)

    async def on_rel(rel_type: str, start: str, end: str, props: dict[str, Any]) -> None:
        acc.relationships.append(relationship_digest(rel_type, by_id[start], by_id[end], props))

    await walk(tx, on_node, on_rel)
    return acc.hexdigest()


async def content_hash(graph: Graph) -> str:
    """A SHA-256 over every node (labels, properties) and relationship (type, end nodes by
    content, properties), independent of internal ids and order. Migration records are
    left out: they describe the database, not its content."""
    return await graph.read(content_hash_in)
