"""Stable article ids: the record's own id, else one derived from its URL,
else from its normalised text, so the same input indexed twice is one
article, not two."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

_SPACE = re.compile(r"\s+")
# Query parameters that identify a click, not a page.
_TRACKING_PREFIXES = (
    "utm_",
    "fbclid",
    "gclid",
    "action",
    "pgtype",
    "clicksource",
    "module",
    "region",
    "wt.",
    "hp",
    "smid",
    "smtyp",
)


def _digest(kind: str, value: str) -> str:
    return kind + "-" + hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]


def normalise_url(url: str) -> str:
    """Scheme and `www.` dropped, host lowercased, tracking parameters and
    fragment removed, trailing slash trimmed."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith(_TRACKING_PREFIXES))
    return urlunsplit(("", host, parts.path.rstrip("/"), query, ""))


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip().lower()


def article_id(own_id: str | None = None, url: str | None = None, text: str | None = None) -> str:
    if own_id:
        return str(own_id).strip()
    if url:
        return _digest("url", normalise_url(url))
    return _digest("text", normalise_text(text or ""))
