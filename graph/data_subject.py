"""Which audit records concern a person: the exact rule behind GDPR export and erasure.

A person is known by their ids: their own id and every id that a merge folded into it
(the `merged-into` audit events record `mergedInto`), transitively. An id can be used
again after a delete or a merge, so each id counts only for one lifetime: from its
last `delete` / `merged-into` before the moment that matters (now, for the person; the
merge, for an id folded into them) up to and including that moment.

An audit event concerns the person when, within the lifetime of the id concerned,

- OWN: it is a Person or relationship event whose `entityId` is one of their ids
  (console, API-key, import and audit events have ids of their own: a person whose id
  is `console` does not own the console's trail);
- RELATIONSHIP: it records a change of a relationship with them at one end (`fromId` /
  `toId` of the snapshot; `from` / `to` in events written before the ends had keys of
  their own);
- NOTE: it is an event of a note or task that is about them (linked now, or listing
  them in the `about` of its creation);
- CONSOLE: it records a console query one of whose parameter values, or one of whose
  string literals, is one of their ids (exactly), or one of their identifying values
  (e-mail, phone, name, English name or alias, now or in their own audit events;
  compared ignoring case and runs of spaces).

Nothing else: an id is never matched as part of a longer string, so the person `e`
is not found in every snapshot that contains the letter e, nor `mari-tamm` in the
records of `mari-tamm-2`. Free text is never searched for an id; identifying values
are looked for as whole values (console) or as whole words (notes about the person).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph.models.common import to_native
from graph.models.relationships import RelType

#: Actions after which an id no longer names the entity it named (it may be reused).
ENDS: Final = ("delete", "merged-into")
#: Person properties whose values identify them outside their own records.
IDENTIFYING: Final = ("email", "phone", "name", "nameEn", "aliases")
#: What erased text is replaced by.
ERASED: Final = "[erased]"
#: The `entityId` of console audit events (graph/console.py).
CONSOLE: Final = "console"
CRM_LABELS: Final = ("Note", "Task")
_REL_TYPES: Final = frozenset(t.value for t in RelType)
#: A single- or double-quoted string literal (Cypher or JSON), backslash escapes kept.
_LITERAL: Final = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.DOTALL)
_ESCAPE: Final = re.compile(r"\\(.)", re.DOTALL)

ENDINGS = """
MATCH (a:AuditEvent)
WHERE a.entityId IN $ids AND a.action IN $ends
RETURN a.entityId AS id, collect(a.at) AS ats
"""

MERGED_INTO = """
MATCH (a:AuditEvent {action: 'merged-into'})
WHERE any(q IN $quoted WHERE a.after CONTAINS q)
RETURN a.id AS event, a.entityId AS id, a.at AS at, a.after AS after
"""

#: `CONTAINS` only narrows the scan to snapshots holding one of the ids as a whole JSON
#: string; which of them concern the person is decided exactly, in `_classify`.
CANDIDATES = """
MATCH (a:AuditEvent)
WHERE a.entityId IN $ids OR any(q IN $quoted WHERE a.before CONTAINS q OR a.after CONTAINS q)
RETURN a {.*} AS a
"""

CONSOLE_CANDIDATES = """
MATCH (a:AuditEvent {entityId: $console})
WHERE any(n IN $needles WHERE toLower(a.after) CONTAINS n)
RETURN a {.*} AS a
"""


class Concern(StrEnum):
    """How an audit event concerns the person (see the module docstring)."""

    OWN = "own"
    RELATIONSHIP = "relationship"
    NOTE = "note"
    CONSOLE = "console"


@dataclass(frozen=True)
class Lifetime:
    """The time an id named one entity: after `since` (exclusive), up to `until`."""

    since: datetime | None = None
    until: datetime | None = None

    def holds(self, at: datetime) -> bool:
        return (self.since is None or at > self.since) and (self.until is None or at <= self.until)


def _lifetime(ends: list[datetime], at: datetime | None) -> Lifetime:
    """The lifetime that contains `at` (None: the present one) given the id's ends."""
    if at is None:
        return Lifetime(max(ends, default=None))
    return Lifetime(
        max((e for e in ends if e < at), default=None),
        min((e for e in ends if e >= at), default=None),
    )


