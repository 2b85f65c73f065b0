"""The console's planner guard: Neo4j's own `EXPLAIN` must report a read-only query
whose plan holds only operators from an allow-list of read operators (so `SHOW`,
`TERMINATE TRANSACTIONS` and administration commands are refused even if the text check
were fooled), and procedure calls only to the allowed read procedures."""

from __future__ import annotations

from typing import Any, Final

from graph.console_text import ConsoleRefused, procedure_allowed

#: Plan operators of read queries (EXPLAIN's operator names before `(` and `@`).
READ_OPERATORS: Final = frozenset(
    {
        # leaves: scans and seeks
        "AllNodesScan",
        "NodeByLabelScan",
        "UnionNodeByLabelsScan",
        "IntersectionNodeByLabelsScan",
        "SubtractionNodeByLabelsScan",
        "NodeByIdSeek",
        "NodeByElementIdSeek",
        "NodeIndexSeek",
        "NodeUniqueIndexSeek",
        "NodeIndexSeekByRange",
        "NodeUniqueIndexSeekByRange",
        "NodeIndexScan",
        "NodeIndexContainsScan",
        "NodeIndexEndsWithScan",
        "MultiNodeIndexSeek",
        "NodeCountFromCountStore",
        "RelationshipCountFromCountStore",
        "DirectedRelationshipByIdSeek",
        "UndirectedRelationshipByIdSeek",
        "DirectedRelationshipByElementIdSeek",
        "UndirectedRelationshipByElementIdSeek",
        "DirectedRelationshipIndexSeek",
        "UndirectedRelationshipIndexSeek",
        "DirectedRelationshipUniqueIndexSeek",
        "UndirectedRelationshipUniqueIndexSeek",
        "DirectedRelationshipIndexSeekByRange",
        "UndirectedRelationshipIndexSeekByRange",
        "DirectedRelationshipUniqueIndexSeekByRange",
        "UndirectedRelationshipUniqueIndexSeekByRange",
        "DirectedRelationshipIndexScan",
        "UndirectedRelationshipIndexScan",
        "DirectedRelationshipIndexContainsScan",
        "UndirectedRelationshipIndexContainsScan",
        "DirectedRelationshipIndexEndsWithScan",
        "UndirectedRelationshipIndexEndsWithScan",
        "DirectedAllRelationshipsScan",
        "UndirectedAllRelationshipsScan",
        "DirectedRelationshipTypeScan",
        "UndirectedRelationshipTypeScan",
        "DirectedUnionRelationshipTypesScan",
        "UndirectedUnionRelationshipTypesScan",
        "Argument",
        # traversals
        "Expand",
        "OptionalExpand",
        "VarLengthExpand",
        "ShortestPath",
        "StatefulShortestPath",
        "Trail",
        "Repeat",
        "BidirectionalRepeat",
        "ProjectEndpoints",
        "PathPropagatingBFS",
        # rows
        "ProduceResults",
        "Filter",
        "Projection",
        "CacheProperties",
        "Unwind",
        "Limit",
        "ExhaustiveLimit",
        "Skip",
        "Sort",
        "PartialSort",
        "Top",
        "PartialTop",
        "Distinct",
        "OrderedDistinct",
        "EagerAggregation",
        "OrderedAggregation",
        "Eager",
        "Optional",
        "Anti",
        "Union",
        "OrderedUnion",
        "NullifyMetadata",
        # joins and subqueries
        "Apply",
        "SemiApply",
        "AntiSemiApply",
        "LetSemiApply",
        "LetAntiSemiApply",
        "SelectOrSemiApply",
        "SelectOrAntiSemiApply",
        "LetSelectOrSemiApply",
        "LetSelectOrAntiSemiApply",
        "ConditionalApply",
        "AntiConditionalApply",
        "RollUpApply",
        "CartesianProduct",
        "NodeHashJoin",
        "ValueHashJoin",
        "NodeLeftOuterHashJoin",
        "NodeRightOuterHashJoin",
        "TriadicSelection",
        "TriadicBuild",
        "TriadicFilter",
        # checked further: only ALLOWED_PROCEDURES
        "ProcedureCall",
    }
)


def _operators(plan: Any) -> list[tuple[str, str]]:
    """(operator type, details) for every operator in an EXPLAIN plan."""
    found: list[tuple[str, str]] = []
    stack = [plan] if plan is not None else []
    while stack:
        op = stack.pop()
        details = str((op.get("args") or {}).get("Details", ""))
        found.append((str(op.get("operatorType", "")), details))
        stack.extend(op.get("children") or [])
    return found


def check_plan(query_type: str | None, plan: Any) -> None:
    """The planner guard: a read-only query type and only read operators."""
    if query_type != "r":
        raise ConsoleRefused(f"Neo4j classifies this query as {query_type!r}, not read-only ('r')")
    for op, details in _operators(plan):
        name = op.split("@")[0].split("(")[0].strip()
        if name not in READ_OPERATORS:
            raise ConsoleRefused(f"the plan contains a {name} operator; the console only reads")
        if name == "ProcedureCall":
            proc = details.split("(")[0].strip()
            if not procedure_allowed(proc):
                raise ConsoleRefused(f"procedure {proc!r} is not allowed in the console")
