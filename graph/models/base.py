"""Field groups shared by the entity models (input side and stored side)."""

from __future__ import annotations

from pydantic import Field, model_validator

from graph.models.common import (
    LongText,
    Model,
    Name,
    PartialDate,
    ShortText,
    Stored,
    check_order,
)


class NamedInput(Model):
    """Create-side fields every named entity has."""

    name: Name
    name_en: ShortText | None = Field(default=None, alias="nameEn")
    aliases: list[Name] = Field(default_factory=list, max_length=50)
    description: LongText | None = None


class NamedPatch(Model):
    """Update-side counterpart of `NamedInput`: unset = unchanged, null = cleared."""

    name: Name | None = None
    name_en: ShortText | None = Field(default=None, alias="nameEn")
    aliases: list[Name] | None = Field(default=None, max_length=50)
    description: LongText | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> NamedPatch:
        for field in self.required_on_update():
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be cleared")
        return self

    @classmethod
    def required_on_update(cls) -> tuple[str, ...]:
        return ("name",)


class DatedMixin(Model):
    start_date: PartialDate | None = Field(default=None, alias="startDate")
    end_date: PartialDate | None = Field(default=None, alias="endDate")
    date_inferred: bool | None = Field(default=None, alias="dateInferred")
    date_note: ShortText | None = Field(default=None, alias="dateNote")

    @model_validator(mode="after")
    def _end_after_start(self) -> DatedMixin:
        check_order(self.start_date, self.end_date, "endDate is before startDate")
        return self


class NamedStored(Stored):
    name: str
    name_en: str | None = Field(default=None, alias="nameEn")
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None


class DatedStored(NamedStored):
    start_date: str | None = Field(default=None, alias="startDate")
    end_date: str | None = Field(default=None, alias="endDate")
    date_inferred: bool | None = Field(default=None, alias="dateInferred")
    date_note: str | None = Field(default=None, alias="dateNote")
