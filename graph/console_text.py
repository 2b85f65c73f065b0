"""The console's text guard: what an analyst's Cypher may look like before Neo4j sees it.

The query is read with Neo4j's own lexical rules (`graph.cypher_lexer`) and the text
sent on is the lexer's canonical text, so a comment or line terminator cannot hide a
clause from this guard and show it to the server. On the tokens:

- allow-lists: the statement starts with a read clause (`MATCH`, `OPTIONAL MATCH`,
  `WITH`, `UNWIND`, `RETURN`, `CALL`), and so does every part of a `UNION`; `CALL`
  opens a subquery or names a procedure of `ALLOWED_PROCEDURES`;
- clause words that write, administer, load files or switch database are refused
  wherever they stand as a word (`SHOW`, `TERMINATE`, `CREATE`, `SET`, `LOAD`, `USE`…);
- bounds on what Neo4j's parser and expression evaluator do before any transaction
  limit applies: tokens, nesting, chains, literal sizes, `range()` sizes outside
  `UNWIND`, and `=~` only with a literal pattern of `graph.safe_regex`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from graph import safe_regex
from graph.cypher_lexer import Kind, LexError, Token, lex, string_value
from graph.errors import GraphError

MAX_QUERY_CHARS: Final = 20_000
MAX_TOKENS: Final = 1_000
#: brackets, braces, parentheses and CASE … END inside each other
MAX_NESTING: Final = 32
#: `.name` and `[index]` after one another (`a.b.c`, `m.x[0].y`)
MAX_CHAIN: Final = 16
MAX_NOTS: Final = 4
MAX_UNIONS: Final = 16
#: relationships in the query's patterns (each one widens the planner's search)
MAX_HOPS: Final = 24
MAX_STRING_CHARS: Final = 4_096
MAX_NAME_CHARS: Final = 256
MAX_NUMBER_CHARS: Final = 40
#: numbers one `range()` may produce in an expression (outside `UNWIND range(…) AS`),
#: and all of them multiplied (a comprehension inside a comprehension)
MAX_RANGE: Final = 10_000
MAX_RANGE_PRODUCT: Final = 1_000_000

#: Clauses a statement (and each part of a UNION) may start with.
READ_CLAUSES: Final = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})

#: Read-only procedures an analyst may call (schema introspection, full-text search).
ALLOWED_PROCEDURES: Final = (
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
    "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships",
)
_ALLOWED: Final = frozenset(p.lower() for p in ALLOWED_PROCEDURES)

#: Words that write, administer, read outside the graph or escape the transaction.
FORBIDDEN: Final = {
    "CREATE": "CREATE writes",
    "INSERT": "INSERT writes",
    "MERGE": "MERGE writes",
    "SET": "SET writes",
    "DELETE": "DELETE writes",
    "DETACH": "DETACH DELETE writes",
    "REMOVE": "REMOVE writes",
    "DROP": "DROP changes the schema",
    "FOREACH": "FOREACH exists to write",
    "LOAD": "LOAD CSV reads files and URLs outside the graph",
    "USE": "USE switches to another database",
    "GRANT": "GRANT is an administration command",
    "DENY": "DENY is an administration command",
    "REVOKE": "REVOKE is an administration command",
    "ALTER": "ALTER is an administration command",
    "RENAME": "RENAME is an administration command",
    "START": "START is an administration command",
    "STOP": "STOP is an administration command",
    "TERMINATE": "TERMINATE is an administration command",
    "SHOW": "SHOW commands are not available; use CALL db.labels() and friends",
    "ENABLE": "ENABLE is an administration command",
    "DEALLOCATE": "DEALLOCATE is an administration command",
    "REALLOCATE": "REALLOCATE is an administration command",
    "CYPHER": "query options are set by the console",
    "EXPLAIN": "the console explains every query itself",
    "PROFILE": "PROFILE is not available in the console",
}

#: Tokens after which a `[` indexes a value (rather than starting a list).
_VALUE_ENDS: Final = frozenset({Kind.WORD, Kind.NAME, Kind.STRING, Kind.NUMBER})
#: Operators that bind tighter than `=~`: after the pattern they would make it an
#: expression rather than a literal.
_EXTENDS_OPERAND: Final = frozenset({"+", "-", "*", "/", "%", "^", "||", "[", ".", "::"})
_OPENERS: Final = {"(": ")", "[": "]", "{": "}"}


class ConsoleRefused(GraphError):
    """The console refused a query: it could write, administer or leave the graph."""

    def __init__(self, message: str, field: str = "query") -> None:
        super().__init__(message)
        self.field = field


def procedure_allowed(name: str) -> bool:
    return name.replace(" ", "").lower() in _ALLOWED


def _is_word(tokens: Sequence[Token], i: int) -> bool:
    """True when token `i` stands as a keyword: not a property (`n.start`), a parameter
    (`$start`) or a map key (`{start: 1}`)."""
    before = tokens[i - 1] if i else None
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if before is not None and before.is_symbol(".", "$"):
        return False
    return not (after is not None and after.is_symbol(":"))


def _closers(tokens: Sequence[Token]) -> dict[int, int]:
    """Index of each opening bracket → index of its closing one (where it has one)."""
    stack: list[int] = []
    found: dict[int, int] = {}
    for i, tok in enumerate(tokens):
        if tok.kind is not Kind.SYMBOL:
            continue
        if tok.text in _OPENERS:
            stack.append(i)
        elif tok.text in (")", "]", "}") and stack:
            opened = stack.pop()
            if _OPENERS[tokens[opened].text] == tok.text:
                found[opened] = i
    return found


def _check_sizes(tokens: Sequence[Token]) -> None:
    if len(tokens) > MAX_TOKENS:
        raise ConsoleRefused(
            f"the query has {len(tokens):,} tokens; the console reads at most {MAX_TOKENS:,} "
            "(pass long lists as $parameters)"
        )
    limits = {
        Kind.STRING: (MAX_STRING_CHARS, "string literal", "pass long text as a $parameter"),
        Kind.NAME: (MAX_NAME_CHARS, "quoted name", "use a shorter name"),
        Kind.NUMBER: (MAX_NUMBER_CHARS, "number", "write a shorter number"),
    }
    for tok in tokens:
        if tok.kind in limits:
            most, what, hint = limits[tok.kind]
            if len(tok.text) > most:
                raise ConsoleRefused(f"a {what} is longer than {most:,} characters; {hint}")


def _check_shape(tokens: Sequence[Token], closers: dict[int, int]) -> None:
    """Nesting, chains and repetitions that make Neo4j's parser recurse: deep enough,
    its thread overflows its stack and the server never answers on that connection."""
    depth = nots = unions = hops = 0
    chain_at: dict[int, int] = {}  # index of a chain link's last token → chain length
    for i, tok in enumerate(tokens):
        word = tok.kind is Kind.WORD and _is_word(tokens, i)
        if tok.is_symbol("(", "[", "{") or (word and tok.is_word("CASE")):
            depth += 1
            if depth > MAX_NESTING:
                raise ConsoleRefused(
                    f"brackets, braces or CASE nested more than {MAX_NESTING} deep at "
                    f"offset {tok.offset}"
                )
        elif tok.is_symbol(")", "]", "}") or (word and tok.is_word("END")):
            depth = max(0, depth - 1)
        nots = nots + 1 if word and tok.is_word("NOT") else 0
        if nots > MAX_NOTS:
            raise ConsoleRefused(f"more than {MAX_NOTS} NOTs in a row")
        if word and tok.is_word("UNION"):
            unions += 1
            if unions > MAX_UNIONS:
                raise ConsoleRefused(f"more than {MAX_UNIONS} UNIONs")
        if tok.is_symbol(")") and i + 1 < len(tokens) and tokens[i + 1].is_symbol("-", "<"):
            hops += 1
            if hops > MAX_HOPS:
                raise ConsoleRefused(f"more than {MAX_HOPS} relationships in the patterns")
        link_end = None
        after_value = i > 0 and (
            tokens[i - 1].kind in _VALUE_ENDS or tokens[i - 1].is_symbol(")", "]", "}")
        )
        if (
            tok.is_symbol(".")
            and i + 1 < len(tokens)
            and tokens[i + 1].kind in (Kind.WORD, Kind.NAME)
        ):
            link_end = i + 1
        elif tok.is_symbol("[") and after_value and i in closers:
            link_end = closers[i]
        if link_end is not None:
            chain_at[link_end] = chain_at.get(i - 1, 0) + 1
            if chain_at[link_end] > MAX_CHAIN:
                raise ConsoleRefused(
                    f"more than {MAX_CHAIN} property accesses or indexes in a row at "
                    f"offset {tok.offset}"
                )


def _check_clauses(tokens: Sequence[Token]) -> None:
    if tokens[0].text.startswith(":"):
        raise ConsoleRefused("client commands (`:use`, `:param`) are not Cypher")
    starts = [0] + [
        i + 1 for i, tok in enumerate(tokens) if tok.is_word("UNION") and _is_word(tokens, i)
    ]
    for i, tok in enumerate(tokens):
        if tok.kind is Kind.WORD and _is_word(tokens, i):
            word = tok.text.upper()
            if word in FORBIDDEN:
                raise ConsoleRefused(f"{word} is not allowed in the console: {FORBIDDEN[word]}")
        if tok.is_symbol(";"):
            raise ConsoleRefused("one statement at a time: `;` separates several statements")
    for start in starts:
        if start < len(tokens) and tokens[start].is_word("ALL", "DISTINCT"):
            start += 1
        first = tokens[start] if start < len(tokens) else None
        if first is None or first.kind is not Kind.WORD or first.text.upper() not in READ_CLAUSES:
            shown = "the end" if first is None else repr(first.text)
            raise ConsoleRefused(
                f"a query starts with {', '.join(sorted(READ_CLAUSES))}; this one with {shown}"
            )
    for i in range(len(tokens) - 1):
        if tokens[i].is_word("IN") and _in_transactions(tokens, i + 1):
            raise ConsoleRefused("CALL { … } IN TRANSACTIONS is not allowed: it commits writes")


def _in_transactions(tokens: Sequence[Token], i: int) -> bool:
    while i < len(tokens) and (tokens[i].kind is Kind.NUMBER or tokens[i].is_word("CONCURRENT")):
        i += 1
    return i < len(tokens) and tokens[i].is_word("TRANSACTIONS", "TRANSACTION")


def _check_calls(tokens: Sequence[Token]) -> None:
    for i, tok in enumerate(tokens):
        if not (tok.is_word("CALL") and _is_word(tokens, i)):
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].is_symbol("{", "("):
            continue  # a subquery, `CALL { … }` or `CALL (x) { … }`: checked like the rest
        parts: list[str] = []
        while j < len(tokens) and tokens[j].kind in (Kind.WORD, Kind.NAME):
            part = tokens[j].text
            parts.append(part[1:-1].replace("``", "`") if tokens[j].kind is Kind.NAME else part)
            if j + 1 < len(tokens) and tokens[j + 1].is_symbol("."):
                j += 2
            else:
                break
        name = ".".join(parts)
        if not procedure_allowed(name):
            raise ConsoleRefused(
                f"procedure {name or '(none)'!r} is not allowed; the console allows "
                + ", ".join(ALLOWED_PROCEDURES)
            )


def _range_size(args: list[list[Token]]) -> int | None:
    """How many numbers `range(args)` yields, when every argument is an integer literal."""
    values: list[int] = []
    for arg in args:
        negative = len(arg) == 2 and arg[0].is_symbol("-")
        digits = arg[-1].text.replace("_", "") if arg else ""
        if len(arg) != 1 + negative or arg[-1].kind is not Kind.NUMBER or not digits.isdigit():
            return None
        values.append(-int(digits) if negative else int(digits))
    if len(values) not in (2, 3):
        return None
    start, end, step = values[0], values[1], values[2] if len(values) == 3 else 1
    if step == 0:
        return 0  # Neo4j refuses it with its own error
    return max(0, (end - start) // step + 1)


def _check_ranges(tokens: Sequence[Token], closers: dict[int, int]) -> None:
    product = 1
    for i, tok in enumerate(tokens):
        if not (tok.is_word("RANGE") and i + 1 < len(tokens) and tokens[i + 1].is_symbol("(")):
            continue
        if i and tokens[i - 1].is_symbol("."):
            continue  # a property or a procedure's namespace, not the function
        close = closers.get(i + 1)
        if close is None:
            continue  # unbalanced: Neo4j reports the syntax error
        streamed = (
            i > 0
            and tokens[i - 1].is_word("UNWIND")
            and close + 1 < len(tokens)
            and tokens[close + 1].is_word("AS")
        )
        if streamed:
            continue  # UNWIND hands out one number per row: the timeout bounds it
        args: list[list[Token]] = [[]]
        for inner in tokens[i + 2 : close]:
            if inner.is_symbol(","):
                args.append([])
            else:
                args[-1].append(inner)
        size = _range_size(args)
        if size is None:
            raise ConsoleRefused(
                "range() in an expression takes integer literals (range(1, 100)); to count "
                "through data, UNWIND it or collect() it"
            )
        if size > MAX_RANGE:
            raise ConsoleRefused(
                f"range() makes a list of {size:,} numbers; an expression may hold at most "
                f"{MAX_RANGE:,} (UNWIND range(…) AS x streams any number)"
            )
        product = product * max(size, 1)
        if product > MAX_RANGE_PRODUCT:
            raise ConsoleRefused(
                f"the range() lists of this query multiply to more than "
                f"{MAX_RANGE_PRODUCT:,} numbers"
            )


def _check_regexes(tokens: Sequence[Token]) -> None:
    for i, tok in enumerate(tokens):
        if not tok.is_symbol("=~"):
            continue
        pattern = tokens[i + 1] if i + 1 < len(tokens) else None
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if (
            pattern is None
            or pattern.kind is not Kind.STRING
            or (after is not None and after.kind is Kind.SYMBOL and after.text in _EXTENDS_OPERAND)
        ):
            raise ConsoleRefused(
                "=~ takes a string literal pattern in the console ('(?i).*tööt.*'), so that "
                "it can be checked; for text from parameters use CONTAINS or STARTS WITH"
            )
        try:
            safe_regex.check(string_value(pattern))
        except safe_regex.UnsafeRegex as e:
            raise ConsoleRefused(f"the =~ pattern {pattern.text} is not allowed: {e}") from e


def check_text(query: str) -> str:
    """The text guard; returns the canonical text to send to Neo4j (comments and a
    trailing `;` removed, whitespace normalised). Raises `ConsoleRefused`."""
    if not query.strip():
        raise ConsoleRefused("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ConsoleRefused(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    try:
        lexed = lex(query)
    except LexError as e:
        raise ConsoleRefused(str(e)) from e
    tokens = list(lexed.tokens)
    text = lexed.text
    if tokens and tokens[-1].is_symbol(";"):
        tokens.pop()
        text = text[:-1].rstrip()  # the canonical text ends with its last token
    if not tokens:
        raise ConsoleRefused("the query is empty")
    _check_sizes(tokens)
    closers = _closers(tokens)
    _check_shape(tokens, closers)
    _check_clauses(tokens)
    _check_calls(tokens)
    _check_ranges(tokens, closers)
    _check_regexes(tokens)
    return text
