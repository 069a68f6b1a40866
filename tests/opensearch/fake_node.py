"""A small real HTTP server on 127.0.0.1 that answers like an OpenSearch
node for the endpoints opensearch-py uses here, validates every request it
receives against the API specification, and records the violations.

It is a protocol check, not a search engine: documents are stored and
returned, ids/term/terms/range/bool filters are honoured so facets and
restrictions give plausible answers, but text queries match everything.
Its own responses are validated against the specification's response
schemas too (`response_violations`), so the shapes the backend parses are
the documented ones.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from os_spec import SpecValidator, check_document

SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


@dataclass
class Received:
    method: str
    path: str
    params: dict[str, str]
    body: Any


@dataclass
class FakeIndex:
    name: str
    body: dict[str, Any]
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    # Like a real shard: each bulk request that writes leaves a segment, a force merge leaves one.
    segments: int = 0

    @property
    def properties(self) -> dict[str, Any]:
        return (self.body.get("mappings") or {}).get("properties", {})

    @property
    def dynamic(self) -> str:
        return str((self.body.get("mappings") or {}).get("dynamic", "true"))


class HTTPError(Exception):
    def __init__(self, status: int, kind: str, reason: str, index: str | None = None) -> None:
        super().__init__(reason)
        self.status, self.kind, self.reason, self.index = status, kind, reason, index

    def body(self) -> dict[str, Any]:
        cause: dict[str, Any] = {"type": self.kind, "reason": self.reason}
        if self.index:
            cause["index"] = self.index
        return {"error": {**cause, "root_cause": [dict(cause)]}, "status": self.status}


class FakeNode:
    """Start with `start()`; `url` is where it listens."""

    def __init__(self, spec: SpecValidator) -> None:
        self.spec = spec
        self.indices: dict[str, FakeIndex] = {}
        self.aliases: dict[str, set[str]] = {}
        self.received: list[Received] = []
        self.violations: list[str] = []
        self.response_violations: list[str] = []
        # Failure injection for tests: ids rejected with a mapping error,
        # ids answered 429 a given number of times before being accepted.
        self.reject_ids: set[str] = set()
        self.throttle: dict[str, int] = {}
        # (path regex, status, error type, reason): answer the next matching
        # request with this error, as a cluster refusing a request would.
        self.fail_next: tuple[str, int, str, str] | None = None
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._routes: list[tuple[str, re.Pattern, Callable[..., tuple[int, Any]]]] = [
            ("HEAD", re.compile(r"^/$"), self._ping),
            ("GET", re.compile(r"^/$"), self._info),
            ("HEAD", re.compile(r"^/_alias/([^/]+)$"), self._alias_exists),
            ("GET", re.compile(r"^/_alias/([^/]+)$"), self._get_alias),
            ("POST", re.compile(r"^/_aliases$"), self._update_aliases),
            ("POST|PUT", re.compile(r"^/(?:([^/_][^/]*)/)?_bulk$"), self._bulk),
            ("GET|POST", re.compile(r"^/_search/scroll$"), self._scroll),
            ("DELETE", re.compile(r"^/_search/scroll$"), self._clear_scroll),
            ("GET|POST", re.compile(r"^/([^/_][^/]*)/_refresh$"), self._refresh),
            ("GET", re.compile(r"^/([^/_][^/]*)/_stats/segments$"), self._segment_stats),
            ("POST", re.compile(r"^/([^/_][^/]*)/_forcemerge$"), self._forcemerge),
            ("GET|POST", re.compile(r"^/([^/_][^/]*)/_search$"), self._search),
            ("GET|POST", re.compile(r"^/([^/_][^/]*)/_count$"), self._count),
            ("GET|POST", re.compile(r"^/([^/_][^/]*)/_mget$"), self._mget),
            ("GET", re.compile(r"^/([^/_][^/]*)/_doc/([^/]+)$"), self._get_doc),
            ("POST", re.compile(r"^/([^/_][^/]*)/_delete_by_query$"), self._delete_by_query),
            ("HEAD", re.compile(r"^/([^/_][^/]*)$"), self._index_exists),
            ("PUT", re.compile(r"^/([^/_][^/]*)$"), self._create_index),
            ("DELETE", re.compile(r"^/([^/_][^/]*)$"), self._delete_index),
        ]

    # ------------------------------------------------------------ server

    def start(self) -> FakeNode:
        node = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, payload = node.handle(self.command, self.path, raw, self.headers.get("Content-Type"))
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # ------------------------------------------------------------ dispatch

    def handle(self, method: str, target: str, raw: bytes, content_type: str | None) -> tuple[int, Any]:
        split = urlsplit(target)
        path = unquote(split.path)
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        is_bulk = path.endswith("/_bulk")
        try:
            body = self._parse(raw, is_bulk)
        except ValueError as e:
            self.violations.append(f"{method} {path}: body is not valid JSON: {e}")
            return 400, HTTPError(400, "parse_exception", str(e)).body()
        with self.lock:
            self.received.append(Received(method, path, params, body))
            media = "application/x-ndjson" if is_bulk else "application/json"
            self.violations += self.spec.validate_request(method, path, body, params, media)
            if self.fail_next and re.search(self.fail_next[0], path):
                _, status, kind, reason = self.fail_next
                self.fail_next = None
                return status, HTTPError(status, kind, reason).body()
            for verbs, pattern, handler in self._routes:
                match = pattern.match(path)
                if match and method in verbs.split("|"):
                    try:
                        status, payload = handler(*match.groups(), params=params, body=body)
                    except HTTPError as e:
                        status, payload = e.status, e.body()
                    break
            else:
                self.violations.append(f"{method} {path}: the fake node does not serve this endpoint")
                status, payload = (
                    400,
                    HTTPError(400, "illegal_argument_exception", f"no handler for {method} {path}").body(),
                )
            if method != "HEAD":
                self.response_violations += self.spec.validate_response(method, path, status, payload)
        return status, payload

    @staticmethod
    def _parse(raw: bytes, is_bulk: bool) -> Any:
        if not raw:
            return None
        text = raw.decode("utf-8")
        if is_bulk:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)

    # ------------------------------------------------------------ helpers

    def resolve(self, name: str) -> list[FakeIndex]:
        """Concrete indices for an index name, alias or comma list."""
        found: list[FakeIndex] = []
        for part in name.split(","):
            if part in self.indices:
                found.append(self.indices[part])
            elif part in self.aliases:
                found += [self.indices[i] for i in sorted(self.aliases[part])]
            else:
                raise HTTPError(404, "index_not_found_exception", f"no such index [{part}]", part)
        return found

    def write_target(self, name: str) -> FakeIndex:
        targets = self.resolve(name)
        if len(targets) != 1:
            raise HTTPError(400, "illegal_argument_exception", f"alias [{name}] has more than one index")
        return targets[0]

    def all_docs(self, name: str) -> list[tuple[FakeIndex, str, dict[str, Any]]]:
        return [(ix, doc_id, doc) for ix in self.resolve(name) for doc_id, doc in ix.docs.items()]

    # ------------------------------------------------------------ handlers

    def _ping(self, params: dict, body: Any) -> tuple[int, Any]:
        return 200, None

    def _info(self, params: dict, body: Any) -> tuple[int, Any]:
        return 200, {
            "name": "fake-node",
            "cluster_name": "parallax-test",
            "cluster_uuid": "fake-uuid",
            "version": {
                "distribution": "opensearch",
                "number": "2.19.1",
                "build_type": "tar",
                "build_hash": "0",
                "build_date": "2025-01-01T00:00:00Z",
                "build_snapshot": False,
                "lucene_version": "9.12.1",
                "minimum_wire_compatibility_version": "7.10.0",
                "minimum_index_compatibility_version": "7.0.0",
            },
            "tagline": "The OpenSearch Project: https://opensearch.org/",
        }

    def _index_exists(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        return (200 if name in self.indices or name in self.aliases else 404), None

    def _create_index(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        if name in self.indices or name in self.aliases:
            raise HTTPError(400, "resource_already_exists_exception", f"index [{name}] already exists", name)
        self.indices[name] = FakeIndex(name, body or {})
        for alias in (body or {}).get("aliases", {}):
            self.aliases.setdefault(alias, set()).add(name)
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _delete_index(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        for index in self.resolve(name):
            del self.indices[index.name]
            for members in self.aliases.values():
                members.discard(index.name)
        self.aliases = {a: m for a, m in self.aliases.items() if m}
        return 200, {"acknowledged": True}

    def _alias_exists(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        return (200 if name in self.aliases else 404), None

    def _get_alias(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        if name not in self.aliases:
            return 404, {"error": f"alias [{name}] missing", "status": 404}
        return 200, {index: {"aliases": {name: {}}} for index in sorted(self.aliases[name])}

    def _update_aliases(self, params: dict, body: Any) -> tuple[int, Any]:
        aliases = {a: set(m) for a, m in self.aliases.items()}
        for action in (body or {}).get("actions", []):
            ((kind, spec),) = action.items()
            if spec["index"] not in self.indices:
                raise HTTPError(404, "index_not_found_exception", f"no such index [{spec['index']}]", spec["index"])
            if kind == "add":
                aliases.setdefault(spec["alias"], set()).add(spec["index"])
            elif kind == "remove":
                aliases.get(spec["alias"], set()).discard(spec["index"])
        self.aliases = {a: m for a, m in aliases.items() if m}  # all or nothing, like the real API
        return 200, {"acknowledged": True}

    def _refresh(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        self.resolve(name)
        return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}

    def _segment_stats(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        indices = self.resolve(name)
        count = sum(index.segments for index in indices)
        shards = {"total": len(indices), "successful": len(indices), "failed": 0}
        memory = (
            "doc_values",
            "fixed_bit_set",
            "index_writer",
            "norms",
            "points",
            "stored_fields",
            "term_vectors",
            "terms",
            "version_map",
        )
        segments = {
            "count": count,
            "memory_in_bytes": 0,
            **{f"{kind}_memory_in_bytes": 0 for kind in memory},
            "max_unsafe_auto_id_timestamp": -1,
            "file_sizes": {},
        }
        stats = {"primaries": {"segments": segments}, "total": {"segments": segments}}
        return 200, {"_shards": shards, "_all": stats}

    def _forcemerge(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        indices = self.resolve(name)
        for index in indices:
            index.segments = min(index.segments, 1)
        return 200, {"_shards": {"total": len(indices), "successful": len(indices), "failed": 0}}

    # ---- bulk

    def _bulk(self, default_index: str | None, params: dict, body: Any) -> tuple[int, Any]:
        lines = list(body or [])
        items: list[dict[str, Any]] = []
        i = 0
        while i < len(lines):
            ((op, meta),) = lines[i].items()
            source = lines[i + 1] if op != "delete" and i + 1 < len(lines) else None
            i += 1 if op == "delete" else 2
            items.append({op: self._bulk_item(op, meta, source, default_index)})
        for name in {meta.get("_index") or default_index for line in lines[::2] for meta in line.values()}:
            if name in self.indices:
                self.indices[name].segments += 1
        errors = any(not 200 <= next(iter(item.values()))["status"] < 300 for item in items)
        return 200, {"took": 1, "errors": errors, "items": items}

    def _bulk_item(self, op: str, meta: dict, source: Any, default_index: str | None) -> dict[str, Any]:
        name = meta.get("_index") or default_index or ""
        doc_id = str(meta.get("_id"))
        base = {"_index": name, "_id": doc_id}
        try:
            index = self.write_target(name)
        except HTTPError as e:
            return {**base, "status": e.status, "error": {"type": e.kind, "reason": e.reason}}
        base["_index"] = index.name
        if self.throttle.get(doc_id, 0) > 0:
            self.throttle[doc_id] -= 1
            return {**base, "status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}
        if op in ("index", "create"):
            problems = check_document(source, index.properties, index.dynamic)
            if problems:
                self.violations += [f"bulk document {doc_id}: {p}" for p in problems]
            if doc_id in self.reject_ids or problems:
                reason = "; ".join(problems) or "failed to parse field [published] of type [date]"
                return {**base, "status": 400, "error": {"type": "mapper_parsing_exception", "reason": reason}}
            created = doc_id not in index.docs
            index.docs[doc_id] = source
            return self._written(index, base, "created" if created else "updated", 201 if created else 200)
        if op == "update":
            if doc_id not in index.docs:
                return {
                    **base,
                    "status": 404,
                    "error": {"type": "document_missing_exception", "reason": f"[{doc_id}]: document missing"},
                }
            partial = source.get("doc", {})
            problems = check_document(partial, index.properties, index.dynamic)
            self.violations += [f"bulk update {doc_id}: {p}" for p in problems]
            current = index.docs[doc_id]
            if all(current.get(k) == v for k, v in partial.items()):
                return self._written(index, base, "noop", 200, bump=False)
            current.update(partial)
            return self._written(index, base, "updated", 200)
        if op == "delete":
            existed = index.docs.pop(doc_id, None) is not None
            return self._written(index, base, "deleted" if existed else "not_found", 200 if existed else 404)
        raise HTTPError(400, "illegal_argument_exception", f"unknown bulk operation {op}")

    @staticmethod
    def _written(index: FakeIndex, base: dict, result: str, status: int, bump: bool = True) -> dict[str, Any]:
        if bump:
            index.versions[base["_id"]] = index.versions.get(base["_id"], 0) + 1
        return {
            **base,
            "_version": index.versions.get(base["_id"], 1),
            "result": result,
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "_seq_no": sum(index.versions.values()),
            "_primary_term": 1,
            "status": status,
        }

    # ---- reads

    def _get_doc(self, name: str, doc_id: str, params: dict, body: Any) -> tuple[int, Any]:
        index = self.write_target(name)
        if doc_id not in index.docs:
            return 404, {"_index": index.name, "_id": doc_id, "found": False}
        return 200, {
            "_index": index.name,
            "_id": doc_id,
            "_version": index.versions.get(doc_id, 1),
            "_seq_no": 0,
            "_primary_term": 1,
            "found": True,
            "_source": index.docs[doc_id],
        }

    def _mget(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        index = self.write_target(name)
        docs = []
        for doc_id in (body or {}).get("ids", []):
            if doc_id in index.docs:
                docs.append(
                    {
                        "_index": index.name,
                        "_id": doc_id,
                        "_version": 1,
                        "_seq_no": 0,
                        "_primary_term": 1,
                        "found": True,
                        "_source": index.docs[doc_id],
                    }
                )
            else:
                docs.append({"_index": index.name, "_id": doc_id, "found": False})
        return 200, {"docs": docs}

    def _count(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        query = (body or {}).get("query", {"match_all": {}})
        count = sum(1 for _, _, doc in self.all_docs(name) if matches(doc, query))
        return 200, {"count": count, "_shards": SHARDS}

    def _delete_by_query(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        query = (body or {}).get("query", {})
        doomed = [(ix, i) for ix, i, doc in self.all_docs(name) if matches(dict(doc, _id=i), query)]
        for index, doc_id in doomed:
            del index.docs[doc_id]
        return 200, {
            "took": 1,
            "timed_out": False,
            "total": len(doomed),
            "deleted": len(doomed),
            "batches": 1,
            "version_conflicts": 0,
            "noops": 0,
            "retries": {"bulk": 0, "search": 0},
            "throttled_millis": 0,
            "requests_per_second": -1.0,
            "throttled_until_millis": 0,
            "failures": [],
        }

    def _search(self, name: str, params: dict, body: Any) -> tuple[int, Any]:
        body = body or {}
        docs = [(ix, i, doc) for ix, i, doc in self.all_docs(name) if matches(dict(doc, _id=i), body.get("query", {}))]
        shown = [(ix, i, doc) for ix, i, doc in docs if matches(dict(doc, _id=i), body.get("post_filter", {}))]
        start, size = int(body.get("from", 0)), int(body.get("size", params.get("size", 10)))
        if "scroll" in params:
            start, size = 0, len(shown)  # one page, then an empty scroll page
        hits = [self._hit(ix, i, doc, body) for ix, i, doc in shown[start : start + size]]
        response: dict[str, Any] = {
            "took": 1,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {
                "total": {"value": len(shown), "relation": "eq"},
                "max_score": 1.0 if hits else None,
                "hits": hits,
            },
        }
        aggs = body.get("aggs") or body.get("aggregations")
        if aggs:
            response["aggregations"] = aggregate(aggs, [dict(doc, _id=i) for _, i, doc in docs])
        if "scroll" in params:
            response["_scroll_id"] = "fake-scroll-id"
        return 200, response

    @staticmethod
    def _hit(index: FakeIndex, doc_id: str, doc: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        hit: dict[str, Any] = {"_index": index.name, "_id": doc_id, "_score": 1.0}
        wanted = body.get("_source", True)
        if wanted is not False:
            includes = (
                wanted.get("includes") if isinstance(wanted, dict) else wanted if isinstance(wanted, list) else None
            )
            hit["_source"] = {k: v for k, v in doc.items() if includes is None or k in includes}
        if body.get("highlight") and doc.get("text"):
            import html

            hit["highlight"] = {"text": [html.escape(doc["text"][:100])]}
        if body.get("sort"):
            hit["sort"] = [doc.get("published") or "", doc_id]
            hit["_score"] = None
        return hit

    def _scroll(self, params: dict, body: Any) -> tuple[int, Any]:
        return 200, {
            "_scroll_id": "fake-scroll-id",
            "took": 0,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
        }

    def _clear_scroll(self, params: dict, body: Any) -> tuple[int, Any]:
        return 200, {"succeeded": True, "num_freed": 1}


# ------------------------------------------------------- tiny query model


def _values(doc: dict[str, Any], field_name: str) -> list[Any]:
    value = doc.get(field_name)
    return value if isinstance(value, list) else [] if value is None else [value]


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    """Filters are honoured; text queries (match, multi_match, mlt...) match
    everything, because the fake checks protocol, not relevance."""
    if not query:
        return True
    ((kind, spec),) = query.items()
    if kind == "bool":
        return (
            all(matches(doc, c) for c in spec.get("must", []) + spec.get("filter", []))
            and not any(matches(doc, c) for c in spec.get("must_not", []) if _is_filter(c))
            and (not spec.get("should") or any(matches(doc, c) for c in spec["should"]))
        )
    if kind == "ids":
        return doc.get("_id") in spec["values"]
    if kind == "term":
        ((name, value),) = spec.items()
        value = value["value"] if isinstance(value, dict) else value
        return value in _values(doc, name)
    if kind == "terms":
        ((name, values),) = spec.items()
        return any(v in values for v in _values(doc, name))
    if kind == "range":
        ((name, bounds),) = spec.items()
        value = doc.get(name)
        if value is None:
            return False
        return all(
            op not in bounds or cmp(value, bounds[op])
            for op, cmp in (
                ("gte", lambda a, b: a >= b),
                ("lte", lambda a, b: a <= b),
                ("gt", lambda a, b: a > b),
                ("lt", lambda a, b: a < b),
            )
        )
    return True


def _is_filter(query: dict[str, Any]) -> bool:
    return next(iter(query)) in ("ids", "term", "terms", "range", "bool")


def aggregate(aggs: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
    return {name: _aggregate_one(spec, docs) for name, spec in aggs.items()}


def _aggregate_one(spec: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
    sub = spec.get("aggs") or spec.get("aggregations") or {}
    if "filter" in spec:
        kept = [d for d in docs if matches(d, spec["filter"])]
        return {"doc_count": len(kept), **aggregate(sub, kept)}
    if "terms" in spec:
        terms = spec["terms"]
        counts: dict[str, int] = {}
        for doc in docs:
            for value in set(_values(doc, terms["field"])):
                if "include" not in terms or value in terms["include"]:
                    counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        size = terms.get("size", 10)
        return {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": sum(c for _, c in ordered[size:]),
            "buckets": [{"key": k, "doc_count": c} for k, c in ordered[:size]],
        }
    if "date_histogram" in spec:
        months: dict[str, int] = {}
        for doc in docs:
            if doc.get("published"):
                months[doc["published"][:7]] = months.get(doc["published"][:7], 0) + 1
        return {
            "buckets": [
                {
                    "key_as_string": m,
                    "doc_count": c,
                    "key": int(datetime.strptime(m, "%Y-%m").replace(tzinfo=UTC).timestamp() * 1000),
                }
                for m, c in sorted(months.items())
            ]
        }
    if "cardinality" in spec:
        return {"value": len({v for d in docs for v in _values(d, spec["cardinality"]["field"])})}
    for kind, pick in (("min", min), ("max", max)):
        if kind in spec:
            values = [v for d in docs for v in _values(d, spec[kind]["field"])]
            if not values:
                return {"value": None}
            chosen = pick(values)
            epoch = datetime.fromisoformat(chosen).replace(tzinfo=UTC).timestamp() * 1000
            return {"value": epoch, "value_as_string": chosen}
    raise HTTPError(400, "illegal_argument_exception", f"the fake node cannot compute {sorted(spec)}")


def assert_clean(node: FakeNode) -> None:
    """No request broke the specification and no fake response did either."""
    assert node.violations == []
    assert node.response_violations == []
