"""The importers' domain rules: which rows of a file are one record (duplicates), which
stored event an events row writes, and which of a stored event's dates a row may move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graph.matching import Candidate, NameIndex
from graph.models.common import check_order
from seeds.importers.resolve import Target, import_id
from seeds.importers.rows import AttendanceRecord, EventRecord, Ref
from seeds.importers.validation import ProblemList


@dataclass
class EventRows:
    """The rows of an events file as its rules need them. Rows with one id are one event
    (a duplicate row); rows with different ids are different events, whatever their
    names; a row without an id is one with any row of its name and start date."""

    #: event id given → its line
    by_id: dict[str, int] = field(default_factory=dict)
    #: natural key → the first line with it, and whether every row with it gave an id
    by_key: dict[tuple[str, str], tuple[int, bool]] = field(default_factory=dict)
    #: (line, id given, natural key, endDate given) of every row
    keyed: list[tuple[int, str | None, tuple[str, str], str | None]] = field(default_factory=list)

    def add(self, ev: EventRecord, problems: ProblemList) -> None:
        """Note the row `ev`; a duplicate of an earlier row is a problem."""
        by_id, by_key = self.by_id, self.by_key
        if ev.event.id:
            if ev.event.id in by_id:
                problems.add(
                    ev.line,
                    f"duplicate id {ev.event.id!r} (also on line {by_id[ev.event.id]})",
                    "id",
                )
            by_id.setdefault(ev.event.id, ev.line)
        key = ev.natural_key
        has_id = ev.event.id is not None
        first = by_key.get(key)
        if first is None:
            by_key[key] = (ev.line, has_id)
        else:
            first_line, all_ids = first
            if not (all_ids and has_id):
                problems.add(
                    ev.line,
                    f"duplicate row: the same event name and start date as line {first_line}"
                    " (rows for different events need their ids)",
                    "name",
                )
            by_key[key] = (first_line, all_ids and has_id)
        self.keyed.append((ev.line, ev.event.id, key, ev.event.end_date))

    def targets(
        self, existing: dict[str, Candidate], index: NameIndex, problems: ProblemList
    ) -> dict[int, tuple[str, bool]]:
        """Which event each row writes (line → (event id, matched by name)): the id it
        gives (a problem if that is another entity's), else the stored event of its name
        and start date (a problem if there are several), else a new one."""
        for event_id, line in self.by_id.items():
            found = existing.get(event_id)
            if found is not None and found.label != "Event":
                problems.add(
                    line, f"{event_id!r} is the id of {found.describe()}, not of an event", "id"
                )
        event_of: dict[int, tuple[str, bool]] = {}
        for line, given_id, (name_key, start), end in self.keyed:
            if given_id:
                event_of[line] = (given_id, False)
                found = existing.get(given_id)
                if found is not None and found.label == "Event":
                    check_stored_dates(problems, line, found, start or None, end)
                continue
            found_by_name = [
                c for c in index.by_name("Event", name_key) if (c.start_date or "") == start
            ]
            if len(found_by_name) > 1:
                listed = "; ".join(c.describe() for c in found_by_name[:6])
                problems.add(
                    line, f"matches several existing events: {listed} (give the id)", "name"
                )
            elif found_by_name:
                event_of[line] = (found_by_name[0].id, True)
            else:
                event_of[line] = (import_id("event", name_key, start), False)
        return event_of


def check_stored_dates(
    problems: ProblemList, line: int, stored: Candidate, start: str | None, end: str | None
) -> None:
    """An update of one of an event's dates must fit the other one as stored: a row that
    moves the start after the stored end (or the end before the stored start) is an
    error, not an event that ends before it begins. (A row with both is checked by
    the model.)"""
    if start and not end and _ends_before(start, stored.end_date):
        problems.add(
            line,
            f"{start} is after the event's stored endDate {stored.end_date} (give endDate too)",
            "startDate",
        )
    if end and not start and _ends_before(stored.start_date, end):
        problems.add(
            line,
            f"{end} is before the event's stored startDate {stored.start_date} "
            "(give startDate too)",
            "endDate",
        )


def _ends_before(start: str | None, end: str | None) -> bool:
    try:
        check_order(start, end, "")
    except ValueError:
        return True
    return False


@dataclass
class AttendanceRows:
    """The rows of an attendance file as its rules need them: one attendee (as written)
    at one event is one attendance, and so is one person at one event however the file
    spells them."""

    #: (event, attendee) → (first line, ATTENDED properties)
    pairs: dict[tuple[Ref, Ref], tuple[int, tuple[tuple[str, str], ...]]] = field(
        default_factory=dict
    )

    def add(self, at: AttendanceRecord, event: Ref, attendee: Ref, problems: ProblemList) -> None:
        """Note the row `at` (its `event` and `attendee` as noted); a duplicate of an
        earlier row is a problem."""
        first = self.pairs.setdefault((event, attendee), (at.line, at.props))[0]
        if first != at.line:
            problems.add(
                at.line,
                f"duplicate row: {at.attendee.text!r} at {at.event.describe()} is already on "
                f"line {first}",
            )

    def distinct(
        self, targets: dict[Ref, Target], problems: ProblemList
    ) -> Iterator[tuple[Target, Target, dict[str, Any]]]:
        """(person, event, ATTENDED properties) of each attendance, once resolved: two
        spellings of one attendee at one event are a problem, and written once. Rows of
        equal properties share one dict."""
        first_line: dict[tuple[str, str], int] = {}  # (person, event) → its first line
        shared: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}  # one dict per props
        for (event, attendee), (line, props) in self.pairs.items():
            person, at = targets.get(attendee), targets.get(event)
            if person is None or at is None:
                continue
            first = first_line.setdefault((person.id, at.id), line)
            if first != line:
                problems.add(
                    max(first, line),
                    f"duplicate row: {attendee.text!r} at {event.describe()} is the same "
                    f"attendance as line {min(first, line)}",
                )
                continue
            if props not in shared:
                shared[props] = dict(props)
            yield person, at, shared[props]
