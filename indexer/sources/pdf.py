"""Born-digital PDFs via pypdf: one article per document, its text read page
by page, its title, authors, date and publisher from the document's metadata
(the info dictionary, and XMP where the info dictionary has no such field).
A PDF without a text layer (a scan) is a named failure: there is nothing to
search until it has been through OCR."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.records import Article

from ..ids import article_id
from .dates import normalise_date

if TYPE_CHECKING:
    from pypdf import PdfReader

PDF_SUFFIXES = (".pdf",)
# A line this much shorter than the page's longest, ending a sentence, ends a paragraph.
SHORT_LINE = 0.8
_SENTENCE_END = (".", "!", "?", ":", '"', "\u201d", "\u2019")
# Fewer letters than this on average per page: no text layer worth indexing
# (a scan whose only text is a page number or a stamp).
MIN_LETTERS_PER_PAGE = 20


def read_pdf(path: Path) -> Article | str:
    """The document as one article, or the reason it cannot be one."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return "encrypted PDF: needs a password"
        pages = [unwrap_lines(page.extract_text() or "") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        return f"not a readable PDF: {exc}"
    letters = sum(ch.isalpha() for page in pages for ch in page)
    if letters < MIN_LETTERS_PER_PAGE * max(1, len(pages)):
        return f"no text layer ({len(pages)} pages, {letters} letters): a scanned PDF needs OCR before indexing"
    text = "\n\n".join(page for page in pages if page)
    meta = _metadata(reader)
    return Article(
        id=article_id(None, None, text),
        text=text,
        title=meta["title"],
        outlet=meta["publisher"],
        published=meta["published"],
        authors=meta["authors"],
        source=str(path),
        extra={"format": "pdf", "pages": len(pages)},
    )


def _metadata(reader: PdfReader) -> dict[str, Any]:
    info: dict[str, Any] = dict(reader.metadata or {})
    xmp = _xmp(reader)
    title = _text(info.get("/Title")) or _first(xmp, "dc_title")
    author = _text(info.get("/Author")) or "; ".join(_list(xmp, "dc_creator"))
    publisher = _text(info.get("/Publisher")) or "; ".join(_list(xmp, "dc_publisher"))
    created = getattr(reader.metadata, "creation_date", None) if reader.metadata else None
    published = normalise_date(created.isoformat() if created else None)
    if not published and xmp is not None:
        dates = _list(xmp, "dc_date")
        published = normalise_date(str(dates[0])) if dates else None
    return {
        "title": title or None,
        "authors": [a.strip() for a in author.split(";") if a.strip()],
        "publisher": publisher or None,
        "published": published,
    }


def _xmp(reader: PdfReader):
    from pypdf.errors import PdfReadError

    try:
        return reader.xmp_metadata
    except (PdfReadError, ValueError, KeyError):  # a broken XMP packet: the info dictionary is enough
        return None


def _text(value: Any) -> str:
    return str(value).strip() if value else ""


def _list(xmp, name: str) -> list[Any]:
    value = getattr(xmp, name, None) if xmp is not None else None
    return [v for v in value if v] if isinstance(value, list) else []


def _first(xmp, name: str) -> str:
    value = getattr(xmp, name, None) if xmp is not None else None
    if isinstance(value, dict):  # language alternatives: {"x-default": "..."}
        return str(value.get("x-default") or next(iter(value.values()), "")).strip()
    return str(value).strip() if value else ""


def unwrap_lines(page: str) -> str:
    """A page's text with its paragraphs on one line each, apart by a blank line.

    PDF text comes as the lines the page was set in; a paragraph ends at a
    blank line, or at a short line that ends a sentence (the last line of a
    paragraph rarely fills the measure). Words hyphenated across lines are
    joined again.
    """
    lines = [line.strip() for line in page.splitlines()]
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            paragraphs.append(current)
            current = ""
            continue
        if current.endswith("-") and current[-2:-1].isalpha() and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if line.endswith(_SENTENCE_END) and len(line) < SHORT_LINE * longest:
            paragraphs.append(current)
            current = ""
    paragraphs.append(current)
    return "\n\n".join(p for p in paragraphs if p)
