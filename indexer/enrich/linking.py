"""Linking (both pipelines, `parallax_link`): canonical names within an article.

Places are resolved to GeoNames by country coherence, demonyms to NORP,
"Mr Zelensky"/"Zelensky" to the full name the article gives; a trained
pipeline's spans are first turned into the same Mentions.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from .canonical import ascii_fold, match_key, normalise_name, strip_possessive, surname_key
from .mentions import (
    DATE_WORDS,
    INITIALS,
    JOINERS,
    NAME_STOPS,
    NAME_WORD,
    PLACE_LABELS,
    SUFFIXES,
    Mention,
    Resources,
    label_by_context,
    load_resources,
)
from .names import DAY_QUALIFIERS, SPEECH_VERBS, TITLES
from .recognise import demonym_name, org_name
from .tokens import Tokens


@Language.component("parallax_link")
def parallax_link(doc: Doc) -> Doc:
    """Canonical names within the article: places to GeoNames, demonyms to
    NORP, "Mr Zelensky"/"Zelensky" to the full name the article gives."""
    mentions = doc.user_data.get("parallax_mentions")
    if mentions is None:  # a trained pipeline: start from its spans
        mentions = [_from_model_span(ent) for ent in doc.ents]
        mentions = [m for m in mentions if m is not None]
        doc.user_data["parallax_candidates"] = []
    candidates = doc.user_data.setdefault("parallax_candidates", [])
    _alias_people(mentions, candidates, lambda: Tokens.of(doc).full_text())
    mentions += surnames_of_full_names(mentions, doc.user_data.get("parallax_surname_only", []))
    resolve_places(mentions)
    _drop_isolated_towns(mentions, candidates)
    doc.user_data["parallax_mentions"] = sorted(mentions, key=lambda m: m.start)
    return doc


def resolve_places(mentions: list[Mention]) -> None:
    """Pick each ambiguous place name's meaning by country coherence.

    A name whose candidates all lie in one country ("Chile", "Kraków")
    votes for that country once per mention. A name that may mean places in
    several countries ("San Antonio": Texas, Chile, ...) votes half as much
    for its default's country, so the setting an article keeps naming
    ("Valparaiso" twice) also counts. Each ambiguous name then takes the
    candidate in the country with most votes (its own votes left out), and
    keeps its default (kind, then population) unless another country
    out-votes the default by more than the name's own weight.
    """
    places = [m for m in mentions if m.place is not None and m.label in PLACE_LABELS]
    if not places:
        return
    strong: dict[str, float] = {}
    weak: dict[str, dict[str, float]] = {}  # country → name → weight
    ambiguous: dict[str, list[Mention]] = {}
    for m in places:
        assert m.place is not None  # filtered above
        countries = {p.country for p in m.candidates or (m.place,)}
        if len(countries) == 1:
            country = next(iter(countries))
            if country:
                strong[country] = strong.get(country, 0) + 1
        else:
            key = m.place.name if m.place is m.candidates[0] else m.text
            ambiguous.setdefault(key, []).append(m)
            if m.place.country:
                per_name = weak.setdefault(m.place.country, {})
                per_name[key] = per_name.get(key, 0) + 0.5
    for key, group in ambiguous.items():

        def score(country: str | None, key: str = key) -> float:
            # `key` bound now: the weak votes of this name itself do not count.
            return strong.get(country or "", 0) + sum(
                w for name, w in weak.get(country or "", {}).items() if name != key
            )

        default = group[0].place
        assert default is not None
        best = max(group[0].candidates, key=lambda p: score(p.country))
        if best.country != default.country and score(best.country) > score(default.country) + 0.5 * len(group):
            for m in group:
                m.place, m.canonical, m.label = best, best.name, best.label


def _drop_isolated_towns(mentions: list[Mention], candidates: list[tuple[int, int, str]]) -> None:
    """A one-word small town with no locative cue, in a country nothing else
    in the article is in ("the Obama administration" in an American story),
    is no place: it waits as a candidate name instead (the corpus registry
    may know it as a surname)."""
    places = [m for m in mentions if m.place is not None and m.label in PLACE_LABELS]
    if not places:
        return
    drop = []
    for m in places:
        assert m.place is not None  # filtered above
        if m.label == "GPE" and not m.cue and m.place.kind == "city" and not m.place.well_known and _by_alternate(m):
            drop.append(m)  # "Hamas" is only an odd alternate name of Hamm: no place without "in Hamas"
            continue
        if m.label != "GPE" or " " in m.text or m.cue or not m.place.small_town:
            continue
        if any(o.place is not None and o.place.country == m.place.country and o.text != m.text for o in places):
            continue
        drop.append(m)
    for m in drop:
        mentions.remove(m)
        candidates.append((m.start, m.end, m.text))


def _by_alternate(m: Mention) -> bool:
    """Did the name match its place only through a GeoNames alternate name
    that is no plain spelling variant of the place's own name? Variants keep
    the name's ending (Mykolaiv/Mykolayiv, Cracow/Krakow); an alternate with
    another ending is mostly another language's inflected form or another
    word altogether ("Hamas" for Hamm)."""
    assert m.place is not None  # called for place mentions only
    alt = ascii_fold(strip_possessive(m.text)).lower()
    own = ascii_fold(m.place.name).lower()
    return alt != own and alt[-1:] != own[-1:]


def _from_model_span(ent: Span) -> Mention | None:
    res = load_resources()
    text = ent.text.strip()
    label = ent.label_
    if not text:
        return None
    if text in res.demonyms:
        return Mention(ent.start_char, ent.end_char, ent.text, "NORP", demonym_name(text, res.demonyms))
    if label in PLACE_LABELS or label in ("PERSON", "ORG"):
        candidates = res.gazetteer.candidates(strip_possessive(_strip_the(text)))
        if candidates and label != "PERSON":
            place = candidates[0]
            return Mention(
                ent.start_char, ent.end_char, ent.text, place.label, place.name, place, candidates=candidates
            )
    if label == "PERSON":
        words = [w for w in strip_possessive(text).split() if w not in TITLES]
        if not words:
            return None
        name = normalise_name(" ".join(words))
        return Mention(
            ent.start_char,
            ent.end_char,
            ent.text,
            label,
            name,
            None,
            len(words) == 1,
            registrable=looks_like_full_name(name, res),
        )
    return Mention(
        ent.start_char,
        ent.end_char,
        ent.text,
        label,
        org_name(strip_possessive(text)) if label == "ORG" else normalise_name(text),
    )


def looks_like_full_name(name: str, res: Resources | None = None) -> bool:
    """A full name fit for the corpus registry when nothing but its words is
    known (a trained model's span): two to four words, a known first name or
    initials first, no date/function/credit word, no country/state/region or
    big city last."""
    res = res or load_resources()
    words = [w for w in name.split() if w not in JOINERS and w not in SUFFIXES]
    if not 2 <= len(words) <= 4 or not (words[0] in res.first_names or INITIALS.match(words[0])):
        return False
    if any(w in DATE_WORDS or w.lower() in NAME_STOPS or not NAME_WORD.match(w) for w in words):
        return False
    place = res.gazetteer.lookup(words[-1])
    return place is None or not place.well_known


def plainly_a_persons_name(name: str) -> bool:
    """Does the name start with a word that can only be a first name: no
    dictionary word, initials or well-known place ("Vladimir Putin", "Ngozi
    Okonkwo"; not "Trump Facebook", "Citizen Hollywood", "D.C. Obamacare",
    "Maine Vt", nor "Bill Clinton": "bill" is a word)?"""
    res = load_resources()
    first = name.split()[0]
    if first.lower() in res.common or INITIALS.match(first) or not NAME_WORD.match(first):
        return False
    place = res.gazetteer.lookup(first)
    return place is None or not place.well_known


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _speaks_as_person(text: str, m: Mention) -> bool:
    before = [w.strip(".,;:") for w in text[max(0, m.start - 12) : m.start].split()[-1:]]
    after = [w.strip(".,;:") for w in text[m.end : m.end + 12].split()[:1]]
    said = bool(before and before[0] in SPEECH_VERBS) or bool(after and after[0] in SPEECH_VERBS)
    return said or label_by_context(text, m.start, m.end) == "PERSON"


def _alias_people(
    mentions: list[Mention], candidates: list[tuple[int, int, str]], text_of: Callable[[], str] = str
) -> None:
    """Link one-word names to the article's full names sharing the surname;
    candidates that match a full name become people."""
    full: dict[str, str] = {}
    by_first: dict[str, set[str]] = {}
    for m in mentions:
        if m.label == "PERSON" and not m.single:
            full.setdefault(surname_key(m.canonical), m.canonical)
            by_first.setdefault(m.canonical.split()[0], set()).add(m.canonical)
    for m in mentions:
        if m.label == "PERSON" and m.single:
            target = full.get(surname_key(m.canonical))
            if not target and len(by_first.get(m.canonical, ())) == 1:
                target = next(iter(by_first[m.canonical]))  # "Hillary" after "Hillary Clinton"
            if target:
                m.canonical, m.single = target, False
    singles = {m.canonical for m in mentions if m.label == "PERSON" and m.single}
    for m in mentions:
        # "Obama" and "Duncan" are also towns; in an article naming the person
        # the surname is the person. A well-known place ("Jordan",
        # "Washington") is the person only where the words say so: "Jordan
        # said", "said Washington", "Washington, who ...".
        if m.label == "GPE" and m.place is not None and not m.locative:
            target = full.get(surname_key(m.text))
            if target and (not m.place.well_known or _speaks_as_person(text_of(), m)):
                m.label, m.canonical, m.place = "PERSON", target, None
            elif m.text in singles and not m.place.well_known:
                m.label, m.canonical, m.place, m.single = "PERSON", m.text, None, True
    titled = {m.canonical for m in mentions if m.label == "PERSON" and m.single and m.titled}
    remaining = []
    for start, end, text in candidates:
        word = strip_possessive(text)
        target = full.get(surname_key(word))
        if not target and len(by_first.get(word, ())) == 1 and word + "." not in DATE_WORDS:
            target = next(iter(by_first[word]))  # "Jansher" after "Jansher Khan", "Wang" after "Wang Dan"
        if target:
            mentions.append(Mention(start, end, text, "PERSON", target))
        elif word in titled:
            # "President Clinton ... Clinton would veer": the person a title named.
            mentions.append(Mention(start, end, text, "PERSON", word, single=True))
        else:
            remaining.append((start, end, text))
    candidates[:] = remaining


def people_in_capitals(mentions: list[Mention], caps_words: list[tuple[int, int, str]]) -> list[Mention]:
    """Words in capitals on a headline line ("LYNAGH SEALS VICTORY", "KEVIN
    BROWN LOWERS ERA") that name a person of the article: a pair spelling a
    full name, or one word with the surname of exactly one person. Capitals
    say nothing about a word, so only the article's own people count (no
    registry, no dictionary check)."""
    if not caps_words:
        return []
    people = [m.canonical for m in mentions if m.label == "PERSON"]
    if not people:
        return []
    full = {match_key(name): name for name in people if " " in name}
    by_surname: dict[str, set[str]] = {}
    for name in people:
        by_surname.setdefault(surname_key(name), set()).add(name)
    found: list[Mention] = []
    taken: set[int] = set()
    for start, end, text in sorted(caps_words, key=lambda w: -len(w[2])):  # pairs first
        if start in taken or end - 1 in taken:
            continue
        if " " in text:
            person = full.get(match_key(text))
        else:
            names = by_surname.get(surname_key(strip_possessive(text)), set())
            person = next(iter(names)) if len(names) == 1 else None
        if person is not None:
            found.append(Mention(start, end, text, "PERSON", person, single=" " not in person))
            taken.update((start, end - 1))
    return found


def surnames_of_full_names(mentions: list[Mention], words: list[tuple[int, int, str]]) -> list[Mention]:
    """People for the words that may only be a surname the article gives in
    full (recognise._Segmenter._surname_only: "Miller" opening a sentence
    after "Nate Miller", "said King" after "Billie Jean King")."""
    if not words:
        return []
    full: dict[str, str] = {}
    for m in mentions:
        if m.label == "PERSON" and " " in m.canonical:
            full.setdefault(surname_key(m.canonical), m.canonical)
    found = []
    for start, end, text in words:
        target = full.get(surname_key(strip_possessive(text)))
        if target is not None:
            found.append(Mention(start, end, text, "PERSON", target))
    return found


def one_sense_for_organisations(mentions: list[Mention]) -> None:
    """A name the article uses as an organisation ("Zycie Warszawy daily
    said", "Xinhua news agency") is that organisation in its other mentions
    too ("Zycie Warszawy said", "Xinhua said"), when those are people only
    by their shape: unlinked one-word names and full names that do not look
    like a person's (no first name or title: not registrable)."""
    organisations = {m.text: m.canonical for m in mentions if m.label == "ORG"}
    if not organisations:
        return
    for m in mentions:
        if (
            m.label == "PERSON"
            and m.text in organisations
            and not m.titled
            and (m.single or " " in m.text and not m.registrable)
        ):
            m.label, m.canonical, m.single = "ORG", organisations[m.text], False


LIST_MIN_ITEMS = 3  # names between commas that make a list of people


def people_in_lists(text: str, mentions: list[Mention], leftovers: list[tuple[int, int, str]]) -> list[Mention]:
    """Unknown words inside a list of people are people: "Given , Breen ,
    Staunton , Irwin" in a line-up, "Did not bat : Dharmasena , Vaas ,
    Muralitharan". A list is LIST_MIN_ITEMS or more names joined by commas,
    each a person, a still unknown word (a leftover
    candidate that is no dictionary word) or a one-word small town ("Staunton"), at least two of them
    people; anything else between breaks it. The unknown words and towns
    become people (changed in place, or returned as new mentions). Only
    articles with leftovers are looked at."""
    if not leftovers:
        return []
    common = load_resources().common  # "Thinking, Fast and Slow, Kahneman": words, not people
    items: list[tuple[int, int, Mention | None]] = sorted(
        [(m.start, m.end, m) for m in mentions if m.label == "PERSON" or _town_word(m)]
        + [(s, e, None) for s, e, word in leftovers if _unknown_name(strip_possessive(word), common)],
        key=lambda item: item[0],
    )
    found: list[Mention] = []
    chain: list[tuple[int, int, Mention | None]] = []

    def close() -> None:
        people = sum(1 for _, _, m in chain if m is not None and m.label == "PERSON")
        if len(chain) >= LIST_MIN_ITEMS and people >= 2:
            for start, end, m in chain:
                if m is None:
                    name = strip_possessive(text[start:end])
                    found.append(Mention(start, end, text[start:end], "PERSON", name, single=True, titled=True))
                elif m.label != "PERSON":
                    m.label, m.canonical, m.place, m.single, m.titled = "PERSON", m.text, None, True, True
        chain.clear()

    for item in items:
        if chain and not _list_separator(text[chain[-1][1] : item[0]]):
            close()
        chain.append(item)
    close()
    return found


def _unknown_name(word: str, common: frozenset[str]) -> bool:
    """No dictionary word ("Fast"), abbreviation ("Calif.") or word in capitals."""
    return word.lower() not in common and not word.endswith(".") and not word.isupper()


def _town_word(m: Mention) -> bool:
    """A one-word place no one knows well and nothing says is a place."""
    return m.place is not None and m.label == "GPE" and " " not in m.text and not m.place.well_known and not m.cue


def _list_separator(between: str) -> bool:
    # Commas only: "Richard Nixon and Watergate" ends prose, not a line-up.
    return between.strip() == "," and "\n\n" not in between


def resolvable_bare_name(word: str, person: bool = False) -> bool:
    """May a one-word mention take a full name from the corpus registry?
    Never a date word or a credit fragment. A word not yet known to be a
    person (a candidate, a small town) also must not be a dictionary word or a
    well-known place ("Sunday", "America", "Washington" stay what they are);
    a word the article already makes a person ("President Trump", "Rice
    said") may be a dictionary word."""
    res = load_resources()
    if " " in word or "/" in word or word in DATE_WORDS or word in DAY_QUALIFIERS or not NAME_WORD.match(word):
        return False
    if person:
        return word.lower() not in NAME_STOPS
    if word.lower() in res.common or word.lower() in NAME_STOPS:
        return False
    place = res.gazetteer.lookup(word)
    return place is None or not place.well_known


def _american_spellings(word: str) -> set[str]:
    """The word and its American spelling, as the dictionary list writes it
    ("organisers" -> "organizers", "labours" -> "labors")."""
    return {word, word.replace("is", "iz").replace("ys", "yz"), word.replace("our", "or")}


def nameable_single(word: str, titled: bool) -> bool:
    """May a one-word person name that no full name claimed stand as a person
    of its own? A surname may ("Obama": the corpus may not have met Barack
    yet); a bare first name ("Peter", "Theresa" of "Theresa May"), a
    nationality ("German"), initials ("D.C.") or a plural noun ("Motors" of
    "General Motors") names nobody a facet can show. After a title
    ("President Trump", "Pope Francis") a first name is a person too."""
    res = load_resources()
    bare = strip_possessive(word)
    if bare in res.demonyms or INITIALS.match(bare) or bare.isupper():
        return False
    if bare.endswith("s") and any(
        spelling in res.common and spelling[:-1] in res.common for spelling in _american_spellings(bare.lower())
    ):
        return False  # "Motors", "Organisers": plural nouns
    return titled or bare not in res.first_names or res.gazetteer.lookup(bare) is not None
