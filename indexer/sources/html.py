"""Saved web pages (and WARC response records) as articles, via trafilatura.

trafilatura finds the main text (no navigation, ads, comments) and the
page's metadata: title, publication date (htmldate: meta tags, JSON-LD, the
URL), site name (og:site_name, JSON-LD publisher), authors, canonical URL.
Decoding is ours, not trafilatura's: it ignores a page's declared charset
and, failing UTF-8, decodes destructively; we honour the declaration and
otherwise refuse what is not text, as for text files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.records import Article

from ..ids import article_id
from .dates import normalise_date
from .text import Decoded, NotText, decode_text

HTML_SUFFIXES = (".html", ".htm")
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">, in the head.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_HEAD_BYTES = 4096
_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# As browsers do (WHATWG Encoding): pages labelled Latin-1 or ASCII are Windows-1252.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# htmldate's extensive search reads dates out of the running text; a date in
# a sentence is not the publication date, so only metadata and the URL count.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass
class PageMetadata:
    title: str | None
    published: str | None
    outlet: str | None
    authors: list[str]
    canonical_url: str | None


def declared_charset(data: bytes, header: str | None = None) -> str | None:
    """The charset an HTTP Content-Type header or the page's head declares."""
    if header:
        in_header = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", header, re.IGNORECASE)
        if in_header:
            return in_header.group(1).lower()
    in_page = _META_CHARSET.search(data[:_HEAD_BYTES])
    return in_page.group(1).decode("ascii").lower() if in_page else None


def decode_page(data: bytes, header: str | None = None) -> Decoded:
    """The page as text: by its declared charset when that decodes it, else detected."""
    label = declared_charset(data, header)
    # A byte-order mark outranks any label; a UTF-16/32 label without one is
    # ignored, as browsers do (such a label is read from ASCII-compatible bytes).
    if label and not label.startswith(("utf-16", "utf-32")) and not data.startswith(_BYTE_ORDER_MARKS):
        codec = _LABEL_ALIASES.get(label, label)
        try:
            return Decoded(data.decode(codec), label if codec == label else f"{label} (as windows-1252)")
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: detect instead
    return decode_text(data)


def page_to_article(data: bytes, source: str, url: str | None = None, content_type: str | None = None) -> Article | str:
    """The article a page holds, or the reason it holds none.
    `url`: where the page was fetched from (a WARC record's target URI)."""
    try:
        decoded = decode_page(data, content_type)
    except NotText as exc:
        return str(exc)
    import trafilatura  # here, not at the top: importing it takes a quarter of a second

    document = trafilatura.bare_extraction(
        decoded.text,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is None or isinstance(document, dict) or not (document.text or "").strip():
        return "no article text found in the page"
    meta = _metadata(document)
    text = _body(document.text or "", meta.title)
    if not text:
        return "no article text found in the page"
    page_url = url or meta.canonical_url
    extra: dict[str, object] = {"encoding": decoded.encoding, "format": "html"}
    if meta.canonical_url and meta.canonical_url != page_url:
        extra["canonical_url"] = meta.canonical_url
    return Article(
        id=article_id(None, page_url, text),
        text=text,
        title=meta.title,
        outlet=meta.outlet,
        published=meta.published,
        url=page_url,
        authors=meta.authors,
        source=source,
        extra=extra,
    )


def _metadata(document) -> PageMetadata:
    sitename = (document.sitename or "").strip()
    # Without og:site_name or a JSON-LD publisher trafilatura falls back to
    # the host name; the enrichment step names outlets from domains better
    # (and flags it), so a bare host name is not taken as the outlet.
    if sitename and (sitename == document.hostname or re.fullmatch(r"[\w.-]+\.[a-z]{2,}", sitename)):
        sitename = ""
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return PageMetadata(
        title=(document.title or "").strip() or None,
        published=normalise_date(document.date),
        outlet=sitename or None,
        authors=authors,
        canonical_url=document.url or None,
    )


def _body(text: str, title: str | None) -> str:
    """Paragraphs apart by a blank line; the headline, when repeated as the
    first paragraph, left to the title."""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)
