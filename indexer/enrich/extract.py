"""The enrichment entry point: text → (entities, quotes).

    extractor = Extractor()          # PARALLAX_SPACY_MODEL, else offline
    entities, quotes = extractor.extract(text)
    for entities, quotes in extractor.extract_many(texts): ...

Corpus-wide canonical names need no extra call: the Extractor keeps a
`PersonRegistry` of every full name it has seen. `extract_many` works in
chunks; each chunk's full names are registered before its one-word names are
resolved, so "Putin" in one article and "Vladimir Putin" in a batch-mate (or
in any earlier article) share one canonical and id.

At corpus scale one bogus full name would spread to thousands of bare words,
so only person-like full names enter the registry (`Mention.registrable`:
a first name, initials or a title; no date, credit, function-word or
big-place last word), each once per article; a bare word resolves through it
only when it is no dictionary word, date word or well-known place
(`entities.resolvable_bare_name`) and the article itself names nobody with
that surname; a small town's name yields to a registered surname unless a
locative cue ("in X", "X, Iowa") says it is the town.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice

from spacy.tokens import Doc

from store.records import PLACE_LABELS, Entity, Quote

from .canonical import PersonRegistry, person_id, strip_possessive
from .entities import Mention, label_by_context, nameable_single, plainly_a_persons_name, resolvable_bare_name
from .linking import one_sense_for_organisations, people_in_capitals, people_in_lists
from .mentions import role_before
from .nlp import load_pipeline
from .quotes import find_quotes
from .tokens import with_text

log = logging.getLogger(__name__)

CHUNK = 64  # articles per registry round in extract_many
# A full name whose first word may be something else than a first name ("Trump
# Facebook" of "pro-Trump Facebook ads", twice; "Choose Medicare"; "D.C. Obamacare") lends its
# surname to a bare word nothing marks as a person only once this many articles
# have written it: one article's such pair made every bare "Facebook" of the
# corpus that person (2,229 mentions).
MIN_SUPPORT_OF_UNSURE_NAMES = 2
# A bare word lends a registered full name only while it stands bare (and
# unmarked) in at most this many articles per article that writes the name.
# Real people are written in full about as often as they stand bare ("Putin":
# about 1.5 bare articles per full one); "Trump Facebook", written once,
# against 2,229 bare "Facebook" made every one of them that person.
MAX_BARE_SIGHTINGS_PER_ARTICLE_NAMING = 10


class Extractor:
    """Named entities and direct quotes for article bodies."""

    def __init__(self, model: str | None = None) -> None:
        self.nlp, self.pipeline_name = load_pipeline(model)
        self.registry = PersonRegistry()
        log.info("Extractor ready: %s", self.pipeline_name)

    def extract(self, text: str) -> tuple[list[Entity], list[Quote]]:
        return next(self.extract_many([text]))

    def extract_many(self, texts: Iterable[str]) -> Iterator[tuple[list[Entity], list[Quote]]]:
        iterator = iter(texts)
        while True:
            chunk = list(islice(iterator, CHUNK))
            if not chunk:
                return
            docs = list(self.nlp.pipe((with_text(self.nlp.make_doc(t), t) for t in chunk), batch_size=CHUNK))
            for doc in docs:
                self._register(doc)
            for text, doc in zip(chunk, docs, strict=True):
                entities = self._entities(doc, text)
                yield entities, find_quotes(text, entities)

    def _register(self, doc: Doc) -> None:
        """Count each person-like full name once per article (see
        Mention.registrable: "Easter Sunday", "Getty Images" never enter), and
        each word the article leaves bare that the registry might lend a full
        name to (see _lend)."""
        mentions = doc.user_data.get("parallax_mentions", [])
        names = {m.canonical for m in mentions if m.label == "PERSON" and not m.single and m.registrable}
        bare = {strip_possessive(text) for _, _, text in doc.user_data.get("parallax_candidates", [])}
        bare = {word for word in bare if resolvable_bare_name(word)}
        bare |= {strip_possessive(m.text) for m in mentions if _town_or_surname(m)}
        for name in sorted(names) + sorted(bare):
            self.registry.add(name)  # a one-word "name" is a sighting of a bare word (PersonRegistry.add)

    def _entities(self, doc: Doc, body: str) -> list[Entity]:
        mentions: list[Mention] = list(doc.user_data.get("parallax_mentions", []))
        leftovers = []  # candidates nothing named
        for start, end, text in doc.user_data.get("parallax_candidates", []):
            word = strip_possessive(text)
            full = self._lend(word) if resolvable_bare_name(word) else None
            if full is not None:
                mentions.append(Mention(start, end, text, "PERSON", full))
                continue
            label = label_by_context(body, start, end)
            if label == "PERSON":
                # After a role ("president Suharto") even a first name is a person, as after a title.
                titled = role_before(body, start)
                mentions.append(Mention(start, end, text, "PERSON", word, single=True, titled=titled))
            elif label == "ORG":
                mentions.append(Mention(start, end, text, "ORG", word))
            else:
                leftovers.append((start, end, text))
        one_sense_for_organisations(mentions)
        mentions += people_in_lists(body, mentions, leftovers)
        mentions += people_in_capitals(mentions, doc.user_data.get("parallax_caps_words", []))
        # A town the article names as a place once ("in Ferguson") is that place in every mention.
        located = {strip_possessive(m.text) for m in mentions if m.place is not None and m.cue}
        entities = [self._entity(m, located) for m in sorted(mentions, key=lambda m: m.start)]
        kept = _without_overlaps([_with_particle(body, e) for e in entities if e is not None])
        return _without_name_lists(body, kept)

    def _lend(self, word: str) -> str | None:
        """The registered full name for a bare word its article does not mark
        as a person ("Putin's troops"), if the name is sure enough: written in
        enough articles for how often the word stands bare across the corpus
        ("Hamidul Islam", written once, is not every bare "Islam"), and in two
        articles at least when its first word may be no first name."""
        full = self.registry.resolve(word)
        if full is None:
            return None
        support = self.registry.support(full)
        if self.registry.sightings(word) > MAX_BARE_SIGHTINGS_PER_ARTICLE_NAMING * support:
            return None
        if not plainly_a_persons_name(full) and support < MIN_SUPPORT_OF_UNSURE_NAMES:
            return None
        return full

    def _entity(self, m: Mention, located: set[str] | None = None) -> Entity | None:
        if m.label == "PERSON":
            canonical = m.canonical
            if m.single and resolvable_bare_name(canonical, person=True):
                canonical = self.registry.resolve(canonical) or canonical
            if m.single and " " not in canonical and not nameable_single(canonical, m.titled):
                return None  # a bare "Peter", "General Motors": nobody a facet can name
            canonical = self.registry.canonical_full(canonical)
            return Entity(m.text, "PERSON", m.start, m.end, canonical, person_id(canonical))
        if _town_or_surname(m):
            # "Obama" the Japanese town, or the person? A registered surname
            # wins over a town when nothing in the text says "in Obama".
            # Only a surname the registry resolves to one full name: "Ferguson" of several Fergusons
            # stays the town (a bare one-word person is no facet value).
            word = strip_possessive(m.text)
            full = self._lend(word) if word not in (located or ()) else None
            if full is not None:
                return Entity(m.text, "PERSON", m.start, m.end, full, person_id(full))
        if m.place is not None and m.label in PLACE_LABELS:
            p = m.place
            return Entity(m.text, m.label, m.start, m.end, p.name, p.entity_id, p.geonames_id, p.country, p.lat, p.lon)
        return Entity(m.text, m.label, m.start, m.end, m.canonical)


def _town_or_surname(m: Mention) -> bool:
    """A one-word small town with no locative cue: a registered surname may win over it."""
    return m.place is not None and m.label == "GPE" and not m.place.well_known and " " not in m.text and not m.locative


# One or two lower-case name particles right before a person's name, at the start of the name
# (after punctuation, a bracket or the line's start): "de Silva 4-0-25-0", ", van der Merwe".
_PARTICLES_BEFORE = re.compile(r"(?:^|(?<=[\s(,;:]))(?:(?:de|da|di|du|dos|del|van|von|der|den|ter|bin|ibn) ){1,2}$")


def _with_particle(body: str, e: Entity) -> Entity:
    """A person's mention with the particles that open the name ("de Silva").
    Not after a capitalised word: "Aravinda de Silva" read as two mentions
    keeps its first name apart."""
    if e.label != "PERSON":
        return e
    found = _PARTICLES_BEFORE.search(body, max(0, e.start - 9), e.start)
    if found is None:
        return e
    before = body[max(0, found.start() - 30) : found.start()].split()
    if before and before[-1][:1].isupper() and before[-1][-1:].isalpha():
        return e
    return replace(e, text=body[found.start() : e.end], start=found.start())


# Page furniture pasted into a body: a newsletter's "Choose your country United States Afghanistan
# Albania ...", a tag cloud "Donald Trump Barack Obama ...". Prose separates the names of a list by
# commas and "and"; a run of this many names on one line with nothing but spaces (and at most one
# other capitalised word) between them is a list of links, not people, places or bodies of the article.
NAME_LIST_RUN = 6
_LIST_GAP = re.compile(r"[ \t]*(?:[A-Z][\w'.()-]*[ \t]+)?")  # within one line: one name a paragraph is a roll


def _without_name_lists(body: str, entities: list[Entity]) -> list[Entity]:
    """The entities outside runs of NAME_LIST_RUN or more names one after another."""
    out: list[Entity] = []
    run: list[Entity] = []
    for e in entities:
        if run and not _LIST_GAP.fullmatch(body, run[-1].end, e.start):
            out += run if len(run) < NAME_LIST_RUN else []
            run = []
        run.append(e)
    out += run if len(run) < NAME_LIST_RUN else []
    return out


def _without_overlaps(entities: list[Entity]) -> list[Entity]:
    out: list[Entity] = []
    for e in entities:
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out
