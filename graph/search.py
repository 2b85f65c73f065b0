"""Ranked search over names and aliases, accent-insensitive, Cyrillic too.

Two matchers, merged in one query:

- the `entity_names` full-text index (Lucene, `standard-folding` analyzer) over the
  names as written (graph/lucene.py `SURFACE_FIELDS`): every word of the user's text
  must match, exactly (boosted), as a prefix (typing as you go) or, for words of four
  letters or more, within one edit (typos);
- the folded `searchText` property (graph/text.py `fold`; TEXT index
  `entity_search_text`, migration 4): a substring match. The
  analyzer folds Latin diacritics but not Cyrillic `ё`, and `fold` maps `ё` to `е` on
  both sides, so 'шахтерский' finds 'Шахтёрский'. It also finds text inside words.

- the same index's `lemmaText` field (graph/lucene.py `LEMMA_FIELD`, migration 14;
  before it a second index), the folded words and Estonian lemmas of every name
  (graph/morph.py, Vabamorf): a name in any of the fourteen cases finds its entity
  ("Kaie Kotoviga" → Kaie Kotov). It runs when some word of the text has a lemma other
  than itself; a text whose whole is one of a node's names in lemma form (`lemmaKeys`)
  gives that node a bonus, so "Töötukassaga" is Töötukassa before an event named
  "Töötukassaga kohtumine".

Every word of the text must match. When that finds nothing, a text of several words is
searched again with every word optional ("kohtumine Töötukassaga" → Töötukassa): nodes
matching more words rank higher, and a node one of whose names is a run of the text's
words, in lemma form, gets a share of the bonus.

The user's text is folded and split into words first; any Lucene syntax left in a word
is escaped, so no input can change the query's structure.

All of it is one statement (`search_window`): the every-word search, and the some-word
search only when the first found nothing. The compiled reads (`graph/compiled`) embed
the same statement, so both executors rank alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from neo4j import AsyncManagedTransaction
from pydantic import BaseModel, ConfigDict

from graph.driver import Graph
from graph.errors import InvalidInput
from graph.labels import NAMED_LABELS
from graph.lucene import MAX_WORDS, lemma_query, lucene_query
from graph.models.common import Stored
from graph.models.registry import to_model
from graph.morph import inflected, keys_of, query_words, word_alternatives
from graph.props import all_props
from graph.text import fold

#: Added to the score of a `searchText` substring match (full-text scores are ~0.1–10).
SUBSTRING_SCORE: Final = 0.5
EXACT_BONUS: Final = 5.0

#: The one full-text index (migrations 3 and 14). One index, not one for the names and
#: one for their lemmas: every write that names an entity commits each full-text index
#: it touches, and that commit, not the query, is what a second index cost (measured
#: for issue 23: creates at 16 at a time, about half the throughput).
NAMES_INDEX: Final = "entity_names"
#: The weight of the lemma field's hits (graph/lucene.py `LEMMA_FIELD`) beside the
#: names' hits (when both run).
LEMMA_WEIGHT: Final = 0.5
#: Added when the whole text is one of the node's names in lemma form (graph/morph.py
#: `lemma_keys`, kept in `lemmaKeys`): "Töötukassaga" is Töötukassa, above an event
#: named "Töötukassaga kohtumine" and above "Tartu Ülikooli Narva Kolledž" for "Tartu
#: Ülikoolis" (whose surface matches it within one edit: full-text scores reach ~20).
#: A name equal to the text as written gets it too, on top of EXACT_BONUS.
LEMMA_EXACT_BONUS: Final = 10.0

_NAMES = """
  CALL db.index.fulltext.queryNodes('entity_names', $lucene, {limit: $pool})
  YIELD node, score
  RETURN node,
         score + CASE WHEN node.searchText CONTAINS $folded THEN $substring ELSE 0.0 END AS score
"""
_LEMMAS = """
  CALL db.index.fulltext.queryNodes($lemmaIndex, $lemmaQuery, {limit: $pool})
  YIELD node, score
  RETURN node,
         score * $lemmaWeight
         + CASE WHEN node.searchText CONTAINS $folded THEN $substring ELSE 0.0 END AS score
"""
#: The substring matcher finds thousands of nodes for a common word (2,888 for
#: 'tervise' on the benchmark's M graph). Its branch keeps the first `$pool` of the
#: wanted types, exact names first, then by sortKey: every node it leaves out ranks
#: below `$pool` others (all score at least as high and sort before it), so the top
#: `first` are unchanged. The full-text hits carry their own substring bonus, so `max`
#: gives a node found both ways the same score as a sum over both branches did.
_SUBSTRING = """
  MATCH (node:Entity)
  WHERE node.searchText CONTAINS $folded AND any(l IN labels(node) WHERE l IN $types)
  WITH node ORDER BY node.sortKey = $folded DESC, node.sortKey, node.id LIMIT $pool
  RETURN node, $substring AS score
