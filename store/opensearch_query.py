"""Pure functions that turn Parallax requests into OpenSearch request bodies
and OpenSearch responses back into Parallax records.

Nothing here talks to a cluster, so every body the OpenSearch backend can
send is built by one of these functions and can be checked against the
official API specification in tests (tests/opensearch/).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import mappings

from .interface import QuerySyntaxError
from .query import And, Node, Not, Or, ParsedQuery, Term, check_filters, fold, names_only
from .records import (
    DERIVED_FIELDS,
    FACET_FIELDS,
    FACETS,
    SNIPPET_CHARS,
    EnrichedArticle,
    FacetValue,
    Hit,
    SearchRequest,
    SearchResponse,
    snippet_parts,
)

# Fields searched by the user's words; titles weigh more than body text, the
# other names of entities (`alias`) less (same weights as the embedded store).
TEXT_FIELDS = ["title^2", "text"]
ALIAS_FIELD = "alias^0.5"
# Fields a hit needs; the body is left out of search responses (the snippet
# comes from highlighting), which keeps responses small on long articles.
HIT_SOURCE = ["id", "title", "outlet", "published", "url", "story", "title_derived", "authors", "indexed"]
MAX_RESULT_WINDOW = 10_000  # OpenSearch's index.max_result_window default
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AGG_FACET = "facet_"
_AGG_HISTOGRAM = "histogram"


# --------------------------------------------------------------- documents


def article_to_source(article: EnrichedArticle) -> dict[str, Any]:
    """The `_source` of one article: the record itself plus the keyword
    fields the facets and filters read (derived once, here)."""
    source = article.to_dict()
    for name, derive in DERIVED_FIELDS.items():
        source[name] = derive(article)
    return source


def source_to_article(source: dict[str, Any]) -> EnrichedArticle:
    """Back from `_source`; the derived facet fields are dropped because the
    record recomputes them from its entities."""
    return EnrichedArticle.from_dict(source)


# ------------------------------------------------------------- index admin


def index_body(shards: int | None = None, replicas: int | None = None, alias: str | None = None) -> dict[str, Any]:
    """Settings and mappings for a new versioned index, optionally created
    already carrying the read/write alias (atomic with its creation)."""
    body = mappings.load("articles")
    if shards is not None:
        body["settings"]["index"]["number_of_shards"] = shards
    if replicas is not None:
        body["settings"]["index"]["number_of_replicas"] = replicas
    if alias:
        body["aliases"] = {alias: {}}
    return body


def alias_swap_body(alias: str, new_index: str, old_indices: Iterable[str]) -> dict[str, Any]:
    """One `_aliases` request: readers move from the old indices to the new
    one in a single cluster-state update, never seeing no index or two."""
    actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}} for old in old_indices]
    actions.append({"add": {"index": new_index, "alias": alias}})
    return {"actions": actions}


def versioned_name(alias: str, version: int) -> str:
    return f"{alias}-v{version}"


def version_of(alias: str, index_name: str) -> int:
    """The version number of `{alias}-vN`, 0 for any other name."""
    match = re.fullmatch(re.escape(alias) + r"-v(\d+)", index_name)
    return int(match.group(1)) if match else 0


# ------------------------------------------------------------- bulk actions


def index_action(index: str, article: EnrichedArticle) -> dict[str, Any]:
    """A bulk `index` action: the article id is the document id, so sending
    the same article twice overwrites instead of duplicating."""
    return {"_op_type": "index", "_index": index, "_id": article.id, "_source": article_to_source(article)}


KEEP = object()  # story_action: leave this field as it is


def story_action(index: str, article_id: str, story: Any, thread: Any = KEEP) -> dict[str, Any]:
    """A bulk partial update of one article's story (event) and thread ids
    (`KEEP`: unchanged). OpenSearch answers `noop` when the values are
    unchanged, which is how changes are counted."""
    doc = {name: value for name, value in (("story", story), ("thread", thread)) if value is not KEEP}
    return {"_op_type": "update", "_index": index, "_id": article_id, "doc": doc}


# ------------------------------------------------------------- the query


def term_clause(term: Term, alias_mode: str = "also") -> dict[str, Any]:
    """One word, phrase or prefix, matched in title or body and, by
    `alias_mode` (see SearchRequest), in the other names of the entities an
    article names."""
    if term.prefix:
        return prefix_clause(term, alias_mode != "never")
    if term.names_only:
        return {"bool": {"must": [_match(term, [ALIAS_FIELD])], "must_not": [_match(term, TEXT_FIELDS)]}}
    return _match(term, TEXT_FIELDS + ([ALIAS_FIELD] if alias_mode == "also" else []))


def _match(term: Term, fields: list[str]) -> dict[str, Any]:
    """A "word" may analyse to several tokens (war-crimes, U.S.): they must
    stand together, as a phrase, which is what the embedded backend does
    too. For one token a phrase query is a plain term query."""
    return {"multi_match": {"query": term.text, "fields": fields, "type": "phrase"}}


def prefix_clause(term: Term, alias_mode: bool = True) -> dict[str, Any]:
    """Indexed words starting with the folded prefix (not analysed, so it is
    folded here the way the analyser folds before stemming)."""
    words = re.findall(r"[^\W_]+", fold(term.text))
    value = words[-1] if words else term.text.lower()
    should: list[dict[str, Any]] = [
        {"prefix": {"title": {"value": value, "boost": 2.0}}},
        {"prefix": {"text": {"value": value}}},
    ]
    if alias_mode:
        should.append({"prefix": {"alias": {"value": value, "boost": 0.5}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def node_clause(node: Node, alias_mode: str = "also") -> dict[str, Any]:
    """The query tree as an OpenSearch bool query."""
    if isinstance(node, Term):
        return term_clause(node, alias_mode)
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [node_clause(node.child, alias_mode)]}}
    if isinstance(node, Or):
        return {"bool": {"should": [node_clause(c, alias_mode) for c in node.children], "minimum_should_match": 1}}
    assert isinstance(node, And)
    must = [node_clause(c, alias_mode) for c in node.children if not isinstance(c, Not)]
    must_not = [node_clause(c.child, alias_mode) for c in node.children if isinstance(c, Not)]
    query: dict[str, Any] = {"must": must or [{"match_all": {}}]}
    if must_not:
        query["must_not"] = must_not
    return {"bool": query}


def text_query(parsed: ParsedQuery, alias_mode: str = "also") -> dict[str, Any]:
    if parsed.root is None:
        return {"match_all": {}}
    return node_clause(parsed.root, alias_mode)


def facet_clause(facet: str, values: list[str]) -> dict[str, Any]:
    """OR within a facet: any of the selected values."""
    return {"terms": {FACET_FIELDS[facet]: list(values)}}


def active_facet_filters(request: SearchRequest) -> dict[str, dict[str, Any]]:
    """The facet filters the user selected, by facet (unknown facets are
    refused by `check_filters`, as on the embedded backend)."""
    check_filters(request.filters)
    active: dict[str, dict[str, Any]] = {}
    for facet, values in request.filters.items():
        values = [v for v in values if v]
        if values:
            active[facet] = facet_clause(facet, values)
    return active


def check_date(value: str | None, name: str) -> str | None:
    """The YYYY-MM-DD day of a from/to bound (a full timestamp is cut to its
    day, as the embedded backend does); a clear error for anything else."""
    if value is None or value == "":
        return None
    value = str(value)[:10]
    if not _ISO_DATE.match(value):
        raise QuerySyntaxError(f"The {name} date must be written YYYY-MM-DD, not {value!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise QuerySyntaxError(f"The {name} date {value!r} is not a calendar date") from None
    return value


def scope_filters(request: SearchRequest) -> list[dict[str, Any]]:
    """Restrictions that are not facets (dates, story, ids): they narrow both
    the hits and every facet count, so they live in the query itself."""
    filters: list[dict[str, Any]] = []
    date_from, date_to = check_date(request.date_from, "from"), check_date(request.date_to, "to")
    if date_from or date_to:
        bounds: dict[str, Any] = {"format": "strict_date"}
        if date_from:
            bounds["gte"] = date_from
        if date_to:
            bounds["lte"] = date_to
        filters.append({"range": {"published": bounds}})
    if request.story:
        filters.append({"term": {"story": request.story}})
    if request.thread:
        filters.append({"term": {"thread": request.thread}})
    for facet, values in request.require.items():
        if facet not in FACET_FIELDS:
            raise QuerySyntaxError(f"Unknown facet {facet!r}: choose one of {', '.join(FACETS)}")
        filters.append(facet_clause(facet, values))
    if request.ids is not None:
        filters.append({"ids": {"values": list(request.ids)}})
    return filters


def main_query(parsed: ParsedQuery, request: SearchRequest) -> dict[str, Any]:
    query = text_query(names_only(parsed, request.names_only, request.alias_mode != "never"), request.alias_mode)
    filters = scope_filters(request)
    if not filters:
        return query
    return {"bool": {"must": [query], "filter": filters}}


def all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    if not clauses:
        return {"match_all": {}}
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"filter": clauses}}


def facet_aggregations(request: SearchRequest, active: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each facet counts under every active filter but its own (Aleph style):
    its terms aggregation sits in a filter aggregation carrying the other
    facets' filters, because the hits' facet filters are in `post_filter`,
    which aggregations do not see. The `selected` sibling counts the chosen
    values even when they fall outside the top `facet_size`."""
    aggs: dict[str, Any] = {}
    for facet in FACETS:
        others = [clause for name, clause in active.items() if name != facet]
        inner: dict[str, Any] = {
            "values": {
                "terms": {
                    "field": FACET_FIELDS[facet],
                    "size": request.facet_size,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            },
        }
        selected = [v for v in request.filters.get(facet, []) if v]
        if selected:
            inner["selected"] = {"terms": {"field": FACET_FIELDS[facet], "include": selected, "size": len(selected)}}
        aggs[_AGG_FACET + facet] = {"filter": all_of(others), "aggs": inner}
    # The histogram describes the hits, so it sees every facet filter.
    aggs[_AGG_HISTOGRAM] = {
        "filter": all_of(list(active.values())),
        "aggs": {
            "months": {
                "date_histogram": {
                    "field": "published",
                    "calendar_interval": "month",
                    "format": "yyyy-MM",
                    "min_doc_count": 1,
                }
            }
        },
    }
    return aggs


def highlight_clause() -> dict[str, Any]:
    """One HTML-escaped fragment of about SNIPPET_CHARS (as the embedded
    backend's) with <mark> around matches; articles without a match still
    get their opening words (no_match_size) as the snippet."""
    return {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "fields": {
            "text": {
                "fragment_size": SNIPPET_CHARS,
                "number_of_fragments": 1,
                "no_match_size": SNIPPET_CHARS,
            }
        },
    }


def sort_clause(request: SearchRequest) -> list[dict[str, Any]]:
    """Newest first for `date`; relevance otherwise. The id tie-breaker keeps
    paging stable when scores or dates are equal."""
    if request.sort == "date":
        return [
            {"published": {"order": "desc", "missing": "_last"}},
            {"_score": {"order": "desc"}},
            {"id": {"order": "asc"}},
        ]
    if request.sort not in ("relevance", "", None):
        raise QuerySyntaxError(f"Unknown sort {request.sort!r}: use relevance or date")
    return [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]


def paging(request: SearchRequest) -> tuple[int, int]:
    if request.page < 1 or request.size < 0:
        raise QuerySyntaxError("page must be 1 or more and size 0 or more")
    start = (request.page - 1) * request.size
    if start + request.size > MAX_RESULT_WINDOW:
        raise QuerySyntaxError(f"Only the first {MAX_RESULT_WINDOW} results can be paged through; narrow the search")
    return start, request.size


def search_body(request: SearchRequest, parsed: ParsedQuery) -> dict[str, Any]:
    """The `_search` body for one portal search (no aggregations when
    `facet_size` is 0: exports and internal look-ups)."""
    active = active_facet_filters(request)
    start, size = paging(request)
    body: dict[str, Any] = {
        "query": main_query(parsed, request),
        "from": start,
        "size": size,
        "track_total_hits": True,
        "sort": sort_clause(request),
        "_source": {"includes": HIT_SOURCE},
        "highlight": highlight_clause(),
    }
    if request.facet_size:
        body["aggs"] = facet_aggregations(request, active)
    if active:
        body["post_filter"] = all_of(list(active.values()))
    return body


def export_body(request: SearchRequest, parsed: ParsedQuery, size: int, after: list[Any] | None) -> dict[str, Any]:
    """One page of an export: every filter in the query, sorted with the id
    tie-breaker so `search_after` can resume exactly after the last hit
    (from/size stops at 10,000; exports go to 100,000)."""
    active = active_facet_filters(request)
    query = main_query(parsed, request)
    if active:
        query = {"bool": {"must": [query], "filter": list(active.values())}}
    body: dict[str, Any] = {
        "query": query,
        "size": size,
        "track_total_hits": False,
        "sort": sort_clause(request),
        "_source": {"includes": HIT_SOURCE},
        "highlight": highlight_clause(),
    }
    if after:
        body["search_after"] = after
    return body


def facet_counts_body(request: SearchRequest, parsed: ParsedQuery, facet: str, limit: int) -> dict[str, Any]:
    """Counts of one facet's values under the query and every other filter."""
    if facet not in FACET_FIELDS:
        raise QuerySyntaxError(f"Unknown facet {facet!r}: choose one of {', '.join(FACETS)}")
    active = active_facet_filters(request)
    others = [clause for name, clause in active.items() if name != facet]
    query = main_query(parsed, request)
    if others:
        query = {"bool": {"must": [query], "filter": others}}
    return {
        "query": query,
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "values": {
                "terms": {"field": FACET_FIELDS[facet], "size": limit, "order": [{"_count": "desc"}, {"_key": "asc"}]}
            }
        },
    }


