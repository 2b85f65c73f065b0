"""The entity types of the data model, each declared once (see `graph/models/spec.py`).

A class here is the stored shape of a node (what reads return) and, through the `Prop`
on each field and its `meta`, the source of everything else: the create and update
inputs with their validation, the GraphQL types, inputs and filters, the CRUD, the
derived `sortKey`/`searchText`, the exports and the privacy rules.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from annotated_types import Len
from pydantic import EmailStr, Field

from graph.actors import name_of as keys_name_of
from graph.models.common import (
    EntityId,
    LongText,
    Name,
    PartialDate,
    ShortText,
)
from graph.models.inputs import (
    Body,
    Examples,
    Language,
    Names,
    OrganisationName,
    RegistryCode,
    Tags,
    Website,
    dates_in_order,
)
from graph.models.spec import Declared, Filter, FilterKind, InputOnly, Meta, Prop

# --- Enumerations ----------------------------------------------------------------------


class OrganisationKind(StrEnum):
    """What sort of organisation."""

    MINISTRY = "MINISTRY"
    AGENCY = "AGENCY"
    MUNICIPALITY = "MUNICIPALITY"
    NGO = "NGO"
    FOUNDATION = "FOUNDATION"
    RESEARCH = "RESEARCH"
    UNIVERSITY = "UNIVERSITY"
    NETWORK = "NETWORK"
    COMPANY = "COMPANY"
    RELIGIOUS = "RELIGIOUS"
    FUND = "FUND"
    COUNCIL = "COUNCIL"
    OTHER = "OTHER"


class EventKind(StrEnum):
    """What sort of event."""

    THINK_TANK_MEETING = "THINK_TANK_MEETING"
    SEMINAR = "SEMINAR"
    TRAINING = "TRAINING"
    FORUM = "FORUM"
    INFO_DAY = "INFO_DAY"
    WORKSHOP = "WORKSHOP"
    WORKING_GROUP = "WORKING_GROUP"
    MEETING = "MEETING"
    CALL = "CALL"
    OTHER = "OTHER"


class ProgrammeKind(StrEnum):
    """What sort of programme."""

    PROJECT = "PROJECT"
    PROGRAMME = "PROGRAMME"
    PILOT = "PILOT"


class PlaceKind(StrEnum):
    """What sort of place."""

    COUNTRY = "COUNTRY"
    COUNTY = "COUNTY"
    MUNICIPALITY = "MUNICIPALITY"
    CITY = "CITY"
    VILLAGE = "VILLAGE"
    VENUE = "VENUE"


class DocumentKind(StrEnum):
    """What sort of document."""

    WEB_PAGE = "WEB_PAGE"
    BROCHURE = "BROCHURE"
    REPORT = "REPORT"
    PRESS_RELEASE = "PRESS_RELEASE"
    NEWS = "NEWS"
    OTHER = "OTHER"


class TaskStatus(StrEnum):
    """Where a task stands."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class CampaignStatus(StrEnum):
    """Where a campaign stands."""

    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    ACHIEVED = "ACHIEVED"
    ABANDONED = "ABANDONED"


# --- Filters shared by several types ---------------------------------------------------

KIND = Filter(FilterKind.KIND)
TEXT = Filter(FilterKind.TEXT, description="Part of a name or alias, accent-insensitive.")
TITLE_TEXT = TEXT.described("Part of the title, accent-insensitive.")
DATE_FROM = Filter(FilterKind.DATE_FROM)
DATE_TO = Filter(FilterKind.DATE_TO)


# --- Field groups -----------------------------------------------------------------------


class Named(Declared):
    """The names every named entity has."""

    name: Annotated[str, Prop(input=Name, search=True)]
    name_en: Annotated[str | None, Prop(input=ShortText, search=True)] = Field(
        default=None, alias="nameEn", description="The English name, where one is known."
    )
    aliases: Annotated[list[str], Prop(input=Names, search=True)] = Field(
        default_factory=list, description="Other names and spellings in use."
    )
    description: Annotated[str | None, Prop(input=LongText)] = None


class Dated(Named):
    """The dates of events and programmes (partial where the source is vague)."""

    start_date: Annotated[str | None, Prop(input=PartialDate)] = Field(
        default=None, alias="startDate", description="Partial ISO date: 2016, 2016-11, …"
    )
    end_date: Annotated[str | None, Prop(input=PartialDate)] = Field(default=None, alias="endDate")
    date_inferred: bool | None = Field(
        default=None,
        alias="dateInferred",
        description="True when the date was worked out rather than stated in the source.",
    )
    date_note: Annotated[str | None, Prop(input=ShortText)] = Field(default=None, alias="dateNote")


# --- The entity types -------------------------------------------------------------------


