"""Estonian lemmas for search, from Vabamorf (the analyser inside EstNLTK).

"Sotsiaalkindlustusametiga" → ['sotsiaalkindlustusamet'], "Kaie Kotoviga" → ['kaie',
'kotov']: names, aliases and queries are reduced to their dictionary forms, so a name
written in any of the fourteen cases finds the entity (bench/morph/ measured the choice).

Only Vabamorf's compiled extension and its lexicon are loaded, straight from the
installed `estnltk` wheel: importing the `estnltk` package itself would pull in pandas,
NLTK and more (3.9 s and ~1,800 modules against 0.5 s and a few), and its sentence
tokenizer wants NLTK data that cannot be downloaded here. Tokens are our own.

Every analysis of a word counts (no disambiguation: a name has no sentence around it),
and a word is analysed as written and, when written in lower case, capitalised too, so
that an unknown proper noun typed in lower case ("kotoviga") is guessed as one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from graph.errors import Unavailable
from graph.text import LEGAL_FORMS, fold

#: A word as the analyser wants it: letters and digits, with inner hyphens and
#: apostrophes kept ("Si-Labiga", "SEV-iga", "Anu-Mall", "SEV'iga").
_TOKEN: Final = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
#: The parts of a lemma as the search indexes split it ("si-lab" → "si", "lab").
_PART: Final = re.compile(r"\w+", re.UNICODE)
#: Vabamorf's markers inside a root: compound joints, phonetic marks.
_MARKERS: Final = re.compile(r"[_+=~?\]<]")
#: Words longer than this are not analysed (Vabamorf's own limit is about 100 letters).
MAX_WORD: Final = 60

_lock = threading.Lock()

#: A word → its lemmas (any case, any accents): Vabamorf's here, others' in bench/morph/.
WordLemmas = Callable[[str], tuple[str, ...]]


class MorphUnavailable(Unavailable):
    """The Estonian analyser is not installed or its lexicon is missing."""


@lru_cache(maxsize=1)
def _extension() -> tuple[Any, Path]:
    """Vabamorf's compiled module and its newest lexicon directory."""
    spec = importlib.util.find_spec("estnltk")
    if spec is None or spec.origin is None:
        raise MorphUnavailable(
            "the Estonian analyser is not installed: pip install --no-deps 'estnltk==1.7.5' "
            "(or the extra koostoo[morph])"
        )
    package = Path(spec.origin).parent / "vabamorf"
    built = sorted(package.glob("_vabamorf*.so")) + sorted(package.glob("_vabamorf*.pyd"))
    lexicons = sorted(p for p in (package / "dct").glob("*_sp") if (p / "et.dct").is_file())
    if not built or not lexicons:
        raise MorphUnavailable(f"no Vabamorf extension or lexicon under {package}")
    loader = importlib.machinery.ExtensionFileLoader("_vabamorf", str(built[0]))
    module_spec = importlib.util.spec_from_file_location("_vabamorf", built[0], loader=loader)
    assert module_spec is not None
    module = importlib.util.module_from_spec(module_spec)
    loader.exec_module(module)
    return module, lexicons[-1]  # directories are named by date: the newest


@lru_cache(maxsize=1)
def engine() -> Any:
    """The one Vabamorf analyser of this process (its C++ state is global, so one)."""
    module, lexicon = _extension()
    return module.Vabamorf(str(lexicon / "et.dct"), str(lexicon / "et3.dct"))


def tokens(text: str) -> list[str]:
    """The words of `text` as written (case and accents kept: the analyser needs them);
    not a word that folds to nothing ('\ufe70'): it has nothing to match."""
    return [t for t in _TOKEN.findall(text) if len(t) <= MAX_WORD and _PART.search(fold(t))]


def _lemma(root: str, partofspeech: str) -> str:
    lemma = _MARKERS.sub("", root)
    return lemma + "ma" if partofspeech == "V" and lemma not in ("ei", "ära") else lemma


@lru_cache(maxsize=1 << 16)
def word_lemmas(word: str) -> tuple[str, ...]:
    """Every lemma Vabamorf gives `word` (guessing unknown words), folded, distinct."""
    variants = [word]
    if word.islower():
        variants.append(word.capitalize())
    words = _extension()[0].StringVector(variants)
    with _lock:  # one analyser, not re-entrant
        # (words, disambiguate, guess, phonetic marks, proper names, stems): phonetic
        # marks would only be stripped again, and cost three quarters of the time
        analysed = engine().analyze(words, False, True, False, True, False)
    found: dict[str, None] = {}
    for _, analyses in analysed:
        for a in analyses:
            lemma = fold(_lemma(a.root, a.partofspeech))
            if lemma:
                found[lemma] = None
    return tuple(found) or (fold(word),)


