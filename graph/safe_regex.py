"""Which regular expressions the console lets Neo4j run.

Neo4j evaluates `=~` with `java.util.regex`, a backtracking engine, and neither the
transaction timeout nor the memory limit interrupts a match in progress: a pattern such
as `^(.*a){12}$` on 35 characters ran for half a minute after its transaction had timed
out. So the console admits only patterns whose matching cost is polynomial of a low,
known degree in the length of the text: repetition applies to one character (a literal,
`.`, an escape or a `[class]`), never to a group; at most two repetitions that can
match a variable number of characters; no back-references or look-arounds.
"""

from __future__ import annotations

import re
from typing import Final

MAX_PATTERN_CHARS: Final = 200
#: quantifiers that match a variable number of characters (`*`, `+`, `{m,}`, `{m,n}`)
MAX_REPEATS: Final = 2
#: `?` and `{0,1}`: each doubles the ways to match
MAX_OPTIONALS: Final = 8
MAX_BOUND: Final = 1000

_COUNTED = re.compile(r"\{(\d+)(,(\d*))?\}")
_FLAGS = re.compile(r"\(\?[idmsuxU-]*[):]")
_ZERO_WIDTH: Final = frozenset("^$")


class UnsafeRegex(ValueError):
    """The pattern could backtrack for too long; the message says what to change."""


def _escape_end(pattern: str, i: int) -> tuple[int, bool]:
    """(index after the escape at `i`, whether it matches a character)."""
    if i + 1 >= len(pattern):
        raise UnsafeRegex("the pattern ends in a lone backslash")
    c = pattern[i + 1]
    if (c.isdigit() and c != "0") or c == "k":
        raise UnsafeRegex("back-references (\\1, \\k<name>) are not allowed in the console")
    if c in "QERX":
        raise UnsafeRegex(f"\\{c} is not allowed in console patterns")
    if c in "pP":
        if pattern[i + 2 : i + 3] == "{":
            end = pattern.find("}", i + 3)
            if end < 0:
                raise UnsafeRegex("unterminated \\p{…} class")
            return end + 1, True
        return i + 3, True
    if c == "u":
        return i + 6, True
    if c == "x":
        return i + 4, True
    return i + 2, c not in "bBAzZG"


def _class_end(pattern: str, i: int) -> int:
    """Index after the `[…]` class starting at `i` (no nested classes, no `&&`)."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":
        j += 1  # a leading `]` is a literal
    while j < len(pattern):
        c = pattern[j]
        if c == "\\":
            j, _ = _escape_end(pattern, j)
            continue
        if c == "[" or pattern.startswith("&&", j):
            raise UnsafeRegex("nested classes and class intersections are not allowed")
        if c == "]":
            return j + 1
        j += 1
    raise UnsafeRegex("unterminated [character class]")


def check(pattern: str) -> None:
    """Raise `UnsafeRegex` unless `pattern` is in the console's safe subset."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafeRegex(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
    repeats = optionals = 0
    # What the previous item was: "char" (a repeatable character), "group" (a closed
    # group), "quantifier", or "none" (start, `|`, `(`, anchors).
    previous = "none"
    suffixed = False
    depth = 0
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i, matches = _escape_end(pattern, i)
            previous = "char" if matches else "none"
            continue
        if c == "[":
            i, previous = _class_end(pattern, i), "char"
            continue
        if c == "(":
            if pattern.startswith("(?", i):
                flags = _FLAGS.match(pattern, i)
                if flags is None:
                    raise UnsafeRegex(
                        "look-arounds, named and atomic groups are not allowed; use (…), "
                        "(?:…) or flags such as (?i)"
                    )
                if flags.group().endswith(")"):
                    i, previous = flags.end(), "none"
                    continue
                i = flags.end()
            else:
                i += 1
            depth += 1
            previous = "none"
            continue
        if c == ")":
            depth -= 1
            if depth < 0:
                raise UnsafeRegex("unbalanced ) in the pattern")
            i, previous = i + 1, "group"
            continue
        if c in "*+?{":
            counted = _COUNTED.match(pattern, i) if c == "{" else None
            if c == "{" and counted is None:
                raise UnsafeRegex("a { that is not a counted repetition such as {2,5}")
            if previous == "quantifier" and c in "?+" and not suffixed:
                i, suffixed = i + 1, True  # a lazy `*?` or possessive `*+` suffix
                continue
            if previous not in ("char", "group"):
                raise UnsafeRegex(f"{c} repeats nothing (or repeats a repetition)")
            if counted is not None:
                low = int(counted.group(1))
                high = low if counted.group(2) is None else (counted.group(3) or None)
                top = None if high is None else int(high)
                if low > MAX_BOUND or (top is not None and top > MAX_BOUND):
                    raise UnsafeRegex(f"counted repetitions above {MAX_BOUND} are not allowed")
                optional = low == 0 and top == 1
                variable = top is None or (top > low and not optional)
                i = counted.end()
            else:
                optional, variable = c == "?", c in "*+"
                i += 1
            if previous == "group" and (variable or not optional):
                raise UnsafeRegex(
                    "repeating a group ((…)*, (…)+, (…){n}) can backtrack without end; "
                    "repeat single characters or classes only"
                )
            repeats += variable
            optionals += optional
            previous, suffixed = "quantifier", False
            continue
        previous = "none" if c in _ZERO_WIDTH or c == "|" else "char"
        i += 1
    if depth:
        raise UnsafeRegex("unbalanced ( in the pattern")
    if repeats > MAX_REPEATS:
        raise UnsafeRegex(
            f"more than {MAX_REPEATS} variable repetitions (*, +, {{m,n}}); use CONTAINS, "
            "STARTS WITH or ENDS WITH, or a simpler pattern"
        )
    if optionals > MAX_OPTIONALS:
        raise UnsafeRegex(f"more than {MAX_OPTIONALS} optional parts (?)")