class Organisation(Named):
    meta = Meta(
        "Organisation",
        "A ministry, agency, municipality, NGO, foundation, network, …",
        unique_name=True,
        docs={"list": "Organisations by name, filtered; paged."},
        filters=(
            KIND,
            Filter(
                FilterKind.TEXT,
                "nameContains",
                "Part of the name, short name, English name or an alias; case- and "
                "accent-insensitive ('tootukassa' finds Töötukassa).",
            ),
            Filter(FilterKind.TAGS, description="Any of these tags."),
            Filter(FilterKind.PLACE, description="Located in this place or somewhere inside it."),
            Filter.equals("registryCode", "The business-register code (registrikood)."),
        ),
    )

    name: Annotated[str, Prop(input=OrganisationName, search=True)] = Field(
        description="The name as written in the sources (Estonian)."
    )
    aliases: Annotated[
        list[str], Prop(input=Annotated[list[OrganisationName], Len(max_length=50)], search=True)
    ] = Field(default_factory=list, description="Other names and spellings in use.")
    kind: OrganisationKind
    short_name: Annotated[str | None, Prop(input=ShortText, search=True)] = Field(
        default=None, alias="shortName"
    )
    website: Annotated[str | None, Prop(input=Website)] = None
    tags: Annotated[list[str], Prop(input=Tags)] = Field(default_factory=list)
    registry_code: Annotated[str | None, Prop(input=RegistryCode, unique=True)] = Field(
        default=None,
        alias="registryCode",
        description="The Estonian business-register code (registrikood, 8 digits), if any.",
    )


class Person(Named):
    meta = Meta(
        "Person",
        "A person named in the sources. Personal data: email and phone are shown to "
        "editors and admins only; an erased person keeps only a placeholder name.",
        personal=True,
        plural="people",
        filters=(TEXT,),
    )

    given_name: Annotated[str | None, Prop(input=ShortText)] = Field(
        default=None, alias="givenName"
    )
    family_name: Annotated[str | None, Prop(input=ShortText)] = Field(
        default=None, alias="familyName"
    )
    email: Annotated[str | None, Prop(input=EmailStr, personal=True, export=False)] = Field(
        default=None, description="Email address; null for viewer keys (least exposure)."
    )
    phone: Annotated[str | None, Prop(input=ShortText, personal=True, export=False)] = Field(
        default=None, description="Phone number; null for viewer keys (least exposure)."
    )
    bio: Annotated[str | None, Prop(input=LongText)] = None
    erased: Annotated[bool, Prop(create=False)] = Field(
        default=False, description="True once the person's data has been erased."
    )


class Event(Dated):
    meta = Meta(
        "Event",
        "A meeting, seminar, training, forum part, info day, call, …",
        date_property="startDate",
        sort_by_date=True,
        checks=(dates_in_order,),
        filters=(
            KIND,
            TEXT,
            Filter(FilterKind.PLACE, description="Held at this place or somewhere inside it."),
            DATE_FROM.described("Overlapping this partial date or later."),
            DATE_TO.described("Overlapping this partial date or earlier."),
        ),
    )

    kind: EventKind


class Programme(Dated):
    meta = Meta(
        "Programme",
        "A project, programme or pilot.",
        date_property="startDate",
        sort_by_date=True,
        checks=(dates_in_order,),
        filters=(
            KIND,
            TEXT,
            DATE_FROM.described("Running on this partial date or later."),
            DATE_TO.described("Running on this partial date or earlier."),
        ),
    )

    kind: ProgrammeKind


class Service(Named):
    meta = Meta(
        "Service",
        "A public service (delegated, commissioned or provided).",
        filters=(TEXT,),
        docs={"list": "Public services, filtered; paged."},
    )


class ServiceCategory(Named):
    meta = Meta(
        "ServiceCategory",
        "A category of public services (Kultuur, Noorsootöö, Sotsiaalhoolekanne, …).",
        unique_name=True,
        plural="serviceCategories",
        filters=(TEXT,),
    )

    examples: Annotated[list[str], Prop(input=Examples)] = Field(default_factory=list)


class Place(Named):
    meta = Meta(
        "Place", "A country, county, municipality, city, village or venue.", filters=(KIND, TEXT)
    )

    kind: PlaceKind


class Topic(Named):
    meta = Meta(
        "Topic", "A subject events and programmes are about.", unique_name=True, filters=(TEXT,)
    )


