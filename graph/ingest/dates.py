"""Dates as Estonian documents write them, to partial ISO dates.

"29.10.15", "1.09.2015-31.05.2016", "01.08-12.12.2016", "25-26.11.2016", "18.02. ja
03.03.2016", "28. jaan. 2019", "31. märtsini 2021", "25. ja 26. augustil", "2019. aasta
aprillis", "September- Oktoober 2016", "Detsember 2016- Jaanuar 2017", "2014–2015",
"2014., 2015. ja 2018. aasta". A date written without its year ("09.04", "25. augustil")
takes it from its list ("21.04 ja 03.05.2016"), else from context (`fill_years`): an
upper bound the text sets nearby ("kestab 31. märtsini 2021": the latest such day not
after it), else the document's own date (the nearest such day from a little before it),
else a year the caller knows (the programme the document is about); failing all, it
stays without a year and says so.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from graph.ingest.text import marker_runs

_MONTH_STEMS: Final = (
    ("jaan", 1),
    ("veebr", 2),
    ("märts", 3),
    ("apr", 4),
    ("mai", 5),
    ("juuni", 6),
    ("juuli", 7),
    ("aug", 8),
    ("sept", 9),
    ("sep", 9),
    ("okt", 10),
    ("nov", 11),
    ("dets", 12),
)
#: A month's name in any case, or its abbreviation with or without the dot (a full
#: name never takes the full stop after it: that ends the sentence).
MONTH: Final = (
    r"(?:jaan(?:uar\w*|\.)?|veebr(?:uar\w*|\.)?|märts\w*|apr(?:ill\w*|\.)?"
    r"|mai(?:l|s|ni|ks|st|le|lt|ga)?|juuni\w*|juuli\w*|aug(?:ust\w*|\.)?"
    r"|sept?(?:emb\w*|\.)?|okt(?:oob\w*|\.)?|nov(?:emb\w*|\.)?|dets(?:emb\w*|\.)?)(?!\w)"
)
#: Only full month names stand alone as a date ("Aprillis algab"); "mai" is too short.
_FULL_MONTH: Final = (
    r"(?:jaanuar\w*|veebruar\w*|märts\w*|aprill\w*|juuni\w*|juuli\w*|august\w*"
    r"|septemb\w*|oktoob\w*|novemb\w*|detsemb\w*)(?!\w)"
)
_DASH: Final = r"\s?[-–—]\s?"
_LIST_JOIN: Final = r"(?:\s?,\s?|\s+ja\s+|\s+ning\s+)"
_D: Final = r"(?<![\d.,])(\d{1,2})"
_M: Final = r"(\d{1,2})"
_Y: Final = r"(\d{4}|\d{2})(?![\d])"


def month_number(word: str) -> int | None:
    w = word.lower()
    for stem, number in _MONTH_STEMS:
        if w.startswith(stem):
            return number
    return None


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date or date range found in the text: where, its value (`start`/`end`, partial
    ISO; None for a year not known yet, see `day_month`), and whether its year was
    worked out rather than written (`inferred`, with `note`)."""

    begin: int
    finish: int
    start: str | None
    end: str | None
    #: (day, month) pairs still without a year, in order: a range's start and end
    day_month: tuple[tuple[int | None, int], ...] = ()
    inferred: bool = False
    note: str | None = None
    #: an upper bound the text sets ("kuni", "…-ni", "hiljemalt")
    bound: bool = False

    @property
    def text_span(self) -> tuple[int, int]:
        return self.begin, self.finish

    @property
    def has_year(self) -> bool:
        return self.start is not None


