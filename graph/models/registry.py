"""Every entity type with its input, patch and stored models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from graph.models import entities as e
from graph.models import organisation as o
from graph.models.common import Model, Stored
from graph.text import confusable_key, fold, search_text


@dataclass(frozen=True)
class EntityType:
    label: str
    create: type[Model]
    update: type[Model]
    stored: type[Stored]
    #: the property that names a node of this type
    name_property: str = "name"
    #: refuse a second entity of this type with the same folded name, or a name that
    #: looks the same (the same confusable skeleton)
    unique_name: bool = False
    #: holds personal data (export, erasure, least exposure)
    personal: bool = False

    def derived(self, props: dict[str, Any]) -> dict[str, Any]:
        """Properties kept for sorting and accent-insensitive matching, and for a type
        whose names are unique, the key of names that look alike (`nameKey`)."""
        name = props.get(self.name_property) or ""
        derived = {
            "sortKey": fold(name),
            "searchText": search_text(
                name, props.get("shortName"), props.get("nameEn"), props.get("aliases") or []
            ),
        }
        if self.unique_name:
            derived["nameKey"] = confusable_key(name)
        return derived

    @property
    def derived_from(self) -> tuple[str, ...]:
        """The properties `derived` reads that this type has: a write that changes one
        of them rewrites the derived ones, made from all of them."""
        own = {f.alias or n for n, f in self.stored.model_fields.items()}
        return tuple(
            p
            for p in (self.name_property, "shortName", "nameEn", "aliases")
            if p == self.name_property or p in own
        )


TYPES: Final = (
    EntityType(
        "Organisation", o.OrganisationCreate, o.OrganisationUpdate, o.Organisation, unique_name=True
    ),
    EntityType("Person", e.PersonCreate, e.PersonUpdate, e.Person, personal=True),
    EntityType("Event", e.EventCreate, e.EventUpdate, e.Event),
    EntityType("Programme", e.ProgrammeCreate, e.ProgrammeUpdate, e.Programme),
    EntityType("Service", e.ServiceCreate, e.ServiceUpdate, e.Service),
    EntityType(
        "ServiceCategory",
        e.ServiceCategoryCreate,
        e.ServiceCategoryUpdate,
        e.ServiceCategory,
        unique_name=True,
    ),
    EntityType("Place", e.PlaceCreate, e.PlaceUpdate, e.Place),
    EntityType("Document", e.DocumentCreate, e.DocumentUpdate, e.Document, name_property="title"),
    EntityType("Topic", e.TopicCreate, e.TopicUpdate, e.Topic, unique_name=True),
    EntityType("Note", e.NoteCreate, e.NoteUpdate, e.Note, name_property="body"),
    EntityType("Task", e.TaskCreate, e.TaskUpdate, e.Task, name_property="title"),
    EntityType("Campaign", e.CampaignCreate, e.CampaignUpdate, e.Campaign, unique_name=True),
)

REGISTRY: Final[dict[str, EntityType]] = {t.label: t for t in TYPES}


def entity_type(label: str) -> EntityType:
    from graph.errors import InvalidInput

    try:
        return REGISTRY[label]
    except KeyError:
        raise InvalidInput([("type", f"unknown entity type {label!r}")]) from None


def to_model(label: str, props: dict[str, Any]) -> Stored:
    from graph.models.common import to_native
    from graph.props import present

    return REGISTRY[label].stored.model_validate(to_native(present(props)))
