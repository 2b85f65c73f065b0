"""Which existing entity a proposed one is: the one place where ingestion asks the
graph's name matcher.

Today this is `graph/search.py`'s ranked search (full-text and folded substring over
names and aliases); the shared Estonian-aware resolver of issue 24 (lemmas, so that
'Töötukassaga' finds 'Eesti Töötukassa') replaces the `search.search` call in
`candidates` when it lands — nothing else in `graph/ingest/` asks for names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graph import search
from graph.driver import Graph
from graph.labels import NAMED_LABELS
from graph.text import normalise_name

#: Candidates kept for the reviewer's "merge into an existing entity".
KEPT: Final = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    label: str
    name: str
    score: float
    #: one of the entity's names or aliases is the text (under `normalise_name`)
    exact: bool


def _names(node: object) -> list[str]:
    values = [getattr(node, a, None) for a in ("name", "title", "short_name", "name_en")]
    aliases = getattr(node, "aliases", None) or []
    return [v for v in (*values, *aliases) if isinstance(v, str) and v]


async def candidates(graph: Graph, text: str, types: list[str]) -> list[Candidate]:
    """The existing entities of `types` that `text` may name, best first."""
    wanted = [t for t in types if t in NAMED_LABELS]
    if not wanted or not text.strip():
        return []
    hits = await search.search(graph, text[:200], types=wanted, first=KEPT * 2)
    key = normalise_name(text)
    out = []
    for hit in hits:
        names = _names(hit.node)
        exact = any(normalise_name(n) == key for n in names)
        out.append(
            Candidate(hit.node.id, hit.label, names[0] if names else hit.node.id, hit.score, exact)
        )
    out.sort(key=lambda c: (not c.exact, -c.score))
    return out[:KEPT]


def same(text: str, found: list[Candidate]) -> Candidate | None:
    """The candidate `text` surely names: one with that exact name or alias, or the only
    one whose name ends with the text as whole words ('Töötukassa' → 'Eesti
    Töötukassa')."""
    exact = [c for c in found if c.exact]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    key = normalise_name(text)
    tails = [c for c in found if normalise_name(c.name).endswith(" " + key)]
    return tails[0] if len(tails) == 1 and len(key) >= 5 else None
