"""Text normalisation for matching: case, diacritics and spacing folded away."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that NFKD does not decompose but people type without the stroke.
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ё": "е"})


def fold(text: str) -> str:
    """'  Töötukassa ' → 'tootukassa'; Cyrillic stays Cyrillic (ё → е)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def search_text(*parts: str | list[str] | None) -> str:
    """One folded string of every name a node is known by, for substring filters."""
    names: list[str] = []
    for part in parts:
        if isinstance(part, list):
            names.extend(part)
        elif part:
            names.append(part)
    return " | ".join(fold(n) for n in names)
