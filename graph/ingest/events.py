"""Dated events in a document's text, as proposed facts (`Draft`s), three ways:

- a sentence that names an event and a day ("Mõttekoja kohtumine 29.10.15", "Foorum
  25-26.11.2016"): one event per day or day range (`in_sentence`); a plural event word
  with three or more dates is a series as well (`_with_series`);
- a schedule: dates standing alone on their lines, under headings ("Pärnus" / "09.04" /
  "30.04" …), introduced or followed by the kind of event they are ("Koolitused hakkavad
  kõigil päevadel kell 10.00"): one event per date, held where its heading says, and the
  block as a series (`scheduled`);
- a numbered plan of activities, each starting with its date or period ("1. September-
  Oktoober 2016 - Foorumi sisuline ettevalmistamine"): one event per item, named by what
  it says, at the precision the date is written (`planned`).

The parts of an event are in `graph/ingest/parts.py`. A date without a year (see
`graph/ingest/dates.py`) makes no event: nothing is proposed on a guessed year.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from graph.ingest.dates import DateMention, list_markers
from graph.ingest.facts import EVENT, Draft, FactKind
from graph.ingest.mentions import PLACE, Mention, place_name
from graph.ingest.text import quote_span
from graph.text import fold

#: Event words: (stem pattern, event kind). The stem is matched at a word's start
#: after any compound prefix ("koostööseminarid", "infopäevadele").
EVENT_WORDS: Final = (
    (r"mõttekoja\s+kohtumi|mõttekoda|mõttekoja", "THINK_TANK_MEETING"),
    (r"seminar", "SEMINAR"),
    (r"koolitus|koolitusp|õppepäev", "TRAINING"),
    (r"foorum|konverents", "FORUM"),
    (r"infopäev|teabepäev", "INFO_DAY"),
    (r"töötuba|töötoa|töötubad", "WORKSHOP"),
    (r"töörühm|töögrup|rakkerühm", "WORKING_GROUP"),
    (r"kohtumi|koosolek|ümarlaud|arutelu", "MEETING"),
)
EVENT_RE: Final = re.compile(
    r"\b(\w*?)(" + "|".join(f"(?:{p})" for p, _ in EVENT_WORDS) + r")\w*", re.IGNORECASE
)
_NOMINATIVE_EVENT: Final = {
    "THINK_TANK_MEETING": "mõttekoja kohtumine",
    "SEMINAR": "seminar",
    "TRAINING": "koolitus",
    "FORUM": "foorum",
    "INFO_DAY": "infopäev",
    "WORKSHOP": "töötuba",
    "WORKING_GROUP": "töörühm",
    "MEETING": "kohtumine",
}
#: How many dates one plural event word (or one schedule) needs to be a series too.
SERIES: Final = 3
#: A schedule's heading: one to three words and no digits ("Pärnus", "II rühm Tartus").
_HEADING: Final = re.compile(r"[^\W\d_][\w-]*(?:[ \t]+[\w-]+){0,2}")
#: How many sentences before a schedule (its introduction and the lines above it) may
#: say what kind of events it lists; the sentence right after it may too.
_SCHEDULE_CONTEXT: Final = 4
#: Between an activity's date and what it is: a dash or colon.
_ACTIVITY_SEP: Final = re.compile(r"\s*[-–—:]\s+")
#: An activity's name is cut at this many characters (at a word boundary).
NAME_LIMIT: Final = 120

Spans = list[tuple[int, int]]
#: The rules that propose events, as the reviewer reads them.
_SCHEDULED: Final = "a schedule's date"
_PLANNED: Final = "a dated item of a plan"


def kind_of(word: re.Match[str]) -> str:
    return next(k for p, k in EVENT_WORDS if re.fullmatch(p, word.group(2), re.IGNORECASE))


def event_head(word: re.Match[str], kind: str) -> str:
    """'Foorumi' → 'Foorum', 'koostööseminarid' → 'Koostööseminar': the event word in
    the nominative singular, with its compound prefix."""
    prefix = word.group(1)
    stem = word.group(2).lower()
    nominative = _NOMINATIVE_EVENT[kind]
    if kind != "THINK_TANK_MEETING" and not nominative.startswith(stem[:4]):
        nominative = stem
    head = (prefix + nominative) if kind != "THINK_TANK_MEETING" else nominative
    return head[:1].upper() + head[1:]


def _full_day(d: DateMention) -> bool:
    return bool(d.start) and len(d.start or "") == 10


def event_draft(
    text: str,
    drafts: dict[str, Draft],
    name: str,
    kind: str,
    d: DateMention,
    quote: tuple[int, int],
    rule: str,
    *,
    series: bool = False,
) -> Draft:
    """The event draft named `name` on the date `d` (the one made before, if any)."""
    assert d.start is not None
    key = f"{EVENT}:{fold(name)}:{d.start}"
    if key in drafts:
        return drafts[key]
    props: dict[str, Any] = {"kind": kind, "startDate": d.start}
    if d.end and d.end != d.start:
        props["endDate"] = d.end
    if d.inferred and d.note:
        props["dateNote"] = d.note
    drafts[key] = Draft(
        key=key,
        kind=FactKind.EVENT,
        quote=text[quote[0] : quote[1]],
        start=quote[0],
        end=quote[1],
        at=d.begin,
        to=d.finish,
        rule=rule,
        label=EVENT,
        name=name,
        props=props,
        series=series,
    )
    return drafts[key]


def relationship(
    text: str,
    drafts: dict[str, Draft],
    rel: str,
    a: str,
    b: str,
    quote: tuple[int, int],
    at: int,
    to: int,
    rule: str,
    **props: Any,
) -> None:
    """A stated relationship `a` -[rel]-> `b` (both draft keys), quoted once."""
    key = f"{rel}:{a}>{b}"
    drafts.setdefault(
        key,
        Draft(
            key=key,
            kind=FactKind.RELATIONSHIP,
            quote=text[quote[0] : quote[1]],
            start=quote[0],
            end=quote[1],
            at=at,
            to=to,
            rule=rule,
            rel_type=rel,
            from_key=a,
            to_key=b,
            props={k: v for k, v in props.items() if v is not None},
        ),
    )


def _same_day(drafts: dict[str, Draft], kind: str, d: DateMention) -> Draft | None:
    """An event of `kind` on `d`'s days that a schedule or a plan proposed."""
    end = d.end if d.end != d.start else None
    for x in drafts.values():
        p = x.props
        if (
            x.kind is FactKind.EVENT
            and x.rule in (_SCHEDULED, _PLANNED)
            and p.get("kind") == kind
            and (p.get("startDate"), p.get("endDate")) == (d.start, end)
        ):
            return x
    return None


