"""The text of the Lucene queries search sends to the `entity_names` full-text index
(graph/search.py): the user's words, escaped, each in the fields it may match.

The index (migration 14) holds the names as written, each under its own field
(`SURFACE_FIELDS`), and their Estonian lemmas (`LEMMA_FIELD`); a query names its fields,
so the surface query never matches a lemma and the lemma query never a name as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from graph.models.registry import TYPES
from graph.text import fold

_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')
_WORD = re.compile(r"\w+", re.UNICODE)
#: Lucene's boolean operators are only operators in upper case; folded text is lower.
MAX_WORDS: Final = 8
#: Shorter words are left out of the some-word query: as optional words they match too
#: much.
MIN_OPTIONAL: Final = 3

#: The fields of the names as written: every searchable type's names (the model's
#: `searchable`), each a field of the index. A query names them, so that it does not
#: also match `LEMMA_FIELD`.
SURFACE_FIELDS: Final = tuple(
    dict.fromkeys(p for t in TYPES if t.meta.searchable for p in t.searchable)
)
#: The field of each node's `lemmaText` (the folded words and Estonian lemmas of its
#: names, graph/morph.py), so "Töötukassaga" finds Eesti Töötukassa.
LEMMA_FIELD: Final = "lemmaText"


def escape(word: str) -> str:
    """Escape Lucene query syntax in one word."""
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


def in_fields(query: str, fields: Sequence[str]) -> str:
    """`query` in each of `fields`, any of them: ('a OR b', ['x', 'y']) → 'x:(a OR b) OR
    y:(a OR b)' (Lucene's own expansion of a query without a field, over the fields
    named; scored the same)."""
    return " OR ".join(f"{f}:({query})" for f in fields)


def lucene_query(text: str) -> str | None:
    """'Eesti Tööt' → '+(eesti^3 OR eesti* OR eesti~1) +(toot^3 OR toot* OR toot~1)',
    each word in the `SURFACE_FIELDS` (name:(eesti^3 OR …) OR nameEn:(…) …)."""
    words = _WORD.findall(fold(text))[:MAX_WORDS]
    if not words:
        return None
    clauses = []
    for raw in words:
        w = escape(raw)
        parts = [f"{w}^3", f"{w}*"]
        if len(raw) >= 4:
            parts.append(f"{w}~1")
        clauses.append("+(" + in_fields(" OR ".join(parts), SURFACE_FIELDS) + ")")
    return " ".join(clauses)


def lemma_query(
    words: list[tuple[str, tuple[str, ...]]],
    *,
    fuzzy: bool = False,
    every: bool = True,
    field: str = LEMMA_FIELD,
) -> str | None:
    """A query for the lemma index: each word must match as written (exactly, as a
    prefix and, with `fuzzy`, within one edit as `lucene_query` has it) or as one of
    its lemmas, whose parts must all match ('si lab'). Without `every`, each word may
    match, as written or as a lemma but not as a prefix, and words shorter than
    `MIN_OPTIONAL` letters are left out (they would match anything). All of it in the
    index's `field`.
    [('kotoviga', ('kotov',))] → 'lemmaText:(+(kotoviga^3 OR kotoviga* OR kotov^2))'."""
    clauses = []
    for surface, alternatives in words[:MAX_WORDS]:
        if not surface or (not every and len(surface) < MIN_OPTIONAL):
            continue  # a word that folds to nothing ('\ufe70') has nothing to match
        pieces = _WORD.findall(surface)
        if len(pieces) > 1:
            # 'lda-viru': the index's analyzer splits the written word, so each piece
            # must match (written whole, the query would match any one of them)
            head = " AND ".join(escape(w) for w in pieces[:-1])
            parts = [f"({head} AND {escape(pieces[-1])})^3", f"({head} AND {escape(pieces[-1])}*)"]
        else:
            parts = [f"{escape(surface)}^3", f"{escape(surface)}*"]
            if fuzzy and len(surface) >= 4:
                parts.append(f"{escape(surface)}~1")
        parts = parts[: 2 if every else 1] + parts[2:]
        for lemma in alternatives:
            terms = lemma.split()
            if len(terms) == 1:
                parts.append(f"{escape(terms[0])}^2")
            elif terms:
                parts.append("(" + " AND ".join(escape(t) for t in terms) + ")^2")
        clauses.append(("+(" if every else "(") + " OR ".join(parts) + ")")
    return f"{field}:({' '.join(clauses)})" if clauses else None
