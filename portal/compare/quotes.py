"""Quotes across outlets: the same quotation linked, wording differences
shown, and a speaker × outlet matrix of who is quoted where.

Two quotes are "the same" when their folded words match closely
(rapidfuzz ratio), or when one is a fragment of the other (partial ratio
over at least MIN_PARTIAL_WORDS words): outlets often quote part of a
sentence another outlet quotes whole.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from store import EnrichedArticle, Quote
from textkit import UnionFind

from .text import fold

SAME_RATIO = 85.0
PARTIAL_RATIO = 90.0
MIN_PARTIAL_WORDS = 6
_WORDS = re.compile(r"\S+")
_TITLES = re.compile(
    r"^(?:the\s+)?(?:mr|mrs|ms|miss|dr|prof|sir|dame|president|prime minister|minister|senator|sen|rep|gov|governor"
    r"|general|gen|police commander|commander|officer)\.?\s+",
    re.I,
)


@dataclass
class QuoteRef:
    article: int  # index into the compared articles
    index: int  # index into that article's quotes
    quote: Quote
    speaker: str | None  # normalised speaker key, or None when unknown


@lru_cache(maxsize=4096)  # link_quotes compares every quote with every other: normalise each once
def _norm(text: str) -> str:
    text = fold(text).lower()
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text)  # editorial insertions: [Russians], (it)
    return " ".join(re.findall(r"[\w']+", text))


def same_quote(a: str, b: str) -> float:
    """Similarity in 0..100 of two quotations; 0 when they are not the same."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return 0.0
    ratio = fuzz.ratio(na, nb)
    if ratio >= SAME_RATIO:
        return ratio
    if min(len(na.split()), len(nb.split())) >= MIN_PARTIAL_WORDS and _may_be_fragment(na, nb):
        partial = fuzz.partial_ratio(na, nb)
        if partial >= PARTIAL_RATIO:
            return partial
    return 0.0


def _may_be_fragment(na: str, nb: str) -> bool:
    """False when the partial ratio of `na` and `nb` cannot reach
    PARTIAL_RATIO, found from their longest common subsequence L, which is
    far cheaper than the partial ratio (most quote pairs of a comparison are
    not the same quotation).  The partial ratio is the best ratio of the
    shorter string (n characters) with a piece of the longer no longer than
    it, 200 * M / (n + k) for a piece of k characters with M <= min(k, L)
    characters in common, so it is at most 200 * L / (n + L).  The bound is
    checked one point lower, against rounding."""
    n = min(len(na), len(nb))
    common = LCSseq.similarity(na, nb)
    return 200 * common >= (PARTIAL_RATIO - 1) * (n + common)