class Document(Declared):
    meta = Meta(
        "Document",
        "A source: web page, brochure, report, press release, …",
        name_property="title",
        date_property="date",
        computed=("name",),
        docs={"list": "Source documents; paged."},
        filters=(KIND, TITLE_TEXT, DATE_FROM, DATE_TO),
    )

    title: Annotated[str, Prop(input=Name, search=True)]
    kind: DocumentKind
    language: Annotated[str | None, Prop(input=Language)] = None
    date: Annotated[str | None, Prop(input=PartialDate)] = Field(
        default=None, description="Partial ISO date of publication."
    )
    url: Annotated[str | None, Prop(input=ShortText)] = None
    file: Annotated[str | None, Prop(input=ShortText, update=False)] = Field(
        default=None, description="The text file of the source, if kept."
    )
    publisher: Annotated[str | None, Prop(input=EntityId, ref="Organisation", update=False)] = (
        Field(default=None, description="The organisation that published it.")
    )
    description: Annotated[str | None, Prop(input=LongText)] = None

    @property
    def name(self) -> str:
        """The document's title (same as `title`)."""
        return self.title


class Note(Declared):
    meta = Meta(
        "Note",
        "A note about one or more entities.",
        name_property="body",
        computed=("author_name",),
        queries=False,
        searchable=False,
        authored=True,
        docs={
            "create": "Add a note about entities.",
            "update": "Change a note: its author or an admin only.",
            "delete": "Delete a note: its author or an admin only.",
        },
        inputs=(
            InputOnly(
                "about",
                Annotated[list[EntityId], Len(min_length=1, max_length=20)],
                "ABOUT",
                ref="Entity",
                description="Ids of the entities (1–20).",
            ),
        ),
    )

    body: Annotated[str, Prop(input=Body)]
    author: Annotated[str | None, Prop(create=False)] = Field(
        default=None, description="The API key that wrote it."
    )

    @property
    def author_name(self) -> str | None:
        """The name of the person whose API key wrote it."""
        return keys_name_of(self.author) if self.author else None


class Task(Declared):
    meta = Meta(
        "Task",
        "A follow-up task, about zero or more entities.",
        name_property="title",
        date_property="dueDate",
        computed=("author_name", "overdue"),
        computed_cypher={
            "overdue": "(coalesce({n}.status, 'OPEN') IN ['OPEN', 'IN_PROGRESS'] "
            "AND coalesce({n}.dueDate < $today, false))"
        },
        sort_by_date=True,
        searchable=False,
        authored=True,
        docs={
            "list": "Tasks, by due date (undated first); paged.",
            "create": "Add a follow-up task.",
            "update": "Change a task: its author or an admin only; its assignee (the name of "
            "the assignee's key) may change its status.",
            "delete": "Delete a task: its author or an admin only.",
        },
        filters=(
            Filter(FilterKind.STATUS),
            Filter(FilterKind.DUE_BEFORE, description="Due before this day (not on it)."),
            Filter(FilterKind.ASSIGNEE),
            TITLE_TEXT,
        ),
        inputs=(
            InputOnly(
                "about",
                Annotated[list[EntityId], Len(max_length=20)],
                "ABOUT",
                default=[],
                ref="Entity",
                description="Ids of the entities it concerns.",
            ),
        ),
    )

    title: Annotated[str, Prop(input=Name, search=True)]
    due_date: date | None = Field(default=None, alias="dueDate")
    status: TaskStatus = TaskStatus.OPEN
    assignee: Annotated[str | None, Prop(input=ShortText)] = None
    description: Annotated[str | None, Prop(input=LongText)] = None
    author: Annotated[str | None, Prop(create=False)] = Field(
        default=None, description="The API key that created it."
    )

    @property
    def author_name(self) -> str | None:
        """The name of the person whose API key created it."""
        return keys_name_of(self.author) if self.author else None

    @property
    def overdue(self) -> bool:
        """Open or in progress, and due before today (and in Cypher: `computed_cypher`)."""
        open_ = self.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
        return open_ and self.due_date is not None and self.due_date < date.today()

    @property
    def name(self) -> str:
        return self.title


class Campaign(Named):
    meta = Meta(
        "Campaign",
        "An advocacy campaign (a goal) with its stakeholders.",
        unique_name=True,
        filters=(Filter(FilterKind.STATUS), TEXT),
        docs={"list": "Campaigns; paged."},
    )

    goal: Annotated[str | None, Prop(input=LongText)] = None
    status: CampaignStatus = CampaignStatus.ACTIVE


#: Every entity type, in the order lists and the schema show them.
DECLARED: tuple[type[Declared], ...] = (
    Organisation,
    Person,
    Event,
    Programme,
    Service,
    ServiceCategory,
    Place,
    Document,
    Topic,
    Note,
    Task,
    Campaign,
)


def __getattr__(name: str) -> Any:
    """`OrganisationCreate`, `EventUpdate`, …: the input models derived from a declaration,
    by name (as `EntityType.create` / `.update` build them; made at run time, so typed
    as `Any`: `OrganisationCreate(name=…, kind=…)` takes the fields as keywords)."""
    for suffix in ("Create", "Update"):
        label = name.removesuffix(suffix)
        if label != name:
            for declared in DECLARED:
                if declared.meta.label == label:
                    t = declared.entity_type
                    return t.create if suffix == "Create" else t.update
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
