"""What a reader of a very broad search sees: facet counts estimated from a
share of the matches are marked "≈" and rounded to their standard error,
with a link that counts them exactly; a narrower search shows exact counts
unmarked. Invented articles, a real tantivy index, the real portal over
HTTP, the sampling threshold lowered so 3,000 articles cross it."""

from __future__ import annotations

import html
import re

import pytest
from support import LiveServer, skewed_news_corpus

import store.embedded as embedded
from portal.filters import rounded_estimate
from store.embedded import EmbeddedStore

COUNT = re.compile(r'<span class="count( estimated)?"[^>]*>([^<]*)</span>')


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    from portal import create_app

    data = tmp_path_factory.mktemp("sampled-portal")
    store = EmbeddedStore(data)
    store.index(skewed_news_corpus())
    store.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedded, "SAMPLE_ABOVE", 1_000)
        patch.setattr(embedded, "SAMPLE_COUNTED", 400)
        with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
            yield server


def facet_counts(page: str) -> list[tuple[bool, str]]:
    """(estimated?, text) of each facet count on a search page (not the timeline's)."""
    aside = page[page.index('<section class="facet"') : page.index("</aside>")]
    return [(bool(marked), html.unescape(text)) for marked, text in COUNT.findall(aside)]


def test_a_broad_search_marks_its_estimates_and_links_to_exact_counts(portal):
    status, page = portal.get("/?q=news")
    assert status == 200
    counts = facet_counts(page)
    assert counts and all(marked and text.startswith("≈ ") for marked, text in counts)
    assert "estimated from a random sample" in page
    link = re.search(r'href="([^"]*facet_counts=exact[^"]*)">Count exactly', page)
    assert link is not None

    status, exact_page = portal.get(html.unescape(link.group(1)))
    assert status == 200
    exact = facet_counts(exact_page)
    assert exact and not any(marked for marked, _ in exact)
    assert "Count exactly" not in exact_page
    status, api = portal.get("/api/search?q=news&facet_counts=exact")
    assert api["facets_sampled"] is None
    assert [text for _, text in exact[:3]] == [str(v["count"]) for v in api["facets"]["outlet"][:3]]


def test_the_api_says_what_was_sampled(portal):
    status, body = portal.get("/api/search?q=news")
    assert status == 200
    assert body["total"] == 3_000
    assert set(body["facets_sampled"]) == {"outlet", "person", "place", "org"}
    assert {how["share"] for how in body["facets_sampled"].values()} == {0.25}
    status, narrow = portal.get("/api/search?q=harbour")
    assert status == 200 and narrow["facets_sampled"] is None
    _, page = portal.get("/?q=harbour")
    assert not any(marked for marked, _ in facet_counts(page)) and "Count exactly" not in page


def test_an_unknown_counting_mode_is_a_clear_error(portal):
    status, body = portal.get("/api/search?q=news&facet_counts=roughly")
    assert status == 400
    assert "facet_counts" in body["error"] and "exact" in body["error"]


@pytest.mark.parametrize(
    ("count", "share", "shown"),
    [(123_456, 1 / 32, "≈ 123,000"), (96, 1 / 4, "≈ 100"), (8, 1 / 2, "≈ 8"), (40_000, 1 / 2, "≈ 40,000")],
)
def test_estimates_are_rounded_to_their_standard_error(count, share, shown):
    assert rounded_estimate(count, share) == shown