def _year(text: str) -> int:
    y = int(text)
    return y if len(text) == 4 else 2000 + y if y < 70 else 1900 + y


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid(day: int | None, month: int, year: int | None = None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    last = calendar.monthrange(year or 2000, month)[1]  # 2000: a leap year
    return 1 <= day <= last


_BOUND_AFTER: Final = re.compile(r"^(?:ni|ks)\b|^\s*(?:kuni)", re.IGNORECASE)
_BOUND_BEFORE: Final = re.compile(r"(?:kuni|hiljemalt|tähtaeg(?:ega)? on)\s*$", re.IGNORECASE)

# Patterns, longest first; each match's groups are read by its handler below.
_RANGE_FULL: Final = re.compile(rf"{_D}\.{_M}\.{_Y}{_DASH}(\d{{1,2}})\.{_M}\.{_Y}")
_RANGE_TO_YEAR: Final = re.compile(rf"{_D}\.{_M}\.?{_DASH}(\d{{1,2}})\.{_M}\.{_Y}")
_DAY_RANGE: Final = re.compile(rf"{_D}{_DASH}(\d{{1,2}})\.{_M}\.{_Y}")
_FULL: Final = re.compile(rf"{_D}\.{_M}\.{_Y}")
_NO_YEAR: Final = re.compile(rf"{_D}\.{_M}(?:\.(?!\d))?(?![\d])")
_TEXT_DAYS: Final = re.compile(
    rf"(?<![\d.])(\d{{1,2}})\.{_LIST_JOIN}(\d{{1,2}})\.\s({MONTH})(?:\s(\d{{4}}))?",
    re.IGNORECASE,
)
_TEXT_DAY: Final = re.compile(rf"(?<![\d.])(\d{{1,2}})\.\s({MONTH})(?:\s(\d{{4}}))?", re.IGNORECASE)
_YEAR_MONTH: Final = re.compile(rf"(\d{{4}})\.\saasta\s({MONTH})", re.IGNORECASE)
_MONTH_RANGE: Final = re.compile(
    rf"({_FULL_MONTH})(?:\s(\d{{4}}))?{_DASH}({_FULL_MONTH})\s(\d{{4}})", re.IGNORECASE
)
_MONTH_YEAR: Final = re.compile(rf"({MONTH})\s(\d{{4}})(?!\d)", re.IGNORECASE)
_MONTH_ALONE: Final = re.compile(rf"(?<!\w)({_FULL_MONTH})", re.IGNORECASE)
_YEAR_RANGE: Final = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s?[-–]\s?((?:19|20)\d{2})(?![\d])")
_YEAR_LIST: Final = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})\.(?:(?:,\s|\s+ja\s+)((?:19|20)\d{2})\.)+\saasta"
)
_YEAR: Final = re.compile(r"(?<![\d.,+])((?:19|20)\d{2})(?![\d])")


#: A word right after a list item's number.
_AFTER_MARKER: Final = re.compile(r"[^\S\n]+([^\W\d_]+)")


def list_markers(text: str) -> list[tuple[int, int]]:
    """(start, end) of each numbered list item's number and full stop ("4." of "4.
    Detsember 2016 - …" in a list 1., 2., 3., 4.). A run whose every item is a day of
    one month ("1. juuli 2019 – seminar", "2. juuli 2019 – töötuba") is days, not a
    list."""
    out: list[tuple[int, int]] = []
    for run in marker_runs(text):
        months = set()
        for _, end in run:
            word = _AFTER_MARKER.match(text, end)
            months.add(month_number(word.group(1)) if word else None)
        if len(months) == 1 and None not in months:
            continue
        out += run
    return out


