"""Ranked search over names and aliases, accent-insensitive, Cyrillic too.

Two matchers, merged in one query:

- the `entity_names` full-text index (Lucene, `standard-folding` analyzer): every
  word of the user's text must match, exactly (boosted), as a prefix (typing as you go)
  or, for words of four letters or more, within one edit (typos);
- the folded `searchText` property (graph/text.py `fold`; TEXT index
  `entity_search_text`, migration 4): a substring match. The
  analyzer folds Latin diacritics but not Cyrillic `ё`, and `fold` maps `ё` to `е` on
  both sides, so 'шахтерский' finds 'Шахтёрский'. It also finds text inside words.

The user's text is folded and split into words first; any Lucene syntax left in a word
is escaped, so no input can change the query's structure.
"""

from __future__ import annotations

import re
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.driver import Graph
from graph.errors import InvalidInput
from graph.labels import NAMED_LABELS
from graph.models.common import Stored
from graph.models.registry import to_model
from graph.props import all_props
from graph.text import fold

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')
_WORD = re.compile(r"\w+", re.UNICODE)
#: Lucene's boolean operators are only operators in upper case; folded text is lower.
MAX_WORDS: Final = 8
#: Added to the score of a `searchText` substring match (full-text scores are ~0.1–10).
SUBSTRING_SCORE: Final = 0.5
EXACT_BONUS: Final = 5.0


#: The substring matcher finds thousands of nodes for a common word (2,888 for
#: 'tervise' on the benchmark's M graph). Its branch keeps the first `$pool` of the
#: wanted types, exact names first, then by sortKey: every node it leaves out ranks
#: below `$pool` others (all score at least as high and sort before it), so the top
#: `first` are unchanged. The full-text hits carry their own substring bonus, so `max`
#: gives a node found both ways the same score as a sum over both branches did.
def search_window(p: str = "") -> str:
    """The hits of a search as rows `node`, `label`, `score`, best first; parameters
    (`search_params`) named with the prefix `p`. Shared by `search` and the compiled
    reads (`graph/compiled`)."""
    return f"""
CALL () {{
  CALL db.index.fulltext.queryNodes('entity_names', ${p}lucene, {{limit: ${p}pool}})
  YIELD node, score
  RETURN node,
         score + CASE WHEN node.searchText CONTAINS ${p}folded THEN ${p}substring ELSE 0.0 END
           AS score
  UNION ALL
  MATCH (node:Entity)
  WHERE node.searchText CONTAINS ${p}folded AND any(l IN labels(node) WHERE l IN ${p}types)
  WITH node ORDER BY node.sortKey = ${p}folded DESC, node.sortKey, node.id LIMIT ${p}pool
  RETURN node, ${p}substring AS score
}}
WITH node, max(score) AS score
WITH node, score + CASE WHEN node.sortKey = ${p}folded THEN ${p}exact ELSE 0.0 END AS score,
     [l IN labels(node) WHERE l IN ${p}labels][0] AS label
WHERE label IS NOT NULL AND (label IN ${p}types)
WITH node, label, score
ORDER BY score DESC, node.sortKey, node.id
LIMIT ${p}first
"""


#: The order of `search_window`'s rows (to restore it after work done per row).
SEARCH_ORDER: Final = "score DESC, node.sortKey, node.id"

SEARCH = search_window() + f"RETURN {all_props('node')} AS node, label, score"


def search_params(
    text: str, types: list[str] | None, first: int, p: str = ""
) -> dict[str, Any] | None:
    """The parameters of `search_window` (named with the prefix `p`), or None when the
    text has no word to look for (no hits). `InvalidInput` for a text over 200
    characters or a type that is not searchable."""
    if len(text) > 200:
        raise InvalidInput([("text", "at most 200 characters")])
    wanted = list(types) if types else list(NAMED_LABELS)
    unknown = [t for t in wanted if t not in NAMED_LABELS]
    if unknown:
        raise InvalidInput(
            [("types", f"not searchable: {', '.join(unknown)}; use {', '.join(NAMED_LABELS)}")]
        )
    folded = fold(text)
    lucene = lucene_query(text)
    if lucene is None or not folded:
        return None
    params = {
        "lucene": lucene,
        "folded": folded,
        "pool": max(first * 5, 50),
        "substring": SUBSTRING_SCORE,
        "exact": EXACT_BONUS,
        "labels": list(NAMED_LABELS),
        "types": wanted,
        "first": first,
    }
    return {p + k: v for k, v in params.items()}


def escape(word: str) -> str:
    """Escape Lucene query syntax in one word."""
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


def lucene_query(text: str) -> str | None:
    """'Eesti Tööt' → '+(eesti^3 OR eesti* OR eesti~1) +(toot^3 OR toot* OR toot~1)'."""
    words = _WORD.findall(fold(text))[:MAX_WORDS]
    if not words:
        return None
    clauses = []
    for raw in words:
        w = escape(raw)
        parts = [f"{w}^3", f"{w}*"]
        if len(raw) >= 4:
            parts.append(f"{w}~1")
        clauses.append("+(" + " OR ".join(parts) + ")")
    return " ".join(clauses)


class Hit(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    node: Stored
    label: str
    score: float


async def search(
    graph: Graph, text: str, *, types: list[str] | None = None, first: int = 20
) -> list[Hit]:
    """The best `first` entities whose names or aliases match `text`, best first."""
    params = search_params(text, types, first)
    if params is None:
        return []

    async def work(tx: AsyncManagedTransaction) -> list[Hit]:
        result = await tx.run(SEARCH, params)
        return [
            Hit(node=to_model(r["label"], r["node"]), label=r["label"], score=r["score"])
            async for r in result
        ]

    return await graph.read(work)
