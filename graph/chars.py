"""Characters that break a file format or hide in a name: which they are, how input
refuses them and how exports make stored text safe.

One definition serves both sides: the input types (`graph/models/common.py`) refuse what
an export would have to replace, and the exporters replace it anyway, for data written
before the input check existed or by a raw Cypher statement.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: The code points U+xFFFE and U+xFFFF of every plane and U+FDD0..U+FDEF: "noncharacters",
#: never to be interchanged; XML 1.0 forbids U+FFFE/U+FFFF and discourages the rest.
#: Those beyond the BMP are matched apart: a character class of 40 ranges made every
#: scan of a text several times slower, and texts beyond the BMP are rare.
_NONCHARACTERS_BMP: Final = "\ufdd0-\ufdef\ufffe\uffff"
_NONCHARACTERS_ASTRAL: Final = "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
#: UTF-16 surrogates: a lone one in a Python string cannot be encoded as UTF-8 at all.
_SURROGATES: Final = "\ud800-\udfff"

#: What an XML 1.0 document must not hold (C0 controls but tab, LF and CR; surrogates;
#: U+FFFE, U+FFFF) and what it discourages (DEL and the C1 controls, noncharacters).
XML_ILLEGAL: Final = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATES}{_NONCHARACTERS_BMP}{_NONCHARACTERS_ASTRAL}]"
)
_XML_ILLEGAL_BMP: Final = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATES}{_NONCHARACTERS_BMP}]"
)
_BMP_NONCHARACTER: Final = re.compile(f"[{_NONCHARACTERS_BMP}]")
_ASTRAL_NONCHARACTER: Final = re.compile(f"[{_NONCHARACTERS_ASTRAL}]")

REPLACEMENT: Final = "\ufffd"


def _beyond_bmp(value: str) -> bool:
    return not value.isascii() and max(value) > "\uffff"


def find_noncharacter(value: str) -> re.Match[str] | None:
    """The first noncharacter of `value`, or None: what every text field refuses.
    (Input never holds a lone surrogate: pydantic refuses it as invalid Unicode.)"""
    found = _BMP_NONCHARACTER.search(value)
    if _beyond_bmp(value):
        astral = _ASTRAL_NONCHARACTER.search(value)
        if astral is not None and (found is None or astral.start() < found.start()):
            return astral
    return found


def xml_safe(value: str) -> str:
    """`value` with every character XML 1.0 forbids or discourages replaced by U+FFFD,
    which shows that something was there. Printable text (nearly all of it) is returned
    as it is without a regex pass: every such character is unprintable."""
    if value.isprintable():
        return value
    value = _XML_ILLEGAL_BMP.sub(REPLACEMENT, value)
    if _beyond_bmp(value):
        value = _ASTRAL_NONCHARACTER.sub(REPLACEMENT, value)
    return value


_ID_ESCAPED: Final = re.compile(f"{XML_ILLEGAL.pattern}|%")


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group().encode("utf-8", "surrogatepass"))


def xml_safe_id(value: str) -> str:
    """An id as XML may hold it, still telling every two ids apart (a replacement
    character would make two nodes one): when it holds an XML-illegal character or a
    `%`, both are percent-encoded as UTF-8; any other id (every slug and UUID) is kept."""
    if "%" not in value and (value.isprintable() or XML_ILLEGAL.search(value) is None):
        return value
    return _ID_ESCAPED.sub(_percent, value)


# --- invisible characters in names --------------------------------------------------

#: Default_Ignorable_Code_Point characters that are not of category Cf (Unicode 15
#: DerivedCoreProperties): combining grapheme joiner, Hangul fillers, Khmer inherent
#: vowels, Mongolian free variation selectors, variation selectors.
_IGNORABLE_NOT_CF: Final = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)
_VARIATION_SELECTOR_EMOJI: Final = frozenset("\ufe0e\ufe0f")
_ZWJ: Final = "\u200d"


def _emoji(char: str) -> bool:
    """A pictograph or an emoji modifier (skin tone): what presentation selectors and
    zero-width joiners follow in emoji sequences."""
    return unicodedata.category(char) in ("So", "Sk")


def invisible(value: str) -> tuple[int, str] | None:
    """The first character of `value` that a reader cannot see or that changes how the
    text around it is shown, with its index: format characters (category Cf: zero-width
    space and joiners, word joiner, BOM, soft hyphen, bidirectional controls, tags, …),
    the other default-ignorable code points, and the line and paragraph separators.

    Emoji keep their two legitimate uses: a text/emoji presentation selector
    (U+FE0E/U+FE0F) right after a symbol, and a zero-width joiner between two symbols
    (a ZWJ sequence). Names in Estonian and Russian never need a ZWJ or ZWNJ between
    letters; scripts that do (Persian, Indic) would need the contextual rules of
    RFC 5892 here."""
    if value.isprintable() and _IGNORABLE_NOT_CF.search(value) is None:
        return None
    for i, char in enumerate(value):
        if char.isprintable():
            if _IGNORABLE_NOT_CF.match(char) is None:
                continue
        elif unicodedata.category(char) not in ("Cf", "Zl", "Zp"):
            continue  # spaces; controls, surrogates and noncharacters are checked apart
        before = value[i - 1] if i else ""
        if char in _VARIATION_SELECTOR_EMOJI and before and _emoji(before):
            continue
        if char == _ZWJ and i + 1 < len(value):
            symbol_before = (
                value[i - 2] if before in _VARIATION_SELECTOR_EMOJI and i > 1 else before
            )
            if symbol_before and _emoji(symbol_before) and _emoji(value[i + 1]):
                continue
        return i, char
    return None


def describe(char: str) -> str:
    """'U+200B ZERO WIDTH SPACE': how a message names a character nobody can see."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")
