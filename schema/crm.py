"""CRM operations: the stakeholder grid and assessments, timelines, change history and
recording a meeting in one go."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from types import GenericAlias
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from graph import actors, audit, crm, meetings, timeline
from graph.errors import GraphError, NotFound
from graph.keys import Role
from graph.models.entities import EventKind
from graph.models.relationships import Stance
from schema.context import Info
from schema.errors import (
    ConflictProblem,
    NotFoundProblem,
    Problems,
    ValidationProblem,
    from_graph_error,
    problem_for,
    resolved,
    validation_problem,
)
from schema.inputs import input_dict, parse, parse_dict
from schema.model import ref, union
from schema.permissions import CanRead, CanWrite
from schema.privacy import PERSONAL, sees_personal
from schema.stakeholders import Stakeholder

strawberry.enum(timeline.TimelineKind, description="What a timeline item is.")


@strawberry.type(description="A campaign's stakeholders in four quadrants (high = 3 or more).")
class StakeholderGrid:
    campaign_id: strawberry.ID
    manage_closely: list[Stakeholder] = strawberry.field(
        description="High influence and high interest."
    )
    keep_satisfied: list[Stakeholder] = strawberry.field(
        description="High influence, low interest."
    )
    keep_informed: list[Stakeholder] = strawberry.field(description="Low influence, high interest.")
    monitor: list[Stakeholder] = strawberry.field(description="Low influence and low interest.")


def _redacted(value: dict[str, Any] | None, redact: bool) -> dict[str, Any] | None:
    if value is None or not redact:
        return value
    return {k: ("[hidden]" if k in PERSONAL and v else v) for k, v in value.items()}


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hidden(info: Info) -> tuple[str, ...]:
    """Audit types left out of the caller's view: for non-admins, the console's and API
    keys' trails are simply not there (the same answer whether or not an id exists)."""
    return () if info.context.has_role(Role.ADMIN) else audit.ADMIN_ONLY