def in_sentence(
    text: str, s: int, e: int, found: list[DateMention], drafts: dict[str, Draft]
) -> list[Draft]:
    """One event per day or day range written in a sentence that names an event."""
    words = list(EVENT_RE.finditer(text, s, e))
    if not words:
        return []
    out: list[Draft] = []
    for d in (d for d in found if s <= d.begin and d.finish <= e and _full_day(d)):
        word = min(words, key=lambda w: abs(w.start() - d.begin))
        kind = kind_of(word)
        name = f"{event_head(word, kind)} {text[d.begin : d.finish].strip(' .')}"
        quote = quote_span(text, [(s, e)], min(word.start(), d.begin), max(word.end(), d.finish))
        made = _same_day(drafts, kind, d)  # "Esimene koolitus 09.04.2019" of a schedule
        out.append(made or event_draft(text, drafts, name, kind, d, quote, "event word and date"))
    if len(out) < SERIES or len(words) != 1 or not words[0].group(0).lower().endswith("d"):
        return out
    return [*out, _series(text, (s, e), words[0], out, drafts, "event word and a list of dates")]


def _series(
    text: str,
    span: tuple[int, int],
    word: re.Match[str],
    events: list[Draft],
    drafts: dict[str, Draft],
    rule: str,
) -> Draft:
    """'Mõttekoja kohtumised: 29.10.15, 26.11.15, 19.01.16.': the events of a plural
    event word (or a schedule) as a series too, from the first date to the last; the
    events are PART_OF it, and a list of participants after it is the series'."""
    ordered = sorted(events, key=lambda ev: str(ev.props["startDate"]))
    first, last = ordered[0], ordered[-1]
    written = f"{text[first.at : first.to].strip(' .')}–{text[last.at : last.to].strip(' .')}"
    head = word.group(0)
    start = str(first.props["startDate"])
    end = max(str(ev.props.get("endDate") or ev.props["startDate"]) for ev in events)
    at, to = min(ev.at for ev in events), max(ev.to for ev in events)
    if span[0] <= word.start() < at:
        at = word.start()  # "Mõttekoja kohtumised: 29.10.15, …": the word starts it
    quote = quote_span(text, [span], at, to)
    whole = DateMention(at, to, start, end)
    name = f"{head[:1].upper()}{head[1:]} {written}"
    series = event_draft(text, drafts, name, first.props["kind"], whole, quote, rule, series=True)
    for ev in events:
        assert ev.key is not None and series.key is not None
        relationship(
            text, drafts, "PART_OF", ev.key, series.key, quote, ev.at, ev.to, "one of a series"
        )
    return series


