"""The parts of an event a document names after it: the items of a list an event word
introduces ("Töögruppide eeldatav struktuur:" / "• Sotsiaalse ettevõtluse algatamine
ABC"), lines a roman numeral and an event word start ("II Praktilised töötoad teemal
…"), and what a sentence about events named before says is held at them ("Infopäevadel
… viib läbi koosmõtlemise töötuba"). Each is PART_OF its event and takes its dates.
"""

from __future__ import annotations

import re
from typing import Final

from graph.ingest.dates import DateMention
from graph.ingest.events import (
    EVENT_RE,
    NAME_LIMIT,
    Spans,
    event_draft,
    event_head,
    kind_of,
    relationship,
)
from graph.ingest.facts import Draft, FactKind
from graph.ingest.text import LEAD, quote_span

#: A line that introduces a list of an event's parts: a plural event word, then a colon
#: ("Töögruppide eeldatav struktuur:", "Töötoad:").
_PARTS_INTRO: Final = re.compile(r"[^\n:]*:\s*$")
#: A part's line: a roman numeral and an event word ("II Praktilised töötoad teemal …").
_ROMAN: Final = re.compile(r"(?:I{1,3}|IV|V|VI{1,3}|IX|X)\.?\s+(?=\S)")
#: A bullet item's marker.
_BULLET: Final = re.compile(r"^[^\S\n]*[•\-–*·][^\S\n]+", re.MULTILINE)
#: A part's name is what its line says up to this ("ABC: Mõtetest tegudeni (…)" → "ABC").
_NAME_END: Final = re.compile(r"\s*(?:[(\[]|\.\s|\.$|$)")
#: A verb of holding an event ("viib läbi koosmõtlemise töötuba", "toimub arutelu").
_HOLD: Final = re.compile(
    r"\b(?:vii(?:b|vad|s|sid|akse)\s+läbi|toimu(?:b|vad|s|sid)\b)", re.IGNORECASE
)
#: Words that put an event at another time than the one named before ("järgmine
#: seminar", "eelmisel aastal", "sügisel", "foorumi ettevalmistamiseks"), or make a
#: list another occasion's ("varem toimunud seminarid", "meie kohtumised").
_ELSEWHEN: Final = re.compile(
    r"\b(?:järgmi|eelmi|möödunud|varasem|hiljem|varem|tulevikus|toimunud|meie)\w*"
    r"|\b(?:sügisel|kevadel|suvel|talvel|aastal|aasta)\b|\w+miseks\b",
    re.IGNORECASE,
)
#: A modifier in the genitive before an event word ("koosmõtlemise töötuba").
_GENITIVE: Final = re.compile(r"([^\W\d_]{3,}(?:se|te|de))\s+$")


def _part(
    text: str,
    drafts: dict[str, Draft],
    parent: Draft,
    name: str,
    kind: str,
    quote: tuple[int, int],
    rule: str,
) -> Draft:
    start = str(parent.props["startDate"])
    whole = DateMention(quote[0], quote[1], start, str(parent.props.get("endDate") or start))
    part = event_draft(text, drafts, name, kind, whole, quote, rule)
    part.props["dateNote"] = f"the date of {parent.name}, which it is part of"
    assert part.key is not None and parent.key is not None
    relationship(text, drafts, "PART_OF", part.key, parent.key, quote, *quote, rule)
    return part


def _dated_events(drafts: dict[str, Draft]) -> list[Draft]:
    """The events proposed on a day (or days) of their own, not series."""
    return [
        d
        for d in drafts.values()
        if d.kind is FactKind.EVENT and not d.series and len(str(d.props.get("startDate"))) == 10
    ]


def _parent(events: list[Draft], before: int) -> Draft | None:
    """Of `events`, the one the text was about last before `before`."""
    return max((d for d in events if d.at < before), key=lambda d: d.at, default=None)


