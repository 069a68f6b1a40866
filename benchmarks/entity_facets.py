"""Facet quality at corpus scale: the top PERSON, PLACE and ORG names.

    python benchmarks/entity_facets.py [-n 3000] [--top 40] [--first] [--json]

Enriches N AllSides articles (default 3000, spread evenly over the corpus
unless --first) in one process, exactly as indexing does
(`indexer.sources.read_inputs` → `indexer.pipeline.enrich_batch` in windows
of `indexer.pipeline.WINDOW`, one Extractor whose corpus registry grows as it goes), then prints the top
canonical names per facet by number of articles, and counts of suspicious
patterns:

- person names containing a day or month word ("Monday June", "Easter Sunday");
- person names containing "/" ("Mousily/ Reuters");
- person names whose last token is a country, state, continent, capital or a
  city of 1M+ people ("Latin America", "Clinton Washington"), and, separately,
  whose last token is any gazetteer place (many real surnames are small towns);
- places (GPE/LOC/FAC) whose canonical name is one word that is also the
  surname of a registered full person name ("Obama", "Clinton"); and those
  of them that are towns (not a country, state, capital or 1M+ city), the
  readings a surname should win without a locative cue.

Each count is given as distinct names and as article-mentions (the sum of
their article counts), with the worst examples.

Two acceptance checks follow (issue 11):

- junk among the `--check-top` (default 300) most frequent person facet
  values: a name that repeats a word ("Joe Biden Joe"), runs two names
  together ("Elizabeth Warren Elizabeth Ann": a first name after a surname;
  "ClintonGiuliani": a capital glued inside a word), is longer than four
  words, holds a digit, "/" or a day or month, is written in capitals, is
  one bare word (a later mention not linked to its full name), crosses a
  paragraph break in any mention (a month word is junk unless it is the
  surname after a first name: "Theresa May"), is also an organisation facet value
  in more articles ("Wells Fargo"), holds a spaced dash ("En Français - Reuters"),
  starts with an organisation's name that is no first name ("Twitter Pinterest"),
  or is carried by 20 or more articles of which under 5% write it from its first
  word (a full name spread by the registry to every bare mention of its last
  word: "Protect Medicare" for each "Medicare");
- quotes whose speaker is a place named in the article that is not a
  country (a city, state, region or landmark: "Washington" for a line
  Politico wrote): the speaker as written, or its canonical, is the text or
  canonical of an entity of the article with a place label, and the
  article names no person so, and the place is not a country (a country acting as its
  government, "Russia denied ...", may speak).
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus" / "allsides" / "articles.jsonl.gz"
PLACE_LABELS = ("GPE", "LOC", "FAC")
CALENDAR = {w.lower() for w in list(calendar.day_name) + list(calendar.month_name) if w}


def _count_lines(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def read_sample(path: Path, n: int, first: bool) -> list:
    from indexer.sources import read_inputs
    from store.records import Article

    step = 1 if first else max(1, _count_lines(path) // n)
    out = []
    for k, item in enumerate(read_inputs([path])):
        if not isinstance(item, Article) or k % step:
            continue
        out.append(item)
        if len(out) >= n:
            break
    return out


def _examples(counter: Counter, names: set[str], k: int = 8) -> list[str]:
    return [f"{name} {counter[name]}" for name in sorted(names, key=lambda x: -counter[x])[:k]]


def analyse(enriched: list, registry, top: int) -> dict:
    from indexer.enrich.canonical import surname_key
    from indexer.enrich.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    facets = {"PERSON": Counter(), "PLACE": Counter(), "ORG": Counter()}
    for article in enriched:
        seen: dict[str, set[str]] = {"PERSON": set(), "PLACE": set(), "ORG": set()}
        for e in article.entities:
            facet = "PLACE" if e.label in PLACE_LABELS else e.label
            if facet in seen:
                seen[facet].add(e.canonical)
        for facet, names in seen.items():
            facets[facet].update(names)
    people, places = facets["PERSON"], facets["PLACE"]

    def big_place(word: str) -> bool:
        p = gaz.lookup(word)
        return p is not None and p.well_known

    calendar_people = {n for n in people if any(w.strip(".,").lower() in CALENDAR for w in n.split())}
    slash_people = {n for n in people if "/" in n}
    big_last = {n for n in people if len(n.split()) > 1 and big_place(n.split()[-1])}
    any_last = {n for n in people if len(n.split()) > 1 and gaz.lookup(n.split()[-1]) is not None}
    surname_places = {
        n
        for n in places
        if " " not in n and any(len(full.split()) > 1 for full in registry.by_surname.get(surname_key(n), {}))
    }
    small_surname_places = {n for n in surname_places if gaz.lookup(n) is not None and not gaz.lookup(n).well_known}

    def summary(names: set[str], counter: Counter) -> dict:
        return {
            "names": len(names),
            "article_mentions": sum(counter[n] for n in names),
            "worst": _examples(counter, names),
        }

    return {
        "top": {facet: counter.most_common(top) for facet, counter in facets.items()},
        "suspicious": {
            "person_with_day_or_month": summary(calendar_people, people),
            "person_with_slash": summary(slash_people, people),
            "person_last_token_big_place": summary(big_last, people),
            "person_last_token_any_place": summary(any_last, people),
            "place_that_is_registered_surname": summary(surname_places, places),
            "small_town_place_that_is_registered_surname": summary(small_surname_places, places),
        },
    }


DAYS = {w.lower() for w in calendar.day_name}


DASHES = ("-", "\u2013", "\u2014")  # a spaced dash: "En Français - Reuters"
# A full name the articles almost never write, spread by the registry to bare
# mentions of its last word ("Protect Medicare" as every "Medicare"): junk when
# at least this many articles carry it and under this share of them write it.
MIN_SPREAD_ARTICLES = 20
SPREAD_SHARE = 0.05


def _calendar_junk(words: list[str], plain: list[str], first_names: frozenset[str]) -> bool:
    """A day word anywhere ("Easter Sunday"), or a month word that is not the
    surname after a first name ("Monday June" is junk; "Theresa May" is not)."""
    if any(w in DAYS for w in plain):
        return True
    months = [k for k, w in enumerate(plain) if w in CALENDAR]
    return any(not (k == len(words) - 1 and k > 0 and words[k - 1] in first_names) for k in months)


def person_junk(
    name: str, first_names: frozenset[str], orgs: Counter, people: Counter, broken: set[str], in_full: Counter
) -> str | None:
    """Why a person facet value is junk, or None (see the module docstring)."""
    from indexer.enrich.names import TITLES

    words = name.split()
    plain = [w.strip(".,").lower() for w in words]
    if len(words) == 1:
        return "one bare word"
    if len(words) > 4:
        return "more than four words"
    if len(set(w for w in plain if len(w) > 1)) < len([w for w in plain if len(w) > 1]):
        return "repeats a word"
    if _calendar_junk(words, plain, first_names) or "/" in name or any(c.isdigit() for c in name):
        return "date, digit or slash"
    if name.isupper():
        return "capitals"
    for k, w in enumerate(words[1:-1], 1) if len(words) > 2 else ():
        if w in first_names and words[k - 1] not in first_names and not words[k - 1].rstrip(".").isupper():
            return "two names run together"
    if any(any(a.islower() and b.isupper() for a, b in zip(w[3:], w[4:], strict=False)) for w in words):
        return "two names glued together"
    if name in broken:
        return "crosses a paragraph break"
    if orgs.get(name, 0) > people[name]:
        return "an organisation"
    if any(dash in words for dash in DASHES):
        return "a dash inside"
    if words[0] not in first_names and orgs.get(words[0].strip(".,"), 0) > max(people[name], MIN_SPREAD_ARTICLES):
        return "starts with an organisation's name"
    styled = words[0] in TITLES  # "Pope Francis": the articles write "Francis" after the title
    if not styled and people[name] >= MIN_SPREAD_ARTICLES and in_full[name] < SPREAD_SHARE * people[name]:
        return f"written in full in {in_full[name]} of its {people[name]} articles"
    return None


def junk_check(enriched: list, top: int) -> dict:
    from indexer.enrich.names import load_first_names

    people: Counter = Counter()
    orgs: Counter = Counter()
    in_full: Counter = Counter()  # articles that write the name with its first word
    broken: set[str] = set()
    for article in enriched:
        seen_p = {e.canonical for e in article.entities if e.label == "PERSON"}
        in_full.update(
            {
                e.canonical
                for e in article.entities
                if e.label == "PERSON" and e.text.split()[:1] == e.canonical.split()[:1]
            }
        )
        seen_o = {e.canonical for e in article.entities if e.label == "ORG"}
        broken |= {e.canonical for e in article.entities if e.label == "PERSON" and "\n" in e.text}
        people.update(seen_p)
        orgs.update(seen_o)
    first_names = load_first_names()
    junk = []
    for name, count in people.most_common(top):
        why = person_junk(name, first_names, orgs, people, broken, in_full)
        if why:
            junk.append({"name": name, "articles": count, "why": why})
    return {"checked": min(top, len(people)), "junk": junk}


def _place_speaker(q, places: dict, people: set[str], gaz) -> bool:
    """Is the quote's speaker a place other than a country (see the module
    docstring)? A speaker the article also names as a person is a person."""
    for name in (q.speaker, q.speaker_canonical):
        if not name:
            continue
        bare = name[4:] if name.lower().startswith("the ") else name
        if bare in people or name in people:
            return False
        entity = places.get(name) or places.get(bare)
        if entity is None:
            continue
        place = gaz.lookup(entity.canonical)
        return place is None or not (place.kind == "country" or place.nation)
    return False


def speaker_places(enriched: list) -> dict:
    from indexer.enrich.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    quotes = 0
    found = []
    for article in enriched:
        places = {}
        people = set()
        for e in article.entities:
            if e.label in PLACE_LABELS:
                places[e.text] = places[e.canonical] = e
            elif e.label == "PERSON":
                people |= {e.text, e.canonical}
        for q in article.quotes:
            quotes += 1
            if _place_speaker(q, places, people, gaz):
                found.append({"article": article.id, "speaker": q.speaker, "quote": q.text[:70]})
    return {"quotes": quotes, "articles": len(enriched), "place_speakers": len(found), "examples": found[:60]}


def stored_articles(data: Path) -> tuple[list, object, str]:
    """Every article of a data folder, and a registry of its full person names
    (one count per article), for the same analysis as freshly enriched ones."""
    from indexer.enrich.canonical import PersonRegistry
    from store import open_store
    from store.settings import Settings

    store = open_store(Settings.from_env(data_dir=data, backend="embedded"))
    articles = list(store.scan())
    registry = PersonRegistry()
    for article in articles:
        for name in {e.canonical for e in article.entities if e.label == "PERSON" and " " in e.canonical}:
            registry.add(name)
    return articles, registry, f"stored in {data}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="articles to enrich")
    parser.add_argument("--top", type=int, default=40, help="names per facet")
    parser.add_argument("--first", action="store_true", help="the first N articles instead of N spread over the corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--check-top", type=int, default=300, help="person facet values checked for junk")
    parser.add_argument(
        "--data", type=Path, help="read every article of this data folder (as `parallax index` stored it) instead"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    if args.data:
        enriched, registry, pipeline = stored_articles(args.data)
    else:
        if not args.corpus.is_file():
            print(f"corpus not found: {args.corpus}", file=sys.stderr)
            return 1
        from indexer.pipeline import WINDOW, enrich_batch, get_extractor

        articles = read_sample(args.corpus, args.n, args.first)
        enriched = []
        for i in range(0, len(articles), WINDOW):
            enriched += enrich_batch(articles[i : i + WINDOW])
        registry, pipeline = get_extractor().registry, get_extractor().pipeline_name
    seconds = time.perf_counter() - t0
    result = analyse(enriched, registry, args.top)
    result["articles"] = len(enriched)
    result["seconds"] = round(seconds, 1)
    result["person_junk"] = junk_check(enriched, args.check_top)
    result["speaker_places"] = speaker_places(enriched)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{len(enriched)} articles {'read' if args.data else 'enriched'} in {seconds:.1f}s ({pipeline})")
    for facet, rows in result["top"].items():
        print(f"\n{facet} (articles)")
        for rank, (name, count) in enumerate(rows, 1):
            print(f"  {rank:>2}. {name} {count}")
    print("\nsuspicious")
    for key, info in result["suspicious"].items():
        print(
            f"  {key}: {info['names']} names, {info['article_mentions']} article-mentions; {', '.join(info['worst'])}"
        )
    junk = result["person_junk"]
    print(f"\njunk among the top {junk['checked']} person facet values: {len(junk['junk'])}")
    for item in junk["junk"]:
        print(f"  {item['name']} ({item['articles']} articles): {item['why']}")
    places = result["speaker_places"]
    print(
        f"\nquotes whose speaker is a city, region or landmark: {places['place_speakers']}"
        f" of {places['quotes']} quotes in {places['articles']} articles"
    )
    for item in places["examples"]:
        print(f"  {item['speaker']!r} in {item['article']}: {item['quote']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
