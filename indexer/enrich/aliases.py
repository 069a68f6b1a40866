"""Other names of the entities an article names, stored with the article.

The store searches them (the `alias` field), so a reader's "Zelenskyy" finds
an article that writes "Zelensky" and "Kiev" one that writes "Kyiv", and the
portal never needs the indexer's gazetteer or name rules.

- Places: every gazetteer name whose best place is this one (GeoNames
  alternate names and spelling variants: Kiev → Kyiv, Cracow → Kraków).
- People: the transliteration variants of the last name that `surname_key`
  already treats as one ("Zelensky", "Zelenskyy", "Zelenskiy", ...).
- Everyone: the forms the article itself used ("Mr Zelensky").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from store import Store
from store.records import PLACE_LABELS, Entity

from .canonical import strip_possessive
from .gazetteer import load_gazetteer, plausible_alternate

# Endings `canonical.surname_key` folds together; each spelling of one is an alias.
_TRANSLIT_ENDING = re.compile(r"(?:iy|yy|ii|y|i)$")
_TRANSLIT_SPELLINGS = ("y", "yy", "iy", "ii", "i")
# Bounded per place: enough for the common exonyms.
MAX_PLACE_ALIASES = 12
# Places whose names come from curated lists (ISO names, initialisms), not
# from GeoNames' many-language alternate names: all their names are kept.
_CURATED_KINDS = ("country", "state", "subdivision", "region", "continent")


def entity_aliases(entities: list[Entity]) -> dict[str, list[str]]:
    """canonical name → its other names (sorted, without the canonical)."""
    names: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        found = names[entity.canonical]
        found.add(strip_possessive(entity.text))
        if entity.label == "PERSON":
            found.update(person_variants(entity.canonical))
        elif entity.label in PLACE_LABELS and entity.entity_id:
            found.update(place_names().get(entity.entity_id, ()))
    return {canonical: sorted(n for n in others if n and n != canonical) for canonical, others in names.items()}


def person_variants(name: str) -> list[str]:
    """The full name and the last name in each transliteration spelling."""
    words = name.split()
    if not words:
        return []
    last = words[-1]
    base = _TRANSLIT_ENDING.sub("", last)
    if base == last or len(base) < 3:
        return []
    spellings = [base + ending for ending in _TRANSLIT_SPELLINGS]
    return spellings + [" ".join([*words[:-1], spelling]) for spelling in spellings if len(words) > 1]


@lru_cache(maxsize=1)
def place_names() -> dict[str, tuple[str, ...]]:
    """entity id → the gazetteer names whose most likely place it is."""
    gazetteer = load_gazetteer()
    by_place: dict[str, list[str]] = defaultdict(list)
    for name in gazetteer.names():
        place = gazetteer.lookup(name)
        if place is None or len(by_place[place.entity_id]) >= MAX_PLACE_ALIASES:
            continue
        # A city's alternate names are noisy ("Keju" for Kyiv): only its
        # spelling variants (Kiev, Cracow) are kept as aliases.
        if place.kind in _CURATED_KINDS or name == place.name or plausible_alternate(name, place.name, big=False):
            by_place[place.entity_id].append(name)
    return {place: tuple(found) for place, found in by_place.items()}


def add_missing_aliases(store: Store, batch: int = 500) -> int:
    """Give the stored articles that have entities but no aliases (indexed
    before aliases existed) their aliases; returns how many changed."""
    changed = 0
    pending = []
    for article in store.scan():
        if article.entities and not article.aliases:
            article.aliases = entity_aliases(article.entities)
            pending.append(article)
        if len(pending) >= batch:
            changed += len(store.index(pending).indexed)
            pending = []
    if pending:
        changed += len(store.index(pending).indexed)
    return changed
