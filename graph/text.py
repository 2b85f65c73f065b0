"""Text normalisation for matching: case, diacritics and spacing folded away."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

import icu

_SPACES = re.compile(r"\s+")
# Letters that NFKD does not decompose but people type without the stroke.
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ё": "е"})


def fold(text: str) -> str:
    """'  Töötukassa ' → 'tootukassa'; Cyrillic stays Cyrillic (ё → е)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def search_text(*parts: str | list[str] | None) -> str:
    """One folded string of every name a node is known by, for substring filters."""
    names: list[str] = []
    for part in parts:
        if isinstance(part, list):
            names.extend(part)
        elif part:
            names.append(part)
    return " | ".join(fold(n) for n in names)


#: Estonian legal-form words (abbreviated and written out, folded), which people add to
#: or leave out of an organisation's name at will: "MTÜ Horisont" is "Horisont".
LEGAL_FORMS: dict[str, str] = {
    "mtu": "MTÜ",
    "mittetulundusuhing": "MTÜ",
    "sa": "SA",
    "sihtasutus": "SA",
    "ou": "OÜ",
    "osauhing": "OÜ",
    "as": "AS",
    "aktsiaselts": "AS",
    "tuh": "TÜH",
    "tulundusuhistu": "TÜH",
    "fie": "FIE",
}
# Quotation marks, brackets, commas, dashes and the like separate words but are not part
# of them ("MTÜ „Seltsiks Sinule“", "Anu-Mall", "Horisont, MTÜ").
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_QUOTES = "\"'„“”«»‘’‚"


def _words(text: str) -> list[str]:
    return _PUNCT.sub(" ", fold(text)).split()


def split_legal_form(name: str) -> tuple[str, str | None]:
    """'MTÜ „Seltsiks Sinule“' → ('„Seltsiks Sinule“', 'MTÜ'); the name as written, with
    leading and trailing legal-form words removed, and the (first) form found.
    A name that is nothing but a legal form is returned whole."""
    tokens = name.split()
    form: str | None = None

    def legal(token: str) -> str | None:
        words = _words(token)
        return LEGAL_FORMS.get(words[0]) if len(words) == 1 else None

    while len(tokens) > 1 and (found := legal(tokens[0])):
        form = form or found
        tokens.pop(0)
    while len(tokens) > 1 and (found := legal(tokens[-1])):
        form = form or found
        tokens.pop()
    core = " ".join(tokens).strip(" ,;")
    if form:
        core = core.strip(_QUOTES)
    return (core, form) if core else (name.strip(), None)


@lru_cache(maxsize=1 << 17)  # imports normalise each name of the file and of the graph
def normalise_name(name: str) -> str:
    """The key two spellings of one name share: folded (case, diacritics, spacing),
    punctuation dropped and leading/trailing legal-form words removed.

    'MTÜ „Seltsiks Sinule“' and 'seltsiks sinule' → 'seltsiks sinule';
    'Heateo SA' and 'Heateo Sihtasutus' → 'heateo'; 'Anu-Mall Naarits' → 'anu mall naarits'.
    """
    words = _words(name)
    start, end = 0, len(words)
    while end - start > 1 and words[start] in LEGAL_FORMS:
        start += 1
    while end - start > 1 and words[end - 1] in LEGAL_FORMS:
        end -= 1
    return " ".join(words[start:end])


# --- names that look alike (Unicode TS #39) ------------------------------------------

_SPOOF: Final = icu.SpoofChecker()
#: Emoji presentation selectors and joiners, the only invisible characters a name may
#: hold (`graph.chars.invisible`); a skeleton leaves default-ignorable characters out.
_IGNORABLE_IN_NAMES: Final = re.compile("[\ufe0e\ufe0f\u200d]")


@lru_cache(maxsize=1 << 16)
def confusable_key(name: str) -> str:
    """What two names that look alike share: their Unicode TS #39 confusable skeleton,
    as ICU computes it (Cyrillic 'о' → 'o', 'I' → 'l', 'rn' → 'm', '0' → 'O', …).

    'Töötukassa' and 'Tööt\u043ekassa' (a Cyrillic о) share one; so do 'Ida-Virumaa'
    and 'lda-Virumaa' (a lower-case L), while 'Lda-Virumaa' does not look like either.
    It is case-sensitive, as looks are: names equal but for case, diacritics and spacing
    share `fold` instead (the `sortKey`)."""
    return str(_SPOOF.getSkeleton(0, _IGNORABLE_IN_NAMES.sub("", name)))


_WORD: Final = re.compile(r"\w+")
#: Scripts that are written together within one word (Japanese, Korean, Chinese with
#: phonetic annotation).
_SCRIPTS_WRITTEN_TOGETHER: Final = (
    frozenset({"Hani", "Hira", "Kana"}),
    frozenset({"Hani", "Hang"}),
    frozenset({"Hani", "Bopo"}),
)
_NO_SCRIPT: Final = frozenset({"Zyyy", "Zinh", "Zzzz"})  # common, inherited, unknown


def mixed_script_word(text: str) -> tuple[int, list[str]] | None:
    """Where the first word of `text` whose letters come from more than one script
    ('Tööt\u043ekassa': Latin and Cyrillic) takes a second script (the index of that
    letter), with the scripts' names; None when every word is written in one script.
    Digits, marks and punctuation belong to no script, and words are separated by
    anything that is not a letter or digit, so 'Ida-Вирумаа' and 'SEV/СЕВ' are words
    of one script each."""
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        scripts: dict[str, str] = {}
        for i, char in enumerate(word):
            script = icu.Script.getScript(char)
            code = script.getShortName()
            if code in _NO_SCRIPT or code in scripts:
                continue
            scripts[code] = script.getName().replace("_", " ")
            if len(scripts) > 1 and not any(set(scripts) <= s for s in _SCRIPTS_WRITTEN_TOGETHER):
                return match.start() + i, list(scripts.values())
    return None
