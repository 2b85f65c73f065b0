"""From a document's text to proposed facts: the entities it names, the dated events it
describes (`graph/ingest/events.py`), and the relationships its sentences state, each
with the exact quote that supports it and the quote's character offsets in the text
(`text[start:end] == quote`).

Nothing here reads or writes the graph: `graph/ingest/resolve.py` looks the proposed
entities up among the existing ones, and `graph/ingest/store.py` keeps the proposals.

What a sentence states, by the words in it (Estonian stems, any case form):

- ORGANISED: a verb of organising ("korraldab", "korraldasid", "kutsub", "viis läbi")
  and the organisations before it (and those "koostöös" with them);
- ATTENDED: a word of taking part ("osales", "osalised", "osalejad", "kaasatud",
  "esinesid", "koolitaja") and the organisations and people it lists; a list line
  ("Osalised: …") belongs to the events of the lines just before it;
- FUNDED: "rahastab", "rahastatakse", "toetab", "toel", "vahenditest" and the
  organisations of the sentence;
- HELD_AT: an event's place, the place written after its date;
- MEMBER_OF: a person with a role written next to an organisation ("Sotsiaalministeeriumi
  asekantsler Rait Kuuse", "OÜ Invicta esindaja Anu-Mall Naarits").

Two organisations or people in one sentence that no rule connects are a weak
co-occurrence suggestion: shown to the reviewer, never accepted in bulk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from graph.ingest.dates import document_date, fill_years, find_dates
from graph.ingest.events import (
    EVENT_RE,
    in_sentence,
    kind_of,
    planned,
    relationship,
    scheduled,
)
from graph.ingest.facts import KIND_OF_LABEL, Draft, FactKind
from graph.ingest.mentions import ORG, PERSON, PLACE, ROLE, Mention
from graph.ingest.named import UNIT_OF, all_mentions
from graph.ingest.parts import parts, within
from graph.ingest.text import enclosing, quote_span, sentences
from graph.text import fold

_ORGANISE: Final = re.compile(
    r"\b(?:korralda\w*|kutsu(?:b|vad|s|sid)\b|viis(?:id)? läbi|viivad läbi|võõrustas)",
    re.IGNORECASE,
)
_TOGETHER: Final = re.compile(r"\bkoostöös\b", re.IGNORECASE)
_ATTEND: Final = re.compile(
    r"\b(?:osal\w*|kaasatud|osavõt\w*|esine\w*|koolitaja\w*|kohal olid|külasta\w*|"
    r"juhtis|juhatas|modereeri\w*|ettekan\w*|tutvusta(?:b|vad|s|sid)\b)",
    re.IGNORECASE,
)
_FUND: Final = re.compile(
    r"\b(?:rahasta\w*|toeta(?:b|vad|s|sid)\b|toel\b|toetusel\b|vahenditest\b)", re.IGNORECASE
)
_LIST_LINE: Final = re.compile(
    r"^\s*(?:osalised|osalejad|osalesid|partnerid|kohal olid)\s*:", re.IGNORECASE
)
_ROLES: Final = (
    (re.compile(r"koolita", re.IGNORECASE), "TRAINER"),
    (re.compile(r"esine|ettekan|kõnele|tutvusta", re.IGNORECASE), "SPEAKER"),
    (re.compile(r"moderaator|modereeri|juhtis|juhatas", re.IGNORECASE), "MODERATOR"),
    (re.compile(r"mentor", re.IGNORECASE), "MENTOR"),
    (re.compile(r"koordinaator", re.IGNORECASE), "COORDINATOR"),
)
#: Words of a role phrase that are not the role ("ütles sotsiaalala asekantsler").
_NOT_ROLE: Final = frozenset(
    {"ütles", "sõnas", "lisas", "märkis", "kinnitas", "rääkis", "võtta", "ühendust", "ja"}
)
#: Between a person's name and the organisation after it that they work at ("Mari
#: Maasikas (Töötukassa)", "Mari Maasikas Töötukassast"): not a verb ("kohtus MTÜ …").
_AFTER_NAME: Final = re.compile(r"\s*[,(–—-]?\s*")
#: How many sentences back an undated mention of an event ("Seminaril …") may refer.
_BACK: Final = 2
#: … and how many when it names the same kind of event ("Infopäevadel …").
_BACK_SAME_KIND: Final = 5
#: How many entities of one sentence are paired as weak co-occurrences at most.
_COOCCURRING: Final = 6


@dataclass
class _Sentence:
    start: int
    end: int
    mentions: list[Mention]
    events: list[Draft]


def propose(text: str, *, reference: date | None = None, year: int | None = None) -> list[Draft]:
    """Every fact the rules find in `text`, entities first (one draft per entity, quoted
    where it is first named), then events, then relationships. For dates written without
    their year: `reference`, the document's date (else read from the text), or `year`,
    the year of what it is about (see `fill_years`)."""
    spans = sentences(text)
    mentions = all_mentions(text)
    found_dates = find_dates(text)
    reference = reference or document_date(text, found_dates)
    found_dates = fill_years(text, found_dates, reference=reference, context_year=year)
    drafts: dict[str, Draft] = {}
    keys: dict[int, str] = {}
    for i, m in enumerate(mentions):
        keys[i] = _entity(text, spans, m, drafts)
    for i, m in enumerate(mentions):
        if m.rule == UNIT_OF:  # "Tartu Ülikooli Narva Kolledž" is part of Tartu Ülikool
            j, unit = next(
                (j, o) for j, o in enumerate(mentions) if o.start == m.start and o.end > m.end
            )
            quote = quote_span(text, spans, unit.start, unit.end)
            rule = "a unit of an organisation"
            relationship(text, drafts, "PART_OF", keys[j], keys[i], quote, m.start, unit.end, rule)
    places = {fold(m.name) for m in mentions if m.label == PLACE}
    scheduled(text, spans, found_dates, drafts, lambda m: _entity(text, spans, m, drafts), places)
    index = {id(m): i for i, m in enumerate(mentions)}
    by_sentence = _by_sentence(spans, mentions)
    ordered = sorted(by_sentence)
    previous: list[Draft] = []
    since = 0
    #: where the last sentence about events ended: the next one in its paragraph is too
    about_events = -1
    for n, (s, e) in enumerate(ordered):
        sentence = by_sentence[(s, e)]
        sentence.events = in_sentence(text, s, e, found_dates, drafts)
        since += 1
        same_paragraph = about_events >= 0 and "\n" not in text[about_events:s]
        if sentence.events:
            previous, since = sentence.events, 0
        elif n > 0 and _LIST_LINE.match(text[s:e]) and ordered[n - 1][1] >= s - 3:
            # participants listed once for a series took part in the series
            sentence.events = [d for d in previous if d.series] or previous
        elif (
            previous
            and since <= _BACK_SAME_KIND
            and (word := EVENT_RE.search(text, s, e))
            and (since <= _BACK or kind_of(word) == previous[0].props.get("kind"))
        ):
            # "Seminaril osalesid …": the events of a sentence just before, or of the
            # same kind a few sentences before ("Infopäevadel esitab …"), and what is
            # held at them ("… viib läbi koosmõtlemise töötuba")
            sentence.events = previous + within(text, s, e, previous, drafts)
        elif (
            previous
            and same_paragraph
            and (held := within(text, s, e, previous, drafts, continued=True))
        ):
            # the paragraph about them goes on to what is held at them
            sentence.events = previous + held
        about_events = e if sentence.events else -1
        _relationships(text, spans, sentence, index, keys, drafts)
    planned(text, found_dates, drafts)
    parts(text, spans, found_dates, drafts)
    return list(drafts.values())


def _by_sentence(
    spans: list[tuple[int, int]], mentions: list[Mention]
) -> dict[tuple[int, int], _Sentence]:
    out = {span: _Sentence(span[0], span[1], [], []) for span in spans}
    for m in mentions:
        span = enclosing(spans, m.start, m.end)
        out.setdefault(span, _Sentence(span[0], span[1], [], [])).mentions.append(m)
    return out


def entity_key(label: str, name: str) -> str:
    return f"{label}:{fold(name)}"


def _entity(text: str, spans: list[tuple[int, int]], m: Mention, drafts: dict[str, Draft]) -> str:
    """The key of the entity draft `m` names; the first mention makes the draft."""
    key = entity_key(m.label, m.name)
    if key in drafts:
        draft = drafts[key]
        for alias in m.aliases:
            aliases = draft.props.setdefault("aliases", [])
            if alias not in aliases and alias != draft.name:
                aliases.append(alias)
        if m.role and not draft.props.get("role"):
            draft.props["role"] = _role(m.role)
        return key
    s, e = quote_span(text, spans, m.start, m.end)
    props: dict[str, Any] = {}
    if m.kind:
        props["kind"] = m.kind
    aliases = [a for a in m.aliases if a != m.name]
    if aliases:
        props["aliases"] = aliases
    if m.role:
        props["role"] = _role(m.role)
    drafts[key] = Draft(
        key=key,
        kind=KIND_OF_LABEL[m.label],
        quote=text[s:e],
        start=s,
        end=e,
        at=m.start,
        to=m.end,
        rule=m.rule,
        label=m.label,
        name=m.name,
        props=props,
    )
    return key


def _role(phrase: str) -> str:
    """The role in a phrase before a name: role words, the genitive words that modify
    them ("sotsiaalala asekantsler", "projekti koordinaator"), "ja" between two roles;
    not the verb before them ("juhtis projektijuht" → "projektijuht")."""
    words = phrase.split()
    kept: list[str] = []
    for w in reversed(words):
        modifier = bool(kept) and kept[-1] != "ja" and w.lower() not in _NOT_ROLE
        if ROLE.search(w) or (kept and w == "ja") or (modifier and w[-1:] in "aeiu"):
            kept.append(w)
        else:
            break
    while kept and kept[-1] == "ja":
        kept.pop()
    return " ".join(reversed(kept)) or phrase


def _relationships(
    text: str,
    spans: list[tuple[int, int]],
    sentence: _Sentence,
    keys_by_id: dict[int, int],
    keys: dict[int, str],
    drafts: dict[str, Draft],
) -> None:
    s, e = sentence.start, sentence.end
    body = text[s:e]
    index = keys_by_id
    # an organisation named only as the one a unit belongs to does nothing itself
    actors = [m for m in sentence.mentions if m.label in (ORG, PERSON) and m.rule != UNIT_OF]
    places = [m for m in sentence.mentions if m.label == PLACE]
    stated: set[tuple[str, str]] = set()
    #: entities the sentence ties to something: two of them are not merely co-occurring
    tied: set[str] = set()

    def state(rel: str, a: str, b: str, at: int, to: int, rule: str, **props: Any) -> None:
        stated.add((a, b))
        stated.add((b, a))
        tied.update((a, b))
        quote = quote_span(text, spans, at, to)
        relationship(text, drafts, rel, a, b, quote, at, to, rule, **props)

    organise = _ORGANISE.search(body)
    attend = _ATTEND.search(body) or (_LIST_LINE.match(body) and sentence.events)
    fund = _FUND.search(body)
    for ev in sentence.events:
        assert ev.key
        for m in actors:
            k = keys[index[id(m)]]
            if (
                organise
                and (m.start < s + organise.start() or _TOGETHER.search(body))
                and (m.label == ORG and m.start < ev.at)
            ):
                state("ORGANISED", k, ev.key, min(m.start, ev.at), max(m.end, ev.to), "organiser")
            elif fund and m.label == ORG:
                state("FUNDED", k, ev.key, min(m.start, ev.at), max(m.end, ev.to), "funder")
            elif attend:
                role = next((r for p, r in _ROLES if p.search(body)), None)
                if m.label == ORG or role is None:
                    role = None
                state("ATTENDED", k, ev.key, m.start, m.end, "participant", role=role)
        held = [p for p in places if p.start >= ev.to]
        nxt = [o for o in sentence.events if o.at > ev.at]
        if nxt:
            held = [p for p in held if p.start < nxt[0].at]
        if held:
            pk = keys[index[id(held[0])]]
            state("HELD_AT", ev.key, pk, ev.at, held[0].end, "place after the date")
    _members(text, body, s, actors, index, keys, state)
    stated |= {(a, b) for a in tied for b in tied}
    _cooccurring(text, spans, actors, index, keys, stated, drafts)


def _members(
    text: str,
    body: str,
    s: int,
    actors: list[Mention],
    index: dict[int, int],
    keys: dict[int, str],
    state: Any,
) -> None:
    """A person whose role is written next to an organisation works there."""
    orgs = [m for m in actors if m.label == ORG]
    for p in (m for m in actors if m.label == PERSON and m.role):
        near = [
            o
            for o in orgs
            if 0 <= p.start - o.end <= 50 or _AFTER_NAME.fullmatch(text, p.end, o.start)
        ]
        if not near:
            continue
        o = min(near, key=lambda o: min(abs(p.start - o.end), abs(o.start - p.end)))
        pk, ok = keys[index[id(p)]], keys[index[id(o)]]
        role = _role(p.role or "")
        state("MEMBER_OF", pk, ok, min(p.start, o.start), max(p.end, o.end), "role", role=role)


def _cooccurring(
    text: str,
    spans: list[tuple[int, int]],
    actors: list[Mention],
    index: dict[int, int],
    keys: dict[int, str],
    stated: set[tuple[str, str]],
    drafts: dict[str, Draft],
) -> None:
    distinct: dict[str, Mention] = {}
    for m in actors:
        distinct.setdefault(keys[index[id(m)]], m)
    items = list(distinct.items())[:_COOCCURRING]
    for i, (a, ma) in enumerate(items):
        for b, mb in items[i + 1 :]:
            if (a, b) in stated:
                continue
            key = "~:" + "|".join(sorted((a, b)))
            if key in drafts:
                continue
            qs, qe = quote_span(text, spans, min(ma.start, mb.start), max(ma.end, mb.end))
            drafts[key] = Draft(
                key=key,
                kind=FactKind.COOCCURRENCE,
                quote=text[qs:qe],
                start=qs,
                end=qe,
                at=min(ma.start, mb.start),
                to=max(ma.end, mb.end),
                rule="named in one sentence",
                from_key=a,
                to_key=b,
                weak=True,
            )