def norm(value: str) -> str:
    """How identifying values are compared: NFC, case-folded, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


@dataclass
class Subject:
    """A person as the records know them: ids with lifetimes, identifying values."""

    person_id: str
    lifetimes: dict[str, list[Lifetime]] = field(default_factory=dict)
    #: normalised identifying value → the value as written
    values: dict[str, str] = field(default_factory=dict)

    def names(self, entity_id: object, at: datetime) -> bool:
        """True if `entity_id` named this person at `at`."""
        if not isinstance(entity_id, str):
            return False
        return any(life.holds(at) for life in self.lifetimes.get(entity_id, ()))

    def identifies(self, text: str, at: datetime) -> bool:
        """True if `text` is, as a whole, one of the person's ids or identifying values."""
        return self.names(text, at) or norm(text) in self.values

    def add_values(self, props: dict[str, Any]) -> None:
        for key in IDENTIFYING:
            found = props.get(key)
            for v in found if isinstance(found, list) else [found]:
                if isinstance(v, str) and norm(v) and v != ERASED:
                    self.values.setdefault(norm(v), v.strip())

    def words(self) -> re.Pattern[str] | None:
        """A pattern of the identifying values as whole words in free text."""
        if not self.values:
            return None
        written = sorted(self.values.values(), key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, v.split())) for v in written)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Concerned:
    """An audit event that concerns the person, and how."""

    #: the event's properties (`at` a Python datetime; `before`/`after` JSON text)
    event: dict[str, Any]
    concern: Concern
    #: NOTE: the note or task is about this person alone
    only_them: bool = False
    #: CONSOLE: the parameter values and literals that identified them, as written
    matched: tuple[str, ...] = ()

    def snapshot(self, key: str) -> Any:
        text = self.event.get(key)
        return json.loads(text) if text else None


def _quoted(ids: Iterable[str]) -> list[str]:
    return [json.dumps(i, ensure_ascii=False) for i in ids]


def _event(row: Any) -> dict[str, Any]:
    event: dict[str, Any] = to_native(dict(row["a"]))
    return event