def stories_body(limit: int) -> dict[str, Any]:
    """Every story id with its latest publication day, newest first."""
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "stories": {
                "terms": {"field": "story", "size": limit, "order": [{"latest": "desc"}, {"_key": "asc"}]},
                "aggs": {"latest": {"max": {"field": "published", "format": "strict_date"}}},
            }
        },
    }


def parse_stories(response: dict[str, Any]) -> list[tuple[str, str | None, int]]:
    buckets = ((response.get("aggregations") or {}).get("stories") or {}).get("buckets", [])
    return [(str(b["key"]), (b.get("latest") or {}).get("value_as_string"), int(b["doc_count"])) for b in buckets]


def parse_facet_counts(response: dict[str, Any], selected: list[str]) -> list[FacetValue]:
    buckets = ((response.get("aggregations") or {}).get("values") or {}).get("buckets", [])
    return [FacetValue(str(b["key"]), int(b["doc_count"]), str(b["key"]) in selected) for b in buckets]


def more_like_this_body(
    article_id: str, size: int, published: str | None = None, date_window_days: int | None = None
) -> dict[str, Any]:
    """Articles sharing distinctive terms with one article, optionally
    published within `date_window_days` of it. The article itself is left
    out (`include: false`)."""
    mlt = {
        "fields": ["title", "text"],
        "like": [{"_id": article_id}],
        # News corpora are often small: a term seen once is still evidence.
        "min_term_freq": 1,
        "min_doc_freq": 1,
        "max_query_terms": 40,
        "minimum_should_match": "10%",
        "include": False,
    }
    filters: list[dict[str, Any]] = []
    if date_window_days is not None and published and _ISO_DATE.match(published):
        day = date.fromisoformat(published)
        window = timedelta(days=date_window_days)
        filters.append(
            {
                "range": {
                    "published": {
                        "gte": (day - window).isoformat(),
                        "lte": (day + window).isoformat(),
                        "format": "strict_date",
                    }
                }
            }
        )
    query: dict[str, Any] = {"more_like_this": mlt}
    if filters:
        query = {"bool": {"must": [query], "filter": filters}}
    return {"query": query, "size": size, "_source": False}


