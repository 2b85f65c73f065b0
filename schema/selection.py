"""What a resolver's caller selected (`info.selected_fields`), fragments included: a
resolver that can leave out work nobody asked for looks here."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from schema.context import Info


def selected(info: Info) -> list[Selection]:
    """What the caller selected in the resolver's field, in every occurrence of it:
    graphql-core merges the occurrences (two fragments, say) into one answer."""
    return [s for f in info.selected_fields for s in f.selections]


def fields(selections: list[Selection]) -> Iterator[SelectedField]:
    """The fields of `selections`, those in fragments and inline fragments too."""
    for s in selections:
        if isinstance(s, SelectedField):
            yield s
        elif isinstance(s, FragmentSpread | InlineFragment):
            yield from fields(s.selections)


def selects(selections: list[Selection], names: frozenset[str]) -> bool:
    """Whether `selections` select one of the fields `names`."""
    return any(f.name in names for f in fields(selections))


def selects_within(selections: list[Selection], parent: str, names: frozenset[str]) -> bool:
    """Whether any selection of the field `parent` (under any alias) selects one of the
    fields `names`."""
    return any(selects(f.selections, names) for f in fields(selections) if f.name == parent)
