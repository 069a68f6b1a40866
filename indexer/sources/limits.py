"""Size limits for inputs: one place, so every reader refuses the same things.

A reader never holds more than one article's bytes at a time, and an article
larger than MAX_ARTICLE_BYTES is refused by name instead of read: the longest
news article in the AllSides research corpus is well under 1 MB, so anything
near the limit is a dump, a log or a broken export, not an article.
"""

from __future__ import annotations

MIB = 1024 * 1024
# One article: a JSON Lines line, a text or HTML file, a WARC response record.
MAX_ARTICLE_BYTES = 8 * MIB
# A whole .json file is parsed at once (JSON has no streaming form here):
# larger collections belong in JSON Lines, which is read line by line.
MAX_JSON_FILE_BYTES = 64 * MIB
# A PDF is one article, but its fonts and images make it much larger than its text.
MAX_PDF_BYTES = 256 * MIB


def too_large(what: str, size: int, limit: int, hint: str = "") -> str:
    """The failure reason for an input over a limit."""
    message = f"{what} is {size / MIB:.1f} MB, over the {limit // MIB} MB limit"
    return f"{message}: {hint}" if hint else message
