"""How each outlet frames a story: attribution and hedging language,
length, headline and lede, publication date.

The lexicon is small and explicit on purpose: a reader can see which words
were counted (every hit keeps its sentence), and the counts are per 1,000
words so a long article does not look more hedged for being long.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from store import EnrichedArticle

from .text import fold, split_sentences, word_count

# (category, label, pattern). Categories: attribution (who says so),
# hedging (distance from a claim), certainty (the outlet vouches for it).
LEXICON: tuple[tuple[str, str, str], ...] = (
    ("attribution", "said / says", r"\b(?:said|says|say|saying)\b"),
    ("attribution", "told", r"\btold\b"),
    ("attribution", "according to", r"\baccording to\b"),
    ("attribution", "stated / announced", r"\b(?:stated|announced|declared)\b"),
    ("attribution", "added", r"\badded\b"),
    ("attribution", "posted / wrote", r"\b(?:posted|wrote|tweeted)\b"),
    ("hedging", "alleged / allegedly", r"\b(?:alleged|allegedly|allegations?)\b"),
    ("hedging", "claimed / claims", r"\b(?:claim|claims|claimed|claiming)\b"),
    ("hedging", "reportedly", r"\b(?:reportedly|purportedly|supposedly)\b"),
    ("hedging", "apparently / appears", r"\b(?:apparently|appears? to|appeared to|seems? to|seemed to)\b"),
    (
        "hedging",
        "not verified",
        r"\b(?:has not|have not|could not|cannot|can't|did not|not)\s+(?:been\s+)?"
        r"(?:independently\s+)?(?:verif(?:y|ied)|confirm(?:ed)?)\b",
    ),
    ("hedging", "unconfirmed / unverified", r"\b(?:unconfirmed|unverified)\b"),
    ("hedging", "suspected / believed", r"\b(?:suspected|believed to|thought to)\b"),
    ("hedging", "may / might / could", r"\b(?:may|might|could) (?:have|be)\b"),
    ("hedging", "so-called", r"\bso-called\b"),
    ("certainty", "confirmed", r"(?<!not )(?<!not been )\bconfirm(?:ed|s)\b"),
    ("certainty", "proved / evidence", r"\b(?:prove[sdn]?|proof|evidence)\b"),
    ("certainty", "revealed", r"\b(?:revealed|reveals|exposed)\b"),
)
_COMPILED = [(cat, label, re.compile(pattern, re.I)) for cat, label, pattern in LEXICON]
CATEGORIES = ("attribution", "hedging", "certainty")


@dataclass
class Hit:
    label: str
    category: str
    sentence: str
    start: int  # offsets of the matched words within `sentence`
    end: int


# The lexicon's patterns without their zero-width assertions (\b and the
# look-behinds), matched case-sensitively on lower-cased text: each finds
# at least everywhere its pattern does, several times faster than a
# case-insensitive scan (which cannot skip ahead to a literal).  Only a
# sieve: hits still come from the patterns themselves.
_ASSERTIONS = re.compile(r"\\b|\(\?<!(?:[^()\\]|\\.)*\)")
_SIEVES = [
    re.compile(_ASSERTIONS.sub("", pattern)) if pattern == pattern.lower() else None  # an upper-case literal: no sieve
    for _, _, pattern in LEXICON
]
# A character other than A-Z/a-z that a case-insensitive pattern takes for
# an ASCII letter (the Kelvin sign, a long s): lower-casing does not turn
# it into that letter, so text holding one is not sieved.
_LETTER_ANY_CASE = re.compile(r"[a-z]", re.I)


def _candidates(folded: str, starts: list[int]) -> list[set[int] | None]:
    """Per lexicon pattern, the indexes of the sentences (by their `starts`)
    that may hold a match, or None for "any sentence".  A match inside a
    sentence is also found by a scan of the whole text at the same place,
    or that place is covered by an earlier match of the scan; so every
    sentence with a match overlaps some whole-text match.  (Sentences are
    separated by whitespace after their end punctuation, so \b and the
    look-behinds read the same at a sentence's edges either way.)"""
    lowered = folded.lower()
    if len(lowered) != len(folded) or any(not ch.isascii() and _LETTER_ANY_CASE.match(ch) for ch in set(folded)):
        return [None] * len(_SIEVES)  # offsets would shift, or the sieve could miss a letter
    out: list[set[int] | None] = []
    for sieve in _SIEVES:
        if sieve is None:
            out.append(None)
            continue
        found: set[int] = set()
        for m in sieve.finditer(lowered):
            first = max(bisect_right(starts, m.start()) - 1, 0)
            found.update(range(first, bisect_right(starts, m.end() - 1)))
        out.append(found)
    return out


def lexicon_hits(text: str) -> list[Hit]:
    """Every lexicon match with the sentence it is in (for the reader to check)."""
    folded = fold(text)
    spans = split_sentences(folded)
    candidates = _candidates(folded, [a for a, _ in spans])  # most patterns match few sentences, if any
    hits = []
    for n, (a, b) in enumerate(spans):
        sentence = folded[a:b]
        for (category, label, pattern), found in zip(_COMPILED, candidates, strict=True):
            if found is None or n in found:
                for m in pattern.finditer(sentence):
                    hits.append(Hit(label, category, sentence, m.start(), m.end()))
    return hits


def lede(article: EnrichedArticle, spans: list[tuple[int, int]] | None = None) -> str:
    """The first sentence of the body (`spans`: its sentences, when known)."""
    text = article.text or ""
    spans = split_sentences(text) if spans is None else spans
    return text[spans[0][0] : spans[0][1]] if spans else ""


def framing(article: EnrichedArticle, spans: list[tuple[int, int]] | None = None) -> dict:
    """Framing figures for one article (`spans`: its sentences, when known)."""
    text = article.text or ""
    words = word_count(text)
    hits = lexicon_hits(text)
    spans = split_sentences(text) if spans is None else spans
    per_label: dict[str, int] = {}
    per_category = {c: 0 for c in CATEGORIES}
    for hit in hits:
        per_label[hit.label] = per_label.get(hit.label, 0) + 1
        per_category[hit.category] += 1
    quoted = sum(max(0, q.end - q.start) for q in article.quotes)
    return {
        "headline": article.title,
        "headline_derived": article.title_derived,
        "lede": lede(article, spans),
        "published": article.published,
        "words": words,
        "sentences": len(spans),
        "quotes": len(article.quotes),
        "quoted_share": round(quoted / len(text), 3) if text else 0.0,
        "counts": per_label,
        "per_category": per_category,
        "per_1000_words": {c: round(1000 * n / words, 1) if words else 0.0 for c, n in per_category.items()},
        "hits": [
            {"label": h.label, "category": h.category, "sentence": h.sentence, "start": h.start, "end": h.end}
            for h in hits
        ],
    }
