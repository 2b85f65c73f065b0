"""Connecting and disconnecting entities: every relationship type of the model, with
its properties and sources, checked against the allowed (from, to) pairs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pydantic import ValidationError

from graph import relationships
from graph.errors import GraphError
from graph.models import forms
from graph.models.common import Stored
from graph.models.relationships import (
    MATRIX,
    RELATIONS,
    RelProps,
    RelType,
    SourceRef,
    props_model,
)
from schema.context import Info
from schema.entity import Entity, Source, sources_of
from schema.errors import (
    Problems,
    ValidationProblem,
    problem_for,
    pydantic_problems,
    validation_problem,
)
from schema.forms import InputField
from schema.inputs import input_dict
from schema.permissions import CanRead, CanWrite


@strawberry.input(
    description="Relationship properties; which ones a type accepts: MEMBER_OF role, roleEn, "
    "from, to, former; ATTENDED role (PARTICIPANT, SPEAKER, TRAINER, MODERATOR, MENTOR, "
    "COORDINATOR), roleNote; ORGANISED role (HOST, CO_ORGANISER); FUNDED amount, currency, "
    "instrument; COMMISSIONED basis; IMPLEMENTED role; PROVIDES basis, from, to, status; "
    "AVAILABLE_IN status; STAKEHOLDER_IN influence, interest, stance, assessedAt; "
    "COOPERATES_WITH about, basis, from, to; DELIVERED_FOR status, from, to; AUTHORED and "
    "DEVELOPED role; BROUGHT_IDEA and GREW_OUT_OF idea. Every type takes note and inferred."
)
class RelationshipPropertiesInput:
    role: str | None = strawberry.UNSET
    role_en: str | None = strawberry.UNSET
    role_note: str | None = strawberry.UNSET
    from_: str | None = strawberry.field(name="from", default=strawberry.UNSET)
    to: str | None = strawberry.UNSET
    former: bool | None = strawberry.UNSET
    amount: float | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    instrument: str | None = strawberry.UNSET
    basis: str | None = strawberry.UNSET
    about: strawberry.ID | None = strawberry.UNSET
    idea: str | None = strawberry.UNSET
    status: str | None = strawberry.UNSET
    influence: int | None = strawberry.UNSET
    interest: int | None = strawberry.UNSET
    stance: str | None = strawberry.UNSET
    assessed_at: date | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    inferred: bool | None = strawberry.UNSET


@strawberry.input(description="A supporting source: a document id and the exact quote.")
class SourceInput:
    document: strawberry.ID
    quote: str


@strawberry.input
class ConnectInput:
    type: RelType
    from_id: strawberry.ID = strawberry.field(description="The entity the arrow starts at.")
    to_id: strawberry.ID = strawberry.field(description="The entity the arrow points to.")
    properties: RelationshipPropertiesInput | None = strawberry.UNSET
    sources: list[SourceInput] | None = strawberry.UNSET


@strawberry.input(
    description="A relationship made with the entity being created, in the same "
    "transaction: give `fromId` or `toId`, not both; the other end is the new entity. "
    "Checked against the allowed pairs and audited as `connect` is; should one fail, "
    "nothing is created."
)
class NewTieInput:
    type: RelType
    from_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The entity the arrow starts at; left out, the new entity.",
    )
    to_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The entity the arrow points to; left out, the new entity.",
    )
    properties: RelationshipPropertiesInput | None = strawberry.UNSET
    sources: list[SourceInput] | None = strawberry.UNSET


def _tie_parts(
    rel_type: RelType,
    properties: RelationshipPropertiesInput | None,
    sources: list[SourceInput] | None,
    at: str,
) -> tuple[RelProps, list[SourceRef]] | list[tuple[str, str]]:
    """A relationship's validated properties and sources, or its problems (each at
    `at.properties…`, `at.sources…`)."""
    problems: list[tuple[str, str]] = []
    try:
        props = props_model(rel_type).model_validate(input_dict(properties) if properties else {})
    except ValidationError as e:
        problems += pydantic_problems(e, f"{at}.properties")
    refs: list[SourceRef] = []
    for j, s in enumerate(sources or []):
        try:
            refs.append(SourceRef(document=str(s.document), quote=s.quote))
        except ValidationError as e:
            problems += pydantic_problems(e, f"{at}.sources.{j}")
    return problems or (props, refs)


#: the entity types some relationship of the matrix connects (their create mutations
#: take `connect`)
CONNECTABLE = frozenset(label for pairs in MATRIX.values() for pair in pairs for label in pair)
CONNECT_DESCRIPTION = (
    "Relationships to make with the new entity in the same transaction (at most "
    f"{relationships.MAX_NEW_TIES}): a member, an organiser, a place, … Each is checked "
    "and audited as `connect` is; should one fail, nothing is created (a missing entity is "
    "a NotFoundProblem with its id, any other problem is at `connect.{i}.…`)."
)


def new_ties(ties: list[NewTieInput] | None) -> list[relationships.NewTie] | ValidationProblem:
    """The relationships a create mutation's `connect` argument asks for, validated
    (every problem of every one of them, at `connect.{i}.…`)."""
    if ties and len(ties) > relationships.MAX_NEW_TIES:
        return validation_problem(
            [("connect", f"at most {relationships.MAX_NEW_TIES} relationships")]
        )
    problems: list[tuple[str, str]] = []
    out: list[relationships.NewTie] = []
    for i, tie in enumerate(ties or []):
        at = f"connect.{i}"
        ends: list[str | None] = []
        blank = False
        for name, given in (("fromId", tie.from_id), ("toId", tie.to_id)):
            if given is None or given is strawberry.UNSET:
                ends.append(None)
            elif not str(given).strip():
                problems.append(
                    (f"{at}.{name}", "must not be blank; leave it out for the new entity")
                )
                ends.append(None)
                blank = True
            else:
                ends.append(str(given))
        named = sum(e is not None for e in ends)
        if named == 2:
            problems.append(
                (f"{at}.toId", "give fromId or toId, not both: the other end is the new entity")
            )
        elif named == 0 and not blank:
            problems.append(
                (f"{at}.fromId", "give fromId or toId: the other end is the new entity")
            )
        parts = _tie_parts(tie.type, tie.properties, tie.sources, at)
        if isinstance(parts, list):
            problems += parts
        elif not problems:
            out.append(relationships.NewTie(tie.type, ends[0], ends[1], *parts))
    return validation_problem(problems) if problems else out


@strawberry.input
class DisconnectInput:
    type: RelType
    from_id: strawberry.ID
    to_id: strawberry.ID


@strawberry.type(description="A relationship between two entities, with its properties.")
class Relationship:
    type: RelType
    from_id: strawberry.ID
    to_id: strawberry.ID
    role: str | None
    from_date: str | None = strawberry.field(description="The `from` property (partial date).")
    to_date: str | None = strawberry.field(description="The `to` property (partial date).")
    amount: float | None
    currency: str | None
    instrument: str | None
    basis: str | None
    status: str | None
    note: str | None
    evidence: list[str]
    source_ids: strawberry.Private[list[str]]

    @classmethod
    def from_model(cls, r: relationships.Relationship) -> Relationship:
        p = r.props
        return cls(
            type=r.type,
            from_id=strawberry.ID(r.from_id),
            to_id=strawberry.ID(r.to_id),
            role=p.get("role"),
            from_date=p.get("from"),
            to_date=p.get("to"),
            amount=p.get("amount"),
            currency=p.get("currency"),
            instrument=p.get("instrument"),
            basis=p.get("basis"),
            status=p.get("status"),
            note=p.get("note"),
            evidence=list(p.get("evidence") or []),
            source_ids=list(p.get("sourceIds") or []),
        )

    @strawberry.field(name="from", graphql_type=Entity | None)
    async def from_(self, info: Info) -> Stored | None:
        return await info.context.loaders.entity.load(str(self.from_id))

    @strawberry.field(graphql_type=Entity | None)
    async def to(self, info: Info) -> Stored | None:
        return await info.context.loaders.entity.load(str(self.to_id))

    @strawberry.field
    def sources(self) -> list[Source]:
        return sources_of(self.source_ids, self.evidence)


@strawberry.type(description="Which entity types a relationship type may connect.")
class RelationshipRule:
    type: RelType
    from_type: str
    to_type: str
    properties: list[str]
    reads: str = strawberry.field(
        description='How it reads between its ends: "(from) is a member of (to)".'
    )
    shown: bool = strawberry.field(description="Whether network views draw it.")
    fields: list[InputField] = strawberry.field(
        description="Its properties as a form shows and checks them (the `properties` "
        "input of `connect`)."
    )


RelationshipResult = Annotated[Relationship | Problems, strawberry.union("RelationshipResult")]


@strawberry.type
class RelationshipQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        description="The relationship matrix: every allowed (type, from, to) and its properties.",
    )
    def relationship_rules(self) -> list[RelationshipRule]:
        return [
            RelationshipRule(
                type=r.type,
                from_type=a,
                to_type=b,
                properties=[f.alias or n for n, f in r.props.model_fields.items()],
                reads=r.reads,
                shown=r.shown,
                fields=[InputField.from_model(f) for f in forms.model_fields(r.props)],
            )
            for r in RELATIONS
            for a, b in sorted(r.pairs)
        ]


@strawberry.type
class RelationshipMutation:
    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Create a relationship (or update the properties of an existing one) "
        "and add its sources; only pairs the matrix allows (see relationshipRules).",
    )
    async def connect(self, info: Info, input: ConnectInput) -> RelationshipResult:
        parts = _tie_parts(input.type, input.properties, input.sources, "input")
        if isinstance(parts, list):
            return validation_problem(parts)
        props, sources = parts
        try:
            rel = await relationships.connect(
                info.context.graph,
                input.type,
                str(input.from_id),
                str(input.to_id),
                props,
                sources=sources,
                actor=info.context.actor,
            )
        except GraphError as e:
            return problem_for(e)
        return Relationship.from_model(rel)

    @strawberry.mutation(permission_classes=[CanWrite], description="Remove a relationship.")
    async def disconnect(self, info: Info, input: DisconnectInput) -> RelationshipResult:
        try:
            rel = await relationships.disconnect(
                info.context.graph,
                input.type,
                str(input.from_id),
                str(input.to_id),
                actor=info.context.actor,
            )
        except GraphError as e:
            return problem_for(e)
        return Relationship.from_model(rel)
