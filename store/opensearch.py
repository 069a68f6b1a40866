"""The OpenSearch backend: the same `Store` interface as the embedded
index, against a cluster reached with opensearch-py.

Layout on the cluster: articles live in versioned indices `{alias}-vN`
behind one alias (`Settings.index`, default "parallax-articles"); readers
and writers only ever name the alias, so `reindex()` can build `vN+1` and
swap the alias in one atomic `_aliases` call. Request bodies come from the
pure functions in `store.opensearch_query`, which the tests validate
against the official OpenSearch API specification.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy import exceptions as os_errors

from . import opensearch_query as q
from .interface import Store, StoreError
from .query import parse_query
from .records import EnrichedArticle, FacetValue, Hit, IndexReport, Quote, SearchRequest, SearchResponse
from .settings import Settings

log = logging.getLogger(__name__)


class _OneLineConnectionFailures(logging.Filter):
    """opensearch-py logs every failed attempt on one node with the whole
    urllib3 traceback, even when the request then succeeds on another node
    (a node down in a cluster). Keep its one-line message, drop the
    traceback unless debugging."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR and not logging.getLogger("opensearch").isEnabledFor(logging.DEBUG):
            record.exc_info = None
            record.exc_text = None
        return True


logging.getLogger("opensearch").addFilter(_OneLineConnectionFailures())

DEFAULT_INDEX = Settings.index  # the alias when none is configured
EXPORT_PAGE = 1_000  # hits per search_after round of an export


def _reason(error: os_errors.TransportError) -> str:
    """The cluster's own explanation, when its error body carries one."""
    info = error.info if isinstance(error.info, dict) else {}
    err = info.get("error")
    if isinstance(err, dict):
        root = (err.get("root_cause") or [err])[0]
        return f"{root.get('type', 'error')}: {root.get('reason', '')}".strip()
    return str(err or error.error or error)


# A bulk chunk lost to a transport error is sent again after each of these
# pauses. They add up to a little over the client's dead-node timeout (60 s in
# opensearch-py): when a loaded cluster's live nodes time out too, every node
# is marked dead and the client keeps picking the killed one until the others
# are tried again, which happens only after that timeout.
TRANSPORT_PAUSES_SECONDS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
# A bulk request waits on the server for a lost primary shard to be replaced
# (its `timeout`, one minute by default) before it answers. A client that gives
# up sooner (30 s) marks a healthy node dead for doing so; after a node is
# killed that happened to every live node, and the client then kept sending to
# the dead one. So the client waits for bulk answers longer than the server does.
BULK_REQUEST_TIMEOUT_SECONDS = 120
FORCE_MERGE_TIMEOUT = 1800  # seconds: a force merge of a large index is long, and the call waits for it


def _lost_in_transport(info: dict[str, Any]) -> bool:
    """A bulk item that failed without any HTTP answer (connection refused,
    reset, timeout), or with 503: its primary shard was lost with a node and
    not yet replaced when the server stopped waiting. Both succeed when sent
    again once the cluster has promoted a replica."""
    return info.get("status") in (None, "N/A", 503) or isinstance(info.get("exception"), os_errors.ConnectionError)