def quotes_query(speaker: str, mentions: str) -> dict[str, Any]:
    """ "Quotes by X that mention Y" as one query: both conditions must hold
    inside the same quote (nested), not anywhere in the article. The
    matching quotes come back as inner hits."""
    condition: dict[str, Any] = {"filter": [{"term": {"quotes.speaker_canonical": speaker}}]}
    if mentions.strip():  # no words: every quote by the speaker
        condition["must"] = [{"match": {"quotes.text": {"query": mentions, "operator": "and"}}}]
    return {
        "query": {
            "nested": {
                "path": "quotes",
                "query": {"bool": condition},
                # 100 is OpenSearch's index.max_inner_result_window default.
                "inner_hits": {"size": 100},
            }
        },
        "_source": ["id"],
    }


def ids_query(article_ids: list[str]) -> dict[str, Any]:
    return {"query": {"ids": {"values": list(article_ids)}}}


def stats_body() -> dict[str, Any]:
    # precision_threshold 40000 (the maximum) keeps cardinality exact at
    # the corpus sizes Parallax is used with.
    return {
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "outlets": {"cardinality": {"field": "outlet", "precision_threshold": 40000}},
            "stories": {"cardinality": {"field": "story", "precision_threshold": 40000}},
            "first": {"min": {"field": "published", "format": "strict_date"}},
            "last": {"max": {"field": "published", "format": "strict_date"}},
        },
    }


