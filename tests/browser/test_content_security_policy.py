"""The portal's pages work under its own Content-Security-Policy: Chromium
enforces it and reports anything it blocks (an inline style or script, a
third-party resource) on the console."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _visit_collecting_violations(page, url: str) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    return [m for m in messages if "Content Security Policy" in m]


def test_no_page_breaks_the_policy(page, demo_portal):
    page.goto(demo_portal.url + "/?q=flood")
    article = page.locator(".hit h3 a").first.get_attribute("href")
    person = page.request.get(demo_portal.url + "/api/facets/person").json()["values"][0]["value"]
    place = page.request.get(demo_portal.url + "/api/facets/place").json()["values"][0]["value"]
    pages = ["/", "/?q=flood", article, "/compare?q=flood+barrier", "/quotes?speaker=x", "/help", "/stories"]
    pages += ["/facets/person", f"/people/{person}", f"/places/{place}", "/no-such-page-here"]
    for path in pages:
        expected_error = path == "/no-such-page-here"
        if expected_error:
            response = page.goto(demo_portal.url + path)
            assert response is not None and response.status == 404
            continue
        assert _visit_collecting_violations(page, demo_portal.url + path) == [], path


def test_timeline_bars_keep_their_lengths_without_inline_styles(page, demo_portal):
    page.goto(demo_portal.url + "/")
    bars = page.locator(".timeline li")
    assert bars.count() >= 2
    counts = [int(t) for t in page.locator(".timeline .count").all_inner_texts()]
    rects = [bars.nth(i).locator(".bar rect") for i in range(bars.count())]
    widths = [r.bounding_box()["width"] if r.count() else 0.0 for r in rects]
    assert page.locator("[style]").count() == 0
    # The longest bar is the busiest period's, and a period with half as many articles has a bar about half as long.
    busiest = counts.index(max(counts))
    assert widths[busiest] == max(widths)
    for count, width in zip(counts, widths, strict=True):
        assert width == pytest.approx(widths[busiest] * count / max(counts), rel=0.1, abs=2)
