"""One resolver from a name as people write it to the entities it may mean.

`resolve(graph, text, types)` tries, in this order, and returns every candidate with how
it matched and a score, best first:

1. `ID`: the text is an entity's id;
2. `REGISTRY_CODE`: the text is an organisation's business-register code
   (`registryCode`, eight digits);
3. `NAME`: one of the entity's names (name or title, short name, English name, an
   alias) is the text under `graph.text.normalise_name` (case, accents, spacing,
   punctuation and legal-form words ignored: "MTÜ „Seltsiks Sinule“" is "Seltsiks
   Sinule");
4. `LEMMA`: one of its names in lemma form is the text in lemma form (graph/morph.py):
   "Sotsiaalkindlustusametiga", "Kaie Kotoviga";
5. `FUZZY`: ranked search (graph/search.py) found it by every word, as a prefix, within
   an edit or by a lemma: "Tööttukassa" → Eesti Töötukassa, not the same name;
6. `PARTIAL` (with `partial`): no entity has every word, this one has some
   ("kohtumine Töötukassaga" → Töötukassa).

`decide(candidates)` is the one entity the text means, or None: the best kind of match
must be LEMMA or better and held by one candidate alone, so near-equals are never
picked silently; `similar(candidates)` are those a new entity of that name would
duplicate. The importers, GraphQL `search` (the explorer's pickers) and the document
ingestion use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from graph import search as ranked
from graph.driver import Graph
from graph.labels import NAMED_LABELS
from graph.models.common import Stored, is_entity_id
from graph.morph import lemma_keys
from graph.text import normalise_name


class Match(StrEnum):
    """How a candidate matched, best first."""

    ID = "ID"
    REGISTRY_CODE = "REGISTRY_CODE"
    NAME = "NAME"
    LEMMA = "LEMMA"
    FUZZY = "FUZZY"
    PARTIAL = "PARTIAL"


_RANK: Final = {m: i for i, m in enumerate(Match)}
#: The matches that say which entity a text is (the rest only resemble it).
DECISIVE: Final = frozenset({Match.ID, Match.REGISTRY_CODE, Match.NAME, Match.LEMMA})
#: The matches a new entity named like the text would duplicate.
SIMILAR: Final = frozenset({Match.NAME, Match.LEMMA, Match.FUZZY})
#: What a business-register code looks like (`Organisation.registryCode`).
REGISTRY_CODE: Final = re.compile(r"[0-9]{8}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entity a text may mean: how it matched and its search score (higher is
    better; comparable within one `resolve`)."""

    node: Stored
    label: str
    match: Match
    score: float

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def name(self) -> str:
        return str(_names(self.node)[0] if _names(self.node) else self.node.id)

    def describe(self) -> str:
        """ "'Eesti Töötukassa' (organisation tootukassa)"."""
        return f"{self.name!r} ({self.label.lower()} {self.id})"


def _names(node: Stored) -> list[str]:
    """Every name of a node, its name (or title) first."""
    out = [getattr(node, "name", None) or getattr(node, "title", None)]
    out += [getattr(node, "short_name", None), getattr(node, "name_en", None)]
    out += getattr(node, "aliases", None) or []
    return [n for n in out if isinstance(n, str) and n]


#: A letter written three times running: Estonian never does (Vabamorf reads
#: "Sotsiaalministeeeriumi" as "sotsiaalministeerium"), so a name matched that way is a
#: typo ("did you mean"), not the entity's name in another case.
_TRIPLED: Final = re.compile(r"(\w)\1\1")


def _match_keys(text: str) -> list[str]:
    """The text's lemma keys a hit's names are matched against (none for a typo)."""
    return [] if _TRIPLED.search(text.lower()) else lemma_keys(text)


def _matcher(text: str, *, every_word: bool = True) -> Callable[[ranked.Hit], Match]:
    """How a search hit matched `text`: by a name, a name in lemma form (the search
    says so: `Hit.lemma_hit`, from the node's stored `lemmaKeys`), or else by ranked
    search (every word, or with `every_word` False some)."""
    key = normalise_name(text)
    otherwise = Match.FUZZY if every_word else Match.PARTIAL

    def kind(hit: ranked.Hit) -> Match:
        if key and any(normalise_name(n) == key for n in _names(hit.node)):
            return Match.NAME
        return Match.LEMMA if hit.lemma_hit else otherwise

    return kind


async def resolve(
    graph: Graph,
    text: str,
    types: Iterable[str] | None = None,
    *,
    first: int = 10,
    partial: bool = True,
) -> list[Candidate]:
    """The entities of `types` (default: every searchable type) that `text` may mean,
    best first (by kind of match, then score), at most `first`. Without `partial`, only
    entities that match every word of the text."""
    wanted = list(types) if types else list(NAMED_LABELS)
    key = text.strip()
    code = key if "Organisation" in wanted and REGISTRY_CODE.fullmatch(key) else None
    found = await ranked.ranked(
        graph,
        text,
        types=wanted,
        first=first,
        widen=partial,
        by_id=key if is_entity_id(key) else None,
        by_code=code,
        match_keys=_match_keys(text),
    )
    kind = _matcher(text, every_word=found.every_word)
    out = []
    for hit in found.hits:
        if hit.node.id == key:
            match = Match.ID
        elif code is not None and getattr(hit.node, "registry_code", None) == code:
            match = Match.REGISTRY_CODE
        else:
            match = kind(hit)
        out.append(Candidate(hit.node, hit.label, match, hit.score))
    return sorted(out, key=lambda c: (_RANK[c.match], -c.score))


def decide(candidates: list[Candidate]) -> Candidate | None:
    """The entity the text means: the one candidate with the best kind of match, if
    that kind says which entity it is (LEMMA or better); None when there is none, or
    two or more match as well (near-equals are never picked)."""
    if not candidates or candidates[0].match not in DECISIVE:
        return None
    best = [c for c in candidates if c.match is candidates[0].match]
    return best[0] if len(best) == 1 else None


def similar(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates a new entity named like the text would duplicate."""
    return [c for c in candidates if c.match in SIMILAR]


def did_you_mean(candidates: list[Candidate], *, most: int = 3) -> str:
    """ "; did you mean 'Eesti Töötukassa' (organisation tootukassa)?" or ""."""
    if not candidates:
        return ""
    listed = " or ".join(c.describe() for c in candidates[:most])
    return f"; did you mean {listed}?"
