"""Which articles a comparison is about, from the query string.

Exactly one of: repeatable `id` (articles picked by hand), `story` (the
articles of one story, one column per outlet), or `q` (the best match per
outlet for a search, up to `n` outlets, optionally only the repeated
`outlet` values).  Everything is in the URL, so every comparison is a
permalink.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from store import EnrichedArticle, SearchRequest, Store

from ..errors import UserError
from ..params import parse_int

MAX_COLUMNS = 8  # beyond this, columns are too narrow on a laptop screen
DEFAULT_OUTLETS = 3
SEARCH_DEPTH = 100  # hits read to find the best match per outlet
THREAD_LIMIT = 200  # a thread is a few days of one subject; more is never shown
STORY_LIMIT = 200


@dataclass
class Selection:
    mode: str  # ids | story | q
    articles: list[EnrichedArticle]
    args: list[tuple[str, str]]  # the canonical query string of this comparison
    story: str | None = None
    q: str | None = None
    left_out: list[EnrichedArticle] = field(default_factory=list)  # story articles not shown as columns

    @property
    def query_string(self) -> str:
        return urlencode(self.args)


def select(args: MultiDict, store: Store) -> Selection:
    ids = _unique(v.strip() for v in args.getlist("id") if v.strip())
    story = (args.get("story") or "").strip()
    q = (args.get("q") or "").strip()
    given = [name for name, value in (("id", ids), ("story", story), ("q", q)) if value]
    if not given:
        raise UserError("Say what to compare: two or more 'id' values, a 'story' id, or a search 'q'.")
    if len(given) > 1:
        raise UserError(f"Give only one of 'id', 'story' or 'q' (got {', '.join(given)}).")
    if ids:
        return _by_ids(ids, store)
    if story:
        return _by_story(story, store)
    return _by_query(q, args, store)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))


def _by_ids(ids: list[str], store: Store) -> Selection:
    if len(ids) < 2:
        raise UserError("A comparison needs two or more different articles; pick at least one more.")
    if len(ids) > MAX_COLUMNS:
        raise UserError(f"Compare at most {MAX_COLUMNS} articles at a time (got {len(ids)}).")
    found = store.get_many(ids)
    missing = [i for i in ids if i not in {a.id for a in found}]
    if missing:
        raise UserError(f"No article with id {', '.join(repr(m) for m in missing)}.", 404)
    return Selection("ids", found, [("id", i) for i in ids])


def story_articles(story: str, store: Store) -> list[EnrichedArticle]:
    """The articles of a story, oldest first (undated last)."""
    hits = store.search(SearchRequest(story=story, size=STORY_LIMIT, sort="date")).hits
    articles = store.get_many([h.id for h in hits])
    return sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id))


def thread_articles(thread: str, store: Store) -> list[EnrichedArticle]:
    """The articles of a thread (all its events), oldest first."""
    hits = store.search(SearchRequest(thread=thread, size=THREAD_LIMIT, sort="date")).hits
    articles = store.get_many([h.id for h in hits])
    return sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id))


def _by_story(story: str, store: Store) -> Selection:
    articles = story_articles(story, store)
    if not articles:
        raise UserError(f"No story with id {story!r}.", 404)
    columns, rest = one_per_outlet(articles, MAX_COLUMNS)
    if len(columns) < 2:
        raise UserError(f"Story {story!r} has articles from only one outlet; nothing to compare.", 404)
    return Selection("story", columns, [("story", story)], story=story, left_out=rest)


def one_per_outlet(articles: list[EnrichedArticle], limit: int) -> tuple[list[EnrichedArticle], list[EnrichedArticle]]:
    """The first article of each outlet, in the given order, up to `limit`;
    and the rest.  Unknown outlets are each their own."""
    chosen: list[EnrichedArticle] = []
    rest: list[EnrichedArticle] = []
    outlets: set[str] = set()
    for article in articles:
        key = article.outlet if article.outlet and article.outlet != "Unknown" else "id:" + article.id
        if key in outlets or len(chosen) >= limit:
            rest.append(article)
        else:
            outlets.add(key)
            chosen.append(article)
    return chosen, rest


def _by_query(q: str, args: MultiDict, store: Store) -> Selection:
    n = parse_int(args.get("n"), DEFAULT_OUTLETS, "n", 2, MAX_COLUMNS)
    outlets = _unique(v.strip() for v in args.getlist("outlet") if v.strip())
    request = SearchRequest(q=q, size=SEARCH_DEPTH, filters={"outlet": outlets} if outlets else {})
    hits = store.search(request).hits  # QuerySyntaxError: the portal answers 400
    best, _ = one_per_outlet(store.get_many([h.id for h in hits]), n)
    if len(best) < 2:
        raise UserError(f"Fewer than two outlets have an article matching {q!r}; nothing to compare.", 404)
    canonical = [("q", q)] + [("outlet", o) for o in outlets] + ([("n", str(n))] if n != DEFAULT_OUTLETS else [])
    return Selection("q", best, canonical, q=q)
