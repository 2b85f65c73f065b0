"""Which existing entity a proposed one is: the one place where ingestion asks the
graph's name matcher, the shared resolver (`graph/resolver.py`: id, registry code, a
name or alias, a name in lemma form so that 'Töötukassaga' finds 'Eesti Töötukassa',
then ranked search).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from graph import resolver
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
    #: the text names it: its id, registry code, one of its names or aliases (under
    #: `normalise_name`), or one of those in lemma form
    exact: bool


async def candidates(graph: Graph, text: str, types: list[str]) -> list[Candidate]:
    """The existing entities of `types` that `text` may name, best first; `exact` for
    those the resolver says the text names (by id, registry code, a name or a name in
    lemma form)."""
    wanted = [t for t in types if t in NAMED_LABELS]
    if not wanted or not text.strip():
        return []
    found = await resolver.resolve(graph, text[:200], wanted, first=KEPT * 2, partial=False)
    return [
        Candidate(c.id, c.label, c.name, c.score, c.match in resolver.DECISIVE)
        for c in found[:KEPT]
    ]


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
