"""Names in a text: organisations, people and places, each with where it is written.

The rules, in the order they claim words:

- organisations: a legal form before or after a name ("MTÜ Sotsiaalse Innovatsiooni
  Labori", "Heateo SA", "OÜ Invicta"); a run of capitalised words that ends in an
  institution word ("Eesti Maaomavalitsuste Liit", "Tartu Ülikooli Narva Kolledžis",
  "Ida-Virumaa Rajaleidja keskus"), or one lower-case word that ends in ministeerium
  or amet ("siseministeerium", "päästeameti"); the items of a list that a word for
  participants or organisations introduces ("Osalised: …", "organisatsioonidele nagu
  …"); an acronym in brackets after a name ("… Võrgustiku (SEV)") is its alias;
- people: two or three capitalised words next to a role word ("projektijuht",
  "asekantsler", "koolitaja", "esindaja", …), with contact details after them, or
  alone on a line that the next paragraph opens with the given name ("Rasmus
  Pedanik" / "Rasmusel on …");
- places: the items of a list that a place word introduces ("neljas linnas: Pärnus,
  Rakveres, …"), a name before "linnas", "vallas", "maakonnas", "piirkonnas", and a
  capitalised name followed by a venue word ("Jõhvi Kontserdimajas").

Names already in the graph are found by the resolver whatever their form; these rules
find the new ones. `graph/ingest/named.py` puts their finds together.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Final

from graph.ingest.text import LOWER_HEADS, STRONG, WORD, Word, institution, nominative, words
from graph.text import LEGAL_FORMS, fold

ORG, PERSON, PLACE = "Organisation", "Person", "Place"


@dataclass
class Mention:
    """A name at [start, end): its label, the name in the nominative as far as the rules
    can tell, and what else the text says next to it."""

    label: str
    start: int
    end: int
    name: str
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    #: a person's role or title as written ("projektijuht")
    role: str | None = None
    #: how the rule found it (shown to the reviewer)
    rule: str = ""


_LEGAL: Final = re.compile(r"\b(MTÜ|SA|OÜ|AS|TÜH|FIE)\b")
_LEGAL_KIND: Final = {"MTÜ": "NGO", "SA": "FOUNDATION", "OÜ": "COMPANY", "AS": "COMPANY"}
_QUOTED: Final = re.compile(r"\s?[„\"“«]([^„\"“”«»\n]{2,80})[”“\"»]")
#: Lower-case words that may stand inside an organisation's name before its head word
#: ("… Ragnar Nurkse innovatsiooni ja valitsemise instituut").
_INNER: Final = frozenset({"ja"})
_MUNICIPALITY: Final = re.compile(
    r"\b([A-ZÕÄÖÜŠŽ][\w-]+) (?:vald|valla|vallas|vallast|valda|vallale|vallaga|vallavalitsus\w*)\b"
)
_LOWER_HEADS: Final = re.compile(r"(?:ministee?rium|minister?ium|amet)(?:i\w{0,3})?$")
#: A word with at least five letters before its institution word.
_COMPOUND_HEAD: Final = re.compile(
    r"^\w{5,}(?:ministee?rium|kantselei|sihtkapital|kassa|amet|inspektsioon|agentuur|"
    r"kontroll|nõukogu|fond|sihtasutus)",
    re.IGNORECASE,
)
_NOT_HEAD_PREFIX: Final = re.compile(r"^(?:töö|kutse|ameti|ametni)", re.IGNORECASE)

#: Words that introduce a list of organisations, and of places.
_ORG_LIST: Final = re.compile(
    r"(?:osalised|osalejad|partnerid|partneriteks|liikmed|liikmeteks|rahastajad|"
    r"korraldajad|toetajad|organisatsiooni\w*\s+nagu|ettevõte\w*\s+nagu|asutus\w*\s+nagu)"
    r"\s*:?\s*",
    re.IGNORECASE,
)
_PLACE_LIST: Final = re.compile(
    r"(?:linn\w*|maakon\w*|vall\w*|piirkon\w*|riigi\w*)\s*:\s*", re.IGNORECASE
)
_PLACE_AFTER: Final = re.compile(
    r"\s(?:linna(?:s|st|sse|l)?|maakonna(?:s|st|sse)?|piirkonna(?:s|st|sse)?|külas|külast)\b"
)
_VENUE: Final = re.compile(
    r"(?:[Kk]ontserdimaja|[Kk]ultuurimaja|[Rr]ahvamaja|[Kk]eskväljak|[Ss]aal|[Ll]ava|"
    r"[Hh]otell|[Tt]eater|[Mm]uuseum)\w*$"
)

#: Role and title words that stand next to a person's name.
ROLE: Final = re.compile(
    r"(?:\w*juht|\w*juhataja|\w*kantsler|\w*minister|\w*nõunik|koolitaja\w*|"
    r"koordinaator\w*|esindaja|esimees|direktor|spetsialist|ekspert|mentor|konsultant|"
    r"juhiabi|sekretär|president|linnapea|vallavanem|asutaja|disainer|analüütik|"
    r"projektijuht|teadur|professor|lektor|õpetaja|koordinaatoriga|koolitajad)$",
    re.IGNORECASE,
)
_CONTACT: Final = re.compile(r"\s*,?\s*(?:\+\d[\d ]{6,}|\S+@\S+\.\w+|tel\b)")
_PERSON_WORD: Final = re.compile(
    r"^[A-ZÕÄÖÜŠŽ][a-zõäöüšž]+(?:-[A-ZÕÄÖÜŠŽ][a-zõäöüšž]+)?(?:['’]\w{1,3})?$"
)


def _run_before(ws: list[Word], i: int, text: str, need: int = 2) -> int:
    """The index where the run of capitalised words ending at ws[i] starts (names of
    several words: "Eesti Maaomavalitsuste Liit"); a lower-case "ja" may join them only
    inside a name that ends in a lower-case head word."""
    j = i
    while j > 0:
        prev = ws[j - 1]
        gap = text[prev.end : ws[j].start]
        if gap not in (" ", "\u00a0") or prev.text in LEGAL_FORMS.values() or _shouting(prev):
            break
        if prev.capital and not _sentence_start(text, prev):
            j -= 1
            continue
        # a sentence's first word: a name's if the text writes it capitalised elsewhere
        # or if a name of two more words follows it ("Sillamäe Lastekaitse Ühing")
        if prev.capital and (
            _known_capital(text, prev) or (i - j + 1 >= need and prev.text[-1] in "aeiuõäöü")
        ):
            j -= 1
        break
    return j


def _shouting(w: Word) -> bool:
    """A word of a heading in capitals ("ARENGUPROGRAMM"), not an acronym."""
    return w.text.isupper() and not w.acronym


def _sentence_start(text: str, w: Word) -> bool:
    before = text[max(0, w.start - 3) : w.start]
    return w.start == 0 or bool(re.search(r"(?:^|[.!?:]\s|\n\s*|[•\-–]\s)$", before))


_CAPITALISED_ELSEWHERE: dict[int, set[str]] = {}


def _known_capital(text: str, w: Word) -> bool:
    """A sentence's first word is part of a name if the text also writes it (in any
    case form) capitalised inside a sentence."""
    key = id(text)
    known = _CAPITALISED_ELSEWHERE.get(key)
    if known is None:
        known = {
            fold(x.text)[:5]
            for x in words(text)
            if x.capital and not _sentence_start(text, x) and not x.acronym
        }
        _CAPITALISED_ELSEWHERE.clear()
        _CAPITALISED_ELSEWHERE[key] = known
    return fold(w.text)[:5] in known


def _name(text: str, ws: list[Word], a: int, b: int) -> str:
    """The words ws[a..b] as written, the last one in the nominative."""
    head = nominative(ws[b].text)
    return (text[ws[a].start : ws[b].start] + head).strip()


def organisations(text: str, ws: list[Word]) -> list[Mention]:
    found: list[Mention] = []
    starts, ends = [w.start for w in ws], [w.end for w in ws]
    # A legal form before or after a name.
    for m in _LEGAL.finditer(text):
        form = m.group(1)
        quoted = _QUOTED.match(text, m.end())
        if quoted:
            inner = quoted.group(1).strip()
            found.append(
                Mention(
                    ORG,
                    m.start(),
                    quoted.end(),
                    inner,
                    _LEGAL_KIND.get(form),
                    [f"{form} {inner}"],
                    rule="legal form",
                )
            )
            continue
        first_after = bisect.bisect_right(starts, m.end())
        after = ws[first_after : first_after + 6]
        run: list[Word] = []
        for w in after:
            prev_end = run[-1].end if run else m.end()
            if (
                not w.capital
                or text[prev_end : w.start] not in (" ", "\u00a0")
                or w.text in LEGAL_FORMS.values()
            ):
                break
            run.append(w)
        if run:
            i0, i1 = first_after, first_after + len(run) - 1
            name = _name(text, ws, i0, i1)
            found.append(
                Mention(
                    ORG,
                    m.start(),
                    run[-1].end,
                    name,
                    _LEGAL_KIND.get(form),
                    [f"{form} {name}"],
                    rule="legal form",
                )
            )
            continue
        i = bisect.bisect_right(ends, m.start()) - 1
        if i >= 0 and ws[i].capital and text[ws[i].end : m.start()] == " ":
            j = _run_before(ws, i, text)
            name = _name(text, ws, j, i)
            found.append(
                Mention(
                    ORG,
                    ws[j].start,
                    m.end(),
                    name,
                    _LEGAL_KIND.get(form),
                    [f"{name} {form}"],
                    rule="legal form",
                )
            )
    # A name that ends in an institution word.
    for i, w in enumerate(ws):
        head = institution(w.text)
        if head is None:
            continue
        if _shouting(w):
            continue
        if w.capital or w.acronym:
            j = _run_before(ws, i, text)
            # one word: a name if its institution word is a strong one and, at a
            # sentence's start, a compound ("Sotsiaalkindlustusamet", not "Amet")
            bare = not _COMPOUND_HEAD.match(w.text)
            if j == i and (
                head[1] not in STRONG
                or (_sentence_start(text, w) and bare and not _known_capital(text, w))
            ):
                continue
            found.append(
                Mention(
                    ORG, ws[j].start, w.end, _name(text, ws, j, i), head[1], rule="institution word"
                )
            )
        elif _LOWER_HEADS.search(w.text.lower()) and not _NOT_HEAD_PREFIX.match(w.text):
            # "siseministeerium", "päästeameti": an institution in lower case; a
            # capitalised run before it with lower-case words between ("… Ragnar
            # Nurkse innovatsiooni ja valitsemise instituut") is handled below.
            name = head[0][:1].upper() + head[0][1:]
            found.append(Mention(ORG, w.start, w.end, name, head[1], rule="institution word"))
        elif LOWER_HEADS.search(w.text):
            j = i
            while (
                j > 0
                and i - j < 3
                and ws[j - 1].text.islower()
                and (ws[j - 1].text in _INNER or ws[j - 1].text[-1] in "aeiu")
                and text[ws[j - 1].end : ws[j].start] == " "
            ):
                j -= 1
            lead = ws[j - 1] if j > 0 else None
            if (
                lead is not None
                and lead.capital
                and text[lead.end : ws[j].start] == " "
                and (not _sentence_start(text, lead) or _known_capital(text, lead) or j == i)
            ):
                k = _run_before(ws, j - 1, text, need=1)
                name = _name(text, ws, k, i)
                if j == i and k == j - 1 and head[1] not in ("MUNICIPALITY",):
                    continue  # "Viljandi ühendus": one capital word and the head, a phrase
                found.append(
                    Mention(ORG, ws[k].start, w.end, name, head[1], rule="institution word")
                )
    for m in _MUNICIPALITY.finditer(text):
        found.append(
            Mention(
                ORG, m.start(), m.end(), f"{m.group(1)} vald", "MUNICIPALITY", rule="municipality"
            )
        )
    found += _listed(text, ws, _ORG_LIST, ORG)
    found += _bracketed_acronyms(text, found)
    return found


def _listed(text: str, ws: list[Word], intro: re.Pattern[str], label: str) -> list[Mention]:
    """The capitalised items of a comma list that `intro` opens, up to the sentence end."""
    out: list[Mention] = []
    starts = [w.start for w in ws]
    for m in intro.finditer(text):
        end = len(text)
        stop = re.search(r"(?:\bjt\b|\bjm\b|[.;!?\n])", text[m.end() :])
        if stop:
            end = m.end() + stop.start()
        items = re.split(r",\s*|\s+ja\s+|\s+ning\s+", text[m.end() : end])
        pos = m.end()
        for item in items:
            at = text.find(item, pos)
            pos = at + len(item)
            core = item.strip()
            if not core or not core[:1].isupper() or len(core) > 120:
                continue
            start = at + item.index(core)
            lo = bisect.bisect_left(starts, start)
            item_words = [w for w in ws[lo : lo + 40] if w.end <= start + len(core)]
            if not item_words or not all(w.capital or w.text.islower() for w in item_words):
                continue
            name = core[: item_words[-1].start - start] + nominative(item_words[-1].text)
            if label == PLACE:
                name = place_name(item_words[-1].text, core[: item_words[-1].start - start])
            out.append(Mention(label, start, start + len(core), name.strip(), rule="list"))
    return out


def _bracketed_acronyms(text: str, orgs: list[Mention]) -> list[Mention]:
    """'Sotsiaalse Ettevõtluse Võrgustiku (SEV)', 'MTÜ … Labori poolt (Si-Lab)': the
    acronym in brackets is an alias of the organisation just before it."""
    out = []
    for m in re.finditer(r"\(([A-ZÕÄÖÜ][\w-]{1,10})\)", text):
        before = [o for o in orgs if 0 <= m.start() - o.end <= 8]
        if before:
            org = before[-1]
            org.aliases.append(m.group(1))
            out.append(
                Mention(ORG, m.start(1), m.end(1), org.name, org.kind, [m.group(1)], rule="acronym")
            )
    return out


def place_name(word: str, before: str = "") -> str:
    """'Pärnus' → 'Pärnu', 'Rakveres' → 'Rakvere', 'Tallinnas' → 'Tallinn', 'Narvas' →
    'Narva': a place in the inessive (where) loses the -s (and a doubled consonant's
    vowel); other forms are kept as written."""
    w = word
    for ending in ("sse", "st", "s", "lt", "l", "le"):
        if w.endswith(ending) and len(w) > len(ending) + 2:
            w = w[: -len(ending)]
            break
    if re.search(r"([lnmrst])\1a$", w):  # Tallinna → Tallinn
        w = w[:-1]
    return (before + w).strip()


def places(text: str, ws: list[Word]) -> list[Mention]:
    found = _listed(text, ws, _PLACE_LIST, PLACE)
    ends = [w.end for w in ws]
    for m in _PLACE_AFTER.finditer(text):
        k = bisect.bisect_right(ends, m.start()) - 1
        if k >= 0 and ws[k].capital and ws[k].end == m.start():
            w = ws[k]
            found.append(Mention(PLACE, w.start, w.end, w.text, rule="place word"))
    for i, w in enumerate(ws):
        if _VENUE.search(w.text) and (w.capital or (i > 0 and ws[i - 1].capital)):
            j = _run_before(ws, i, text) if w.capital else i - 1
            if j < i - 1 and ws[j].text.endswith("s") and ws[j + 1].capital:
                # "Narvas Vaba Laval": the town where, then the venue
                found.append(
                    Mention(
                        PLACE, ws[j].start, ws[j].end, place_name(ws[j].text), rule="venue town"
                    )
                )
                j += 1
            name = text[ws[j].start : w.start] + place_name(w.text)
            found.append(
                Mention(PLACE, ws[j].start, w.end, name.strip(), "VENUE", rule="venue word")
            )
    return found


def people(text: str, ws: list[Word], taken: list[tuple[int, int]]) -> list[Mention]:
    found: list[Mention] = []

    def free(a: Word, b: Word) -> bool:
        return not any(s < b.end and a.start < e for s, e in taken)

    for i in range(len(ws) - 1):
        for n in (3, 2):
            if i + n > len(ws):
                continue
            group = ws[i : i + n]
            if not all(_PERSON_WORD.match(w.text) for w in group):
                continue
            if any(text[a.end : b.start] != " " for a, b in itertools.pairwise(group)):
                continue
            if not free(group[0], group[-1]) or any(institution(w.text) for w in group):
                continue
            role, rule = _role_near(text, ws, i, i + n - 1)
            if role is None and rule is None:
                continue
            parts = [w.text for w in group]
            parts[-1] = re.sub(r"['’]\w{1,3}$", "", parts[-1])
            found.append(
                Mention(
                    PERSON,
                    group[0].start,
                    group[-1].end,
                    " ".join(parts),
                    role=role,
                    rule=rule or "role",
                )
            )
            break
    return found


def _role_near(text: str, ws: list[Word], a: int, b: int) -> tuple[str | None, str | None]:
    """The role word just before or after the name ws[a..b] (its phrase, as written),
    or why else these words are a person's name; (None, None) when nothing says so."""
    if a > 0 and ROLE.search(ws[a - 1].text) and text[ws[a - 1].end : ws[a].start] == " ":
        k = a - 1
        while (
            k > 0
            and text[ws[k - 1].end : ws[k].start] in (" ", "- ja ")
            and ws[k - 1].text.islower()
            and a - k < 4
        ):
            k -= 1
        return text[ws[k].start : ws[a - 1].end], "role before"
    after = text[ws[b].end : ws[b].end + 40]
    m = re.match(r",\s*([\wõäöüšž -]+?)(?=[\s,.]|$)", after)
    if m and ROLE.search(m.group(1).split()[-1] if m.group(1).split() else ""):
        return m.group(1).strip(), "role after"
    if _CONTACT.match(after):
        return None, "contact details"
    line_start = text.rfind("\n", 0, ws[a].start) + 1
    line_end = text.find("\n", ws[b].end)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip(" -–\t")
    if line == text[ws[a].start : ws[b].end]:
        nxt = text[ws[b].end : ws[b].end + 400].lstrip()
        given = fold(ws[a].text)
        if fold(nxt[: len(given) + 4]).startswith(given):
            return None, "name heading"
        if text[line_start : ws[a].start].strip() in ("-", "–"):
            return None, "attribution"
    inflected = "’" in ws[b].text or "'" in ws[b].text
    if inflected and (
        re.match(r"['’]\w{1,3}\s*\(", text[ws[b].end - 3 : ws[b].end + 3])
        or (re.match(r"\s*\(", after) and b > a)
    ):
        return None, "name with organisation"
    return None, None


__all__ = ["ORG", "PERSON", "PLACE", "WORD", "Mention", "organisations", "people", "places"]
