"""The Organisation aggregate: input, stored and filter shapes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, Field, field_validator

from graph.chars import describe
from graph.models.common import (
    EntityId,
    LongText,
    Model,
    Name,
    ShortText,
    Stored,
    Tag,
    one_line,
)
from graph.text import mixed_script_word


class OrganisationKind(StrEnum):
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


def _website(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    AnyHttpUrl(value)  # raises a ValueError with the reason
    return one_line(value)


def _one_script_per_word(value: str) -> str:
    """An organisation name may not mix scripts within a word: 'Tööt' with a Cyrillic
    'о' would pass for the Latin name. (Whole words in Cyrillic stay valid.)"""
    found = mixed_script_word(value)
    if found:
        index, scripts = found
        raise ValueError(
            f"mixes {' and '.join(scripts)} letters in one word: {describe(value[index])} at "
            f"position {index + 1}"
        )
    return value


#: The name of an organisation: a `Name` whose every word is written in one script.
OrganisationName = Annotated[Name, AfterValidator(_one_script_per_word)]


class OrganisationFields(Model):
    short_name: ShortText | None = Field(default=None, alias="shortName")
    name_en: ShortText | None = Field(default=None, alias="nameEn")
    website: str | None = Field(default=None, max_length=500)
    description: LongText | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    aliases: list[OrganisationName] = Field(default_factory=list, max_length=50)

    _check_website = field_validator("website")(staticmethod(_website))


class OrganisationCreate(OrganisationFields):
    id: EntityId | None = None
    name: OrganisationName
    kind: OrganisationKind


class OrganisationUpdate(OrganisationFields):
    """A patch: only the fields that were set are changed; `None` clears a field."""

    name: OrganisationName | None = None
    kind: OrganisationKind | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)  # type: ignore[assignment]
    aliases: list[OrganisationName] | None = Field(default=None, max_length=50)  # type: ignore[assignment]

    @field_validator("name", "kind")
    @classmethod
    def _not_clearable(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be cleared")
        return value


class Organisation(Stored):
    name: str
    kind: OrganisationKind
    short_name: str | None = Field(default=None, alias="shortName")
    name_en: str | None = Field(default=None, alias="nameEn")
    website: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class OrganisationFilter(Model):
    kind: OrganisationKind | None = None
    name_contains: str | None = Field(default=None, alias="nameContains", max_length=200)
    tags: list[str] | None = None
