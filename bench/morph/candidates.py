"""The morphology candidates, each as the search would use it.

A Python-side candidate turns a word into lemma (or stem) alternatives; the search keeps
them in a `lemmaText` property under a second full-text index and lemmatises the query's
words the same way (graph/search.py `lemma_query`). A Lucene-side candidate is a
full-text analyzer inside Neo4j (neo4j-local/src/main/java/ee/koostoo/neo4jlocal/analyzers):
an index over the same name properties as `entity_names`, queried with the words as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from graph import morph
from graph.lucene import escape


@dataclass(frozen=True)
class Candidate:
    name: str
    #: 'python': lemmas in a property + index; 'lucene': an analyzer inside Neo4j; 'none'
    kind: str
    #: what to pip install (Python-side) or build (Lucene-side)
    package: str
    #: Python-side: the uncached word → lemmas function (for µs/token)
    word_lemmas: Callable[[str], tuple[str, ...]] | None = None
    #: Lucene-side: the analyzer's name
    analyzer: str | None = None

    def cached(self) -> Callable[[str], tuple[str, ...]]:
        assert self.word_lemmas is not None
        return lru_cache(maxsize=1 << 16)(self.word_lemmas)


def _vabamorf(word: str) -> tuple[str, ...]:
    return tuple(morph.word_lemmas.__wrapped__(word))


@lru_cache(maxsize=1)
def _snowball():  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: libstemmer in C, the algorithm of Lucene's EstonianStemmer

    return Stemmer.Stemmer("estonian")


def _pystemmer(word: str) -> tuple[str, ...]:
    return (_snowball().stemWord(word.lower()),)


def _simplemma(word: str) -> tuple[str, ...]:
    import simplemma

    return tuple({simplemma.lemmatize(word, lang="et"), simplemma.lemmatize(word.lower(), "et")})


@lru_cache(maxsize=1)
def _lemmagen_et():  # type: ignore[no-untyped-def]
    import lemmagen3

    return lemmagen3.Lemmatizer("et")


def _lemmagen(word: str) -> tuple[str, ...]:
    return (_lemmagen_et().lemmatize(word.lower()),)


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("today (no morphology)", "none", "-"),
    Candidate("Vabamorf (estnltk 1.7.5)", "python", "estnltk==1.7.5", _vabamorf),
    Candidate("Snowball Estonian (PyStemmer)", "python", "PyStemmer", _pystemmer),
    Candidate("simplemma (et)", "python", "simplemma", _simplemma),
    Candidate("LemmaGen (lemmagen3, et)", "python", "lemmagen3", _lemmagen),
    Candidate(
        "Lucene EstonianAnalyzer in Neo4j", "lucene", "neo4j-local analyzer", analyzer="estonian"
    ),
    Candidate(
        "Lucene Snowball Estonian + folding in Neo4j",
        "lucene",
        "neo4j-local analyzer",
        analyzer="estonian-folding",
    ),
)


lemma_text = morph.lemma_text
query_words = morph.query_words


def analyzer_query(text: str) -> str | None:
    """For an index with a stemming analyzer: each word as typed (lower case, accents kept,
    the analyzer stems the plain term) or as a prefix (folded by the analyzer's normalize)."""
    clauses = []
    for token in morph.tokens(text)[:8]:
        w = escape(token.lower())
        clauses.append(f"+({w}^3 OR {w}*)")
    return " ".join(clauses) or None
