"""Sample articles and portal searches for the OpenSearch body checks."""

from __future__ import annotations

import itertools

from store.records import EnrichedArticle, Entity, Quote, SearchRequest


def sample_article(article_id: str = "a1", **overrides) -> EnrichedArticle:
    text = (
        "\u201cWe will find them,\u201d said Volodymyr Zelensky in Bucha, near Kyiv. "
        "R\u00e9sum\u00e9 <b>tags</b> & all."
    )
    fields = dict(
        id=article_id,
        text=text,
        title="Zelensky visits Bucha",
        outlet="BBC",
        published="2022-04-04",
        url=f"https://example.org/{article_id}",
        authors=["Jane Roe"],
        topic="war",
        source=f"seeds/{article_id}.txt",
        extra={"allsides_bias": "center", "nested": {"anything": [1, "two"]}},
        title_derived=False,
        outlet_source="metadata",
        boilerplate=["Sign up to our newsletter"],
        entities=[
            Entity("Volodymyr Zelensky", "PERSON", 37, 55, "Volodymyr Zelensky", "person:volodymyr-zelensky"),
            Entity("Bucha", "GPE", 59, 64, "Bucha", "geonames:711660", 711660, "UA", 50.54, 30.22),
            Entity("Kyiv", "GPE", 71, 75, "Kyiv", "geonames:703448", 703448, "UA", 50.45, 30.52),
        ],
        quotes=[
            Quote("We will find them,", 1, 19, "Volodymyr Zelensky", "Volodymyr Zelensky", "person:volodymyr-zelensky")
        ],
        story="story-bucha",
    )
    fields.update(overrides)
    return EnrichedArticle(**fields)


QUERIES = [
    "",
    "bucha",
    '"war crimes"',
    'bucha "torture room" -putin',
    "zelensky OR zelenskyy kyiv",
    '"war crimes" OR genocide -"press conference"',
    "-russia",
    "war-crimes d\u2019Amato",
    "krak* (kyiv OR kiev) AND NOT putin",
    "NOT (russia OR moscow)",
]
FILTERS = [
    {},
    {"outlet": ["BBC"]},
    {"outlet": ["BBC", "The Independent"], "person": ["Volodymyr Zelensky"], "place": ["Bucha", "Kyiv"]},
    {"org": ["United Nations"], "outlet": ["BBC"]},
]
SCOPES = [
    {},
    {"date_from": "2022-04-01", "date_to": "2022-05-31"},
    {"date_from": "2022-04-01", "story": "story-bucha"},
    {"ids": ["a1", "a2"], "date_to": "2022-12-31"},
    {"ids": []},
    {"require": {"person": ["Volodymyr Zelensky"]}, "date_from": "2022-04-01"},
]
SORTS = [("relevance", 1, 10), ("date", 3, 20), ("date", 1, 0)]


def portal_searches() -> list[SearchRequest]:
    """Every query shape crossed with every filter shape; scope, sort and
    paging rotate so each of their values meets several query shapes."""
    requests = []
    for n, (q, filters) in enumerate(itertools.product(QUERIES, FILTERS)):
        sort, page, size = SORTS[n % len(SORTS)]
        requests.append(
            SearchRequest(
                q=q, filters=filters, sort=sort, page=page, size=size, facet_size=20 + n % 2, **SCOPES[n % len(SCOPES)]
            )
        )
    return requests
