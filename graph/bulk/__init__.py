"""Batched, idempotent writes of many rows, shared by the seed loader and the importers:
`upserts.py` (the `UNWIND … MERGE` writers, and their read-only twins for dry runs) and
`pipeline.py` (a few batch transactions in flight at once, batches that do not deadlock).
"""

from __future__ import annotations

from graph.bulk.pipeline import FIRST_RETRY, WRITERS, Pipeline, by_start, even_size
from graph.bulk.upserts import (
    Counts,
    Report,
    cite,
    create_defaults,
    plan_cite,
    plan_nodes,
    plan_relationships,
    upsert_nodes,
    upsert_relationships,
)

__all__ = [
    "FIRST_RETRY",
    "WRITERS",
    "Counts",
    "Pipeline",
    "Report",
    "by_start",
    "cite",
    "create_defaults",
    "even_size",
    "plan_cite",
    "plan_nodes",
    "plan_relationships",
    "upsert_nodes",
    "upsert_relationships",
]