@strawberry.type(description="One field of a recorded change: its value before and after.")
class FieldChange:
    field: str
    before: JSON | None = strawberry.field(description="Null when the field was not set.")
    after: JSON | None = strawberry.field(description="Null when the field was cleared.")


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The fields whose values differ, in name order."""
    old, new = before or {}, after or {}
    return [
        FieldChange(field=k, before=old.get(k), after=new.get(k))
        for k in sorted(old.keys() | new.keys())
        if old.get(k) != new.get(k)
    ]


@strawberry.type(description="One recorded change: who did what, when, before and after.")
class Change:
    id: strawberry.ID
    at: datetime
    actor: str = strawberry.field(description="The API key that made the change.")
    action: str
    entity_id: strawberry.ID
    entity_type: str = strawberry.field(
        description="The entity type, or the relationship type for connect/disconnect."
    )
    before: str | None = strawberry.field(
        description="JSON of the state before, or null (contact details hidden from viewers)."
    )
    after: str | None = strawberry.field(description="JSON of the state after, or null.")
    changes: list[FieldChange] = strawberry.field(
        description="The fields that differ between before and after, in name order (a "
        "readable diff; contact details hidden from viewers as in the snapshots)."
    )

    @strawberry.field(
        description="Who made the change, as people read it: the name of the person whose "
        "API key made it (`actor` keeps the key's id)."
    )
    def actor_name(self) -> str:
        return actors.name_of(self.actor)

    @classmethod
    def from_model(cls, e: audit.AuditEvent, *, redact: bool) -> Change:
        before, after = _redacted(e.before, redact), _redacted(e.after, redact)
        return cls(
            id=strawberry.ID(e.id),
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity_id=strawberry.ID(e.entity_id),
            entity_type=e.entity_type,
            before=_dump(before),
            after=_dump(after),
            changes=diff(before, after),
        )


@strawberry.type(description="Something that happened with an entity.")
class TimelineItem:
    at: str = strawberry.field(description="ISO date or date-time (partial dates allowed).")
    kind: timeline.TimelineKind
    title: str
    ref: strawberry.ID = strawberry.field(description="The event, note, task or change id.")
    detail: str | None


@strawberry.input
class AssessmentInput:
    influence: int = strawberry.field(description="1 (none) to 5 (decisive).")
    interest: int = strawberry.field(description="1 (none) to 5 (central).")
    stance: Stance = Stance.NEUTRAL
    assessed_at: date | None = strawberry.field(
        default=strawberry.UNSET, description="Defaults to today."
    )
    note: str | None = strawberry.UNSET


@strawberry.input(
    description="An entity to make with the meeting, when the pickers find none: its type "
    "(Organisation or Person for attendees, Organisation for organisers, Place, Programme, "
    "Document), its name (a document's title) and its kind where the type has kinds."
)
class NewEntityInput:
    type: str
    name: str
    kind: str | None = strawberry.UNSET


@strawberry.input(description="An existing entity (`id`) or a new one (`new`): one of the two.")
class EntityChoiceInput:
    id: strawberry.ID | None = strawberry.UNSET
    new: NewEntityInput | None = strawberry.UNSET


@strawberry.input(description="An attendee of a recorded meeting, with role.")
class AttendeeInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An existing organisation or person."
    )
    new: NewEntityInput | None = strawberry.field(
        default=strawberry.UNSET, description="Or one to make with the meeting."
    )
    role: str | None = strawberry.field(
        default=strawberry.UNSET, description="PARTICIPANT (default), SPEAKER, MODERATOR, …"
    )


@strawberry.input(description="An organiser of a recorded meeting, with role.")
class OrganiserInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An existing organisation."
    )
    new: NewEntityInput | None = strawberry.field(
        default=strawberry.UNSET, description="Or one to make with the meeting."
    )
    role: str | None = strawberry.field(default=strawberry.UNSET, description="HOST, CO_ORGANISER.")


@strawberry.input(
    description="Where a recorded meeting comes from: a document and the quote in it, or "
    "the recorder's own notes (written in the meeting's `note`)."
)
class MeetingSourceInput:
    document: EntityChoiceInput | None = strawberry.UNSET
    quote: str | None = strawberry.UNSET
    own_notes: bool | None = strawberry.UNSET


@strawberry.input(
    description="A meeting, its organisers and attendees, place, programme and source, "
    "recorded in one transaction (new entities included)."
)
class RecordMeetingInput:
    id: str | None = strawberry.UNSET
    name: str
    kind: EventKind = EventKind.MEETING
    start_date: str
    end_date: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    place: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An existing place."
    )
    new_place: NewEntityInput | None = strawberry.field(
        default=strawberry.UNSET, description="Or a place to make with the meeting."
    )
    part_of: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A programme or event series it belongs to."
    )
    new_part_of: NewEntityInput | None = strawberry.field(
        default=strawberry.UNSET, description="Or a programme to make with the meeting."
    )
    organisers: list[OrganiserInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Organisations that organised it."
    )
    attendees: list[AttendeeInput] = strawberry.field(
        description="People and organisations that attended."
    )
    source: MeetingSourceInput | None = strawberry.UNSET
    note: str | None = strawberry.field(
        default=strawberry.UNSET, description="A note about the meeting (minutes, outcome)."
    )


StakeholderResult = Annotated[Stakeholder | Problems, strawberry.union("StakeholderResult")]
RecordMeetingResult = union(
    "RecordMeetingResult", ref("Event"), ValidationProblem, NotFoundProblem, ConflictProblem
)


_CHOICE_PATH = re.compile(r"^input\.(place|partOf)(?:\.(id|new)(\..*)?)?$")


def _meeting_path(path: str) -> str:
    """The GraphQL path of a problem with a meeting's input: its place and programme are
    each one choice in the model (`place.id`, `place.new.kind`), two fields in GraphQL
    (`place`, `newPlace.kind`)."""
    found = _CHOICE_PATH.match(path)
    if not found:
        return path
    field, part, rest = found.groups()
    if part == "new":
        return f"input.new{field[0].upper()}{field[1:]}{rest or ''}"
    return f"input.{field}"


@strawberry.type
class CrmQuery:
    @strawberry.field(
        permission_classes=[CanRead], description="A campaign's stakeholder grid, or null."
    )
    async def stakeholder_grid(
        self, info: Info, campaign_id: strawberry.ID
    ) -> StakeholderGrid | None:
        try:
            grid = await crm.stakeholder_grid(info.context.graph, str(campaign_id))
        except GraphError as e:
            if isinstance(e, NotFound):
                return None
            raise from_graph_error(e) from e
        q = {k: [Stakeholder.from_model(s) for s in v] for k, v in grid.quadrants.items()}
        return StakeholderGrid(
            campaign_id=campaign_id,
            manage_closely=q[crm.Quadrant.MANAGE_CLOSELY],
            keep_satisfied=q[crm.Quadrant.KEEP_SATISFIED],
            keep_informed=q[crm.Quadrant.KEEP_INFORMED],
            monitor=q[crm.Quadrant.MONITOR],
        )

    @strawberry.field(
        permission_classes=[CanRead],
        description="The tasks assigned to you (your key's person, as a task's `assignee` "
        "names them): overdue ones first, then by due date, undated last. Open and in "
        "progress ones, unless `includeDone`.",
        graphql_type=GenericAlias(list, (ref("Task"),)),
    )
    async def my_tasks(self, info: Info, include_done: bool = False) -> list[Any]:
        principal = info.context.principal
        assert principal is not None  # CanRead checked it
        return await resolved(
            crm.tasks_of(info.context.graph, principal.name, include_done=include_done)
        )

    @strawberry.field(
        permission_classes=[CanRead],
        description="Every recorded change to an entity (and its relationships), oldest "
        "first. The console's and API keys' trails are for admins (empty for other roles); "
        "contact details in snapshots are hidden from viewers.",
    )
    async def history(self, info: Info, id: strawberry.ID) -> list[Change]:
        try:
            events = await audit.history(info.context.graph, str(id), hidden=_hidden(info))
        except GraphError as e:
            raise from_graph_error(e) from e
        redact = not sees_personal(info)
        return [Change.from_model(e, redact=redact) for e in events]

    @strawberry.field(
        permission_classes=[CanRead],
        description="Everything that happened with an entity, in date order: its events, "
        "the notes and tasks about it and the changes to it.",
    )
    async def timeline(self, info: Info, id: strawberry.ID) -> list[TimelineItem]:
        try:
            items = await timeline.timeline(info.context.graph, str(id), hidden=_hidden(info))
        except GraphError as e:
            raise from_graph_error(e) from e
        return [
            TimelineItem(
                at=i.at, kind=i.kind, title=i.title, ref=strawberry.ID(i.ref), detail=i.detail
            )
            for i in items
        ]


@strawberry.type
class CrmMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Assess a stakeholder (organisation or person) in a campaign; earlier "
        "assessments are kept in its history.",
    )
    async def assess_stakeholder(
        self,
        info: Info,
        campaign_id: strawberry.ID,
        stakeholder_id: strawberry.ID,
        input: AssessmentInput,
    ) -> StakeholderResult:
        data = parse(crm.AssessmentInput, input)
        if isinstance(data, ValidationProblem):
            return data
        try:
            s = await crm.assess(
                info.context.graph,
                str(campaign_id),
                str(stakeholder_id),
                data,
                actor=info.context.actor,
            )
        except GraphError as e:
            return problem_for(e)
        return Stakeholder.from_model(s)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Record a meeting: the event, its organisers and attendees (organisations "
        "and people, existing or new), place, programme, source and a note, all in one "
        "transaction: nothing is written when anything is refused.",
        graphql_type=RecordMeetingResult,
    )
    async def record_meeting(self, info: Info, input: RecordMeetingInput) -> object:
        sent = input_dict(input)
        # `place`/`newPlace` and `partOf`/`newPartOf` are one choice each in the model
        for key, new in (("place", "new_place"), ("part_of", "new_part_of")):
            if key in sent or new in sent:
                given = {"id": sent.pop(key, None), "new": sent.pop(new, None)}
                sent[key] = given if given["id"] or given["new"] else None
        data = parse_dict(meetings.MeetingInput, sent)
        if isinstance(data, ValidationProblem):
            return validation_problem([(_meeting_path(p.field), p.message) for p in data.problems])
        try:
            return await meetings.record_meeting(info.context.graph, data, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)
