"""graphql-core's executor with two shortcuts: an object whose selected fields are all
plain stored values (no resolver of their own, no arguments, a scalar or enum type)
is completed in one loop; and a stored model in an abstract field (an interface or
union: a search hit's `node`) has its runtime type found once per model class
(`FlatObjects.complete_abstract_value`).

graphql-core completes every field of every object on its own: a path entry, a
resolve info (Strawberry builds one per field), the resolver, then the leaf's
coercion. For the long lists of flat objects an analytics answer is made of (an ego
network's nodes and edges: ~800 objects, ~3,000 fields) that was most of a request's
time. The shortcut reads the same attributes with the same resolvers and coerces them
with the same scalars; anything it is not sure of — a null where the type forbids it,
a value a scalar refuses, a resolver that raises, an `is_type_of` that does not say
yes, an item still to be awaited, `@defer`, field middleware — goes back to
graphql-core for that object or list, which answers it (and its error) exactly as
before.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.models.common import Stored


@dataclass(frozen=True, slots=True)
class _Leaf:
    key: str
    resolve: Any
    type: GraphQLLeafType
    non_null: bool


@dataclass(frozen=True, slots=True)
class _Typename:
    key: str
    name: str


_Plan = tuple[_Leaf | _Typename, ...]
#: the name of Strawberry's resolver for a basic field (`GraphQLCoreConverter.from_resolver`)
_BASIC = "_get_basic_result"


def _flat_plan(parent: GraphQLObjectType, fields: GroupedFieldSet) -> _Plan | None:
    """The selected fields as plain values, or None when one of them is not."""
    plan: list[_Leaf | _Typename] = []
    for key, details in fields.items():
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            plan.append(_Typename(key, parent.name))
            continue
        field = parent.fields.get(name)
        if field is None or field.args or node.arguments:
            return None
        # Strawberry's resolver for a field with no resolver, permission class or
        # extension of its own (`getattr(source, python_name)`); `_is_default` alone
        # also marks fields whose permission classes must run.
        resolve = field.resolve
        if not getattr(resolve, "_is_default", False) or resolve.__name__ != _BASIC:
            return None
        type_ = field.type
        non_null = isinstance(type_, GraphQLNonNull)
        leaf = type_.of_type if non_null else type_
        if not is_leaf_type(leaf):
            return None
        plan.append(_Leaf(key, field.resolve, leaf, non_null))
    return tuple(plan)


def _complete(plan: _Plan, source: Any, info: GraphQLResolveInfo[Any]) -> dict[str, Any] | None:
    """`source` completed by `plan`, or None where graphql-core must do it."""
    out: dict[str, Any] = {}
    for f in plan:
        if isinstance(f, _Typename):
            out[f.key] = f.name
            continue
        try:
            value = f.resolve(source, info)
        except Exception:  # raised again by graphql-core, at the field's own path
            return None
        if value is None:
            if f.non_null:
                return None
            out[f.key] = None
            continue
        try:
            coerced = f.type.coerce_output_value(value)
        except Exception:  # the scalar's own error, raised again where it belongs
            return None
        if coerced is None or coerced is Undefined:
            return None
        out[f.key] = coerced
    return out


def _is_type_of(type_: GraphQLObjectType, source: Any, info: GraphQLResolveInfo[Any]) -> bool:
    """True only when `source` surely is a `type_` (no check: graphql-core decides)."""
    if type_.is_type_of is None:
        return True
    try:
        return type_.is_type_of(source, info) is True
    except Exception:
        return False


def _complete_all(
    plan: _Plan,
    items: list[Any] | tuple[Any, ...],
    type_: GraphQLObjectType,
    non_null: bool,
    info: GraphQLResolveInfo[Any],
    is_awaitable: Callable[[Any], bool],
) -> list[dict[str, Any] | None] | None:
    out: list[dict[str, Any] | None] = []
    for item in items:
        if item is None:
            if non_null:
                return None
            out.append(None)
            continue
        # an item still to be awaited, or an error, is graphql-core's to complete
        if isinstance(item, Exception) or is_awaitable(item) or not _is_type_of(type_, item, info):
            return None
        done = _complete(plan, item, info)
        if done is None:
            return None
        out.append(done)
    return out


class FlatObjects(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing flat objects in one loop (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: a schema with `@stream` has lists that graphql-core must deliver in parts
        self._streams = self.schema.get_directive("stream") is not None
        # keyed like graphql-core's own memo of the collected subfields: the field
        # details list is kept alive with its plan, so its id is not reused
        self._flat: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, _Plan | None]] = {}
        #: the runtime type of a stored model, by abstract type and model class
        self._runtime: dict[tuple[str, type], str] = {}

    def _plan(
        self, parent: GraphQLObjectType, details: FieldDetailsList, context: Any
    ) -> _Plan | None:
        """The flat plan of `parent`'s selection, None where graphql-core must complete
        it (`@defer`'s delivery `context`, field middleware, a field that is not plain)."""
        middleware = self.middleware_manager
        if context is not None or (middleware is not None and middleware.middlewares):
            return None
        key = (parent, id(details))
        hit = self._flat.get(key)
        if hit is not None:
            return hit[1]
        grouped, new_defer_usages, _ = self.collect_subfields(parent, details)
        plan = None if new_defer_usages else _flat_plan(parent, grouped)
        self._flat[key] = (details, plan)
        return plan

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # A list of flat objects in one loop; any item the loop is not sure of sends
        # the whole list back to graphql-core.
        item_type = return_type.of_type
        non_null = isinstance(item_type, GraphQLNonNull)
        # (the second isinstance narrows the type for mypy)
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if (
            not self._streams
            and isinstance(object_type, GraphQLObjectType)
            and isinstance(result, list | tuple)
        ):
            plan = self._plan(object_type, field_details_list, position_context)
            if plan is not None:
                done = _complete_all(plan, result, object_type, non_null, info, self.is_awaitable)
                if done is not None:
                    return done
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_abstract_value(
        self,
        return_type: GraphQLAbstractType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # A stored model's runtime type is found once per class: every object type a
        # model can be says so by its class (`isinstance`, schema/model.py
        # `_is_type_of`), and Strawberry's resolver, finding no cast and no
        # `__typename` on a pydantic model, asks each possible type in turn (a failed
        # attribute lookup on the model and a loop over the types, for every hit of a
        # search). Anything else, and an answer that is not a type name, is
        # graphql-core's as before.
        if isinstance(result, Stored):
            key = (return_type.name, type(result))
            name = self._runtime.get(key)
            if name is None:
                resolve = return_type.resolve_type or self.type_resolver
                found = resolve(result, info, return_type)
                if not isinstance(found, str):
                    if inspect.iscoroutine(found):
                        found.close()  # asked again below, and awaited there
                    return super().complete_abstract_value(
                        return_type, field_details_list, info, path, result, position_context
                    )
                name = self._runtime[key] = found
            runtime_type = self.ensure_valid_runtime_type(
                name, return_type, field_details_list, info, result
            )
            return self.complete_object_value(
                runtime_type, field_details_list, info, path, result, position_context
            )
        return super().complete_abstract_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan(return_type, field_details_list, position_context)
        if plan is not None and _is_type_of(return_type, result, info):
            done = _complete(plan, result, info)
            if done is not None:
                return done
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )
