"""Cypher text as Neo4j 5.26 reads it, so that a check sees what the server will parse.

Neo4j first replaces `\\uXXXX` escapes everywhere in the text, comments and code
included (`CypherCharStream`, JavaCC's JAVA_UNICODE_ESCAPE: a backslash not itself
escaped, one or more `u`, four hex digits), and only then lexes: whitespace is the
`SPACE` set of its grammar (`Cypher5Lexer.g4`, not only `\\n`), a `//` comment ends at
`\\r` or `\\n`, a `/* */` comment at the first `*/` (no nesting), a string ends at the
first quote not escaped by a backslash (which escapes any character), a backtick name
at the first backtick not doubled.

`lex()` does the same and returns the tokens and the **canonical text**: the
replaced text with every comment and whitespace run turned into one space (or one
newline), string literals and backtick names verbatim. The canonical text is what the
console sends to Neo4j, so a comment or line terminator the two lexers might read
differently never reaches the server; it is a fixed point of the escape replacement,
so Neo4j's second pass over it changes nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Final

#: Neo4j's `SPACE` token (Cypher5Lexer.g4): what separates tokens besides comments.
SPACES: Final = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_LINE_ENDS: Final = frozenset("\n\r")
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_WORD_START: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_WORD_PART: Final = _WORD_START | frozenset("0123456789")
_DIGITS: Final = frozenset("0123456789")
#: Operators of two characters; every other ASCII symbol is a token of its own.
_PAIRS: Final = frozenset({"=~", "..", "::", "||", "<>", "!=", "<=", ">=", "+="})


class Kind(Enum):
    WORD = "word"  # a keyword or an unquoted name
    NAME = "name"  # a `backtick quoted` name
    NUMBER = "number"
    STRING = "string"
    SYMBOL = "symbol"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    #: as written (after escape replacement): quotes and backticks included
    text: str
    #: where it starts in the replaced text
    offset: int

    def is_word(self, *words: str) -> bool:
        return self.kind is Kind.WORD and self.text.upper() in words

    def is_symbol(self, *symbols: str) -> bool:
        return self.kind is Kind.SYMBOL and self.text in symbols


@dataclass(frozen=True, slots=True)
class Lexed:
    tokens: tuple[Token, ...]
    #: the text to send to Neo4j (see the module docstring)
    text: str


class LexError(ValueError):
    """The text cannot be read as Neo4j would read it; the message says what and where."""


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def replace_unicode_escapes(text: str) -> str:
    """`\\uXXXX` (also `\\uuXXXX`) replaced by its character, as Neo4j does before it
    lexes; a backslash escaped by another backslash starts no escape."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 < n and text[i + 1] == "u":
            j = i + 1
            while j < n and text[j] == "u":
                j += 1
            digits = text[j : j + 4]
            if len(digits) < 4 or not set(digits) <= _HEX:
                raise LexError(
                    f"invalid unicode escape {text[i : j + 4]!r} at {_where(text, i)}: "
                    "write \\u and four hexadecimal digits"
                )
            out.append(chr(int(digits, 16)))
            i = j + 4
            continue
        # A backslash and the character after it stand as written; that character
        # (a second backslash, say) starts no escape of its own.
        out.append(text[i : i + 2])
        i += 2
    return "".join(out)


def _code_char_problem(text: str, i: int) -> str:
    c = text[i]
    return (
        f"character U+{ord(c):04X} ({unicodedata.name(c, 'unnamed')}) outside a string "
        f"literal at {_where(text, i)}; write Cypher keywords and names in plain ASCII "
        "(quote other names in backticks)"
    )


def _quoted_end(text: str, start: int) -> int:
    """Index after the string literal that starts at `start`."""
    quote, i, n = text[start], start + 1, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == quote:
            return i + 1
        else:
            i += 1
    raise LexError(f"unterminated string literal starting at {_where(text, start)}")


def _name_end(text: str, start: int) -> int:
    """Index after the backtick name that starts at `start` (a doubled backtick is part
    of the name)."""
    i, n = start + 1, len(text)
    while i < n:
        if text[i] == "`":
            if i + 1 < n and text[i + 1] == "`":
                i += 2
                continue
            return i + 1
        i += 1
    raise LexError(f"unterminated `quoted name` starting at {_where(text, start)}")


def _number_end(text: str, start: int) -> int:
    """Index after the number that starts at `start`: like Neo4j, letters glued to a
    number belong to it (`1AS` is one, invalid, token)."""
    i, n = start, len(text)

    def run(i: int) -> int:
        while i < n:
            if text[i] in _WORD_PART:
                i += 1
            elif text[i] in "+-" and text[i - 1] in "eE" and i + 1 < n and text[i + 1] in _DIGITS:
                i += 1  # the exponent's sign, `1e-3`
            else:
                break
        return i

    i = run(i)
    if i + 1 < n and text[i] == "." and text[i + 1] in _DIGITS:
        i = run(i + 1)
    return i


def lex(query: str) -> Lexed:
    """The tokens and the canonical text of `query`; `LexError` for what Neo4j would
    refuse to read (an invalid escape, an unterminated literal or comment) and for
    code characters outside plain ASCII (homoglyphs, zero-width, fullwidth tricks)."""
    text = replace_unicode_escapes(query)
    if replace_unicode_escapes(text) != text:
        raise LexError(
            "an escape produces another \\u escape (\\u005c…); write the character itself"
        )
    tokens: list[Token] = []
    out: list[str] = []
    gap = ""  # the separator owed before the next token: "", " " or "\n"
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in SPACES:
            gap = "\n" if c in _LINE_ENDS or gap == "\n" else " "
            i += 1
            continue
        two = text[i : i + 2]
        if two == "//":
            while i < n and text[i] not in _LINE_ENDS:
                i += 1
            gap = gap or " "
            continue
        if two == "/*":
            end = text.find("*/", i + 2)
            if end < 0:
                raise LexError(f"unterminated /* comment starting at {_where(text, i)}")
            i = end + 2
            gap = gap or " "
            continue
        if c in "'\"":
            end, kind = _quoted_end(text, i), Kind.STRING
        elif c == "`":
            end, kind = _name_end(text, i), Kind.NAME
        elif c in _WORD_START:
            end = i + 1
            while end < n and text[end] in _WORD_PART:
                end += 1
            kind = Kind.WORD
        elif c in _DIGITS:
            end, kind = _number_end(text, i), Kind.NUMBER
        elif " " < c < "\x7f":
            end, kind = (i + 2 if two in _PAIRS else i + 1), Kind.SYMBOL
        else:
            raise LexError(_code_char_problem(text, i))
        if tokens:
            out.append(gap)
        gap = ""
        tokens.append(Token(kind, text[i:end], i))
        out.append(text[i:end])
        i = end
    return Lexed(tuple(tokens), "".join(out))


def string_value(token: Token) -> str:
    """The value of a string literal token: Cypher's escapes applied (an unknown escape
    such as `\\d` stays as written, as in Neo4j)."""
    body = token.text[1:-1]
    simple = {"\\": "\\", "'": "'", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r"}
    simple["t"] = "\t"
    out: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(simple.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)
