"""Parity: the same enriched articles (the seeds and 3,000 AllSides
articles) in the embedded index and on a live OpenSearch node answer a fixed
set of searches alike: equal totals, equal facet values and counts (all of them, and the top
values the portal shows, in order), snippets
marking the query's words. Relevance order is the engines' own (different
scoring details), so top-10 overlap is measured and printed, not required.

Facet values used as filters are taken from the index at run time (the most
frequent ones), never written down here."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from store.embedded_schema import news_analyzer
from store.query import parse_query
from store.records import SearchRequest

pytestmark = [pytest.mark.opensearch_live, pytest.mark.shared_corpus, pytest.mark.slow]

ALL_VALUES = 100_000  # facet_size that returns every value, so counts compare exactly

WORD_QUERIES = [
    "immigration",
    "economy",
    "police",
    "climate",
    "vaccine",
    "senate",
    "protesters",  # stemming: protester(s)
    "running",  # stemming: run, runs
    "women's",  # possessive
    "e-mail",  # one word, two tokens
    "2016",
    '"supreme court"',
    '"health care"',
    '"white house"',
    '"climate change"',
    '"gun control"',
    "police -shooting",
    "election -trump",
    "tax OR budget",
    "iran OR iraq",
    "tax OR budget -trump",
    '"white house" immigration',
    "border wall",
    "-trump",
]


def top_values(store, facet: str, n: int) -> list[str]:
    values = store.search(SearchRequest(size=1, facet_size=n)).facets[facet]
    return [v.value for v in values[:n]]


def requests(store) -> list[tuple[str, SearchRequest]]:
    """The fixed set of searches; filter values are the index's most frequent."""
    outlets, people, places = (top_values(store, f, 2) for f in ("outlet", "person", "place"))
    shapes = [(q, SearchRequest(q=q)) for q in WORD_QUERIES]
    shapes += [
        ("browse everything", SearchRequest()),
        ("one outlet", SearchRequest(filters={"outlet": outlets[:1]})),
        ("two outlets", SearchRequest(filters={"outlet": outlets})),
        ("word + outlet", SearchRequest(q="election", filters={"outlet": outlets[:1]})),
        ("person", SearchRequest(filters={"person": people[:1]})),
        ("place + word", SearchRequest(q="president", filters={"place": places[:1]})),
        ("person + place", SearchRequest(filters={"person": people[:1], "place": places[:1]})),
        ("2018", SearchRequest(date_from="2018-01-01", date_to="2018-12-31")),
        ("word + dates", SearchRequest(q="senate", date_from="2016-06-01", date_to="2017-06-30")),
        ("from only", SearchRequest(q="police", date_from="2019-01-01")),
        ("to only", SearchRequest(date_to="2014-12-31")),
        ("newest first", SearchRequest(q="immigration", sort="date")),
        ("newest first, page 2", SearchRequest(sort="date", page=2)),
        ("page 3", SearchRequest(q="police", page=3)),
    ]
    return [(name, _with_all_facets(r)) for name, r in shapes]


def _with_all_facets(request: SearchRequest) -> SearchRequest:
    request.facet_size = ALL_VALUES
    return request


def facet_counts(response) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in values} for name, values in response.facets.items()}


ANALYZER = news_analyzer()
MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def unmarked_hits(embedded, request: SearchRequest, response) -> list[str]:
    """Hits whose snippet marks nothing although the body holds one of the
    query's words or phrases (a hit that matched on its title alone has
    nothing to mark in the body)."""
    terms = [tokens for t in parse_query(request.q).positive_terms() if (tokens := ANALYZER.analyze(t.text))]
    if not terms:
        return []
    unmarked = []
    for hit in response.hits:
        if MARK.search(hit.snippet):
            continue
        body = ANALYZER.analyze(embedded.get(hit.id).text)
        if any(_contains_run(body, tokens) for tokens in terms):
            unmarked.append(hit.id)
    return unmarked


def _contains_run(tokens: list[str], run: list[str]) -> bool:
    return any(tokens[i : i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


def test_same_answers_on_both_backends(parity_stores) -> None:
    embedded, live = parity_stores
    assert embedded.stats()["articles"] == live.stats()["articles"]
    shapes = requests(embedded)
    assert len(shapes) >= 30
    rows, problems = [], []
    for name, request in shapes:
        a, b = embedded.search(request), live.search(request)
        if a.total != b.total:
            problems.append(f"{name}: total {a.total} embedded, {b.total} opensearch")
        fa, fb = facet_counts(a), facet_counts(b)
        for facet in fa:
            if fa[facet] != fb[facet]:
                diff = {
                    k: (fa[facet].get(k), fb[facet].get(k))
                    for k in fa[facet].keys() | fb[facet].keys()
                    if fa[facet].get(k) != fb[facet].get(k)
                }
                problems.append(
                    f"{name}: facet {facet} differs (value: embedded, opensearch) {dict(list(diff.items())[:5])}"
                )
        # What the portal shows: the top values at the default facet size, in order.
        shown = replace(request, facet_size=SearchRequest().facet_size)
        sa, sb = embedded.search(shown), live.search(shown)
        for facet in sa.facets:
            top_a = [(v.value, v.count) for v in sa.facets[facet]]
            top_b = [(v.value, v.count) for v in sb.facets[facet]]
            if top_a != top_b:
                problems.append(f"{name}: top {facet} values differ: {top_a[-3:]} embedded, {top_b[-3:]} opensearch")
        if a.histogram != b.histogram:
            problems.append(f"{name}: histogram differs")
        top_a, top_b = [h.id for h in a.hits], [h.id for h in b.hits]
        overlap = len(set(top_a) & set(top_b))
        ranked = bool(parse_query(request.q).positive_terms()) and request.sort != "date"
        rows.append((name, a.total, b.total, overlap, len(top_a), ranked))
        for backend, response in (("embedded", a), ("opensearch", b)):
            unmarked = unmarked_hits(embedded, request, response)
            if unmarked:
                problems.append(f"{name}: {backend} snippets without a marked query word: {unmarked[:3]}")
    print("\nsearch                          embedded  opensearch  top-10 overlap")
    for name, ta, tb, overlap, shown, _ranked in rows:
        print(f"{name:30s} {ta:9d} {tb:11d}  {overlap}/{shown}")
    for label, chosen in (("all", rows), ("ranked by relevance", [r for r in rows if r[5]])):
        mean = sum(r[3] for r in chosen) / max(1, sum(r[4] for r in chosen))
        print(f"top-10 overlap, {label}: {mean:.0%} over {len(chosen)} searches")
    assert not problems, "\n".join(problems)
