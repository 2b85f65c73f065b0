"""CRM operations: the stakeholder grid and assessments, timelines, change history and
recording a meeting in one go."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from graph import actors, audit, crm, timeline
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
)
from schema.inputs import input_dict, parse
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


def _dump(value: dict[str, Any] | None, redact: bool) -> str | None:
    if value is None:
        return None
    if redact:
        value = {k: ("[hidden]" if k in PERSONAL and v else v) for k, v in value.items()}
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hidden(info: Info) -> tuple[str, ...]:
    """Audit types left out of the caller's view: for non-admins, the console's and API
    keys' trails are simply not there (the same answer whether or not an id exists)."""
    return () if info.context.has_role(Role.ADMIN) else audit.ADMIN_ONLY


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

    @strawberry.field(
        description="Who made the change, as people read it: the name of the person whose "
        "API key made it (`actor` keeps the key's id)."
    )
    def actor_name(self) -> str:
        return actors.name_of(self.actor)

    @classmethod
    def from_model(cls, e: audit.AuditEvent, *, redact: bool) -> Change:
        return cls(
            id=strawberry.ID(e.id),
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity_id=strawberry.ID(e.entity_id),
            entity_type=e.entity_type,
            before=_dump(e.before, redact),
            after=_dump(e.after, redact),
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


@strawberry.input(description="An attendee of a recorded meeting, with role.")
class AttendeeInput:
    id: strawberry.ID
    role: str | None = strawberry.field(
        default=strawberry.UNSET, description="PARTICIPANT (default), SPEAKER, MODERATOR, …"
    )


@strawberry.input(description="A meeting and who attended it, recorded in one transaction.")
class RecordMeetingInput:
    id: str | None = strawberry.UNSET
    name: str
    kind: EventKind = EventKind.MEETING
    start_date: str
    end_date: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    place: strawberry.ID | None = strawberry.UNSET
    part_of: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A programme or event series it belongs to."
    )
    attendees: list[AttendeeInput] = strawberry.field(
        description="People and organisations that attended."
    )
    note: str | None = strawberry.field(
        default=strawberry.UNSET, description="A note about the meeting (minutes, outcome)."
    )


StakeholderResult = Annotated[Stakeholder | Problems, strawberry.union("StakeholderResult")]
RecordMeetingResult = union(
    "RecordMeetingResult", ref("Event"), ValidationProblem, NotFoundProblem, ConflictProblem
)


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
        description="Record a meeting: the event, its attendees (organisations and people), "
        "place, programme and a note, all in one transaction.",
        graphql_type=RecordMeetingResult,
    )
    async def record_meeting(self, info: Info, input: RecordMeetingInput) -> object:
        # Lists of nested inputs are converted here: `parse` converts one level.
        data = parse(crm.MeetingInput, input, attendees=[input_dict(a) for a in input.attendees])
        if isinstance(data, ValidationProblem):
            return data
        try:
            return await crm.record_meeting(info.context.graph, data, actor=info.context.actor)
        except GraphError as e:
            return problem_for(e)
