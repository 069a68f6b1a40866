"""Record types shared by the indexer, the store backends and the portal.

Plain dataclasses, serialisable with `to_dict` / `from_dict`, so that the
same shapes travel through JSON (the API, the OpenSearch `_source`, the
stored copy in the embedded index) without a second definition.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, NamedTuple

# The constants both backends and the portal share are defined here, once
# (docs/architecture.md, "One place for each constant").

# spaCy labels that make up the "place" facet (docs/architecture.md, "JSON API").
PLACE_LABELS = ("GPE", "LOC", "FAC")
# Facets offered by search, in display order.
FACETS = ("outlet", "person", "place", "org")
# Facet name in the API -> keyword field in the index (both backends).
FACET_FIELDS: dict[str, str] = {"outlet": "outlet", "person": "person", "place": "place", "org": "org"}
# Most distinct values one facet listing reads before filtering by `contains`
# (OpenSearch's default search.max_buckets is 65,535).
MAX_FACET_VALUES = 60_000
# Characters of article text in a search hit's snippet, on both backends
# (tests/contract pins it).
SNIPPET_CHARS = 240


class EntityKind(NamedTuple):
    """One kind of entity the portal lists: its key (in JSON and HTML ids),
    its heading and the spaCy labels it gathers."""

    key: str
    heading: str
    labels: tuple[str, ...]


# People, places and organisations: the article page and the comparison
# matrix list these, with these keys.
ENTITY_KINDS = (
    EntityKind("person", "People", ("PERSON",)),
    EntityKind("place", "Places", PLACE_LABELS),
    EntityKind("organisation", "Organisations", ("ORG",)),
)


@cache
def _field_names(cls) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _from_dict(cls, data: dict[str, Any]):
    """Build a dataclass from a dict, ignoring keys it does not know."""
    names = _field_names(cls)  # cached: called for every entity of every article read
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Entity:
    """A named entity mention with character offsets into the article body."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, FAC, NORP, ...
    start: int
    end: int
    canonical: str  # one name for the same entity across the corpus
    entity_id: str | None = None  # e.g. "geonames:703448" or "person:volodymyr-zelensky"
    geonames_id: int | None = None
    country: str | None = None  # ISO 3166 alpha-2 for places
    lat: float | None = None
    lon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return _from_dict(cls, data)


@dataclass
class Quote:
    """A direct quotation: `text` is the quoted words without the marks."""

    text: str
    start: int  # offsets of the quoted words (marks excluded) in the body
    end: int
    speaker: str | None = None  # as written: "Mr Zelensky", "an official"
    speaker_canonical: str | None = None  # linked entity's canonical name
    speaker_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        return _from_dict(cls, data)


@dataclass
class Article:
    """One input record as a source read it, before enrichment.

    Fields a source does not know stay None; enrichment fills them in and
    records how (`title_derived`, `outlet_source`).
    """

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    topic: str | None = None
    source: str | None = None  # where it was read from: path, path:line
    extra: dict[str, Any] = field(default_factory=dict)  # other input fields, kept

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return _from_dict(cls, data)


@dataclass
class EnrichedArticle(Article):
    """An article ready for the store: metadata filled in, body and
    boilerplate apart, entities and quotes found, story assigned."""

    title_derived: bool = False
    outlet_source: str = "metadata"  # metadata | url | text | unknown
    boilerplate: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    story: str | None = None  # the event: the same happening, told by several outlets
    thread: str | None = None  # the looser thread of events on one subject in the same days
    # Other names of the entities named, by canonical name ("Volodymyr
    # Zelensky": ["Zelenskyy", ...], "Kyiv": ["Kiev", ...]), found at index
    # time so that the store can search them without the indexer.
    aliases: dict[str, list[str]] = field(default_factory=dict)
    indexed: str | None = None  # ISO date the indexer enriched it (dates an undated article in feeds)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnrichedArticle:
        record = _from_dict(cls, data)
        record.entities = [e if isinstance(e, Entity) else Entity.from_dict(e) for e in record.entities]
        record.quotes = [q if isinstance(q, Quote) else Quote.from_dict(q) for q in record.quotes]
        return record

    # Facet values, derived from the entities so that no backend can disagree.
    def people(self) -> list[str]:
        return _unique(e.canonical for e in self.entities if e.label == "PERSON")

    def places(self) -> list[str]:
        return _unique(e.canonical for e in self.entities if e.label in PLACE_LABELS)

    def organisations(self) -> list[str]:
        return _unique(e.canonical for e in self.entities if e.label == "ORG")

    def alias_names(self) -> list[str]:
        """Every name the article's entities go by (canonical, as written,
        known aliases): the searched `alias` field."""
        names = [e.canonical for e in self.entities] + [e.text for e in self.entities]
        for canonical, others in self.aliases.items():
            names += [canonical, *others]
        return _unique(names)

    def speakers(self) -> list[str]:
        return _unique(q.speaker_canonical or q.speaker for q in self.quotes if (q.speaker_canonical or q.speaker))


