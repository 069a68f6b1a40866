"""Sentences and content words: the units the comparison works on.

The portal does not import the indexer (docs/architecture.md, "Layers"), so this small text
toolkit lives here; it needs no model, which keeps a comparison fast.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets)
# before whitespace and an upper-case letter, digit or opening quote; or at
# a line break (news bodies put one paragraph, often one sentence, a line).
_BOUNDARY = re.compile(
    r"""(?<=[.!?])(?P<close>["'”’)\]]*)(?P<gap>[ \t]+)(?=["'“‘(\[]?[A-Z0-9])|(?P<close2>)(?P<gap2>\s*\n\s*)"""
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|No|vs|U\.S|U\.K|a\.m|p\.m|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)
_WORD = re.compile(r"[\w]+(?:['’]\w+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just me more most my myself nor of off on once or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves also us its it's that's there's mr mrs ms dr see saw seen go goes went gone come
    came get got make made take took know knew think want look use used give gave put keep let seem like now then even
    still yet only many much well back way just one another people thing things time year years day
    """.split()
)
# Reporting verbs say *how* an outlet attributes a fact, not what the fact
# is: they are left out of content matching (framing.py counts them).
REPORTING = frozenset(
    """
    said say says saying told tell tells claim claims claimed claiming allege alleges alleged allegedly according added
    add adds stated state states report reports reported reportedly announced announce announces posted wrote write
    writes
    """.split()
)
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "dozen": "12",
}


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


def fold(text: str) -> str:
    """Typographic quotes and apostrophes to ASCII, accents kept, NFC."""
    text = unicodedata.normalize("NFC", text)
    return text.translate(str.maketrans("’‘“”–—", "''\"\"--"))


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


def stem(word: str) -> str:
    """A light suffix strip: enough for killed/killing/kills to meet."""
    if word.isdigit():
        return word
    for suffix in ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry a fact (no stopwords, no reporting verbs)."""
    out = []
    for word in _WORD.findall(fold(text).lower()):
        word = word.split("'")[0]
        if word in NUMBER_WORDS or word.isdigit():
            continue
        if len(word) < 2 or word in STOPWORDS or word in REPORTING:
            continue
        stemmed = stem(word)
        out.append(SYNONYMS.get(stemmed, SYNONYMS.get(word, stemmed)))
    return out


def numbers(text: str) -> set[str]:
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found |= {NUMBER_WORDS[w] for w in _WORD.findall(text.lower()) if w in NUMBER_WORDS}
    return found


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def sentences(text: str, entity_spans: list[tuple[int, int, str]] | None = None) -> list[Sentence]:
    """Sentences of `text` with their content stems, numbers and the
    canonical names of the entities inside them."""
    spans = split_sentences(text)
    entity_spans = sorted(entity_spans or [])
    out = []
    for k, (a, b) in enumerate(spans):
        chunk = text[a:b]
        ents = frozenset(name.lower() for s, e, name in entity_spans if s >= a and e <= b)
        stems = content_stems(chunk)
        pairs = frozenset(" ".join(sorted(p)) for p in pairwise(stems) if p[0] != p[1])
        out.append(Sentence(k, a, b, chunk, frozenset(stems), frozenset(numbers(chunk)), ents, pairs))
    return out
