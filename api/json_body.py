"""JSON from clients, read defensively: UTF-8 only, nested no deeper than a limit.

`json.loads` alone turns some bad input into exceptions that are not `JSONDecodeError`
(a RecursionError for deeply nested arrays, a UnicodeDecodeError for bytes that are not
UTF-8, a ValueError for an integer of more than 4,300 digits), which the HTTP layer
would answer with a 500. Here every one of them is a `JsonRefused` that says what is
wrong and where.
"""

from __future__ import annotations

import json
import re
import sys

#: A string (an unterminated one too, to the end of the text) or one bracket.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
_OPENING = frozenset("[{")


class JsonRefused(ValueError):
    """JSON text we will not parse; the message says why and where."""


def _too_deep_at(text: str, max_depth: int) -> int | None:
    """The offset of the first bracket nested deeper than `max_depth`, else None.

    Strings are skipped whole, so brackets inside them do not count; the scan stops
    at the first offending bracket, so a body of 200,000 `[` costs 33 steps."""
    depth = 0
    for token in _TOKEN.finditer(text):
        char = token.group()[0]
        if char in _OPENING:
            depth += 1
            if depth > max_depth:
                return token.start()
        elif char != '"':
            depth -= 1
    return None


def loads(data: bytes | str, *, max_depth: int, what: str) -> object:
    """Parse JSON `data` (bytes must be UTF-8); `what` names it in errors ("the body")."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise JsonRefused(
                f"{what} is not valid UTF-8 (byte {e.start}): send JSON encoded as UTF-8"
            ) from None
    else:
        text = data
    offset = _too_deep_at(text, max_depth)
    if offset is not None:
        raise JsonRefused(
            f"{what} nests arrays and objects more than {max_depth} levels deep "
            f"(at character {offset})"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise JsonRefused(
            f"{what} is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        ) from None
    except ValueError:  # the one other failure: an integer too long to convert
        raise JsonRefused(
            f"{what} holds a number of more than {sys.get_int_max_str_digits()} digits"
        ) from None