# --- Schedules ---------------------------------------------------------------------------


def _date_line(text: str, span: tuple[int, int], by_begin: dict[int, DateMention]) -> bool:
    d = by_begin.get(span[0])
    return d is not None and not text[d.finish : span[1]].strip(" .,;\r")


#: A line that is a time or a number like one ("12.15", "10:00"): a day's programme.
_TIME_LINE: Final = re.compile(r"\d{1,2}[.:]\d{2}\.?\s*")
#: Words that say a list of D.MM is a day's programme of times, not of dates.
_TIMES: Final = re.compile(r"\b(?:päevakava|kell|kellaaeg\w*)\b", re.IGNORECASE)


def _blocks(text: str, spans: Spans, by_begin: dict[int, DateMention]) -> list[tuple[int, int]]:
    """(first, last) indexes into `spans` of each run of lines that are dates or
    headings, with at least two dates, each heading followed by a date. A run with a
    line that only looks like a date ("12.15" is no day: a time) is a day's programme,
    and so is one its introduction calls that ("päevakava", "kell"): neither is one."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j = i
        dates = 0
        times = False
        while j < len(spans):
            s, e = spans[j]
            between = text[spans[j - 1][1] : s] if j > i else "\n"
            if between.strip() or "\n" not in between:
                break  # not the next line
            if _date_line(text, spans[j], by_begin):
                dates += 1
            elif _TIME_LINE.fullmatch(text[s:e].strip()):
                times = True
            elif not _HEADING.fullmatch(text[s:e].strip()):
                break
            j += 1
        while j > i and not _date_line(text, spans[j - 1], by_begin):
            j -= 1  # a heading after the last date belongs to what follows
        intro = text[spans[i - 1][0] : spans[i - 1][1]] if i > 0 else ""
        if dates >= 2 and j - i >= 2 and not times and not _TIMES.search(intro):
            out.append((i, j - 1))
            i = j
        else:
            i = max(j, i + 1)
    return out


def _schedule_word(text: str, spans: Spans, first: int, last: int) -> re.Match[str] | None:
    """The event word nearest the schedule, in its own headings ("Koolitused"), its
    introduction or the lines above it, or the sentence right after it."""
    begin, end = spans[first][0], spans[last][1]
    near: list[re.Match[str]] = []
    for k in range(max(0, first - _SCHEDULE_CONTEXT), last + 1):
        near += EVENT_RE.finditer(text, *spans[k])
    if last + 1 < len(spans):
        near += EVENT_RE.finditer(text, *spans[last + 1])
    if not near:
        return None
    return min(near, key=lambda w: begin - w.end() if w.end() <= begin else w.start() - end)


def scheduled(
    text: str,
    spans: Spans,
    found: list[DateMention],
    drafts: dict[str, Draft],
    entity: Callable[[Mention], str],
    places: set[str],
) -> list[Draft]:
    """The events of every schedule in the text (see the module's docstring). A heading
    is where its dates are held when it names one of the text's `places` (folded names)
    in the inessive ("Pärnus")."""
    by_begin = {d.begin: d for d in found if d.day_month or _full_day(d)}
    out: list[Draft] = []
    for first, last in _blocks(text, spans, by_begin):
        word = _schedule_word(text, spans, first, last)
        if word is None:
            continue  # dates of what, the text does not say
        kind = kind_of(word)
        head = event_head(word, kind)
        heading: tuple[int, int] | None = None
        events: list[Draft] = []
        for s, e in spans[first : last + 1]:
            d = by_begin.get(s)
            if d is None or not _date_line(text, (s, e), by_begin):
                if not EVENT_RE.search(text, s, e) and not _TIME_LINE.fullmatch(text[s:e]):
                    heading = (s, e)  # not the schedule's title ("Koolitused")
                continue
            if not _full_day(d):
                continue  # no year: see the module's docstring
            where = text[heading[0] : heading[1]].strip() if heading else ""
            name = " ".join(p for p in (head, where, text[d.begin : d.finish].strip(" .")) if p)
            quote = quote_span(text, [(heading[0] if heading else s, e)], s, e)
            ev = event_draft(text, drafts, name, kind, d, quote, _SCHEDULED)
            events.append(ev)
            town = place_name(where) if re.fullmatch(r"[^\W\d_]{3,}s", where) else ""
            if heading and fold(town) in places:
                # "Pärnus": where the dates under it are held
                place = entity(Mention(PLACE, *heading, town, rule="schedule heading"))
                assert ev.key is not None
                relationship(
                    text, drafts, "HELD_AT", ev.key, place, quote, *heading, "schedule heading"
                )
        if len(events) >= SERIES:
            span = (spans[first][0], spans[last][1])
            out.append(_series(text, span, word, events, drafts, "a schedule"))
        out += events
    return out


# --- Plans of activities -----------------------------------------------------------------


#: An item of a numbered list that is no activity: a sum, a law, a deadline, a book.
_NOT_ACTIVITY: Final = re.compile(
    r"€|\beur(?:ot?)?\b|§|tähtaeg|\bISBN\b|^[^\W\d_][\w-]+,\s[^\W\d_]\.", re.IGNORECASE
)


def _planned_date(text: str, d: DateMention) -> bool:
    """A plan's date says its year and at least the month ("September 2016",
    "25-26.11.2016"): a bare "10.05" may be a time, a bare "2015" a book's year."""
    return len(d.start or "") >= 7 and bool(re.search(r"\d{4}", text[d.begin : d.finish]))