def wording_diff(a: str, b: str) -> list[dict]:
    """Word-level differences from `a` to `b`: [{"op": equal|replace|delete|insert, "a": "...", "b": "..."}].
    Typographic marks are folded first: a curly apostrophe is not a wording difference."""
    wa, wb = _WORDS.findall(fold(a)), _WORDS.findall(fold(b))
    key = lambda w: re.sub(r"[^\w']", "", w.lower())  # noqa: E731 - punctuation does not count
    matcher = difflib.SequenceMatcher(a=[key(w) for w in wa], b=[key(w) for w in wb], autojunk=False)
    return [
        {"op": op, "a": " ".join(wa[i1:i2]), "b": " ".join(wb[j1:j2])} for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def speaker_key(quote: Quote, article: EnrichedArticle) -> str | None:
    """One name per speaker: the linked entity's canonical name; else a
    person entity of the article the written speaker points to ("Mr
    Zelensky" → "Volodymyr Zelensky"); else the written speaker without
    titles. Vague speakers ("an official") stay as written."""
    if quote.speaker_canonical:
        return quote.speaker_canonical
    if not quote.speaker:
        return None
    written = _TITLES.sub("", fold(quote.speaker).strip())
    last = written.split()[-1].lower() if written.split() else ""
    for entity in article.entities:
        name = entity.canonical or entity.text
        if entity.label == "PERSON" and last and fold(name).lower().split()[-1] == last:
            return name
    return fold(quote.speaker).strip()


def merge_speakers(keys: list[str]) -> dict[str, str]:
    """Map speaker keys to one display name across outlets: "Zelensky"
    and "Volodymyr Zelensky" are one speaker (the longer name wins)."""
    mapping = {k: k for k in keys}
    by_length = sorted(set(keys), key=len, reverse=True)
    for short in by_length:
        for long in by_length:
            if long != short and len(long) > len(short) and _is_name_suffix(short, long):
                mapping[short] = mapping[long]
                break
    return mapping


def _is_name_suffix(short: str, long: str) -> bool:
    short_words, long_words = fold(short).lower().split(), fold(long).lower().split()
    return (
        bool(short_words)
        and short_words[0] not in ("a", "an", "the", "one", "another")
        and long_words[-len(short_words) :] == short_words
    )


def quote_refs(articles: list[EnrichedArticle]) -> list[QuoteRef]:
    refs = [QuoteRef(a, i, q, speaker_key(q, art)) for a, art in enumerate(articles) for i, q in enumerate(art.quotes)]
    mapping = merge_speakers([r.speaker for r in refs if r.speaker])
    for ref in refs:
        if ref.speaker:
            ref.speaker = mapping[ref.speaker]
    return refs


_VAGUE_SPEAKER = re.compile(r"^(?:the|a|an|one|some|another|two|three|several|many|other|its|his|her|their)\b", re.I)


def is_named(speaker: str) -> bool:
    """A speaker given by name ("Prosecutor General's Office", "Iryna
    Venediktova"), not by description ("the department", "an official")."""
    return bool(speaker) and not _VAGUE_SPEAKER.match(speaker) and speaker[:1].isupper()


def unify_speakers(groups: list[list[QuoteRef]]) -> None:
    """One speaker per shared quotation: when outlets name its speaker
    differently, the named one wins (most outlets first, then the longer
    name); a quotation only described ("the department") everywhere keeps
    the most common description."""
    for group in groups:
        speakers = [r.speaker for r in group if r.speaker]
        if len(set(speakers)) < 2 and len(speakers) == len(group):
            continue
        named = [s for s in speakers if is_named(s)] or speakers
        if not named:
            continue
        counts = {s: named.count(s) for s in named}
        winner = max(counts, key=lambda s: (counts[s], len(s), s))
        for ref in group:
            ref.speaker = winner


def link_quotes(refs: list[QuoteRef]) -> list[list[QuoteRef]]:
    """Groups of quotes that are the same quotation, one per article at most
    per group (best match), in order of first appearance; unshared quotes
    are groups of one."""
    sets: UnionFind[int] = UnionFind(range(len(refs)))
    pairs = []
    for x in range(len(refs)):
        for y in range(x + 1, len(refs)):
            if refs[x].article != refs[y].article:
                score = same_quote(refs[x].quote.text, refs[y].quote.text)
                if score:
                    pairs.append((score, x, y))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    for _, x, y in pairs:
        rx, ry = sets.find(x), sets.find(y)
        if rx == ry:
            continue
        articles_x = {refs[i].article for i in range(len(refs)) if sets.find(i) == rx}
        articles_y = {refs[i].article for i in range(len(refs)) if sets.find(i) == ry}
        if articles_x & articles_y:
            continue  # keep one quote per article in a group
        sets.union(rx, ry)
    groups = [[refs[i] for i in members] for members in sets.groups().values()]
    return sorted(groups, key=lambda g: (-len(g), g[0].article, g[0].index))


def speaker_matrix(refs: list[QuoteRef], n_articles: int) -> list[dict]:
    """Rows of {"speaker", "counts": [per article]}: most widely quoted first."""
    counts: dict[str, list[int]] = {}
    for ref in refs:
        name = ref.speaker or "(unattributed)"
        counts.setdefault(name, [0] * n_articles)[ref.article] += 1
    rows: list[dict[str, Any]] = [{"speaker": name, "counts": c} for name, c in counts.items()]
    rows.sort(key=lambda r: (-sum(1 for x in r["counts"] if x), -sum(r["counts"]), r["speaker"].lower()))
    return rows
