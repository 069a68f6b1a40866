"""Sentence boundaries in news text."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets)
# before whitespace and an upper-case letter, digit or opening quote; or at
# a line break (news bodies put one paragraph, often one sentence, a line).
_BOUNDARY = re.compile(
    r"""(?<=[.!?])(?P<close>["'”’)\]]*)(?P<gap>[ \t]+)(?=["'“‘(\[]?[A-Z0-9])|(?P<close2>)(?P<gap2>\s*\n\s*)"""
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|No|vs|U\.S|U\.K|a\.m|p\.m|Jan|Feb|Mar|Apr"
    r"|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed, offsets into `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        gap = "gap" if match.group("gap") is not None else "gap2"
        end = match.start(gap)
        if gap == "gap" and _ABBREV.search(text[start : match.start()]):
            continue
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a and any(c.isalnum() for c in text[a:b]):
            out.append((a, b))
    return out


def first_sentence(text: str) -> str:
    """The first sentence of the first non-empty paragraph."""
    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else ""
