"""Relay-style connections with opaque keyset cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from graph.models.common import Page
from schema.errors import ClientError

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All items matching the filter, on all pages.")

    @strawberry.field(description="The nodes of this page (shortcut for edges { node }).")
    def nodes(self) -> list[NodeT]:
        return [e.node for e in self.edges]


def encode_cursor(key: list[Any]) -> str:
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, size: int = 2) -> tuple[Any, ...] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as e:
        raise ClientError("`after` is not a cursor this API gave out", "BAD_USER_INPUT") from e
    if not isinstance(key, list) or len(key) != size:
        raise ClientError("`after` is not a cursor this API gave out", "BAD_USER_INPUT")
    return tuple(key)


def check_first(first: int, max_page_size: int) -> int:
    if first < 0 or first > max_page_size:
        raise ClientError(
            f"`first` must be between 0 and {max_page_size}", "BAD_USER_INPUT", field="first"
        )
    return first


def connection(
    page: Page[ModelT], convert: Callable[[ModelT], NodeT], *, has_previous: bool
) -> Connection[NodeT]:
    edges = [
        Edge(cursor=encode_cursor(key), node=convert(item))
        for item, key in zip(page.items, page.keys, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total_count,
    )