def _snapshots(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("before", "after"):
        text = event.get(key)
        data = json.loads(text) if text else None
        if isinstance(data, dict):
            yield data


def _names_end(snapshot: dict[str, Any], subject: Subject, at: datetime) -> bool:
    ends = ("fromId", "toId") if "fromId" in snapshot or "toId" in snapshot else ("from", "to")
    return any(subject.names(snapshot.get(k), at) for k in ends)


def _about(snapshot: dict[str, Any], subject: Subject, at: datetime) -> list[str] | None:
    """The `about` list of a note's snapshot if it names the person, else None."""
    about = snapshot.get("about")
    if isinstance(about, list) and any(subject.names(x, at) for x in about):
        return [str(x) for x in about]
    return None


async def _ends(tx: AsyncManagedTransaction, ids: Iterable[str]) -> dict[str, list[datetime]]:
    result = await tx.run(ENDINGS, ids=sorted(set(ids)), ends=list(ENDS))
    return {r["id"]: [to_native(at) for at in r["ats"]] async for r in result}


async def _ids(tx: AsyncManagedTransaction, person_id: str) -> dict[str, list[Lifetime]]:
    """The person's ids with their lifetimes: their own and those merged into them."""
    lifetimes: dict[str, list[Lifetime]] = {}
    frontier: list[tuple[str, datetime | None]] = [(person_id, None)]
    seen: set[str] = set()
    while frontier:
        ends = await _ends(tx, (i for i, _ in frontier))
        for entity_id, at in frontier:
            lifetimes.setdefault(entity_id, []).append(_lifetime(ends.get(entity_id, []), at))
        rows = await tx.run(MERGED_INTO, quoted=_quoted({i for i, _ in frontier}))
        frontier = []
        async for r in rows:
            at, into = to_native(r["at"]), json.loads(r["after"] or "{}").get("mergedInto")
            target = lifetimes.get(into, []) if isinstance(into, str) else []
            if r["event"] not in seen and any(life.holds(at) for life in target):
                seen.add(r["event"])
                frontier.append((r["id"], at))
    return lifetimes


def _literal(m: re.Match[str]) -> str:
    """The text of a string literal matched by `_LITERAL`."""
    return _ESCAPE.sub(r"\1", m.group(1) if m.group(1) is not None else m.group(2))


def _console_strings(details: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(text, is a whole value) of a console event: parameter values are whole values;
    the query text (and parameters stored as text) yield their string literals."""

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    params = details.get("params")
    if isinstance(params, dict | list):
        for value in walk(params):
            yield value, True
    texts = [details.get("query"), params if isinstance(params, str) else None]
    for text in texts:
        if isinstance(text, str):
            for m in _LITERAL.finditer(text):
                yield _literal(m), False


def console_matches(details: dict[str, Any], subject: Subject, at: datetime) -> tuple[str, ...]:
    """The parameter values and query literals of a console event that identify the person."""
    found = [text for text, _ in _console_strings(details) if subject.identifies(text, at)]
    return tuple(dict.fromkeys(found))


def scrub_console(
    details: dict[str, Any], subject: Subject, at: datetime, erased: str
) -> dict[str, Any]:
    """The console event with the person's ids and values replaced by `erased`."""

    def values(value: Any) -> Any:
        if isinstance(value, str):
            return erased if subject.identifies(value, at) else value
        if isinstance(value, dict):
            return {k: values(v) for k, v in value.items()}
        if isinstance(value, list):
            return [values(v) for v in value]
        return value

    def literals(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            quote = m.group(0)[0]
            return f"{quote}{erased}{quote}" if subject.identifies(_literal(m), at) else m.group(0)

        return _LITERAL.sub(one, text)

    matched = console_matches(details, subject, at)
    out = dict(details)
    params = out.get("params")
    out["params"] = literals(params) if isinstance(params, str) else values(params)
    if isinstance(out.get("query"), str):
        out["query"] = literals(out["query"])
    if isinstance(out.get("error"), str):
        for text in sorted(matched, key=len, reverse=True):
            out["error"] = out["error"].replace(text, erased)
    return out


def _needles(subject: Subject) -> list[str]:
    """Lower-case texts one of which a console event that concerns the person holds."""
    needles = set()
    for written in subject.values.values():
        longest = max(written.split(), key=len)
        needles.add(json.dumps(longest.lower(), ensure_ascii=False)[1:-1])
    for entity_id in subject.lifetimes:
        needles |= {f'"{entity_id}"', f"'{entity_id}'", f'\\"{entity_id}\\"'}
    return sorted(needles)


def _classify(
    event: dict[str, Any], subject: Subject, notes: dict[str, list[Lifetime]]
) -> Concern | None:
    at, entity_id, entity_type = event["at"], event.get("entityId"), event.get("entityType")
    if entity_type not in _REL_TYPES and entity_type not in ("Person", *CRM_LABELS):
        return None  # console, API keys, imports: ids of their own, never a person's
    if entity_type in ("Person", *_REL_TYPES) and subject.names(entity_id, at):
        return Concern.OWN
    if isinstance(entity_id, str) and any(life.holds(at) for life in notes.get(entity_id, ())):
        return Concern.NOTE
    if entity_type in _REL_TYPES and any(_names_end(s, subject, at) for s in _snapshots(event)):
        return Concern.RELATIONSHIP
    return None


async def _earlier_notes(
    tx: AsyncManagedTransaction,
    subject: Subject,
    events: dict[str, dict[str, Any]],
    lives: dict[str, list[Lifetime]],
    only_them: dict[str, bool],
) -> None:
    """Add the notes and tasks whose creation listed the person in `about` but that are
    no longer linked to them (deleted since) to `lives`, and their events to `events`."""
    earlier: dict[str, datetime] = {}
    for e in list(events.values()):
        if e.get("entityType") in CRM_LABELS and e.get("entityId") not in lives:
            for s in _snapshots(e):
                about = _about(s, subject, e["at"])
                if about is not None:
                    earlier[e["entityId"]] = e["at"]
                    only_them[e["entityId"]] = all(subject.names(x, e["at"]) for x in about)
    if not earlier:
        return
    ends = await _ends(tx, earlier)
    for note_id, at in earlier.items():
        lives.setdefault(note_id, []).append(_lifetime(ends.get(note_id, []), at))
    async for r in await tx.run(CANDIDATES, ids=sorted(earlier), quoted=[]):
        events.setdefault(r["a"]["id"], _event(r))


async def concerning(
    tx: AsyncManagedTransaction,
    person_id: str,
    person: dict[str, Any],
    notes: dict[str, bool],
) -> tuple[Subject, list[Concerned]]:
    """The person (`person`: their node's properties) and every audit event that concerns
    them, oldest first. `notes`: the notes and tasks about them now, id → about them alone."""
    subject = Subject(person_id, await _ids(tx, person_id))
    note_ends = await _ends(tx, notes)
    note_lives = {n: [_lifetime(note_ends.get(n, []), None)] for n in notes}
    only_them = dict(notes)

    events: dict[str, dict[str, Any]] = {}
    ids = sorted({*subject.lifetimes, *notes})
    async for r in await tx.run(CANDIDATES, ids=ids, quoted=_quoted(subject.lifetimes)):
        events.setdefault(r["a"]["id"], _event(r))
    await _earlier_notes(tx, subject, events, note_lives, only_them)

    concerned = []
    for e in events.values():
        concern = _classify(e, subject, note_lives)
        if concern is not None:
            concerned.append(Concerned(e, concern, only_them.get(e["entityId"], False)))

    if not person.get("erased"):
        subject.add_values(person)
    for c in concerned:
        if c.concern is Concern.OWN and c.event.get("entityType") == "Person":
            for s in _snapshots(c.event):
                subject.add_values(s)

    consoles = await tx.run(CONSOLE_CANDIDATES, console=CONSOLE, needles=_needles(subject))
    async for r in consoles:
        e = _event(r)
        details = json.loads(e.get("after") or "{}")
        if e.get("entityType") == "Console" and isinstance(details, dict):
            matched = console_matches(details, subject, e["at"])
            if matched:
                concerned.append(Concerned(e, Concern.CONSOLE, matched=matched))

    concerned.sort(key=_order)
    return subject, concerned


def _order(c: Concerned) -> tuple[datetime, str]:
    return c.event["at"], c.event["id"]
