"""The relationship types of the data model: which labels each may connect and the fields
that show them (their names and the properties each carries: graph/models/reltypes.py)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Final

from pydantic import Field

from graph.models.common import EntityId, LongText, Model

# the names other modules import from here (`as`: re-exported)
from graph.models.reltypes import AttendanceRole as AttendanceRole
from graph.models.reltypes import AttendedProps as AttendedProps
from graph.models.reltypes import (
    AvailableInProps,
    CommissionedProps,
    CooperatesProps,
    DeliveredForProps,
    FundedProps,
    IdeaProps,
    ImplementedProps,
    OrganisedProps,
    ProvidesProps,
    RoleProps,
)
from graph.models.reltypes import MemberOfProps as MemberOfProps
from graph.models.reltypes import RelProps as RelProps
from graph.models.reltypes import RelType as RelType
from graph.models.reltypes import StakeholderProps as StakeholderProps
from graph.models.reltypes import Stance as Stance


@dataclass(frozen=True, slots=True)
class Side:
    """A field that shows a relationship on one of its ends' types.

    `on`: the type the field is on; `field`: its GraphQL name; `other`: the types at
    the other end it shows (all the pairs allow when left out); `single`: the first
    related entity (or null) instead of a page of them. Fields of one name on one type
    gather every relationship that declares them (an organisation's `events` are the
    events it attended, organised or funded); one of them carries the description.
    """

    on: str
    field: str
    other: tuple[str, ...] = ()
    description: str | None = None
    single: bool = False


@dataclass(frozen=True)
class Relation:
    """A relationship type: the pairs of types it connects (from, to), the properties
    it carries, the fields that show it on each end, whether the explorer draws it and
    how it reads between its ends (`reads`: "{from} is a member of {to}")."""

    type: RelType
    pairs: frozenset[tuple[str, str]]
    reads: str
    props: builtins.type[RelProps] = RelProps
    outgoing: tuple[Side, ...] = ()
    incoming: tuple[Side, ...] = ()
    shown: bool = True

    def __post_init__(self) -> None:
        starts = {a for a, _ in self.pairs}
        ends = {b for _, b in self.pairs}
        for side in self.outgoing:
            assert side.on in starts, f"{self.type}: {side.on} never starts it"
            assert set(side.other) <= ends, f"{self.type}: {side.other} never end it"
        for side in self.incoming:
            assert side.on in ends, f"{self.type}: {side.on} never ends it"
            assert set(side.other) <= starts, f"{self.type}: {side.other} never start it"

    def others(self, side: Side, outgoing: bool) -> tuple[str, ...]:
        """The types at the other end of `side`, as the pairs allow them."""
        if side.other:
            return side.other
        found = [
            b if outgoing else a for a, b in sorted(self.pairs) if (a if outgoing else b) == side.on
        ]
        return tuple(dict.fromkeys(found))


_ORG, _PERSON, _EVENT, _PROG = "Organisation", "Person", "Event", "Programme"
_SERVICE, _PLACE, _DOC = "Service", "Place", "Document"
_EVENTS_OF = (
    "Events it attended, organised or funded (one edge per tie, with `type` and `role`), "
    "oldest first."
)
_PROGRAMMES_OF = (
    "Programmes it organised, funded, commissioned, implemented, took part in or brought an "
    "idea to."
)
_CONCERNED_BY = "Events and programmes about it."

#: Every relationship type of the model.
RELATIONS: Final[tuple[Relation, ...]] = (
    Relation(
        RelType.MEMBER_OF,
        frozenset({(_PERSON, _ORG), (_ORG, _ORG)}),
        "is a member of",
        MemberOfProps,
        outgoing=(
            Side(
                _PERSON,
                "memberships",
                (_ORG,),
                "Organisations the person is or was a member of, with role.",
            ),
            Side(_ORG, "memberOf", (_ORG,), "Networks this organisation is a member of."),
        ),
        incoming=(
            Side(
                _ORG,
                "members",
                (_PERSON,),
                "People who are or were members (staff, board), with role.",
            ),
            Side(_ORG, "memberOrganisations", (_ORG,), "Member organisations (of a network)."),
        ),
    ),
    Relation(
        RelType.PART_OF,
        frozenset({(_ORG, _ORG), (_EVENT, _PROG), (_EVENT, _EVENT), (_PLACE, _PLACE)}),
        "is part of",
        outgoing=(
            Side(_ORG, "partOf", (_ORG,), "Organisations this one is part of."),
            Side(
                _EVENT, "partOf", (_PROG, _EVENT), "The programmes or event series it belongs to."
            ),
            Side(_PLACE, "partOf", (_PLACE,), "The place this one lies in.", single=True),
        ),
        incoming=(
            Side(_ORG, "units", (_ORG,), "Units that are part of this organisation."),
            Side(
                _EVENT, "parts", (_EVENT,), "Events that are part of this one (a series' meetings)."
            ),
            Side(
                _PROG, "events", (_EVENT,), "Events that are part of the programme, oldest first."
            ),
            Side(_PLACE, "contains", (_PLACE,), "Places inside this one."),
        ),
    ),
    # A programme is taken part in too: a mentor, a team, the person who led it.
    Relation(
        RelType.ATTENDED,
        frozenset({(_PERSON, _EVENT), (_ORG, _EVENT), (_PERSON, _PROG), (_ORG, _PROG)}),
        "took part in",
        AttendedProps,
        outgoing=(
            Side(
                _PERSON, "events", (_EVENT,), "Events the person attended, with role, oldest first."
            ),
            Side(
                _PERSON,
                "programmes",
                (_PROG,),
                "Programmes the person took part in (led, mentored, trained), with role.",
            ),
            Side(_ORG, "events", (_EVENT,), _EVENTS_OF),
            Side(_ORG, "programmes", (_PROG,), _PROGRAMMES_OF),
        ),
        incoming=(
            Side(
                _EVENT,
                "attendees",
                (_PERSON, _ORG),
                "People and organisations that took part, with their role.",
            ),
            Side(
                _PROG,
                "participants",
                (_PERSON, _ORG),
                "People and organisations that took part in it (led, mentored, as a team), "
                "with role.",
            ),
        ),
    ),
    Relation(
        RelType.ORGANISED,
        frozenset({(_ORG, _EVENT), (_ORG, _PROG)}),
        "organised",
        OrganisedProps,
        outgoing=(Side(_ORG, "events", (_EVENT,)), Side(_ORG, "programmes", (_PROG,))),
        incoming=(
            Side(_EVENT, "organisers", (_ORG,), "Organisations that organised it."),
            Side(_PROG, "organisers", (_ORG,), "Organisations that organised it."),
        ),
    ),
    Relation(
        RelType.FUNDED,
        frozenset({(_ORG, _EVENT), (_ORG, _PROG)}),
        "funded",
        FundedProps,
        outgoing=(Side(_ORG, "events", (_EVENT,)), Side(_ORG, "programmes", (_PROG,))),
        incoming=(
            Side(
                _EVENT,
                "funders",
                (_ORG,),
                "Organisations that funded it, with amount and instrument.",
            ),
            Side(
                _PROG,
                "funders",
                (_ORG,),
                "Organisations that funded it, with amount and instrument.",
            ),
        ),
    ),
    Relation(
        RelType.COMMISSIONED,
        frozenset({(_ORG, _PROG), (_ORG, _SERVICE)}),
        "commissioned",
        CommissionedProps,
        outgoing=(Side(_ORG, "programmes", (_PROG,)), Side(_ORG, "services", (_SERVICE,))),
        incoming=(
            Side(_PROG, "commissioners", (_ORG,), "Organisations that commissioned it."),
            Side(_SERVICE, "commissioners", (_ORG,), "Organisations that commission it."),
        ),
    ),
    Relation(
        RelType.IMPLEMENTED,
        frozenset({(_ORG, _PROG)}),
        "implemented",
        ImplementedProps,
        outgoing=(Side(_ORG, "programmes", (_PROG,)),),
        incoming=(Side(_PROG, "implementers", (_ORG,), "Organisations that implemented it."),),
    ),
    Relation(
        RelType.PROVIDES,
        frozenset({(_ORG, _SERVICE)}),
        "provides",
        ProvidesProps,
        outgoing=(Side(_ORG, "services", (_SERVICE,), "Services it provides or commissions."),),
        incoming=(
            Side(
                _SERVICE,
                "providers",
                (_ORG,),
                "Organisations that provide it, with basis and dates.",
            ),
        ),
    ),
    Relation(
        RelType.IN_CATEGORY,
        frozenset({(_SERVICE, "ServiceCategory")}),
        "is in category",
        outgoing=(
            Side(_SERVICE, "category", description="Its service category.", single=True),
            Side(_SERVICE, "categories", description="All its service categories."),
        ),
        incoming=(Side("ServiceCategory", "services", description="Services in this category."),),
    ),
    Relation(
        RelType.AVAILABLE_IN,
        frozenset({(_SERVICE, _PLACE)}),
        "is available in",
        AvailableInProps,
        outgoing=(Side(_SERVICE, "places", description="Where it is available."),),
        incoming=(Side(_PLACE, "services", description="Services available here."),),
    ),
    Relation(
        RelType.HELD_AT,
        frozenset({(_EVENT, _PLACE)}),
        "was held at",
        outgoing=(Side(_EVENT, "place", description="Where it was held.", single=True),),
        incoming=(Side(_PLACE, "events", description="Events held here."),),
    ),
    Relation(
        RelType.LOCATED_IN,
        frozenset({(_ORG, _PLACE)}),
        "is located in",
        outgoing=(Side(_ORG, "places", description="Where it is located."),),
        incoming=(Side(_PLACE, "organisations", description="Organisations located here."),),
    ),
    Relation(
        RelType.CONCERNS,
        frozenset({(_EVENT, _SERVICE), (_EVENT, "Topic"), (_PROG, _SERVICE), (_PROG, "Topic")}),
        "concerns",
        outgoing=(
            Side(_EVENT, "concerns", description="The services and topics it concerned."),
            Side(_PROG, "concerns", description="The services and topics it concerned."),
        ),
        incoming=(
            Side(_SERVICE, "concernedBy", description=_CONCERNED_BY),
            Side("Topic", "concernedBy", description=_CONCERNED_BY),
        ),
    ),
    Relation(
        RelType.PRODUCED,
        frozenset({(_PROG, _DOC)}),
        "produced",
        outgoing=(
            Side(
                _PROG,
                "produced",
                description="Documents it produced (reports, analyses, brochures).",
            ),
        ),
        incoming=(Side(_DOC, "producedBy", description="Programmes that produced it."),),
    ),
    Relation(
        RelType.STAKEHOLDER_IN,
        frozenset({(_ORG, "Campaign"), (_PERSON, "Campaign")}),
        "is a stakeholder in",
        StakeholderProps,
        outgoing=(
            Side(
                _ORG,
                "campaigns",
                description="Campaigns it is a stakeholder in (latest assessment).",
            ),
            Side(
                _PERSON,
                "campaigns",
                description="Campaigns the person is a stakeholder in (latest assessment).",
            ),
        ),
        shown=False,
    ),
    # "X pakub teenust koostöös Y-ga": a tie between the two, not a property of X's
    # PROVIDES (issue 24; migration 10 turned PROVIDES.forOrganisation into these).
    Relation(
        RelType.COOPERATES_WITH,
        frozenset({(_ORG, _ORG)}),
        "cooperates with",
        CooperatesProps,
        outgoing=(
            Side(
                _ORG,
                "cooperatesWith",
                (_ORG,),
                "Organisations it works with ('koostöös') in delivering a service or running "
                "an activity, with what about (`about`).",
            ),
        ),
        incoming=(
            Side(
                _ORG,
                "cooperationPartners",
                (_ORG,),
                "Organisations that work with it ('koostöös'), with what about (`about`).",
            ),
        ),
    ),
    Relation(
        RelType.DELIVERED_FOR,
        frozenset({(_SERVICE, _ORG), (_PROG, _ORG)}),
        "is delivered for",
        DeliveredForProps,
        outgoing=(
            Side(
                _SERVICE,
                "deliveredFor",
                (_ORG,),
                "The organisations (municipalities) it is delivered for.",
            ),
            Side(_PROG, "deliveredFor", (_ORG,), "The organisations (municipalities) it serves."),
        ),
        incoming=(
            Side(
                _ORG,
                "servedBy",
                description="Services and programmes delivered for it (a municipality's "
                "delegated services).",
            ),
        ),
    ),
    Relation(
        RelType.AUTHORED,
        frozenset({(_PERSON, _DOC), (_ORG, _DOC)}),
        "wrote",
        RoleProps,
        outgoing=(
            Side(
                _PERSON, "authored", (_DOC,), "Documents the person wrote or co-wrote, with role."
            ),
            Side(_ORG, "authored", (_DOC,), "Documents it wrote (studies, action plans)."),
        ),
        incoming=(
            Side(_DOC, "authors", description="People and organisations that wrote it, with role."),
        ),
    ),
    Relation(
        RelType.DEVELOPED,
        frozenset({(_PERSON, _SERVICE), (_ORG, _SERVICE), (_PERSON, _PROG), (_ORG, _PROG)}),
        "developed",
        RoleProps,
        outgoing=(
            Side(
                _PERSON,
                "developed",
                description="Services (concepts) and programme methods the person helped develop.",
            ),
            Side(
                _ORG,
                "developed",
                description="Services (concepts) and programme methods it developed.",
            ),
        ),
        incoming=(
            Side(_SERVICE, "developers", description="Who developed it (its concept), with role."),
            Side(_PROG, "developers", description="Who developed its method, with role."),
        ),
    ),
    Relation(
        RelType.BROUGHT_IDEA,
        frozenset({(_ORG, _PROG)}),
        "brought an idea to",
        IdeaProps,
        outgoing=(Side(_ORG, "programmes", (_PROG,)),),
        incoming=(
            Side(
                _PROG,
                "ideasFrom",
                (_ORG,),
                "Organisations that brought an idea to it (`idea`).",
            ),
        ),
    ),
    Relation(
        RelType.GREW_OUT_OF,
        frozenset({(_ORG, _PROG), (_SERVICE, _PROG)}),
        "grew out of",
        IdeaProps,
        outgoing=(
            Side(
                _ORG,
                "grewOutOf",
                (_PROG,),
                "The programmes (the ideas brought to them) it grew out of.",
            ),
            Side(
                _SERVICE,
                "grewOutOf",
                (_PROG,),
                "The programmes (the ideas brought to them) it grew out of.",
            ),
        ),
        incoming=(
            Side(
                _PROG,
                "outcomes",
                description="Organisations and services that grew out of it (out of an idea "
                "brought to it).",
            ),
        ),
    ),
)

RELATION: Final[dict[RelType, Relation]] = {r.type: r for r in RELATIONS}
assert set(RELATION) == set(RelType), "every relationship type is declared once"

#: (from label, to label) pairs each relationship type may connect.
MATRIX: Final[dict[RelType, frozenset[tuple[str, str]]]] = {r.type: r.pairs for r in RELATIONS}


def props_model(rel_type: RelType) -> type[RelProps]:
    return RELATION[RelType(rel_type)].props


def allowed(rel_type: RelType, from_label: str, to_label: str) -> bool:
    return (from_label, to_label) in MATRIX[rel_type]


def describe(rel_type: RelType) -> str:
    pairs = sorted(MATRIX[rel_type])
    return ", ".join(f"({a})-[:{rel_type.value}]->({b})" for a, b in pairs)


class SourceRef(Model):
    """A supporting source: a Document id and the exact quote."""

    document: EntityId
    quote: LongText = Field(min_length=1)
