"""What the page's forms need to know about the model's inputs (`graph/models/forms.py`):
the fields an edit of each entity type may set and the properties of each relationship
type, with the widget that fits and the limits a browser can check."""

from __future__ import annotations

import strawberry

from graph.errors import GraphError
from graph.models import forms
from graph.models.registry import entity_type
from schema.errors import from_graph_error
from schema.permissions import CanRead

strawberry.enum(forms.InputKind, description="Which widget fits an input field.")


@strawberry.type(description="One field of an input, as a form shows and checks it.")
class InputField:
    name: str = strawberry.field(description="The input field's GraphQL name.")
    kind: forms.InputKind
    many: bool = strawberry.field(description="A list of values (one per line in a form).")
    required: bool = strawberry.field(description="A value must be given (and kept).")
    options: list[str] = strawberry.field(description="The values a CHOICE takes.")
    max_length: int | None = strawberry.field(description="Most characters (of each value).")
    minimum: float | None
    maximum: float | None
    pattern: str | None = strawberry.field(description="A regular expression it must match.")
    personal: bool = strawberry.field(
        description="Personal data (GDPR): editors and up see and edit it."
    )
    ref: str | None = strawberry.field(description="The entity type a REFERENCE names.")
    description: str | None

    @classmethod
    def from_model(cls, f: forms.InputField) -> InputField:
        return cls(
            name=f.name,
            kind=f.kind,
            many=f.many,
            required=f.required,
            options=list(f.options),
            max_length=f.max_length,
            minimum=f.minimum,
            maximum=f.maximum,
            pattern=f.pattern,
            personal=f.personal,
            ref=f.ref,
            description=f.description,
        )


@strawberry.type
class FormsQuery:
    @strawberry.field(
        permission_classes=[CanRead],
        description="The fields an edit of an entity of this type may set (`update…` input), "
        "in declaration order, as a form shows and checks them.",
    )
    def entity_fields(self, type: str) -> list[InputField]:
        try:
            spec = entity_type(type)
        except GraphError as e:
            raise from_graph_error(e) from e
        return [InputField.from_model(f) for f in forms.entity_fields(spec)]
