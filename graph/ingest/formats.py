"""A document's text from the formats people have: plain text, Markdown, HTML, PDF (its
text layer) and DOCX, each read by a maintained library (markdown-it-py, selectolax,
pypdf, python-docx); what the proposals' character offsets point into.

The text is normalised once, here, and stored as it is returned: composed (NFC), line
breaks as LF, no control characters but tabs and line breaks. Offsets and quotes are
taken from this text, so a quote is always `text[start:end]`.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import Final

from graph.errors import InvalidInput

#: The most text one document may hold (about 1,000 pages).
MAX_CHARS: Final = 3_000_000
#: The largest file read (a PDF or DOCX is mostly not text).
MAX_BYTES: Final = 50_000_000


class Format(StrEnum):
    TEXT = "TEXT"
    MARKDOWN = "MARKDOWN"
    HTML = "HTML"
    PDF = "PDF"
    DOCX = "DOCX"


_SUFFIXES: Final = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".pdf": Format.PDF,
    ".docx": Format.DOCX,
}


@dataclass(frozen=True, slots=True)
class Extracted:
    """A document's normalised text, the title its format gives (if any), its format."""

    text: str
    title: str | None
    format: Format


def detect(filename: str, data: bytes) -> Format:
    """The format by the file's magic bytes, else by its name's suffix (plain text when
    neither says)."""
    if data.startswith(b"%PDF-"):
        return Format.PDF
    if data.startswith(b"PK\x03\x04"):
        return Format.DOCX
    suffix = PurePath(filename).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return Format.HTML
    return Format.TEXT


def extract(data: bytes, filename: str = "document.txt", fmt: Format | None = None) -> Extracted:
    """The text of a file; `InvalidInput` (field `file`) says why one cannot be read."""
    if len(data) > MAX_BYTES:
        raise InvalidInput([("file", f"is {len(data):,} bytes; at most {MAX_BYTES:,}")])
    fmt = fmt or detect(filename, data)
    title: str | None = None
    if fmt is Format.PDF:
        raw, title = _pdf(data)
    elif fmt is Format.DOCX:
        raw, title = _docx(data)
    else:
        decoded = decode(data)
        if fmt is Format.HTML:
            raw, title = _html(decoded)
        elif fmt is Format.MARKDOWN:
            raw, title = _markdown(decoded)
        else:
            raw = decoded
    text = normalise(raw)
    if not text.strip():
        empty = (
            "has no text layer (a scan?): only PDFs with text can be read"
            if (fmt is Format.PDF)
            else "holds no text"
        )
        raise InvalidInput([("file", empty)])
    if len(text) > MAX_CHARS:
        raise InvalidInput([("file", f"holds {len(text):,} characters; at most {MAX_CHARS:,}")])
    clean_title = normalise(title).strip() if title else None
    return Extracted(text=text, title=clean_title or None, format=fmt)


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM dropped); anything else is refused with the byte and line."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and b"\x00" in data[:4096]):
        raise InvalidInput([("file", "is UTF-16: save it as UTF-8")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InvalidInput(
            [
                (
                    "file",
                    f"is not UTF-8 (byte 0x{data[e.start]:02x} at line {line}): save it as UTF-8",
                )
            ]
        ) from None


#: Control characters but tab and line feed; carriage returns are line breaks first.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BREAKS: Final = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def normalise(text: str) -> str:
    """Composed, LF line breaks, no control characters (tabs and line breaks stay)."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", _BREAKS.sub("\n", text)))


# --- HTML and Markdown -------------------------------------------------------------------

#: Elements whose content is not the document's text.
_SKIP: Final = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object"}
)
#: Elements that start and end a line of their own.
_BLOCKS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tr", "ul", "caption",
    }
)  # fmt: skip
_PARAGRAPHS: Final = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote"})
_SPACE_RUN: Final = re.compile(r"[ \t\r\n\f]+")


def _html(source: str) -> tuple[str, str | None]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(source)
    title_node = tree.css_first("title") or tree.css_first("h1")
    title = title_node.text(deep=True).strip() if title_node is not None else None
    parts: list[str] = []
    root = tree.body or tree.root
    if root is not None:
        _walk(root, parts)
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text, title


def _walk(node: object, parts: list[str]) -> None:
    for child in node.iter(include_text=True):  # type: ignore[attr-defined]
        tag = child.tag
        if tag == "-text":
            parts.append(_SPACE_RUN.sub(" ", child.text_content or ""))
        elif tag == "br":
            parts.append("\n")
        elif tag in ("td", "th"):
            _walk(child, parts)
            parts.append("\t")
        elif tag in _SKIP or tag.startswith("-"):
            continue
        elif tag in _BLOCKS:
            parts.append("\n\n" if tag in _PARAGRAPHS else "\n")
            _walk(child, parts)
            parts.append("\n\n" if tag in _PARAGRAPHS else "\n")
        else:
            _walk(child, parts)


def _markdown(source: str) -> tuple[str, str | None]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    title = next(
        (
            tokens[i + 1].content
            for tokens in [md.parse(source)]
            for i, t in enumerate(tokens)
            if t.type == "heading_open"
        ),
        None,
    )
    text, _ = _html(md.render(source))
    return text, title


# --- PDF and DOCX -------------------------------------------------------------------------


def _pdf(data: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput([("file", "is an encrypted PDF: save it without a password")])
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise InvalidInput([("file", f"is not a readable PDF ({e})")]) from None
    return "\n\n".join(p.strip("\n") for p in pages), title


def _docx(data: bytes) -> tuple[str, str | None]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InvalidInput([("file", f"is not a readable DOCX file ({e})")]) from None
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row.iterchildren()
                        if cell.tag.endswith("}tc")
                    ]
                    blocks.append("\t".join(cells))
    title = document.core_properties.title or None
    return "\n\n".join(b for b in blocks), title
