"""Entity ids from names: one definition for the indexer, which gives a person
its id, and the store, which leaves an id out of a stored record when the name
gives it back (`store.embedded_schema`)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Typographic apostrophes and quote-like marks folded to ASCII for matching.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold_apostrophes(text: str) -> str:
    return text.translate(_APOSTROPHES)


def ascii_fold(text: str) -> str:
    """ "Zelenskyy" and "Zelenskýy" compare equal after this."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", ascii_fold(fold_apostrophes(text)).lower()).strip("-")


@lru_cache(maxsize=1 << 16)  # one per person mention, and the same people come back
def person_id(canonical: str) -> str:
    return f"person:{slug(canonical)}"