def find_dates(text: str) -> list[DateMention]:
    """Every date, range and year in `text`, in order; a year-less one has `start` None
    and its day and month in `day_month` (see `fill_years`). The numbers of a numbered
    list are not days."""
    taken = bytearray(len(text))
    found: list[DateMention] = []
    mo: int | None
    y: int | None

    for s, e in list_markers(text):  # "4. Detsember 2016" as item 4 of a numbered list
        taken[s:e] = b"\x01" * (e - s)

    def free(m: re.Match[str]) -> bool:
        return not any(taken[m.start() : m.end()])

    def take(mention: DateMention) -> None:
        taken[mention.begin : mention.finish] = b"\x01" * (mention.finish - mention.begin)
        found.append(mention)

    def bound(m: re.Match[str]) -> bool:
        return bool(
            _BOUND_AFTER.match(text, m.end())
            or _BOUND_BEFORE.search(text[max(0, m.start() - 20) : m.start()])
        )

    for m in _RANGE_FULL.finditer(text):
        d1, m1, y1, d2, m2, y2 = (int(g) if len(g) < 3 else g for g in m.groups())
        ya, yb = _year(m.group(3)), _year(m.group(6))
        if free(m) and _valid(int(d1), int(m1), ya) and _valid(int(d2), int(m2), yb):
            take(
                DateMention(
                    m.start(), m.end(), _iso(ya, int(m1), int(d1)), _iso(yb, int(m2), int(d2))
                )
            )
    for m in _RANGE_TO_YEAR.finditer(text):
        d1, m1, d2, m2 = (int(m.group(i)) for i in (1, 2, 3, 4))
        y = _year(m.group(5))
        if free(m) and _valid(d1, m1, y) and _valid(d2, m2, y):
            ya = y if (m1, d1) <= (m2, d2) else y - 1
            take(DateMention(m.start(), m.end(), _iso(ya, m1, d1), _iso(y, m2, d2)))
    for m in _DAY_RANGE.finditer(text):
        d1, d2, mo = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = _year(m.group(4))
        if free(m) and d1 < d2 and _valid(d1, mo, y) and _valid(d2, mo, y):
            take(DateMention(m.start(), m.end(), _iso(y, mo, d1), _iso(y, mo, d2)))
    for m in _FULL.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if free(m) and _valid(d, mo, y):
            iso = _iso(y, mo, d)
            take(DateMention(m.start(), m.end(), iso, iso, bound=bound(m)))
    for m in _TEXT_DAYS.finditer(text):
        mo = month_number(m.group(3))
        if not free(m) or mo is None:
            continue
        y = int(m.group(4)) if m.group(4) else None
        for g in (1, 2):
            d = int(m.group(g))
            if _valid(d, mo, y):
                begin = m.start(g)
                finish = m.end() if g == 2 else m.end(1) + 1
                iso = _iso(y, mo, d)
                take(DateMention(begin, finish, iso, iso, () if y else ((d, mo),)))
    for m in _TEXT_DAY.finditer(text):
        mo = month_number(m.group(2))
        d = int(m.group(1))
        y = int(m.group(3)) if m.group(3) else None
        if free(m) and mo is not None and _valid(d, mo, y):
            iso = _iso(y, mo, d)
            b = bound(m) or m.group(2).lower().endswith(("ni", "ks"))
            take(DateMention(m.start(), m.end(), iso, iso, () if y else ((d, mo),), bound=b))
    for m in _YEAR_MONTH.finditer(text):
        mo = month_number(m.group(2))
        if free(m) and mo is not None:
            iso = _iso(int(m.group(1)), mo)
            take(DateMention(m.start(), m.end(), iso, iso))
    for m in _MONTH_RANGE.finditer(text):
        m1, m2 = month_number(m.group(1)), month_number(m.group(3))
        if not free(m) or m1 is None or m2 is None:
            continue
        y2 = int(m.group(4))
        y1 = int(m.group(2)) if m.group(2) else (y2 if m1 <= m2 else y2 - 1)
        take(DateMention(m.start(), m.end(), _iso(y1, m1), _iso(y2, m2)))
    for m in _MONTH_YEAR.finditer(text):
        mo = month_number(m.group(1))
        if free(m) and mo is not None:
            iso = _iso(int(m.group(2)), mo)
            take(DateMention(m.start(), m.end(), iso, iso))
    for m in _NO_YEAR.finditer(text):
        d, mo = int(m.group(1)), int(m.group(2))
        before = text[max(0, m.start() - 6) : m.start()].lower()
        if free(m) and _valid(d, mo) and "kell" not in before and not _decimal(text, m):
            take(DateMention(m.start(), m.end(), None, None, ((d, mo),), bound=bound(m)))
    for m in _MONTH_ALONE.finditer(text):
        mo = month_number(m.group(1))
        if free(m) and mo is not None:
            take(DateMention(m.start(), m.end(), None, None, ((None, mo),)))
    for m in _YEAR_LIST.finditer(text):
        if free(m):
            for listed in re.finditer(r"(?:19|20)\d{2}", m.group(0)):
                iso = _iso(int(listed.group()))
                take(DateMention(m.start() + listed.start(), m.start() + listed.end(), iso, iso))
    for m in _YEAR_RANGE.finditer(text):
        y1, y2 = int(m.group(1)), int(m.group(2))
        if free(m) and y1 <= y2:
            take(DateMention(m.start(), m.end(), _iso(y1), _iso(y2)))
    for m in _YEAR.finditer(text):
        if free(m):
            iso = _iso(int(m.group(1)))
            take(DateMention(m.start(), m.end(), iso, iso))
    found.sort(key=lambda d: d.begin)
    return _share_list_years(text, found)


