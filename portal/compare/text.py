"""Sentences and content words: the units the comparison works on.

Words, stems, stopwords and sentence boundaries come from `textkit`, the
project's one text toolkit (shared with story grouping); what is here is
particular to aligning facts: paraphrase groups, numbers, and the keys
under which names that stand for one another ("the Kremlin", "Moscow",
"Russia") count as one actor.  No model, which keeps a comparison fast.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from textkit import NUMBER_WORDS, REPORTING, STOPWORDS, fold, split_sentences, stem, words
from textkit.names import equivalent_name, government_key, seat_pattern

__all__ = ["Sentence", "content_stems", "fold", "numbers", "sentences", "split_sentences", "word_count"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# Common news paraphrases folded to one stem, so "uncovered a torture
# chamber" meets "discovered a torture room".  General vocabulary only:
# a word in two groups would join them, so each word appears once.
_SYNONYM_GROUPS = (
    ("find", "discover", "uncover", "found", "locate", "unearth"),
    ("kill", "murder", "slay", "slain", "dead", "death", "die", "died", "execut"),
    ("room", "chamber", "basement", "cellar"),
    ("photo", "photograph", "image", "picture", "footage", "video"),
    ("troop", "soldier", "force", "military", "army"),
    ("civilian", "resident", "inhabitant"),
    ("body", "corpse", "remain"),
    ("town", "city", "village", "suburb"),
    ("attack", "assault", "strike", "raid"),
    ("leave", "withdraw", "retreat", "pull"),
    ("deny", "reject", "dismiss", "refute"),
    ("investigate", "investigat", "probe", "inquiry", "examin"),
    ("president", "leader"),
    ("ban", "prohibit", "outlaw"),
    ("vote", "ballot"),
    ("law", "legislation", "bill", "statute"),
    ("sue", "lawsuit", "litigat"),
    ("arrest", "detain", "custody"),
    ("injur", "wound", "hurt"),
    ("buy", "purchase", "acquir"),
)
SYNONYMS = {word: group[0] for group in _SYNONYM_GROUPS for word in group}


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    stems: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)
    entities: frozenset[str] = field(default_factory=frozenset)
    pairs: frozenset[str] = field(default_factory=frozenset)  # adjacent content stems, order-free


@lru_cache(maxsize=1 << 16)  # a comparison stems tens of thousands of words, few of them distinct
def _content_stem(word: str) -> str | None:
    """The stem `content_stems` keeps for one word, None for a word it drops."""
    if word in NUMBER_WORDS or word.isdigit():
        return None
    if len(word) < 2 or word in STOPWORDS or word in REPORTING:
        return None
    stemmed = stem(word)
    return SYNONYMS.get(stemmed, SYNONYMS.get(word, stemmed))


def _stems_of(text_words: list[str]) -> list[str]:
    return [s for s in map(_content_stem, text_words) if s is not None]


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry a fact (no stopwords, no reporting
    verbs, no numbers: those are counted apart), paraphrases folded."""
    return _stems_of(words(text))


def _numbers_of(text: str, text_words: list[str]) -> set[str]:
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found |= {NUMBER_WORDS[w] for w in text_words if w in NUMBER_WORDS}
    return found


def numbers(text: str) -> set[str]:
    return _numbers_of(text, words(text))


def word_count(text: str) -> int:
    return len(words(text))


def actor_keys(chunk: str, names: list[tuple[str, str | None]]) -> frozenset[str]:
    """Keys of the actors a sentence names: each entity's canonical id (or
    name) and, for a country, its capital or its seat of government, one
    key for the government ("gov:RU"), also when the seat is not tagged as
    an entity ("the Kremlin denied")."""
    keys: set[str] = set()
    for name, entity_id in names:
        keys |= _equivalent_name(name, entity_id)
    for match in seat_pattern().finditer(chunk):
        key = government_key(match.group(0))
        if key:
            keys.add(key)
    return frozenset(keys)


def sentences(
    text: str,
    entity_spans: list[tuple[int, int, str, str | None]] | None = None,
    bounds: list[tuple[int, int]] | None = None,
) -> list[Sentence]:
    """Sentences of `text` with their content stems, numbers and the keys
    of the actors they name.  `entity_spans`: (start, end, canonical name,
    entity id or None).  `bounds`: split_sentences(text), when the caller has it."""
    spans = split_sentences(text) if bounds is None else bounds
    entity_spans = sorted(entity_spans or [], key=lambda e: (e[0], e[1]))
    entity_starts = [e[0] for e in entity_spans]
    out = []
    for k, (a, b) in enumerate(spans):
        chunk = text[a:b]
        inside = []  # the entities within [a, b], in entity_spans order
        for s, e, name, eid in entity_spans[bisect_left(entity_starts, a) :]:
            if s > b:
                break
            if e <= b:
                inside.append((name, eid))
        ents = actor_keys(chunk, inside)
        chunk_words = words(chunk)  # once for both the stems and the numbers
        stems = _stems_of(chunk_words)
        pairs = frozenset(" ".join(sorted(p)) for p in pairwise(stems) if p[0] != p[1])
        out.append(Sentence(k, a, b, chunk, frozenset(stems), frozenset(_numbers_of(chunk, chunk_words)), ents, pairs))
    return out


@lru_cache(maxsize=1 << 14)  # the same entity names recur in every sentence that mentions them
def _equivalent_name(name: str, entity_id: str | None) -> frozenset[str]:
    return frozenset(equivalent_name(name, entity_id))