class OpenSearchStore(Store):
    """Articles in an OpenSearch cluster, behind a versioned-index alias."""

    def __init__(
        self,
        client: OpenSearch,
        index: str = DEFAULT_INDEX,
        *,
        url: str = Settings.opensearch_url,
        shards: int | None = None,
        replicas: int | None = None,
        chunk_size: int = 500,
        max_retries: int = 5,
        initial_backoff: float = 1.0,
        max_backoff: float = 60.0,
    ) -> None:
        self.client = client
        self.alias = index
        self.url = url
        self.shards = shards
        self.replicas = replicas
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self._ready = False

    @classmethod
    def from_settings(
        cls, settings: Settings, *, client: OpenSearch | None = None, timeout: float = 30, **options: Any
    ) -> OpenSearchStore:
        """A store on the cluster, alias, credentials and index shape that
        `settings` name; `options` tune the bulk writer (chunk_size,
        max_retries, initial_backoff, max_backoff). `client` replaces the
        connection (tests). No request is sent until the store is used."""
        if client is None:
            verify = settings.opensearch_verify_certs
            kwargs: dict[str, Any] = {
                "hosts": [u.strip() for u in settings.opensearch_url.split(",") if u.strip()],
                "verify_certs": verify,
                "ssl_show_warn": verify,
                "timeout": timeout,
                # Connection-level retries; bulk 429s are retried separately
                # with backoff by streaming_bulk.
                "max_retries": 3,
                "retry_on_timeout": True,
            }
            if settings.opensearch_user:
                kwargs["http_auth"] = (settings.opensearch_user, settings.opensearch_password or "")
            if settings.opensearch_ca_certs:
                kwargs["ca_certs"] = settings.opensearch_ca_certs
            client = OpenSearch(**kwargs)
        return cls(
            client,
            settings.index,
            url=settings.opensearch_url,
            shards=settings.index_shards,
            replicas=settings.index_replicas,
            **options,
        )

    # ------------------------------------------------------------ errors

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn client exceptions into StoreError with a message a user can
        act on (what failed, where, and what to check)."""
        try:
            yield
        except os_errors.SSLError as e:
            raise StoreError(
                f"TLS failed talking to OpenSearch at {self.url} while {doing}: {e.error}. "
                "Check OPENSEARCH_CA_CERTS or OPENSEARCH_VERIFY_CERTS."
            ) from e
        except (os_errors.ConnectionError, os_errors.ConnectionTimeout) as e:
            raise StoreError(
                f"Cannot reach OpenSearch at {self.url} while {doing}. "
                "Check OPENSEARCH_URL and that the cluster is running."
            ) from e
        except os_errors.AuthenticationException as e:
            raise StoreError(
                f"OpenSearch at {self.url} refused the credentials while {doing}. "
                "Check OPENSEARCH_USER and OPENSEARCH_PASSWORD."
            ) from e
        except os_errors.AuthorizationException as e:
            raise StoreError(f"OpenSearch user is not allowed to do this ({doing}): {_reason(e)}") from e
        except os_errors.TransportError as e:
            raise StoreError(
                f"OpenSearch rejected the request while {doing} (HTTP {e.status_code}): {_reason(e)}"
            ) from e

    # ------------------------------------------------------------ indices

    def _alias_targets(self) -> list[str]:
        """Concrete indices behind the alias (empty when there is none)."""
        try:
            response = self.client.indices.get_alias(name=self.alias)
        except os_errors.NotFoundError:
            return []
        return sorted(response.keys())

    def _ensure_index(self) -> None:
        """Create `{alias}-v1` carrying the alias, unless the alias (or a
        plain index of that name, from older set-ups) already exists."""
        if self._ready:
            return
        with self._errors("preparing the index"):
            if not self.client.indices.exists_alias(name=self.alias) and not self.client.indices.exists(
                index=self.alias
            ):
                body = q.index_body(self.shards, self.replicas, alias=self.alias)
                try:
                    self.client.indices.create(index=q.versioned_name(self.alias, 1), body=body)
                except os_errors.RequestError as e:
                    # Another indexer created it between our check and create.
                    if "resource_already_exists" not in _reason(e):
                        raise
        self._ready = True

    def refresh(self) -> None:
        with self._errors("refreshing the index"):
            self.client.indices.refresh(index=self.alias)

    # ------------------------------------------------------------ writing

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> Iterator[tuple[bool, str, dict[str, Any]]]:
        """(ok, id, item) for every action. 429s are retried with exponential
        backoff; a chunk lost to a transport error is reported as failed item
        by item, so earlier acknowledged chunks still count."""
        results = helpers.streaming_bulk(
            self.client,
            actions,
            request_timeout=BULK_REQUEST_TIMEOUT_SECONDS,
            chunk_size=self.chunk_size,
            max_retries=self.max_retries,
            # opensearch-py annotates these as int, but sleeps for any number of seconds.
            initial_backoff=self.initial_backoff,  # type: ignore[arg-type]
            max_backoff=self.max_backoff,  # type: ignore[arg-type]
            raise_on_error=False,
            raise_on_exception=False,
        )
        for ok, item in results:
            _op, info = next(iter(item.items()))
            yield ok, str(info.get("_id")), info

    def index(self, articles: Iterable[EnrichedArticle]) -> IndexReport:
        """Write articles; only what the cluster acknowledged counts as indexed.
        Items lost to a transport error (a node died mid-request: no HTTP
        status) are sent again after a pause, by which time the client has
        marked that node dead and the cluster has promoted its replicas."""
        self._ensure_index()
        report = IndexReport()
        acknowledged: dict[str, None] = {}
        pending = {a.id: a for a in articles}
        with self._errors("indexing articles"):
            for pause in (*TRANSPORT_PAUSES_SECONDS, None):
                lost: dict[str, EnrichedArticle] = {}
                for ok, article_id, info in self._bulk(q.index_action(self.alias, a) for a in pending.values()):
                    if ok:
                        acknowledged[article_id] = None
                        report.failed.pop(article_id, None)
                        continue
                    acknowledged.pop(article_id, None)
                    report.failed[article_id] = q.bulk_item_reason(info)
                    if _lost_in_transport(info) and article_id in pending:
                        lost[article_id] = pending[article_id]
                if not lost or pause is None:
                    break
                log.warning("%d articles lost to a transport error; sending them again in %.0f s", len(lost), pause)
                time.sleep(pause)
                pending = lost
        report.indexed = list(acknowledged)
        if report.indexed:
            self._refresh_after_write("indexing")
        return report

    def _refresh_after_write(self, doing: str) -> None:
        """Make acknowledged writes searchable now rather than at the next
        scheduled refresh (within a second). A failure here must not turn
        articles the cluster acknowledged into reported failures: they are
        stored, and become searchable on the cluster's own schedule."""
        try:
            self.refresh()
        except StoreError as e:
            log.warning("written, but the refresh after %s failed (searchable within a second anyway): %s", doing, e)

    def delete(self, article_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return 0
        with self._errors("deleting articles"):
            try:
                response = self.client.delete_by_query(
                    index=self.alias, body=q.ids_query(ids), refresh=True, conflicts="proceed"
                )
            except os_errors.NotFoundError:
                return 0
        return int(response.get("deleted", 0))

    def set_stories(self, assignments: dict[str, str | None], threads: dict[str, str | None] | None = None) -> int:
        threads = threads or {}
        if not assignments and not threads:
            return 0
        changed = 0
        with self._errors("setting story ids"):
            actions = (
                q.story_action(self.alias, i, assignments.get(i, q.KEEP), threads.get(i, q.KEEP))
                for i in dict.fromkeys([*assignments, *threads])
            )
            for ok, article_id, info in self._bulk(actions):
                if ok and info.get("result") == "updated":
                    changed += 1
                elif not ok and info.get("status") != 404:
                    log.warning("story of %s not updated: %s", article_id, q.bulk_item_reason(info))
        if changed:
            self._refresh_after_write("setting story ids")
        return changed

    # ------------------------------------------------------------ reading

    def get(self, article_id: str) -> EnrichedArticle | None:
        with self._errors("reading an article"):
            try:
                response = self.client.get(index=self.alias, id=article_id)
            except os_errors.NotFoundError:
                return None
        if not response.get("found"):
            return None
        return q.source_to_article(response["_source"])

    def get_many(self, article_ids: Iterable[str]) -> list[EnrichedArticle]:
        ids = list(article_ids)
        if not ids:
            return []
        with self._errors("reading articles"):
            try:
                response = self.client.mget(index=self.alias, body={"ids": ids})
            except os_errors.NotFoundError:
                return []
        return [q.source_to_article(d["_source"]) for d in response.get("docs", []) if d.get("found")]

    def _search(self, body: dict[str, Any], doing: str) -> dict[str, Any] | None:
        """A search on the alias; None when there is no index yet."""
        with self._errors(doing):
            try:
                return self.client.search(index=self.alias, body=body)
            except os_errors.NotFoundError as e:
                if "index_not_found" in _reason(e):
                    log.warning("OpenSearch index %s does not exist yet; run `parallax index`", self.alias)
                    return None
                raise

    def run_search(self, request: SearchRequest) -> SearchResponse:
        body = q.search_body(request, parse_query(request.q))
        response = self._search(body, "searching")
        if response is None:
            return q.empty_response(request)
        return q.parse_search_response(response, request)

    def facet_counts(self, request: SearchRequest, facet: str, limit: int) -> list[FacetValue]:
        body = q.facet_counts_body(request, parse_query(request.q), facet, limit)
        response = self._search(body, "counting facet values") or {}
        return q.parse_facet_counts(response, [v for v in request.filters.get(facet, []) if v])

    def stories_by_latest(self, limit: int) -> list[tuple[str, str | None, int]]:
        response = self._search(q.stories_body(limit), "listing stories") or {}
        return q.parse_stories(response)

    def run_iter_hits(self, request: SearchRequest, limit: int) -> Iterator[Hit]:
        parsed = parse_query(request.q)
        after: list[Any] | None = None
        sent = 0
        while sent < limit:
            size = min(EXPORT_PAGE, limit - sent)
            response = self._search(q.export_body(request, parsed, size, after), "exporting") or {}
            hits = (response.get("hits") or {}).get("hits", [])
            for hit in hits:
                yield q.parse_hit(hit)
            sent += len(hits)
            if len(hits) < size:
                return
            after = hits[-1].get("sort")

    def more_like_this(
        self, article_id: str, size: int = 10, date_window_days: int | None = None
    ) -> list[tuple[str, float]]:
        article = self.get(article_id)
        if article is None:
            return []
        body = q.more_like_this_body(article_id, size, article.published, date_window_days)
        response = self._search(body, "finding similar articles")
        return q.parse_more_like_this(response or {})

    def search_quotes(self, speaker: str, mentions: str, size: int = 10) -> list[tuple[str, Quote]]:
        """Quotes by `speaker` (canonical name) that mention `mentions`, as
        (article id, quote) pairs; both hold inside the same quote."""
        body = q.quotes_query(speaker, mentions)
        body["size"] = size
        response = self._search(body, "searching quotes") or {}
        found: list[tuple[str, Quote]] = []
        for hit in (response.get("hits") or {}).get("hits", []):
            inner = ((hit.get("inner_hits") or {}).get("quotes") or {}).get("hits", {}).get("hits", [])
            found.extend((hit["_id"], Quote.from_dict(i["_source"])) for i in inner)
        return found

    def scan(self) -> Iterator[EnrichedArticle]:
        with self._errors("reading all articles"):
            try:
                for hit in helpers.scan(self.client, index=self.alias, query=q.SCAN_QUERY, size=500, scroll="5m"):
                    yield q.source_to_article(hit["_source"])
            except os_errors.NotFoundError:
                return

    def stats(self) -> dict[str, Any]:
        response = self._search(q.stats_body(), "counting articles")
        return {"backend": "opensearch", "location": f"{self.url} ({self.alias})", **q.parse_stats(response or {})}

    # ------------------------------------------------------------ compact

    def compact(
        self, assignments: dict[str, str | None] | None = None, threads: dict[str, str | None] | None = None
    ) -> dict[str, Any]:
        """The story changes first (partial updates: OpenSearch rewrites a
        document either way), then a force merge to one segment per shard;
        the call waits for it (FORCE_MERGE_TIMEOUT), readers keep answering
        meanwhile."""
        changed = self.set_stories(assignments or {}, threads) if assignments or threads else 0
        with self._errors("compacting the index"):
            before = self._segment_count()
            if before > 1:  # one a shard is what a force merge leaves; it costs nothing then
                self.client.indices.forcemerge(
                    index=self.alias, max_num_segments=1, params={"request_timeout": FORCE_MERGE_TIMEOUT}
                )
                self.client.indices.refresh(index=self.alias)
            return {
                "backend": "opensearch",
                "segments_before": before,
                "segments_after": self._segment_count(),
                "stories_changed": changed,
            }

    def _segment_count(self) -> int:
        """Segments of the primary shards behind the alias."""
        stats = self.client.indices.stats(index=self.alias, metric="segments")
        return int(stats["_all"]["primaries"]["segments"]["count"])

    # ------------------------------------------------------------ reindex

    def reindex(self, keep_previous: bool = False) -> dict[str, Any]:
        """Copy every article into a new versioned index built from the
        current mappings (recomputing derived fields), then move the alias
        in one atomic step. On any failed article the new index is dropped
        and the alias left alone, so readers never see a partial copy."""
        with self._errors("reindexing"):
            old = self._alias_targets()
            if not old and self.client.indices.exists(index=self.alias):
                raise StoreError(
                    f"{self.alias!r} is a plain index, not an alias; move it behind an alias "
                    "(see docs/opensearch.md) before reindexing"
                )
            version = max([q.version_of(self.alias, name) for name in old] + [0]) + 1
            new = q.versioned_name(self.alias, version)
            self.client.indices.create(index=new, body=q.index_body(self.shards, self.replicas))
            copied, failed = 0, {}
            for ok, article_id, info in self._bulk(q.index_action(new, a) for a in self.scan()):
                if ok:
                    copied += 1
                else:
                    failed[article_id] = q.bulk_item_reason(info)
            if failed:
                self.client.indices.delete(index=new)
                first = next(iter(failed.items()))
                raise StoreError(
                    f"Reindex abandoned: {len(failed)} article(s) could not be copied "
                    f"(first: {first[0]}: {first[1]}); the alias still points at {', '.join(old) or 'nothing'}"
                )
            self.client.indices.refresh(index=new)
            self.client.indices.update_aliases(body=q.alias_swap_body(self.alias, new, old))
            if old and not keep_previous:
                self.client.indices.delete(index=",".join(old))
        self._ready = True
        return {
            "index": new,
            "alias": self.alias,
            "previous": old,
            "articles": copied,
            "previous_deleted": bool(old) and not keep_previous,
        }

    def close(self) -> None:
        self.client.close()