# Index fields computed from the record rather than copied from it (both
# backends write them; reading a record back ignores them).
DERIVED_FIELDS: dict[str, Callable[[EnrichedArticle], list[str]]] = {
    "person": EnrichedArticle.people,
    "place": EnrichedArticle.places,
    "org": EnrichedArticle.organisations,
    "speaker": EnrichedArticle.speakers,
    "alias": EnrichedArticle.alias_names,
}


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


@dataclass
class SearchRequest:
    """A search as the user asked it; `filters` maps a facet to the values
    selected (OR within a facet, AND across facets)."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"  # relevance | date
    page: int = 1
    size: int = 10
    facet_size: int = 20  # 0: no facets and no histogram (exports, internal look-ups)
    story: str | None = None  # restrict to one story (event)
    thread: str | None = None  # restrict to one thread
    ids: list[str] | None = None  # restrict to these article ids
    # Facet values every article must have, applied to the hits and to every
    # facet's counts alike (an entity page: who is mentioned with X).
    require: dict[str, list[str]] = field(default_factory=dict)
    # How the other names of entities (the `alias` field) count: "also"
    # (words or names) or "never" (the words as written).
    alias_mode: str = "also"
    # A query word (as typed) to match only through the other names, not as
    # written: how alias reports count the articles a name alone found.
    names_only: str | None = None
    # "auto": a search with more matches than the engine counts quickly gets
    # its facets counted over a uniform share of them and scaled (see
    # `SearchResponse.facets_sampled`); "exact": always counted over all.
    facet_counts: str = "auto"


FACET_COUNT_MODES = ("auto", "exact")


@dataclass
class Hit:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    snippet: str  # plain text (no markup, no entities)
    score: float | None = None
    story: str | None = None
    title_derived: bool = False
    snippet_html: str = ""  # the same text HTML-escaped, <mark> around matched terms
    highlights: list[list[int]] = field(default_factory=list)  # [start, end) of matches in `snippet`
    authors: list[str] = field(default_factory=list)
    indexed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # Written out instead of `asdict`, which deep-copies every value: a
        # search page's ten hits and eighty facet values took 2 ms that way.
        data = {name: getattr(self, name) for name in _HIT_FIELDS}
        data["highlights"] = [list(span) for span in self.highlights]
        data["authors"] = list(self.authors)
        return data


_HIT_FIELDS = tuple(f.name for f in fields(Hit))
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAG = re.compile(r"<[^>]+>")


def snippet_parts(snippet_html: str) -> tuple[str, list[list[int]]]:
    """Plain text and highlight offsets from an escaped snippet with <mark>s
    (what both engines produce), so the HTML is built in one place only."""
    text_parts: list[str] = []
    offsets: list[list[int]] = []
    length = 0
    pos = 0
    for match in _MARK.finditer(snippet_html):
        before = html.unescape(_TAG.sub("", snippet_html[pos : match.start()]))
        marked = html.unescape(_TAG.sub("", match.group(1)))
        text_parts += [before, marked]
        length += len(before)
        offsets.append([length, length + len(marked)])
        length += len(marked)
        pos = match.end()
    text_parts.append(html.unescape(_TAG.sub("", snippet_html[pos:])))
    return "".join(text_parts), offsets


def fold_value(text: str) -> str:
    """How a typed facet value is compared with the stored ones: case,
    accents, punctuation and spacing ignored ("ezra klein" = "Ezra Klein",
    "Krakow" = "Kraków")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclass
class SearchResponse:
    total: int
    page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    histogram: list[dict[str, Any]] = field(default_factory=list)  # [{"date": "2022-04", "count": n}]
    # Query words that also matched other names of an entity:
    # [{"term": "Zelenskyy", "names": ["Volodymyr Zelensky"]}]
    alias_matches: list[dict[str, Any]] = field(default_factory=list)
    # The filters as applied: typed values replaced by the canonical ones.
    filters: dict[str, list[str]] = field(default_factory=dict)
    # None when every facet was counted over all its matches; otherwise, for
    # each facet that was not, {"share": the fraction of its matches counted,
    # "counted": how many that was}: its counts are the share's, scaled.
    facets_sampled: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "page": self.page,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: [v.to_dict() for v in values] for name, values in self.facets.items()},
            "histogram": self.histogram,
            "alias_matches": self.alias_matches,
            "filters": self.filters,
            "facets_sampled": self.facets_sampled,
        }


@dataclass
class FacetPage:
    """One page of a facet's values (`GET /api/facets/<facet>`); `total`
    counts the values that match `contains`, over all pages."""

    facet: str
    values: list[FacetValue]
    total: int
    page: int = 1
    size: int = 20
    contains: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "values": [v.to_dict() for v in self.values],
            "total": self.total,
            "page": self.page,
            "size": self.size,
            "contains": self.contains,
        }


@dataclass
class IndexReport:
    """What a call to `Store.index` did: ids written, and failures by id."""

    indexed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
