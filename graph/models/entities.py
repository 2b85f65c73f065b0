"""Input, patch and stored models of every entity type except Organisation
(which has its own module as the first vertical slice)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import EmailStr, Field, field_validator

from graph.models.base import DatedMixin, DatedStored, NamedInput, NamedPatch, NamedStored
from graph.models.common import EntityId, LongText, Model, Name, PartialDate, ShortText, Stored


class EventKind(StrEnum):
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
    PROJECT = "PROJECT"
    PROGRAMME = "PROGRAMME"
    PILOT = "PILOT"


class PlaceKind(StrEnum):
    COUNTRY = "COUNTRY"
    COUNTY = "COUNTY"
    MUNICIPALITY = "MUNICIPALITY"
    CITY = "CITY"
    VILLAGE = "VILLAGE"
    VENUE = "VENUE"


class DocumentKind(StrEnum):
    WEB_PAGE = "WEB_PAGE"
    BROCHURE = "BROCHURE"
    REPORT = "REPORT"
    PRESS_RELEASE = "PRESS_RELEASE"
    NEWS = "NEWS"
    OTHER = "OTHER"


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class CampaignStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    ACHIEVED = "ACHIEVED"
    ABANDONED = "ABANDONED"


Phone = ShortText


# --- Person (personal data: see graph/privacy.py) ---------------------------------


class PersonCreate(NamedInput):
    id: EntityId | None = None
    given_name: ShortText | None = Field(default=None, alias="givenName")
    family_name: ShortText | None = Field(default=None, alias="familyName")
    email: EmailStr | None = None
    phone: Phone | None = None
    bio: LongText | None = None


class PersonUpdate(NamedPatch):
    given_name: ShortText | None = Field(default=None, alias="givenName")
    family_name: ShortText | None = Field(default=None, alias="familyName")
    email: EmailStr | None = None
    phone: Phone | None = None
    bio: LongText | None = None


class Person(NamedStored):
    given_name: str | None = Field(default=None, alias="givenName")
    family_name: str | None = Field(default=None, alias="familyName")
    email: str | None = None
    phone: str | None = None
    bio: str | None = None
    erased: bool = False


# --- Event and Programme -------------------------------------------------------------


class EventCreate(NamedInput, DatedMixin):
    id: EntityId | None = None
    kind: EventKind


class EventUpdate(NamedPatch):
    kind: EventKind | None = None
    start_date: PartialDate | None = Field(default=None, alias="startDate")
    end_date: PartialDate | None = Field(default=None, alias="endDate")
    date_inferred: bool | None = Field(default=None, alias="dateInferred")
    date_note: ShortText | None = Field(default=None, alias="dateNote")

    @classmethod
    def required_on_update(cls) -> tuple[str, ...]:
        return ("name", "kind")


class Event(DatedStored):
    kind: EventKind


class ProgrammeCreate(NamedInput, DatedMixin):
    id: EntityId | None = None
    kind: ProgrammeKind


class ProgrammeUpdate(EventUpdate):
    kind: ProgrammeKind | None = None  # type: ignore[assignment]


class Programme(DatedStored):
    kind: ProgrammeKind


# --- Services, categories, places, topics ----------------------------------------------


class ServiceCreate(NamedInput):
    id: EntityId | None = None


class ServiceUpdate(NamedPatch):
    pass


class Service(NamedStored):
    pass


class ServiceCategoryCreate(NamedInput):
    id: EntityId | None = None
    examples: list[ShortText] = Field(default_factory=list, max_length=100)


class ServiceCategoryUpdate(NamedPatch):
    examples: list[ShortText] | None = Field(default=None, max_length=100)


class ServiceCategory(NamedStored):
    examples: list[str] = Field(default_factory=list)


class PlaceCreate(NamedInput):
    id: EntityId | None = None
    kind: PlaceKind


class PlaceUpdate(NamedPatch):
    kind: PlaceKind | None = None

    @classmethod
    def required_on_update(cls) -> tuple[str, ...]:
        return ("name", "kind")


class Place(NamedStored):
    kind: PlaceKind


class TopicCreate(NamedInput):
    id: EntityId | None = None


class TopicUpdate(NamedPatch):
    pass


class Topic(NamedStored):
    pass


# --- Documents (sources) ---------------------------------------------------------------


class DocumentCreate(Model):
    id: EntityId | None = None
    title: Name
    kind: DocumentKind
    language: ShortText | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    date: PartialDate | None = None
    url: ShortText | None = None
    file: ShortText | None = None
    publisher: EntityId | None = Field(default=None, description="An organisation id.")
    description: LongText | None = None


class DocumentUpdate(Model):
    title: Name | None = None
    kind: DocumentKind | None = None
    language: ShortText | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    date: PartialDate | None = None
    url: ShortText | None = None
    description: LongText | None = None

    @field_validator("title", "kind")
    @classmethod
    def _not_clearable(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be cleared")
        return value


class Document(Stored):
    title: str
    kind: DocumentKind
    language: str | None = None
    date: str | None = None
    url: str | None = None
    file: str | None = None
    publisher: str | None = None
    description: str | None = None

    @property
    def name(self) -> str:
        return self.title


# --- CRM: notes, tasks, campaigns ------------------------------------------------------


class NoteCreate(Model):
    id: EntityId | None = None
    about: list[EntityId] = Field(min_length=1, max_length=20)
    body: LongText = Field(min_length=1)


class NoteUpdate(Model):
    body: LongText | None = Field(default=None, min_length=1)


class Note(Stored):
    body: str
    author: str | None = None


class TaskCreate(Model):
    id: EntityId | None = None
    title: Name
    about: list[EntityId] = Field(default_factory=list, max_length=20)
    due_date: date | None = Field(default=None, alias="dueDate")
    status: TaskStatus = TaskStatus.OPEN
    assignee: ShortText | None = None
    description: LongText | None = None


class TaskUpdate(Model):
    title: Name | None = None
    due_date: date | None = Field(default=None, alias="dueDate")
    status: TaskStatus | None = None
    assignee: ShortText | None = None
    description: LongText | None = None


class Task(Stored):
    title: str
    due_date: date | None = Field(default=None, alias="dueDate")
    status: TaskStatus
    assignee: str | None = None
    description: str | None = None
    author: str | None = None

    @property
    def name(self) -> str:
        return self.title


class CampaignCreate(NamedInput):
    id: EntityId | None = None
    goal: LongText | None = None
    status: CampaignStatus = CampaignStatus.ACTIVE


class CampaignUpdate(NamedPatch):
    goal: LongText | None = None
    status: CampaignStatus | None = None


class Campaign(NamedStored):
    goal: str | None = None
    status: CampaignStatus = CampaignStatus.ACTIVE


__all__ = [
    "Campaign",
    "CampaignCreate",
    "CampaignStatus",
    "CampaignUpdate",
    "Document",
    "DocumentCreate",
    "DocumentKind",
    "DocumentUpdate",
    "Event",
    "EventCreate",
    "EventKind",
    "EventUpdate",
    "Name",
    "Note",
    "NoteCreate",
    "NoteUpdate",
    "Person",
    "PersonCreate",
    "PersonUpdate",
    "Place",
    "PlaceCreate",
    "PlaceKind",
    "PlaceUpdate",
    "Programme",
    "ProgrammeCreate",
    "ProgrammeKind",
    "ProgrammeUpdate",
    "Service",
    "ServiceCategory",
    "ServiceCategoryCreate",
    "ServiceCategoryUpdate",
    "ServiceCreate",
    "ServiceUpdate",
    "Task",
    "TaskCreate",
    "TaskStatus",
    "TaskUpdate",
    "Topic",
    "TopicCreate",
    "TopicUpdate",
]