SCAN_QUERY: dict[str, Any] = {"query": {"match_all": {}}, "sort": ["_doc"]}


# ------------------------------------------------------------- responses


def total_of(hits: dict[str, Any]) -> int:
    """`hits.total` is an object, or a bare int under rest_total_hits_as_int."""
    total = hits.get("total", 0)
    if isinstance(total, dict):
        return int(total.get("value", 0))
    return int(total or 0)


def snippet_html_of(hit: dict[str, Any]) -> str:
    """Highlight fragments are already HTML-escaped by the `html` encoder."""
    fragments = (hit.get("highlight") or {}).get("text") or []
    if fragments:
        return " \u2026 ".join(fragments)
    text = (hit.get("_source") or {}).get("text")
    return html.escape(text[:SNIPPET_CHARS]) if text else ""


def parse_hit(hit: dict[str, Any]) -> Hit:
    source = hit.get("_source") or {}
    snippet_html = snippet_html_of(hit)
    snippet, highlights = snippet_parts(snippet_html)
    return Hit(
        id=source.get("id") or hit.get("_id") or "",
        title=source.get("title"),
        outlet=source.get("outlet"),
        published=source.get("published"),
        url=source.get("url"),
        snippet=snippet,
        snippet_html=snippet_html,
        highlights=highlights,
        authors=list(source.get("authors") or []),
        indexed=source.get("indexed"),
        score=hit.get("_score"),
        story=source.get("story"),
        title_derived=bool(source.get("title_derived", False)),
    )


