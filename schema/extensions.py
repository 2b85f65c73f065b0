"""Schema extensions: error masking with request ids, and limits against abuse."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from functools import lru_cache, partial

from graphql import DocumentNode, GraphQLError, GraphQLSchema, specified_rules
from graphql import validate as graphql_validate
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph.errors import GraphError, Unavailable
from schema.cost import cost_rule
from schema.errors import from_graph_error

log = logging.getLogger("koostoo.graphql")


def is_expected(error: GraphQLError) -> bool:
    """Validation errors and errors raised for the client are shown; the rest masked."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected errors for clients, logging each with the request id.

    A graph-layer error that a resolver (or a DataLoader) let through is not unexpected:
    it becomes its coded client error here, once for every resolver — above all
    `Unavailable`, so that a Neo4j outage reads SERVICE_UNAVAILABLE, never an internal
    error."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not is_expected(e))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        if isinstance(error.original_error, GraphError):
            if isinstance(error.original_error, Unavailable):
                log.warning(
                    "neo4j unavailable in %s",
                    ".".join(str(p) for p in error.path or []) or "operation",
                    extra={"request_id": request_id},
                )
            coded = from_graph_error(error.original_error)
            return GraphQLError(
                message=coded.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                original_error=coded,
                extensions={**(coded.extensions or {}), "requestId": request_id},
            )
        log.error(
            "unexpected error in %s",
            ".".join(str(p) for p in error.path or []) or "operation",
            exc_info=error.original_error,
            extra={"request_id": request_id},
        )
        return GraphQLError(
            message=f"Internal error; quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


ExtensionFactory = Callable[[], SchemaExtension]


#: Distinct documents whose parse and validation are kept (front-ends send the same few
#: documents again and again; validating one costs 3-5 ms, a sixth of a small read).
DOCUMENT_CACHE = 256


#: The rules Strawberry adds to every validation (`strawberry.schema.schema.validate_document`).
STRAWBERRY_RULES: tuple[type[ASTValidationRule], ...] = (
    MaybeNullValidationRule,
    OneOfInputValidationRule,
)


@lru_cache(maxsize=DOCUMENT_CACHE)
def _validate(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    return graphql_validate(
        schema, document, (*rules, *STRAWBERRY_RULES), hide_suggestions=hide_suggestions
    )


class CachedValidation(SchemaExtension):
    """Validates each distinct document once (as Strawberry's `ValidationCache`), and
    without graphql-core's "Did you mean …?" suggestions when they are to be hidden:
    with introspection off they would spell out the schema field by field."""

    def __init__(self, *, hide_suggestions: bool) -> None:
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        context.pre_execution_errors = _validate(
            context.schema._schema,
            context.graphql_document,
            context.validation_rules,
            self.hide_suggestions,
        )
        yield


def validation_rules(
    *, max_depth: int, max_aliases: int, introspection: bool, max_cost: int, assumed_page_size: int
) -> tuple[type[ASTValidationRule], ...]:
    """The limits' validation rules, beside graphql-core's own: built once per schema
    (`QueryDepthLimiter` and `MaxAliasesLimiter` build a new rule class per instance,
    which would give every request a validation cache key of its own). Without
    introspection, validation errors carry no suggestions."""
    rules: list[type[ASTValidationRule]] = [
        depth_rule(max_depth, None),
        aliases_rule(max_aliases),
        cost_rule(max_cost, assumed_page_size),
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def validate(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    """A document's validation errors under graphql-core's rules, `rules` and
    Strawberry's, cached per document: the one validation both executors use (the
    resolvers through `CachedValidation`, the compiled reads directly)."""
    return _validate(schema, document, (*specified_rules, *rules), hide_suggestions)


def limits(
    *,
    max_tokens: int,
    introspection: bool,
    rules: tuple[type[ASTValidationRule], ...],
) -> list[ExtensionFactory]:
    """Factories, so that every operation gets extension instances of its own; `rules`
    from `validation_rules`. Without introspection, validation errors carry no
    suggestions (nor do variable errors: see `KoostooSchema`)."""
    return [
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(ParserCache, maxsize=DOCUMENT_CACHE),
        partial(AddValidationRules, list(rules)),
        partial(CachedValidation, hide_suggestions=not introspection),
    ]
