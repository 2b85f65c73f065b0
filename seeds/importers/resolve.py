"""Resolving the references of a file (`Ref`s) to existing entities, or to entities
the import will create (`--create-missing`, people and organisations only).

Every outcome is deterministic: a created entity's id is a UUID5 of its natural key,
so re-running an import (also after an interruption) finds or re-creates the same
nodes and never duplicates them.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction
from pydantic import TypeAdapter, ValidationError

from graph import matching, uniqueness
from graph.driver import Graph
from graph.matching import Candidate, IdLookup, NameIndex
from graph.models.common import SLUG, partial_date_bounds
from graph.models.entities import OrganisationKind
from graph.models.inputs import OrganisationName
from graph.models.registry import REGISTRY
from graph.text import confusable_key, fold, normalise_name, split_legal_form
from seeds.importers.reading import Problem
from seeds.importers.rows import Ref

#: Namespace of the ids of imported entities (UUID5 of their natural key).
NAMESPACE = uuid.UUID("6f0b1f4e-6c1e-5d7a-9a43-6b6f6f7374f6")
CREATABLE = ("Person", "Organisation")
_KIND_OF_FORM = {
    "MTÜ": OrganisationKind.NGO,
    "SA": OrganisationKind.FOUNDATION,
    "OÜ": OrganisationKind.COMPANY,
    "AS": OrganisationKind.COMPANY,
    "TÜH": OrganisationKind.COMPANY,
    "FIE": OrganisationKind.COMPANY,
}


#: A cell that is an Estonian business-register code (registrikood).
REGISTRY_CODE = re.compile(r"[0-9]{8}")


def import_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def could_be_id(text: str) -> bool:
    return SLUG.fullmatch(text) is not None or _is_uuid(text)


def looks_like_id(text: str) -> bool:
    """A value nobody would write as a name: a UUID or a hyphenated lowercase slug."""
    return _is_uuid(text) or (SLUG.fullmatch(text) is not None and "-" in text)


@dataclass
class Use:
    """Where a ref is used: its first line and column, and on how many rows."""

    line: int
    column: str
    rows: int = 1

    def where(self) -> str:
        return f" (also on {self.rows - 1} more rows)" if self.rows > 1 else ""


@dataclass
class References:
    """The refs of a file, each with its first use, as the validation pass meets them.
    The first use of a ref that could be an id also adds it to `lookup`, so Neo4j
    looks the ids up while the pass goes on, and `resolve()` mostly finds them
    answered."""

    lookup: IdLookup
    uses: dict[Ref, Use] = field(default_factory=dict)

    def note(self, ref: Ref, line: int, column: str) -> Ref:
        use = self.uses.get(ref)
        if use is None:
            self.uses[ref] = Use(line, column)
            if could_be_id(ref.text):
                self.lookup.add(ref.text)
        else:
            use.rows += 1
        return ref


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    label: str
    created: bool = False
    #: the node's elementId, for an existing entity (`Candidate.element_id`)
    element_id: str | None = None


@dataclass
class NewEntity:
    label: str
    id: str
    props: dict[str, Any]


@dataclass
class Resolution:
    targets: dict[Ref, Target] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: entities to create, by id
    new: dict[str, NewEntity] = field(default_factory=dict)
    #: existing people whose e-mail address the file fills in
    emails: dict[str, str] = field(default_factory=dict)


def _label_words(labels: tuple[str, ...]) -> str:
    return " or ".join(label.lower() for label in labels)


def _with_article(words: str) -> str:
    """'an event', 'a person or organisation'."""
    return ("an " if words[:1] in ("a", "e", "i", "o", "u") else "a ") + words


def _date_matches(candidate: Candidate, date: str) -> bool:
    if not candidate.start_date:
        return False
    start = partial_date_bounds(candidate.start_date)[0]
    end = partial_date_bounds(candidate.end_date or candidate.start_date)[1]
    low, high = partial_date_bounds(date)
    return start <= high and low <= end


async def resolve(graph: Graph, file: str, refs: References, *, create_missing: bool) -> Resolution:
    """Resolve every ref in `refs`; problems name the first line using the ref."""
    out = Resolution()
    uses = refs.uses
    by_id = await refs.lookup.done()
    need_names = {label for r in uses if r.text not in by_id for label in r.labels}
    if any(r.email for r in uses):
        need_names.add("Person")
    index = await matching.name_index(graph, need_names) if need_names else NameIndex()
    missing: dict[tuple[str, str], list[Ref]] = defaultdict(list)

    def problem(ref: Ref, message: str) -> None:
        use = uses[ref]
        out.problems.append(Problem(file, use.line, message + use.where(), use.column))

    for ref, _use in sorted(uses.items(), key=lambda item: item[1].line):
        found = by_id.get(ref.text)
        if found is not None:
            if found.label not in ref.labels:
                problem(
                    ref,
                    f"{ref.text!r} is the id of {found.describe()}, not of "
                    f"{_with_article(_label_words(ref.labels))}",
                )
            elif ref.date and not _date_matches(found, ref.date):
                when = f"on {found.start_date}" if found.start_date else "without a date"
                problem(ref, f"{found.describe()} is {when}, not on {ref.date}")
            else:
                out.targets[ref] = Target(found.id, found.label, element_id=found.element_id)
            continue
        if not ref.key:
            problem(ref, f"{ref.text!r} is not a name: it has no letters or digits of its own")
            continue
        owner = _other_owner_of_email(index, ref)
        if owner is not None:
            problem(
                ref,
                f"the e-mail address {ref.email} is that of {owner.describe()}, not of "
                f"{ref.text!r} (give the person's id, or the name as stored)",
            )
            continue
        candidates = _by_name(index, ref)
        if len(candidates) == 1:
            match = candidates[0]
            out.targets[ref] = Target(match.id, match.label, element_id=match.element_id)
            if ref.email and not match.email:
                known = out.emails.setdefault(match.id, ref.email)
                if known != ref.email:
                    problem(
                        ref,
                        f"{match.describe()} is given two e-mail addresses "
                        f"({known} and {ref.email})",
                    )
            continue
        if candidates:
            # A stable order, most likely first: by name (not alias), then by name and id.
            candidates.sort(key=lambda c: (normalise_name(c.name) != ref.key, c.name, c.id))
            listed = "; ".join(c.describe() for c in candidates[:6])
            more = f" and {len(candidates) - 6} more" if len(candidates) > 6 else ""
            hint = (
                " (add eventDate)" if ref.labels == ("Event",) and not ref.date else " (use an id)"
            )
            problem(ref, f"{ref.describe()} matches several: {listed}{more}{hint}")
            continue
        creatable = [label for label in ref.labels if label in CREATABLE]
        if not create_missing or not creatable:
            hint = " (or run with --create-missing to create it)" if creatable else ""
            problem(
                ref, f"no {_label_words(ref.labels)} with the id or name {ref.describe()}{hint}"
            )
        elif len(creatable) > 1:
            problem(
                ref,
                f"{ref.describe()} is not known: set attendeeType to PERSON or ORGANISATION "
                "to create it",
            )
        elif creatable == ["Organisation"] and REGISTRY_CODE.fullmatch(ref.text.strip()):
            problem(
                ref,
                f"no organisation has the business-register code {ref.text.strip()!r}; "
                "refusing to create one named like a code",
            )
        elif looks_like_id(ref.text):
            problem(
                ref,
                f"no {creatable[0].lower()} has the id {ref.text!r}; refusing to create one "
                "named like an id",
            )
        else:
            missing[(creatable[0], ref.key)].append(ref)

    refused = await _refused_organisations(
        graph, {key: refs for (label, key), refs in missing.items() if label == "Organisation"}
    )
    for (label, key), same in missing.items():
        if label == "Organisation":
            if key in refused:
                for ref in same:
                    problem(ref, refused[key])
            else:
                _new_organisation(out, key, same)
        else:
            _new_person(out, key, same, problem)
    return out


_ORGANISATION_NAME: TypeAdapter[str] = TypeAdapter(OrganisationName)


async def _refused_organisations(graph: Graph, new: dict[str, list[Ref]]) -> dict[str, str]:
    """Why organisations the file would create (by natural key) cannot be: a name that
    mixes scripts within a word, or one that is, or looks like, the name of an existing
    organisation or of another new one (the first by line is kept)."""
    refused: dict[str, str] = {}
    names: dict[str, str] = {}
    # the first new name of each sortKey and of each nameKey
    by_fold: dict[str, str] = {}
    by_looks: dict[str, str] = {}
    for key, refs in new.items():
        name = _organisation_name(refs)
        for text in dict.fromkeys([name, *(r.text for r in refs)]):
            try:
                _ORGANISATION_NAME.validate_python(text)
            except ValidationError as e:
                message = str(e.errors()[0]["msg"]).removeprefix("Value error, ")
                refused[key] = f"{text!r} cannot be an organisation's name: {message}"
                break
        else:
            first = by_fold.get(fold(name)) or by_looks.get(confusable_key(name))
            if first is not None:
                refused[key] = (
                    f"new organisation {name!r} looks like {first!r}, which this file creates "
                    "too: they differ only in characters that look alike"
                )
            else:
                by_fold[fold(name)] = by_looks[confusable_key(name)] = name
                names[key] = name
    keys = list(names)
    if not keys:
        return refused

    async def clashes(tx: AsyncManagedTransaction) -> dict[int, str]:
        rows = [(import_id("organisation", k), names[k]) for k in keys]
        return await uniqueness.name_clashes(tx, "Organisation", rows)

    for i, message in (await graph.read(clashes)).items():
        refused[keys[i]] = f"cannot create it: {message}"
    return refused


def _organisation_name(refs: list[Ref]) -> str:
    """The name a new organisation gets: the first way the file writes it, without a
    legal form ('MTÜ Horisont' → 'Horisont')."""
    return split_legal_form(refs[0].text)[0]


def _other_owner_of_email(index: NameIndex, ref: Ref) -> Candidate | None:
    """The one person who has the row's e-mail address when none of their names is the
    row's name: the row names one person and addresses another."""
    if not ref.email or "Person" not in ref.labels:
        return None
    owners = index.by_email(ref.email)
    if len(owners) != 1:
        return None
    named = {c.id for c in index.by_name("Person", ref.text)}
    return None if owners[0].id in named else owners[0]