"""

#: The entity whose id is `$id`, the organisation whose registry code is `$code`
#: (graph/resolver.py: in the same query as the rest, one round trip per keystroke).
_BY_ID = """
  MATCH (node:Entity {id: $id})
  RETURN node, $keyScore AS score
"""
_BY_CODE = """
  MATCH (node:Organisation {registryCode: $code})
  RETURN node, $keyScore AS score
"""
#: Their score: above any the matchers give (full-text scores stay below ~40).
KEY_SCORE: Final = 100.0


def _search(*branches: str) -> str:
    return f"""
CALL () {{{"  UNION ALL".join(branches)}}}
WITH node, max(score) AS score
WITH node, score + CASE WHEN node.sortKey = $folded THEN $exact ELSE 0.0 END
                  + reduce(b = 0.0, kb IN $keyBonus |
                           CASE WHEN kb[1] > b AND kb[0] IN node[$keysProperty]
                                THEN kb[1] ELSE b END) AS score,
     [l IN labels(node) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL AND (label IN $types)
WITH node, label, score
ORDER BY score DESC, node.sortKey, node.id
LIMIT $first
RETURN {all_props("node")} AS node, label, score
"""


SEARCH = _search(_NAMES, _SUBSTRING)
#: Both full-text indexes (prototype, measured in bench/morph/: three branches).
SEARCH_WITH_LEMMAS = _search(_NAMES, _LEMMAS, _SUBSTRING)
#: The lemma index in place of `entity_names` (its text holds the surface words too,
#: and its query the exact, prefix and fuzzy surface clauses): two branches, as today.
SEARCH_LEMMAS_ALONE = _search(_LEMMAS, _SUBSTRING)
#: SEARCH that also finds the node by id or registry code (bench/morph/).
SEARCH_BY_KEY = _search(_BY_ID, _BY_CODE, _NAMES, _SUBSTRING)

#: Every word optional (the fallback when every word required found nothing).
SEARCH_ANY_WORD = _search(_LEMMAS)


def _top(p: str, branches: list[str], bonus: str) -> str:
    """The best `first` of the union of `branches` as rows `node`, `label`, `score`
    (`_search`'s ranking, with parameters prefixed by `p`; `bonus` the lemma-key
    bonus parameter)."""
    return f"""
CALL () {{{"  UNION ALL".join(branches)}}}
WITH node, max(score) AS score
WITH node, score + CASE WHEN node.sortKey = ${p}folded THEN ${p}exact ELSE 0.0 END
                  + reduce(b = 0.0, kb IN ${p}{bonus} |
                           CASE WHEN kb[1] > b AND kb[0] IN node.lemmaKeys
                                THEN kb[1] ELSE b END) AS score,
     [l IN labels(node) WHERE l IN ${p}labels][0] AS label
WHERE label IS NOT NULL AND (label IN ${p}types)
WITH node, label, score
ORDER BY score DESC, node.sortKey, node.id
LIMIT ${p}first
"""


def search_window(p: str = "") -> str:
    """The hits of a search as rows `node`, `label`, `score`, `everyWord`, best first,
    in one statement: every word required (names, lemmas when the text is inflected,
    substring; the entity with the id `$id` and the organisation with the registry code
    `$code`, scored `KEY_SCORE`), and, only when that finds nothing, every word optional
    (`ranked`'s widening). Parameters (`search_params`) are named with the prefix `p`. Shared by
    `ranked` and the compiled reads (`graph/compiled`)."""
    names = f"""
  CALL db.index.fulltext.queryNodes('{NAMES_INDEX}', ${p}lucene, {{limit: ${p}pool}})
  YIELD node, score
  RETURN node,
         score + CASE WHEN node.searchText CONTAINS ${p}folded THEN ${p}substring ELSE 0.0 END
           AS score
"""

    def lemmas(query: str) -> str:
        return f"""
  WITH ${p}{query} AS query WHERE query IS NOT NULL
  CALL db.index.fulltext.queryNodes('{NAMES_INDEX}', query, {{limit: ${p}pool}})
  YIELD node, score
  RETURN node,
         score * ${p}lemmaWeight
         + CASE WHEN node.searchText CONTAINS ${p}folded THEN ${p}substring ELSE 0.0 END AS score
"""

    substring = f"""
  MATCH (node:Entity)
  WHERE node.searchText CONTAINS ${p}folded AND any(l IN labels(node) WHERE l IN ${p}types)
  WITH node ORDER BY node.sortKey = ${p}folded DESC, node.sortKey, node.id LIMIT ${p}pool
  RETURN node, ${p}substring AS score
"""
    by_id = f"""
  MATCH (node:Entity {{id: ${p}id}})
  RETURN node, ${p}keyScore AS score
"""
    by_code = f"""
  MATCH (node:Organisation {{registryCode: ${p}code}})
  RETURN node, ${p}keyScore AS score
"""
    every = _top(p, [by_id, by_code, names, lemmas("lemmaQuery"), substring], "keyBonus")
    some = _top(p, [lemmas("anyQuery")], "anyKeyBonus")
    return f"""
CALL () {{{every}  RETURN collect({{node: node, label: label, score: score}}) AS every
}}
CALL (every) {{
  WITH every WHERE size(every) = 0 AND ${p}anyQuery IS NOT NULL{some}
  RETURN collect({{node: node, label: label, score: score}}) AS some
}}
UNWIND CASE WHEN size(every) > 0 THEN every ELSE some END AS hit
WITH hit.node AS node, hit.label AS label, hit.score AS score, size(every) > 0 AS everyWord
"""


#: The order of `search_window`'s rows (to restore it after work done per row).
SEARCH_ORDER: Final = "score DESC, node.sortKey, node.id"

#: `ranked`'s statement: one record, its hits in order (the async driver's cost per
#: record, not Neo4j, was most of the reading: ~0.15 ms for each of 20 hits).
RANKED = search_window() + (
    f"RETURN collect({{node: {all_props('node')}, label: label, score: score, "
    "everyWord: everyWord, "
    "lemmaHit: any(k IN $matchKeys WHERE k IN coalesce(node.lemmaKeys, []))}) AS hits"
)


def search_params(
    text: str,
    types: list[str] | None,
    first: int,
    p: str = "",
    *,
    widen: bool = True,
    by_id: str | None = None,
    by_code: str | None = None,
) -> dict[str, Any] | None:
    """The parameters of `search_window` (named with the prefix `p`), or None when the
    text has no word to look for (no hits); without `widen`, no some-word search;
    `by_id`, `by_code`: the entity with that id and the organisation with that registry
    code are hits too (graph/resolver.py).
    `InvalidInput` for a text over 200 characters or a type that is not searchable."""
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
    words = query_words(text)
    some = lemma_query(words, every=False) if widen and len(words) >= 2 else None
    params: dict[str, Any] = {
        "lucene": lucene,
        "folded": folded,
        "lemmaQuery": lemma_query(words) if inflected(words) else None,
        "anyQuery": some,
        "lemmaWeight": LEMMA_WEIGHT,
        "keyBonus": [list(k) for k in key_bonus(text)],
        "anyKeyBonus": [list(k) for k in key_bonus(text, runs=True)] if some else [],
        "pool": max(first * 5, 50),
        "substring": SUBSTRING_SCORE,
        "exact": EXACT_BONUS,
        "labels": list(NAMED_LABELS),
        "types": wanted,
        "first": first,
        "id": by_id,
        "code": by_code,
        "keyScore": KEY_SCORE,
    }
    return {p + k: v for k, v in params.items()}


#: Every name (not `nameEn`) of every named node, and its English name apart (bench/morph/).
NAMES_OF_NAMED_NODES = """
MATCH (n:Entity) WHERE any(l IN labels(n) WHERE l IN $labels)
RETURN n.id AS id, [x IN [n.name, n.title, n.shortName] WHERE x IS NOT NULL]
       + coalesce(n.aliases, []) AS names, n.nameEn AS nameEn
"""


def key_bonus(text: str, *, runs: bool = False) -> list[tuple[str, float]]:
    """The lemma keys of `text` with the bonus a node gets for having one of them as a
    name's key: the whole text the full `LEMMA_EXACT_BONUS`; with `runs`, also every run
    of its consecutive words, a share as large as the run's share of the words
    ('kohtumine Töötukassaga' → … ('tootukassa', 5.0) …)."""
    words = word_alternatives(text)
    whole = [(k, LEMMA_EXACT_BONUS) for k in keys_of(words)]
    if not runs:
        return whole
    words = words[:MAX_WORDS]
    bonus = dict(whole)
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            share = LEMMA_EXACT_BONUS * size / len(words)
            for key in keys_of(words[start : start + size]):
                bonus.setdefault(key, share)
    return list(bonus.items())


class Hit(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    node: Stored
    label: str
    score: float
    #: one of the node's names in lemma form is one of `ranked`'s `match_keys`
    lemma_hit: bool = False


class Ranked(BaseModel):
    """The hits of a search, and whether each matched every word of the text (or, the
    text widened, some)."""

    model_config = ConfigDict(frozen=True)

    hits: list[Hit]
    every_word: bool = True


async def search(
    graph: Graph,
    text: str,
    *,
    types: list[str] | None = None,
    first: int = 20,
    morphology: bool = True,
) -> list[Hit]:
    """The best `first` entities whose names or aliases match `text`, best first: a name
    in any case finds its entity ("Kaie Kotoviga" → Kaie Kotov); when no entity matches
    every word, those that match some do ("kohtumine Töötukassaga" → Töötukassa).
    `morphology=False`: the surface matchers alone (as before issue 24; for comparison)."""
    found = await ranked(graph, text, types=types, first=first, morphology=morphology)
    return found.hits


async def ranked(
    graph: Graph,
    text: str,
    *,
    types: list[str] | None = None,
    first: int = 20,
    morphology: bool = True,
    widen: bool = True,
    by_id: str | None = None,
    by_code: str | None = None,
    match_keys: Sequence[str] = (),
) -> Ranked:
    """`search`, saying whether the hits match every word; without `widen`, a text no
    entity matches in every word finds nothing. `by_id`, `by_code`: the entity with that
    id and the organisation with that registry code are hits too, scored `KEY_SCORE`
    (graph/resolver.py), found in the same query. `match_keys`: lemma keys (the text's)
    each hit says whether one of its names has (`Hit.lemma_hit`), from its stored
    `lemmaKeys` rather than by analysing its names again."""
    if not morphology:
        params = search_params(text, types, first, widen=False)
        if params is None:
            return Ranked(hits=[])
        return Ranked(
            hits=await run(
                graph,
                lucene=params["lucene"],
                folded=params["folded"],
                types=params["types"],
                first=first,
                by_id=by_id,
                by_code=by_code,
            )
        )
    params = search_params(text, types, first, widen=widen, by_id=by_id, by_code=by_code)
    if params is None:
        return Ranked(hits=[])
    params["matchKeys"] = list(match_keys)

    async def work(tx: AsyncManagedTransaction) -> Ranked:
        rows = (await (await tx.run(RANKED, params)).single(strict=True))["hits"]
        return Ranked(
            hits=[
                Hit(
                    node=to_model(r["label"], r["node"]),
                    label=r["label"],
                    score=r["score"],
                    lemma_hit=r["lemmaHit"],
                )
                for r in rows
            ],
            every_word=all(r["everyWord"] for r in rows),
        )

    return await graph.read(work)


async def run(
    graph: Graph,
    *,
    lucene: str,
    folded: str,
    types: list[str],
    first: int,
    lemmas: tuple[str, str] | None = None,
    keys: list[tuple[str, float]] | None = None,
    lemma_weight: float = LEMMA_WEIGHT,
    keys_property: str = "lemmaKeys",
    alone: bool = False,
    any_word: bool = False,
    by_id: str | None = None,
    by_code: str | None = None,
) -> list[Hit]:
    """The ranked query itself. `lemmas`: (full-text index, its query) for the lemma
    branch; `keys`: lemma keys and the bonus a node with one of them gets (`key_bonus`);
    `alone`: the lemma index in place of `entity_names` (bench/morph/); `any_word`: the
    lemma branch alone, its query's words optional; `by_id`, `by_code`: as `ranked`
    (with the surface matchers alone)."""
    lemma_index, lemma_q = lemmas or ("", "")
    statement = SEARCH_BY_KEY if by_id is not None or by_code is not None else SEARCH
    if any_word:
        statement = SEARCH_ANY_WORD
    elif lemmas:
        statement = SEARCH_LEMMAS_ALONE if alone else SEARCH_WITH_LEMMAS

    async def work(tx: AsyncManagedTransaction) -> list[Hit]:
        result = await tx.run(
            statement,
            lucene=lucene,
            folded=folded,
            lemmaIndex=lemma_index,
            lemmaQuery=lemma_q,
            keysProperty=keys_property,
            lemmaWeight=lemma_weight,
            keyBonus=[list(k) for k in keys or []],
            pool=max(first * 5, 50),
            substring=SUBSTRING_SCORE,
            exact=EXACT_BONUS,
            labels=list(NAMED_LABELS),
            types=types,
            first=first,
            id=by_id,
            code=by_code,
            keyScore=KEY_SCORE,
        )
        return [
            Hit(node=to_model(r["label"], r["node"]), label=r["label"], score=r["score"])
            async for r in result
        ]

    return await graph.read(work)
