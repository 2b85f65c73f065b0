"""The query cost: what each field costs, and the validation rule that refuses an
operation costing more than a budget (beyond the limits on depth, aliases and tokens).

An operation costs the sum of the weights of the fields it selects, each multiplied by
the page sizes of the lists it is inside: a field with a `first` argument multiplies
everything selected under it by `first`. A field that returns objects weighs 1, a scalar
nothing, an introspection field nothing (introspection has a switch of its own), and a
field that does more work declares its weight next to it with the `Cost` directive:

    @strawberry.field(directives=[Cost(weight=WHOLE_NETWORK)], …)
    async def network_graph(…) -> Network: …

so that thirty aliased `networkGraph` calls cost thirty times one. The rule reads the
document only (it is cached with its validation), so `first` given as a variable counts
as the largest page (`assumed_page_size`).
"""

from __future__ import annotations

import graphlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    IntValueNode,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    is_composite_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema_directive import Location

#: Weights of the analytics fields: a computation over the whole network (a projection
#: of every actor, igraph); a bounded search around one or two entities (a
#: neighbourhood, paths, a console query with its own timeout and row cap); one
#: entity's partners or what two have in common.
WHOLE_NETWORK = 5_000
NEIGHBOURHOOD = 1_000
PAIR = 200

#: The argument that sizes a list (connections and ranked lists alike).
SLICING_ARGUMENT = "first"
#: Integers longer than this are not converted: they are over any budget anyway.
_MAX_DIGITS = 12


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="What one call of the field costs in an operation's cost budget "
    "(an object 1, a scalar 0 unless declared).",
)
class Cost:
    weight: int


def weight_of(field_def: GraphQLField, parent_name: str, name: str) -> int:
    """The declared weight of a field, else 1 for objects and 0 for scalars."""
    if name.startswith("__") or parent_name.startswith("__"):
        return 0
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    for directive in getattr(definition, "directives", None) or ():
        if isinstance(directive, Cost):
            return directive.weight
    return 1 if is_composite_type(get_named_type(field_def.type)) else 0


@dataclass
class _Terms:
    """A cost as `constant + Σ multiplier × cost(fragment)`, fragments resolved last."""

    constant: int = 0
    spreads: Counter[str] = field(default_factory=Counter)

    def add(self, child: _Terms, weight: int, size: int) -> None:
        self.constant += weight + size * child.constant
        for name, times in child.spreads.items():
            self.spreads[name] += size * times


def cost_rule(max_cost: int, assumed_page_size: int) -> type[ValidationRule]:
    """A validation rule refusing each operation that costs more than `max_cost`."""
    #: By the field's coordinates (`Query.networkGraph`), read once from the schema.
    weights: dict[tuple[str, str], int] = {}

    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.stack: list[tuple[_Terms, int, int]] = []
            self.fragments: dict[str, _Terms] = {}
            self.operations: list[tuple[OperationDefinitionNode, _Terms]] = []

        def _open(self, weight: int = 0, size: int = 1) -> None:
            self.stack.append((_Terms(), weight, size))

        def _close(self) -> _Terms:
            terms, weight, size = self.stack.pop()
            if self.stack:
                self.stack[-1][0].add(terms, weight, size)
            return terms

        def enter_operation_definition(self, *_: Any) -> None:
            self._open()

        def leave_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            self.operations.append((node, self._close()))

        def enter_fragment_definition(self, *_: Any) -> None:
            self._open()

        def leave_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            self.fragments[node.name.value] = self._close()

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            field_def = self.context.get_field_def()
            parent = self.context.get_parent_type()
            if field_def is None or parent is None:  # reported by another rule
                self._open()
                return
            coordinates = (parent.name, node.name.value)
            weight = weights.get(coordinates)
            if weight is None:
                weight = weights[coordinates] = weight_of(field_def, *coordinates)
            self._open(weight, self._size(node, field_def))

        def leave_field(self, *_: Any) -> None:
            self._close()

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            if self.stack:
                self.stack[-1][0].spreads[node.name.value] += 1

        def leave_document(self, *_: Any) -> None:
            resolved = self._resolve_fragments()
            for node, terms in self.operations:
                cost = terms.constant + sum(
                    times * resolved.get(name, 0) for name, times in terms.spreads.items()
                )
                if cost > max_cost:
                    what = f"operation {node.name.value!r}" if node.name else "the operation"
                    self.report_error(
                        GraphQLError(
                            f"{what} costs {cost:,} against a budget of {max_cost:,}: "
                            "network analytics weigh thousands, and every list multiplies "
                            "what it selects by `first`. Ask for fewer or smaller pages, "
                            "or split the operation.",
                            node,
                            extensions={
                                "code": "QUERY_TOO_EXPENSIVE",
                                "cost": cost,
                                "maxCost": max_cost,
                            },
                        )
                    )

        def _resolve_fragments(self) -> dict[str, int]:
            """Each fragment's cost, once (a fragment spread twice is not walked twice)."""
            order = graphlib.TopologicalSorter(
                {name: set(terms.spreads) for name, terms in self.fragments.items()}
            )
            resolved: dict[str, int] = {}
            try:
                names = list(order.static_order())
            except graphlib.CycleError:  # reported by NoFragmentCyclesRule
                return resolved
            for name in names:
                terms = self.fragments.get(name)
                if terms is not None:
                    resolved[name] = terms.constant + sum(
                        times * resolved.get(other, 0) for other, times in terms.spreads.items()
                    )
            return resolved

        @staticmethod
        def _size(node: FieldNode, field_def: GraphQLField) -> int:
            argument = field_def.args.get(SLICING_ARGUMENT)
            if argument is None:
                return 1
            given = next(
                (a.value for a in node.arguments or () if a.name.value == SLICING_ARGUMENT), None
            )
            if given is None:
                default = argument.default_value
                return max(0, default) if isinstance(default, int) else assumed_page_size
            if isinstance(given, IntValueNode):
                digits = given.value.lstrip("-")
                if len(digits) > _MAX_DIGITS:
                    return 0 if given.value.startswith("-") else 10**_MAX_DIGITS
                return max(0, int(given.value))
            return assumed_page_size  # a variable (or a value another rule refuses)

    return QueryCostRule
