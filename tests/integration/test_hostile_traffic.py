"""The portal under hostile traffic: whatever arrives in a URL (path or
query string, on any route) is answered without a 5xx; errors are
`{"error": ...}` with a 4xx under /api/ and for .json URLs, an error page
elsewhere; every response carries the security headers; article text and
request values never reach a page unescaped.

The portal is the real Flask app on a loopback port, over a real index of
the fictional demo corpus plus one article made of markup."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO_ROOT, LiveServer, run_cli

from store import QuerySyntaxError
from store.query import parse_query

pytestmark = pytest.mark.slow

PROBE = "<x-probe onload=alert(1)>"
HOSTILE_ARTICLE = {
    "id": "hostile-1",
    "outlet": "<b>Bold Outlet</b>",
    "url": "https://hostile.example/story?<script>",
    "published": "2024-02-02",
    "authors": ["<img src=x onerror=alert(1)>"],
    "title": "Harbour <script>alert('title')</script> vote",
    "text": (
        "The harbour <script>alert('body')</script> vote in Lisbon passed on Friday. "
        '"<img src=x onerror=alert(2)> We are ready," said union leader Marta <i>Sousa</i>. '
        "Talks resume </textarea><svg onload=alert(3)> next week."
    ),
}
RAW_MARKUP = ("<script>alert", "<img src=x", "<svg onload", "<x-probe", "<b>Bold", "<i>Sousa")
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")
# Every query-string argument some page or API reads, and some it does not.
PARAMETERS = [
    "q",
    "outlet",
    "person",
    "place",
    "from",
    "to",
    "sort",
    "page",
    "size",
    "story",
    "id",
    "n",
    "speaker",
    "format",
    "callback",
]
AWKWARD_VALUES = [
    PROBE,
    '"unclosed',
    "OR",
    "-",
    "a OR",
    "OR OR",
    '-"x" OR y',
    "0",
    "-1",
    "99999999999999999999999",
    "1e3",
    "NaN",
    "2024-02-30",
    "0000-01-01",
    "9999-12-31",
    "2024-13-01",
    "../../etc/passwd",
    "%00",
    "\x00",
    "\ufeff",
    "*:*",
    "title:(",
    "[",
    "\\",
    "\u202e",
    "x" * 3000,
]
values = st.one_of(
    st.sampled_from(AWKWARD_VALUES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
parameters = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8)), values), max_size=6
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from portal import create_app

    folder = tmp_path_factory.mktemp("hostile-inputs")
    (folder / "hostile.jsonl").write_text(json.dumps(HOSTILE_ARTICLE) + "\n", encoding="utf-8")
    data = tmp_path_factory.mktemp("hostile-data")
    demo = REPO_ROOT / "parallax" / "demo_corpus"
    result = run_cli("index", str(demo), str(folder), data_dir=data)
    assert result.returncode == 0, result.stdout + result.stderr
    app = create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})
    with LiveServer(app) as live:
        live.routes = sorted(  # type: ignore[attr-defined]
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.endpoint != "static"
        )
        yield live


def fetch(server, path: str) -> tuple[int, str, str, dict[str, str]]:
    """(status, content type, body, headers) of a GET over HTTP."""
    try:
        with urllib.request.urlopen(server.url + path, timeout=60) as response:
            return (
                response.status,
                response.headers.get_content_type(),
                response.read().decode(),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode(), dict(error.headers)


def wants_json(path: str) -> bool:
    route = urllib.parse.urlsplit(path).path
    return route.startswith("/api/") or route.endswith(".json")


def check_answer(path: str, status: int, kind: str, body: str, headers: dict[str, str]) -> None:
    assert status < 500, (path, status, body[:500])
    for name in SECURITY_HEADERS:
        assert name in headers, (path, name)
    if status >= 400:
        if wants_json(path):
            assert kind == "application/json", (path, kind)
            assert isinstance(json.loads(body).get("error"), str), (path, body[:300])
        else:
            assert kind == "text/html" and "error-message" in body, (path, kind, body[:300])
    if kind == "text/html":
        for markup in RAW_MARKUP:
            assert markup not in body, (path, markup)


def _fill(rule: str, segment: str) -> str:
    return re.sub(r"<[^>]+>", urllib.parse.quote(segment, safe=""), rule)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_url_on_any_route_gets_a_4xx_at_worst(server, data):
    rule = data.draw(st.sampled_from(server.routes), label="route")
    segment = data.draw(st.one_of(st.sampled_from(["hostile-1", *AWKWARD_VALUES]), values), label="path segment")
    query = urllib.parse.urlencode(data.draw(parameters, label="query"))
    path = _fill(rule, segment or "x") + (f"?{query}" if query else "")
    check_answer(path, *fetch(server, path))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.sampled_from(AWKWARD_VALUES), st.text(max_size=80)))
def test_query_parser_reads_anything_or_says_why(text):
    try:
        parsed = parse_query(text)
    except QuerySyntaxError as exc:
        assert str(exc)
    else:
        assert all(term.text.strip() for term in parsed.positive_terms())


@settings(max_examples=120, deadline=None)
@given(text=st.one_of(st.sampled_from(AWKWARD_VALUES), st.text(max_size=40)))
def test_any_query_text_searches_or_gets_a_message(server, text):
    path = "/api/search?" + urllib.parse.urlencode({"q": text})
    status, kind, body, headers = fetch(server, path)
    check_answer(path, status, kind, body, headers)
    assert status in (200, 400), (text, status)


def test_every_route_sends_the_security_headers(server):
    paths = ["/", "/static/parallax.css", "/api/search?q=harbour", "/search.csv?q=harbour", "/nope", "/api/nope"]
    paths += [_fill(rule, "hostile-1") for rule in server.routes]
    for path in paths:
        status, _, _, headers = fetch(server, path)
        assert status < 500
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_article_text_stays_escaped_on_every_page_that_shows_it(server):
    pages = [
        "/articles/hostile-1",
        "/?q=harbour+vote",
        "/?outlet=%3Cb%3EBold+Outlet%3C%2Fb%3E",
        "/compare?id=hostile-1",
        "/compare?q=harbour",
        "/quotes?speaker=Marta+Sousa",
        f"/?q={urllib.parse.quote(PROBE)}",
    ]
    for path in pages:
        status, kind, body, headers = fetch(server, path)
        check_answer(path, status, kind, body, headers)
    status, _, body, _ = fetch(server, "/articles/hostile-1")
    assert status == 200
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in body  # shown as text, not run
    assert "&lt;b&gt;Bold Outlet&lt;/b&gt;" in body


@pytest.mark.parametrize(
    "path",
    [
        "/?from=9999-12-31",  # found by the property test: beyond the embedded engine's dates, was a 500
        "/api/search?to=0001-01-01",
        "/search.json?from=1677-01-01",
        "/compare?q=harbour&from=9999-12-31",
        "/articles/%00",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/search?q=%22%22%22",
        "/search.csv?size=0",
    ],
)
def test_urls_that_once_broke_something_get_a_4xx_or_an_answer(server, path):
    status, kind, body, headers = fetch(server, path)
    check_answer(path, status, kind, body, headers)
