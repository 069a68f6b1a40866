"""Regenerate the derived data files in `indexer/enrich/data/`.

Run: `python -m indexer.enrich.build_data` (needs the build-only packages
`names-dataset>=3.3` and `pycountry>=22`; the product itself does not).

- `first_names.txt`: given names from names-dataset (Remy & al., built from
  public profiles in 105 countries), kept when they rank in the top
  `FIRST_NAME_RANK` of at least one country, are written in Latin script as a
  single word, and are not English function words or calendar words (which the
  raw list contains as noise: "The", "Monday").
- `country_aliases.json`: ISO alpha-2 → other names of the country from
  pycountry (ISO 3166 short, official and common names, "Russian Federation",
  "United States of America"), plus initialisms of multi-word names ("United
  Kingdom" → "UK", "U.K."); an initialism shared by two countries is dropped.

- `common_words.txt`: the English words that a dictionary writes in lower
  case (Debian's `wamerican` word list, from SCOWL, at
  `/usr/share/dict/american-english`): "police" and "mobile" are words, so a
  capitalised "Police" is not trusted as the Polish town of that name.

No article text is used: both sources are general reference lists.
"""
from __future__ import annotations

import calendar
import json
import re
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FIRST_NAME_RANK = 1000
_LATIN_WORD = re.compile(r"^[A-Z][a-zà-öø-ÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĺļľŀłńņňŉŋōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżž'-]+$")


def _calendar_words() -> set[str]:
    words = set(calendar.day_name) | set(calendar.month_name) | set(calendar.day_abbr) | set(calendar.month_abbr)
    return {w.lower() for w in words if w}


def build_first_names() -> list[str]:
    from names_dataset import NameDataset  # build-only dependency
    from spacy.lang.en.stop_words import STOP_WORDS

    excluded = {w.lower() for w in STOP_WORDS} | _calendar_words()
    names = []
    for name, info in NameDataset().first_names.items():
        ranks = [r for r in (info.get("rank") or {}).values() if r]
        if not ranks or min(ranks) > FIRST_NAME_RANK:
            continue
        if len(name) < 2 or not _LATIN_WORD.match(name) or name.lower() in excluded:
            continue
        names.append(name)
    return sorted(set(names))


def _initialisms(name: str) -> list[str]:
    words = [w for w in re.split(r"[\s-]+", name) if w]
    capitals = [w[0] for w in words if w[0].isupper()]
    if len(words) < 2 or len(capitals) < 2 or len(capitals) != len([w for w in words if w.lower() not in {"of", "the", "and"}]):
        return []
    short = "".join(capitals)
    return [short, ".".join(capitals) + "."]


def build_country_aliases() -> dict[str, list[str]]:
    import pycountry  # build-only dependency

    aliases: dict[str, set[str]] = {}
    owners: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = {country.name}
        for attr in ("official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(value)
        # "Korea, Republic of" reads as "Republic of Korea" in prose.
        for value in list(names):
            if ", " in value:
                head, tail = value.split(", ", 1)
                names.add(f"{tail} {head}")
        short_forms: set[str] = set()
        for value in names:
            short_forms.update(_initialisms(value))
        aliases[country.alpha_2] = names | short_forms
        for short in short_forms:
            owners.setdefault(short, set()).add(country.alpha_2)
    ambiguous = {short for short, codes in owners.items() if len(codes) > 1}
    return {code: sorted(n for n in names if n not in ambiguous) for code, names in sorted(aliases.items())}


WORD_LIST = Path("/usr/share/dict/american-english")


def build_common_words(path: Path = WORD_LIST) -> list[str]:
    words = path.read_text(encoding="utf-8").splitlines()
    return sorted({w for w in words if re.fullmatch(r"[a-z]+", w) and len(w) > 1})


def main() -> None:
    DATA_DIR.mkdir(exist_ok=True)
    names = build_first_names()
    (DATA_DIR / "first_names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    aliases = build_country_aliases()
    (DATA_DIR / "country_aliases.json").write_text(json.dumps(aliases, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    common = build_common_words()
    (DATA_DIR / "common_words.txt").write_text("\n".join(common) + "\n", encoding="utf-8")
    print(f"{len(common)} common words, {len(names)} first names, {len(aliases)} countries with aliases → {DATA_DIR}")


if __name__ == "__main__":
    main()
