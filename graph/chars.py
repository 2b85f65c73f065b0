"""Characters that break a file format or hide in a name: which they are, how input
refuses them and how exports make stored text safe.

One definition serves both sides: the input types (`graph/models/common.py`) refuse what
an export would have to replace, and the exporters replace it anyway, for data written
before the input check existed or by a raw Cypher statement.
"""

from __future__ import annotations

import re
from typing import Final

#: The code points U+xFFFE and U+xFFFF of every plane and U+FDD0..U+FDEF: "noncharacters",
#: never to be interchanged; XML 1.0 forbids U+FFFE/U+FFFF and discourages the rest.
_NONCHARACTERS: Final = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
#: UTF-16 surrogates: a lone one in a Python string cannot be encoded as UTF-8 at all.
_SURROGATES: Final = "\ud800-\udfff"

#: A noncharacter or a lone surrogate, refused in every text field.
NONCHARACTER: Final = re.compile(f"[{_NONCHARACTERS}{_SURROGATES}]")

#: What an XML 1.0 document must not hold (C0 controls but tab, LF and CR; surrogates;
#: U+FFFE, U+FFFF) and what it discourages (DEL and the C1 controls, noncharacters).
XML_ILLEGAL: Final = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATES}{_NONCHARACTERS}]"
)

REPLACEMENT: Final = "\ufffd"


def xml_safe(value: str) -> str:
    """`value` with every character XML 1.0 forbids or discourages replaced by U+FFFD,
    which shows that something was there. Printable text (nearly all of it) is returned
    as it is without a regex pass: every such character is unprintable."""
    if value.isprintable():
        return value
    return XML_ILLEGAL.sub(REPLACEMENT, value)


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
