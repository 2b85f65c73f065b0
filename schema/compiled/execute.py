"""The compiled reads' executor: a read the compiler can plan runs as one statement;
anything else — a document that does not parse or validate, a mutation, a field with a
resolver of its own, an argument the resolvers would refuse — answers None, and the
caller runs the resolvers, which give the same answer or the error.

The limits are the resolvers' own: the same token limit on parsing, the same cached
validation with the same rules (depth, aliases, cost), the same page-size and cursor
checks; privacy is planned per role (`may_see_personal`). Plans are cached per
document text and operation, then per the values that shape the statement (whether
personal data is shown, the variables of `@skip`/`@include`, `sort`, `direction`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    Visitor,
    get_operation_ast,
    parse,
    visit,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.values import get_variable_values
from graphql.validation import ASTValidationRule

from graph import keys
from graph.compiled.cypher import NotCompiled, Statement, statement
from graph.compiled.run import KeyRevoked, run
from graph.errors import GraphError, Unavailable
from schema.compiled.walk import Provider, Request, Walker
from schema.context import Context
from schema.extensions import DOCUMENT_CACHE, validate
from schema.privacy import may_see_personal

log = logging.getLogger("koostoo.compiled")

#: Arguments whose values change the statement (not only its parameters).
STRUCTURAL_ARGUMENTS = frozenset({"sort", "direction"})
#: Statements kept per document (one per combination of the shaping values).
SHAPES = 16


@dataclass(frozen=True)
class Compiled:
    statement: Statement
    providers: tuple[Provider, ...]


@dataclass
class Analysis:
    """A parsed, validated query operation, and its statements made so far."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDetails]
    #: the variables whose values shape the statement
    shaping: tuple[str, ...]
    compiled: OrderedDict[tuple[Any, ...], Compiled | None] = field(default_factory=OrderedDict)


class _Shaping(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                self.names.add(argument.value.name.value)

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        if node.name.value in STRUCTURAL_ARGUMENTS and isinstance(node.value, VariableNode):
            self.names.add(node.value.name.value)


class CompiledReads:
    """Runs the reads of `schema` that compile; `None` for the rest."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int,
        suggestions: bool,
    ) -> None:
        self.schema = schema
        self.rules = rules
        self.max_tokens = max_tokens
        self.hide_suggestions = not suggestions
        self.analyse = lru_cache(maxsize=DOCUMENT_CACHE)(self._analyse)

    def _analyse(self, query: str, operation_name: str | None) -> Analysis | None:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError:
            return None
        if validate(self.schema, document, self.rules, self.hide_suggestions):
            return None
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            return None
        return Analysis(operation, _fragments(document), _shaping(document))

    def plan(
        self, analysis: Analysis, variables: Any, personal: bool, key_check: bool
    ) -> Compiled | None:
        shape = (
            personal,
            key_check,
            tuple(repr(variables.coerced.get(n)) for n in analysis.shaping),
        )
        if shape in analysis.compiled:
            analysis.compiled.move_to_end(shape)
            return analysis.compiled[shape]
        walker = Walker(self.schema, analysis.operation, analysis.fragments, variables, personal)
        try:
            roots = walker.roots()
            found: Compiled | None = Compiled(
                statement(roots, key_check=key_check), tuple(walker.providers)
            )
        except NotCompiled as e:
            log.debug("not compiled: %s", e)
            found = None
        analysis.compiled[shape] = found
        if len(analysis.compiled) > SHAPES:
            analysis.compiled.popitem(last=False)
        return found

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Context,
        *,
        key_hash: str | None = None,
    ) -> dict[str, Any] | None:
        """The `data` of the read, or None where the resolvers must run it. With
        `key_hash`, the statement also checks that the caller's key is still active
        (`KeyRevoked` if not)."""
        principal = context.principal
        if (
            principal is None
            or not isinstance(query, str)
            or not isinstance(operation_name, str | None)
        ):
            return None  # the resolvers refuse it, in their words
        analysis = self.analyse(query, operation_name)
        if analysis is None:
            return None
        coerced = get_variable_values(
            self.schema,
            analysis.operation.variable_definitions or (),
            variables or {},
            hide_suggestions=self.hide_suggestions,
        )
        if isinstance(coerced, list):
            return None
        compiled = self.plan(analysis, coerced, may_see_personal(context), key_hash is not None)
        if compiled is None:
            return None
        request = Request(coerced, context.max_page_size, principal)
        params: dict[str, Any] = {}
        try:
            for provide in compiled.providers:
                params |= provide(request)
        except (GraphQLError, GraphError, ValueError, KeyError, TypeError):
            return None  # the resolvers answer with the error
        for prefix in compiled.statement.plus_one:
            params[prefix + "limit"] += 1
        if key_hash is not None:
            params |= keys.still_active_params(principal, key_hash)
        try:
            return await run(context.graph, compiled.statement, params)
        except (KeyRevoked, Unavailable):
            raise  # Neo4j is down: answered at once (503), not retried on the resolvers
        except GraphError:
            return None  # the resolvers meet it too, and say so in their words
        except Exception:
            log.exception("a compiled read failed; the resolvers answer it")
            return None


def _fragments(document: DocumentNode) -> dict[str, FragmentDetails]:
    return {
        d.name.value: FragmentDetails(d)
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


def _shaping(document: DocumentNode) -> tuple[str, ...]:
    visitor = _Shaping()
    visit(document, visitor)
    return tuple(sorted(visitor.names))