def planned(text: str, found: list[DateMention], drafts: dict[str, Draft]) -> list[Draft]:
    """The activities of a numbered plan whose items start with their date or period
    (see the module's docstring); an item already proposed as an event is not again."""
    by_begin = {d.begin: d for d in found if d.start}
    taken = {d.at for d in drafts.values() if d.kind is FactKind.EVENT}
    out: list[Draft] = []
    for _, marker_end in list_markers(text):
        line_end = text.find("\n", marker_end)
        line_end = len(text) if line_end < 0 else line_end
        item = text[marker_end:line_end]
        begin = marker_end + len(item) - len(item.lstrip())
        d = by_begin.get(begin)
        sep = _ACTIVITY_SEP.match(text, d.finish, line_end) if d else None
        if d is None or sep is None or d.begin in taken or not _planned_date(text, d):
            continue
        what = text[sep.end() : line_end].strip().rstrip(".;").strip()
        if not re.match(r"[^\W\d_]{3}", what) or _NOT_ACTIVITY.search(what):
            continue
        name = what if len(what) <= NAME_LIMIT else what[:NAME_LIMIT].rsplit(" ", 1)[0]
        # its kind, if its last word is an event word ("… ümarlaud"), else OTHER
        core = name.split(" (")[0].rstrip()
        words = list(EVENT_RE.finditer(core))
        kind = kind_of(words[-1]) if words and words[-1].end() == len(core) else "OTHER"
        quote = (begin, sep.end() + len(name))
        out.append(event_draft(text, drafts, name, kind, d, quote, _PLANNED))
    return out