def _decimal(text: str, m: re.Match[str]) -> bool:
    """'1.5' in '1.5 miljonit', '3.2 %': a number, not a date."""
    after = text[m.end() : m.end() + 6]
    return bool(re.match(r"\s?(?:%|mln|milj|tuh|eur|€)", after, re.IGNORECASE))


def _share_list_years(text: str, found: list[DateMention]) -> list[DateMention]:
    """'18.02. ja 03.03.2016', '21.04 ja 03.05.2016': a year-less date followed in its
    list by a dated one takes that one's year (the earlier one's, if it is later in the
    year)."""
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        cur, nxt = out[i], out[i + 1]
        if cur.has_year or not cur.day_month or not nxt.has_year or nxt.start is None:
            continue
        between = text[cur.finish : nxt.begin]
        if not re.fullmatch(r"\.?(?:\s?,\s?|\s+ja\s+|\s+ning\s+)", between):
            continue
        year = int(nxt.start[:4])
        day, month = cur.day_month[0]
        nxt_month = int(nxt.start[5:7]) if len(nxt.start) >= 7 else 12
        if month > nxt_month:
            year -= 1
        iso = _iso(year, month, day)
        out[i] = replace(cur, start=iso, end=iso, day_month=(), inferred=False)
    return out


def with_year(mention: DateMention, year: int, note: str) -> DateMention:
    """The mention with its year set (`inferred`, `note` says from where)."""
    values = [_iso(year, month, day) for day, month in mention.day_month]
    if not values or not all(_valid(d, m, year) for d, m in mention.day_month):
        return mention
    return replace(mention, start=values[0], end=values[-1], day_month=(), inferred=True, note=note)


def _as_date(mention: DateMention, year: int) -> date:
    day, month = mention.day_month[0]
    return date(year, month, day or 1)


def fill_years(
    text: str,
    found: list[DateMention],
    *,
    reference: date | None = None,
    context_year: int | None = None,
    paragraph: int = 600,
) -> list[DateMention]:
    """Give each year-less date a year from context, in this order: a bound the text sets
    within `paragraph` characters after it (the latest such day not after the bound), the
    document's date `reference` (the first such day from 60 days before it on), else
    `context_year` (the year of what the document is about). A date no rule fits keeps
    `start` None."""
    bounds = [d for d in found if d.bound and d.has_year and d.start and len(d.start) == 10]
    out = []
    for mention in found:
        if mention.has_year or not mention.day_month:
            out.append(mention)
            continue
        filled = mention
        later = [b for b in bounds if 0 < b.begin - mention.finish < paragraph]
        if later and later[0].start:
            limit = date.fromisoformat(later[0].start)
            year = limit.year if _as_date(mention, limit.year) <= limit else limit.year - 1
            filled = with_year(
                mention, year, f"the year before {later[0].start}, a bound the text sets"
            )
        elif reference is not None:
            year = reference.year
            while _as_date(mention, year) < date.fromordinal(reference.toordinal() - 60):
                year += 1
            filled = with_year(
                mention, year, f"the first such day after the document's date {reference}"
            )
        elif context_year is not None:
            filled = with_year(
                mention, context_year, f"the year of what the document is about ({context_year})"
            )
        out.append(filled)
    return out


#: A line that is nothing but a date: a page's publication date ("28. jaan. 2019").
_DATE_LINE: Final = re.compile(r"^\s*(.{6,24}?)\s*$", re.MULTILINE)


def document_date(text: str, found: list[DateMention], *, within: int = 600) -> date | None:
    """The document's own date: a full date standing alone on a line near its start."""
    for mention in found:
        if mention.begin > within:
            break
        if not (mention.has_year and mention.start and len(mention.start) == 10):
            continue
        line_start = text.rfind("\n", 0, mention.begin) + 1
        line_end = text.find("\n", mention.finish)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if line.strip() == text[mention.begin : mention.finish].strip():
            return date.fromisoformat(mention.start)
    return None


def without_year(
    text: str, *, reference: date | None = None, year: int | None = None
) -> list[DateMention]:
    """The dates of `text` that no rule of `fill_years` could give a year: the events
    they date are not proposed (the caller can say the document's date)."""
    found = find_dates(text)
    reference = reference or document_date(text, found)
    filled = fill_years(text, found, reference=reference, context_year=year)
    return [d for d in filled if d.day_month and not d.has_year]
