"""The document's text in the units the rules read: words with their offsets, lines and
sentences (quotes are cut from these), and the few Estonian word forms the rules need
(case endings of an organisation's head word, role words).

Estonian puts the case ending on the last word of a name only ("Eesti Töötukassaga",
"Sotsiaalsete Ettevõtete Võrgustiku"), so a name's nominative is its last word's: for
the institution words that end most organisations' names (ministeerium, amet, keskus,
ühing, võrgustik, …) it is known here; another word keeps the form it is written in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

#: A word: letters, with inner hyphens and apostrophes ("Anu-Mall", "SEV'is", "Si-Lab").
WORD: Final = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        """'SEV', 'EMSL', 'ESF', 'SEV'is': two to six capitals (an inflection may follow)."""
        core = re.split(r"[-'’]", self.text)[0]
        return 2 <= len(core) <= 6 and core.isupper() and core.isalpha()


def words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


# --- Sentences -------------------------------------------------------------------------

#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS: Final = frozenset(
    [
        "jt",
        "jm",
        "nt",
        "sh",
        "st",
        "vt",
        "ca",
        "k.a",
        "s.h",
        "lk",
        "nr",
        "tel",
        "hr",
        "pr",
        "dr",
        "mr",
        "jne",
        "jaan",
        "veebr",
        "apr",
        "aug",
        "sept",
        "okt",
        "nov",
        "dets",
        "u",
        "ca",
        "eng",
        "est",
        "rus",
    ]
)
_SENTENCE_END: Final = re.compile(r"[.!?…]+[\"”“»’)]*\s+(?=[„\"“«(]?[A-ZÕÄÖÜŠŽА-Я0-9•\-–])")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: lines are split at sentence ends (a full stop after
    an abbreviation or a day number does not end one); blank lines and line breaks end
    one too (headings, list items)."""
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        begin = line.start()
        for m in _SENTENCE_END.finditer(line.group()):
            before = line.group()[: m.start()]
            last = re.search(r"(\S+)$", before)
            token = last.group(1).lower().rstrip(".") if last else ""
            if token in _ABBREVIATIONS or token.isdigit() or re.fullmatch(r"\d+\.\d+", token):
                continue
            end = line.start() + m.start() + len(m.group().rstrip())
            out.append((begin, end))
            begin = line.start() + m.end()
        if begin < line.end():
            out.append((begin, line.end()))
    return [(s + _lead(text[s:e]), e) for s, e in out if text[s:e].strip()]


#: What a sentence does not start with: white space (a no-break space too) and bullets.
LEAD: Final = re.compile(r"[^\S\n]*(?:[•\-–*·][^\S\n]*)*")


def _lead(chunk: str) -> int:
    m = LEAD.match(chunk)
    return m.end() if m else 0


def enclosing(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The span of `spans` holding [start, end), else [start, end) itself."""
    for s, e in spans:
        if s <= start and end <= e:
            return s, e
    return start, end