def parse_facet(agg: dict[str, Any] | None, selected: list[str]) -> list[FacetValue]:
    if not agg:
        return [FacetValue(value=v, count=0, selected=True) for v in selected]
    values = [
        FacetValue(value=str(b["key"]), count=int(b["doc_count"]), selected=str(b["key"]) in selected)
        for b in (agg.get("values") or {}).get("buckets", [])
    ]
    shown = {v.value for v in values}
    selected_counts = {str(b["key"]): int(b["doc_count"]) for b in (agg.get("selected") or {}).get("buckets", [])}
    # A selected value always stays visible so the user can unselect it.
    for value in selected:
        if value not in shown:
            values.append(FacetValue(value=value, count=selected_counts.get(value, 0), selected=True))
    return values


def parse_histogram(agg: dict[str, Any] | None) -> list[dict[str, Any]]:
    buckets = ((agg or {}).get("months") or {}).get("buckets", [])
    return [
        {"date": b.get("key_as_string") or str(b["key"]), "count": int(b["doc_count"])}
        for b in buckets
        if b.get("doc_count")
    ]


def parse_search_response(response: dict[str, Any], request: SearchRequest) -> SearchResponse:
    hits = response.get("hits") or {}
    aggs = response.get("aggregations") or {}
    facets = {
        facet: parse_facet(aggs.get(_AGG_FACET + facet), [v for v in request.filters.get(facet, []) if v])
        for facet in FACETS
    }
    return SearchResponse(
        total=total_of(hits),
        page=request.page,
        hits=[parse_hit(h) for h in hits.get("hits", [])],
        facets=facets,
        histogram=parse_histogram(aggs.get(_AGG_HISTOGRAM)),
    )


def empty_response(request: SearchRequest) -> SearchResponse:
    return parse_search_response({}, request)


def parse_more_like_this(response: dict[str, Any]) -> list[tuple[str, float]]:
    return [(h["_id"], float(h.get("_score") or 0.0)) for h in (response.get("hits") or {}).get("hits", [])]


def parse_stats(response: dict[str, Any]) -> dict[str, Any]:
    aggs = response.get("aggregations") or {}

    def value(name: str) -> Any:
        return (aggs.get(name) or {}).get("value")

    def day(name: str) -> str | None:
        agg = aggs.get(name) or {}
        if agg.get("value") is None:
            return None
        return agg.get("value_as_string") or None

    # Same keys as the embedded backend's stats (the status line reads them).
    return {
        "articles": total_of(response.get("hits") or {}),
        "outlets": int(value("outlets") or 0),
        "stories": int(value("stories") or 0),
        "first_published": day("first"),
        "last_published": day("last"),
    }


def bulk_item_reason(info: dict[str, Any]) -> str:
    """A sentence for the user from one failed bulk item."""
    error = info.get("error")
    status = info.get("status")
    if isinstance(error, dict):
        kind = error.get("type", "error")
        reason = error.get("reason") or ""
        caused = (error.get("caused_by") or {}).get("reason")
        text = f"{kind}: {reason}" + (f" ({caused})" if caused else "")
    else:
        text = str(error or "no acknowledgement")
    if status == 429:
        return f"OpenSearch was overloaded and still refused the article after retries ({text})"
    return f"OpenSearch did not index the article (HTTP {status}): {text}"