def _by_name(index: NameIndex, ref: Ref) -> list[Candidate]:
    """The entities a ref names: an organisation by its business-register code first
    (a cell that is one), a person by e-mail, then anyone by name or alias."""
    if "Organisation" in ref.labels and REGISTRY_CODE.fullmatch(ref.text.strip()):
        by_code = index.by_registry_code(ref.text)
        if by_code:
            return by_code
    if ref.email and "Person" in ref.labels:
        by_email = index.by_email(ref.email)
        if by_email:
            return by_email
    candidates = [c for label in ref.labels for c in index.by_name(label, ref.text)]
    if ref.date:
        candidates = [c for c in candidates if _date_matches(c, ref.date)]
    if ref.email:
        candidates = [c for c in candidates if not c.email or c.email.lower() == ref.email]
    return candidates


def _derived(label: str, props: dict[str, Any]) -> dict[str, Any]:
    return props | REGISTRY[label].derived(props)


def _new_organisation(out: Resolution, key: str, refs: list[Ref]) -> None:
    texts = list(dict.fromkeys(r.text for r in refs))
    name, form = split_legal_form(texts[0])  # as _organisation_name
    kind = _KIND_OF_FORM.get(form or "", OrganisationKind.OTHER)
    aliases = [t for t in texts if t != name][:50]
    new_id = import_id("organisation", key)
    props: dict[str, Any] = {"name": name, "kind": kind.value}
    if aliases:
        props["aliases"] = aliases
    out.new[new_id] = NewEntity("Organisation", new_id, _derived("Organisation", props))
    for ref in refs:
        out.targets[ref] = Target(new_id, "Organisation", created=True)


def _new_person(out: Resolution, key: str, refs: list[Ref], problem: Any) -> None:
    emails = sorted({r.email for r in refs if r.email})
    if len(emails) > 1:
        for ref in refs:
            problem(
                ref,
                f"new person {ref.text!r} is given several e-mail addresses "
                f"({', '.join(emails)}): give ids to tell namesakes apart",
            )
        return
    email = emails[0] if emails else None
    new_id = import_id("person", key, email or "")
    props: dict[str, Any] = {"name": refs[0].text}
    if email:
        props["email"] = email
    out.new[new_id] = NewEntity("Person", new_id, _derived("Person", props))
    for ref in refs:
        out.targets[ref] = Target(new_id, "Person", created=True)