def clip(
    text: str, span: tuple[int, int], focus: tuple[int, int], limit: int = 240
) -> tuple[int, int]:
    """`span` cut at word boundaries to at most `limit` characters around `focus`."""
    s, e = span
    if e - s <= limit:
        return s, e
    half = max(0, (limit - (focus[1] - focus[0])) // 2)
    s2 = max(s, focus[0] - half)
    e2 = min(e, focus[1] + half)
    while s < s2 < focus[0] and not text[s2 - 1].isspace():
        s2 += 1
    while e2 < e and not text[e2].isspace() and e2 > focus[1]:
        e2 -= 1
    return s2, max(e2, focus[1])


def quote_span(text: str, spans: list[tuple[int, int]], at: int, to: int) -> tuple[int, int]:
    """The quote for the words at [at, to): their sentence, clipped around them, without
    trailing white space."""
    s, e = clip(text, enclosing(spans, at, to), (at, to))
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


#: A numbered list item's marker at a line's start ("1. ", " 2. ").
_ITEM_MARKER: Final = re.compile(r"^[^\S\n]*(\d{1,2})\.(?=[^\S\n]+\S)", re.MULTILINE)
#: How many lines a numbered item may run on before the next one.
_ITEM_LINES: Final = 4


def marker_runs(text: str) -> list[list[tuple[int, int]]]:
    """(start, end) of each numbered list item's number and full stop, a list per run of
    lines that start "1.", "2.", "3." … (a few lines apart at most). Whether "4.
    Detsember 2016" in one is item 4 or the 4th of December, `dates.list_markers` says."""
    found = [(m.start(1), m.end(), int(m.group(1))) for m in _ITEM_MARKER.finditer(text)]
    out: list[list[tuple[int, int]]] = []
    run: list[tuple[int, int, int]] = []
    for item in found:
        near = text.count("\n", run[-1][1], item[0]) <= _ITEM_LINES if run else False
        if near and item[2] == run[-1][2] + 1:
            run.append(item)
            continue
        if len(run) >= 2:
            out.append([(s, e) for s, e, _ in run])
        run = [item] if item[2] == 1 else []
    if len(run) >= 2:
        out.append([(s, e) for s, e, _ in run])
    return out


# --- The head word of an organisation's name ------------------------------------------

#: Case endings after a word's genitive stem (sg. and pl.), and the partitive "t".
_ENDINGS: Final = "(?:|t|d|de|te|s|st|sse|l|le|lt|ks|ni|na|ta|ga|ga)"

#: The words that end an institution's name: (pattern of the word's stem in the
#: nominative and genitive, with the nominative as group 1; the organisation kind).
_HEADS: Final[tuple[tuple[str, str], ...]] = (
    (r"(minis?te{1,2}rium)i?", "MINISTRY"),
    (r"(kantselei)", "AGENCY"),
    (r"(sihtkapital)i?", "FUND"),
    (r"(sihtasutus)e?", "FOUNDATION"),
    (r"(fond)i?", "FUND"),
    (r"(kassa)", "AGENCY"),
    (r"(amet)i?", "AGENCY"),
    (r"(inspektsioon)i?", "AGENCY"),
    (r"(agentuur)i?", "AGENCY"),
    (r"(kontroll)i?", "AGENCY"),
    (r"(nõukogu)", "COUNCIL"),
    (r"(komisjon)i?", "OTHER"),
    (r"(linnavalitsus|vallavalitsus)e?", "MUNICIPALITY"),
    (r"(valitsus)e?", "OTHER"),
    (r"(kolled[žz])i?", "UNIVERSITY"),
    (r"(ülikool)i?", "UNIVERSITY"),
    (r"(akadeemia)", "UNIVERSITY"),
    (r"(ins?ti?tuut|intsituut)", "RESEARCH"),
    (r"(instituudi)", "RESEARCH"),
    (r"(labor)i?", "OTHER"),
    (r"(keskus)e?", "OTHER"),
    (r"(võrgustik)u?", "NETWORK"),
    (r"(liit|liidu)", "NETWORK"),
    (r"(koda|koja)", "OTHER"),
    (r"(ühing)u?", "NGO"),
    (r"(ühendus)e?", "NGO"),
    (r"(ühistu)", "NGO"),
    (r"(selts)i?", "NGO"),
    (r"(kogudus)e?", "RELIGIOUS"),
    (r"(group|grupp)", "COMPANY"),
)
_HEAD_RES: Final = tuple(
    (re.compile(rf"^(.*?){stem}{_ENDINGS}$", re.IGNORECASE), kind) for stem, kind in _HEADS
)
#: Institution words that name an organisation on their own ("Töötukassa",
#: "Riigikontroll"); the others need a word before them ("Sillamäe Lastekaitse Ühing").
STRONG: Final = frozenset({"MINISTRY", "AGENCY", "FUND", "COUNCIL", "FOUNDATION"})
#: Institution words that may be written in lower case inside a name
#: ("Rakvere Kolmainu kogudus", "Ida-Virumaa Rajaleidja keskus").
LOWER_HEADS: Final = re.compile(
    r"(?:ühendus|ühing|kogudus|keskus|võrgustik|ins?ti?tuu[td]|intsituut|labor|"
    r"linnavalitsus|vallavalitsus|selts|liit|liidu|nõukogu|fond|sihtasutus)\w*$"
)
#: Stems whose nominative differs from the genitive beyond a final vowel.
_NOMINATIVE: Final = {"liidu": "liit", "koja": "koda", "instituudi": "instituut"}


#: Plural case endings: "Vabaühendused", "ühenduste" are common nouns, not names.
_PLURAL_ENDINGS: Final = frozenset({"d", "de", "te"})


@functools.lru_cache(maxsize=65_536)
def institution(word: str) -> tuple[str, str] | None:
    """('Sotsiaalkindlustusametiga') → ('Sotsiaalkindlustusamet', 'AGENCY'): the word in
    the nominative and the organisation kind, if it ends with an institution word in
    the singular."""
    bare = re.split(r"[’']", word)[0]
    for pattern, kind in _HEAD_RES:
        m = pattern.match(bare)
        if m is None:
            continue
        prefix, stem = m.group(1), m.group(2)
        rest = bare[m.end(2) :].lower()
        if rest.lstrip("aeiu")[:2] in _PLURAL_ENDINGS or rest.lstrip("aeiu")[:1] == "d":
            return None
        nominative = _NOMINATIVE.get(stem.lower(), stem)
        if stem[:1].isupper():
            nominative = nominative[:1].upper() + nominative[1:]
        return prefix + (nominative if nominative.lower() != stem.lower() else stem), kind
    return None


#: Inflection written after an apostrophe or hyphen ("SEV'is", "ESF-ist", "Berg’i").
_APOSTROPHE_CASE: Final = re.compile(
    r"(?:['’]|-(?=(?:i|ist|ile|iga|is|il|ilt|ini|iks|ina)$))\w{1,4}$"
)
#: Common case endings of a proper name's last word (a guess: only some are safe).
_SAFE_ENDINGS: Final = re.compile(r"(?<=[a-zäöüõšž]{3})(?:iga|ga|ks|lt|ni|sse)$")


def nominative(word: str) -> str:
    """The word without a case ending where the ending is unambiguous: after an
    apostrophe or a hyphen ("SEV'is" → "SEV", "ESF-ist" → "ESF"), an institution word
    ("Keskuse" → "Keskus"), or a comitative/translative/terminative ending."""
    found = institution(word)
    if found is not None:
        return found[0]
    stripped = _APOSTROPHE_CASE.sub("", word)
    if stripped != word:
        return stripped
    return word
