"""Read inputs (files and folders) into `Article` records.

`read_inputs` yields, for each input record, either an `Article` or a
`ReadFailure` naming where and why it could not be read: a broken file or
line never stops the others. Nothing is guessed silently: metadata a file
does not carry stays None for the enrichment step to fill in and flag.
"""

from __future__ import annotations

from .counting import count_articles
from .reader import SUPPORTED_SUFFIXES, ReadFailure, find_manifest, read_inputs

__all__ = ["count_articles", "ReadFailure", "SUPPORTED_SUFFIXES", "find_manifest", "read_inputs"]