def lemmas(text: str, word_lemmas: WordLemmas = word_lemmas) -> list[str]:
    """The distinct lemma parts of every word of `text`, folded, in order of appearance:
    'Kaie Kotoviga' → ['kaie', 'kotov']; 'SEV-iga' → ['sev']."""
    out: dict[str, None] = {}
    for token in tokens(text):
        for lemma in word_lemmas(token):
            for part in _PART.findall(fold(lemma)):
                out[part] = None
    return list(out)


def folded_words(text: str) -> list[str]:
    """The words of `text` folded, as the lemma index splits them ('Fund, Estonian' →
    ['fund', 'estonian']): for names that are not Estonian."""
    return _PART.findall(fold(text))


def lemma_text(names: list[str], word_lemmas: WordLemmas = word_lemmas) -> str:
    """What the lemma index holds for a node: the folded words of its names and their
    lemmas, each once ('Kaie Kotov' → 'kaie kotov'; 'Töötukassa' → 'tootukassa')."""
    out: dict[str, None] = {}
    for name in names:
        for token in tokens(name):
            out.update(dict.fromkeys(_PART.findall(fold(token))))
        out.update(dict.fromkeys(lemmas(name, word_lemmas)))
    return " ".join(out)


def query_words(
    text: str, word_lemmas: WordLemmas = word_lemmas
) -> list[tuple[str, tuple[str, ...]]]:
    """Each word of a query with its lemma parts' alternatives: a word matches if its
    surface form or any one of its lemmas does ('Apsiga' → aps, apsi or apsiga)."""
    out = []
    for token in tokens(text):
        alternatives = {" ".join(_PART.findall(fold(lemma))) for lemma in word_lemmas(token)}
        out.append((fold(token), tuple(sorted(a for a in alternatives if a))))
    return out


def inflected(words: list[tuple[str, tuple[str, ...]]]) -> bool:
    """Whether some word has a lemma other than itself: only then can the lemma branch
    find what the surface matchers do not (uninflected text keeps today's two branches
    and their speed; the lemma-key bonus applies either way)."""
    return any(set(alternatives) - {surface} for surface, alternatives in words)


#: At most this many lemma keys per name (a word with several analyses multiplies them).
MAX_KEYS: Final = 32


def lemma_keys(text: str, word_lemmas: WordLemmas = word_lemmas) -> list[str]:
    """A whole name in lemma form, to tell "this name, inflected" from "a name that
    contains these words": one key per combination of its words' lemmas (the word as
    written counts as one), legal-form words at either end left out as `normalise_name`
    does. Two texts are the same name in some cases if they share a key.
    'Tartu Ülikoolis' → [..., 'tartu ulikool'] (as 'Tartu Ülikool', not as 'Tartu
    Ülikooli Narva Kolledž'); 'Heateo Sihtasutusega' → ['heateo', ...]."""
    return keys_of(word_alternatives(text, word_lemmas))


def word_alternatives(text: str, word_lemmas: WordLemmas = word_lemmas) -> list[list[str]]:
    """Each word of `text` as it is written and as its lemmas, folded (`keys_of` makes
    the keys of any run of them)."""
    words: list[list[str]] = []
    for token in tokens(text):
        alternatives = {" ".join(_PART.findall(fold(lemma))) for lemma in word_lemmas(token)}
        alternatives.add(" ".join(_PART.findall(fold(token))))
        words.append(sorted(a for a in alternatives if a))
    return words


def keys_of(words: list[list[str]]) -> list[str]:
    """The lemma keys (see `lemma_keys`) of words given as their alternatives."""

    def legal(alternatives: list[str]) -> bool:
        return any(a in LEGAL_FORMS for a in alternatives)

    start, end = 0, len(words)
    while end - start > 1 and legal(words[start]):
        start += 1
    while end - start > 1 and legal(words[end - 1]):
        end -= 1
    keys = [""]
    for word in words[start:end]:
        keys = [f"{k} {a}".strip() for k in keys for a in word][:MAX_KEYS]
    return [k for k in keys if k]


def name_keys(names: list[str], word_lemmas: WordLemmas = word_lemmas) -> list[str]:
    """The lemma keys of all of a node's names, each once."""
    return list(dict.fromkeys(k for n in names for k in lemma_keys(n, word_lemmas)))