def parts(
    text: str, spans: Spans, found: list[DateMention], drafts: dict[str, Draft]
) -> list[Draft]:
    """The parts of a dated event its document lists after it: the items of a list an
    event word introduces ("Töögruppide eeldatav struktuur:" / "• Sotsiaalse ettevõtluse
    algatamine ABC: …") and the lines a roman numeral and an event word start ("II
    Praktilised töötoad teemal …"). Each is PART_OF the event and takes its dates."""
    out: list[Draft] = []
    events = _dated_events(drafts)
    sections: list[Draft] = []  # the numbered parts found so far
    dates = sorted(d.begin for d in found)
    intro: str | None = None  # the kind of the parts a list's items are
    for s, e in spans:
        if any(s <= at < e for at in dates):
            intro = intro if _BULLET.match(text, text.rfind("\n", 0, s) + 1) else None
            continue  # a dated line is an event of its own, not a part
        line_start = text.rfind("\n", 0, s) + 1
        bullet = _BULLET.match(text, line_start)
        body = text[s:e]
        roman = _ROMAN.match(body)
        first_on_line = LEAD.fullmatch(text, line_start, s) is not None
        if bullet and intro is not None and not first_on_line:
            continue  # an item's second sentence
        if bullet and intro is not None:
            # the working groups listed after "II Praktilised töötoad" are its parts
            parent = _parent(events + sections, s)
            kind = intro
            end = _NAME_END.search(text, s, e)
            name = text[s : end.start() if end else e].strip()
            if parent is not None and re.match(r"[^\W\d_]{3}", name):
                name = name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT]
                out.append(
                    _part(text, drafts, parent, name, kind, (s, s + len(name)), "a listed part")
                )
            continue
        intro = None
        words = list(EVENT_RE.finditer(text, s, e))
        if _ELSEWHEN.search(body):
            continue
        if (
            _PARTS_INTRO.fullmatch(body)
            and words
            and words[0].group(0).lower().endswith(("d", "de"))
        ):
            intro = kind_of(words[0])
        elif roman and first_on_line and words and words[0].start() - s - roman.end() <= 20:
            parent = _parent(events, s)
            if parent is not None and parent.props.get("kind") != kind_of(words[0]):
                end = _NAME_END.search(text, s + roman.end(), e)
                name = text[s + roman.end() : end.start() if end else e].strip()
                name = name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT].rsplit(" ", 1)[0]
                begin = s + roman.end()
                section = _part(
                    text,
                    drafts,
                    parent,
                    name,
                    kind_of(words[0]),
                    (begin, begin + len(name)),
                    "a numbered part",
                )
                out.append(section)
                sections.append(section)
    return out


def within(
    text: str,
    s: int,
    e: int,
    events: list[Draft],
    drafts: dict[str, Draft],
    *,
    continued: bool = False,
) -> list[Draft]:
    """'Infopäevadel … viib läbi koosmõtlemise töötuba': a sentence about events named
    before (`events`) that names another kind of event held at them: that one at each.
    The sentence must be about them: name them again ("Infopäevadel"), say "seal", or
    go on (`continued`) from a sentence of its paragraph that was."""
    body = text[s:e]
    kinds = {ev.props.get("kind") for ev in events}
    again = any(kind_of(w) in kinds for w in EVENT_RE.finditer(body))
    if not _HOLD.search(body) or _ELSEWHEN.search(body):
        return []
    if not (continued or again or re.search(r"\bseal\b", body, re.IGNORECASE)):
        return []
    out: list[Draft] = []
    for word in EVENT_RE.finditer(text, s, e):
        kind = kind_of(word)
        if kind in kinds or word.group(0).lower().endswith(("d", "del", "dele", "dest")):
            continue  # the events named before, or a plural: not one event at each
        modifier = _GENITIVE.search(text, s, word.start())
        at = modifier.start(1) if modifier else word.start()
        head = event_head(word, kind)  # "töötoa" → "Töötuba"
        if modifier:
            head = f"{modifier.group(1)} {head[:1].lower()}{head[1:]}"
        name = head[:1].upper() + head[1:]
        at_each = [ev for ev in events if not ev.series and ev.props.get("startDate")]
        for ev in at_each:
            out.append(
                _part(
                    text,
                    drafts,
                    ev,
                    f"{name} ({ev.name})" if len(at_each) > 1 else name,
                    kind,
                    quote_span(text, [(s, e)], at, word.end()),
                    "held at an event named before",
                )
            )
    return out
