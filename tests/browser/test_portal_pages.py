"""Issue 14 in a real browser (Chromium, JavaScript off where the page must
work without it): a facet's "more…" listing and its filter box, an entity
page, an export downloaded from the results, and the 390 px phone layout.
Screenshots go to the screenshot folder (PARALLAX_SCREENSHOTS) as artefacts."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_facet_more_and_filter_box_without_javascript(no_js_page, demo_portal, screenshot_dir):
    page = no_js_page
    page.goto(demo_portal.url + "/")
    shown = page.locator("#facet-person li").count()
    page.locator("#facet-person .facet-more a").click()
    page.wait_for_url(re.compile(r"/facets/person"))
    total = int(page.locator(".facet-page .total strong").inner_text().replace(",", ""))
    assert total > shown and page.locator(".facet-values li").count() == min(total, 20)
    page.screenshot(path=str(screenshot_dir / "facet-more.png"), full_page=True)

    # The filter box: part of a name, typed without its accents.
    first = page.locator(".facet-values li a[data-value]").first.get_attribute("data-value")
    part = folded(first.split()[-1])[:4].upper()
    page.fill("#contains", part)
    page.press("#contains", "Enter")
    page.wait_for_url(re.compile(r"contains="))
    values = page.locator(".facet-values li a[data-value]")
    names = [values.nth(i).get_attribute("data-value") for i in range(values.count())]
    assert first in names and all(part.lower() in folded(n) for n in names)
    page.screenshot(path=str(screenshot_dir / "facet-filter.png"), full_page=True)

    # Choosing a value filters the search by it.
    page.locator(f'.facet-values li a[data-value="{first}"]').click()
    page.wait_for_url(re.compile(r"person="))
    assert page.locator("#facet-person a[aria-pressed=true]").get_attribute("data-value") == first


def test_search_page_filter_box_finds_a_place(no_js_page, demo_portal):
    page = no_js_page
    page.goto(demo_portal.url + "/?q=flood")
    page.fill("#contains-place", "krakow")
    page.press("#contains-place", "Enter")
    page.wait_for_url(re.compile(r"/facets/place\?.*contains=krakow"))
    assert page.locator(".facet-values li a[data-value]").first.get_attribute("data-value") == "Kraków"
    assert "flood" in page.url  # the listing keeps the search


def test_entity_page_from_a_facet_listing(page, demo_portal, screenshot_dir):
    page.goto(demo_portal.url + "/facets/person")
    name = page.locator(".facet-values li a[data-value]").first.get_attribute("data-value")
    page.locator(".facet-values li .entity-link").first.click()
    page.wait_for_url(re.compile(r"/people/"))
    assert page.locator("h1").inner_text() == name
    articles = page.locator(".entity-articles .hit").count()
    assert articles >= 1
    assert int(page.locator(".entity-actions strong").inner_text()) == articles
    assert page.locator(".outlet-months tbody tr").count() >= 1
    assert page.locator(".entity-side section").count() >= 2
    page.screenshot(path=str(screenshot_dir / "person-page.png"), full_page=True)
    page.locator(".entity-side a").first.click()  # a related entity's page
    page.wait_for_load_state()
    assert re.search(r"/(people|places|organisations|outlets)/", page.url)


def test_csv_export_of_every_match(page, demo_portal):
    page.goto(demo_portal.url + "/?q=flood")
    total = int(page.locator(".total strong").inner_text().replace(",", ""))
    with page.expect_download() as download_info:
        page.locator("a.export-csv").click()
    download = download_info.value
    assert download.suggested_filename == "search.csv"
    with open(download.path(), encoding="utf-8") as exported:
        rows = list(csv.DictReader(io.StringIO(exported.read())))
    assert len(rows) == total
    assert all(r["snippet"] and "<mark>" not in r["snippet"] for r in rows)
    assert any(r["places"] for r in rows)


def test_phone_layout_at_390px(phone, demo_portal, screenshot_dir):
    phone.goto(demo_portal.url + "/?q=flood")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    first_hit = phone.locator(".hit").first.bounding_box()
    assert first_hit["y"] < 400, "results should start near the top, before the filters"
    header = phone.locator(".site-header").bounding_box()
    assert header["width"] <= 390
    phone.screenshot(path=str(screenshot_dir / "phone-search.png"), full_page=True)
    phone.goto(demo_portal.url + "/places/krakow")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(screenshot_dir / "phone-place.png"), full_page=True)


def test_skip_link_and_visible_focus(page, demo_portal):
    page.goto(demo_portal.url + "/?q=flood")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_compare_tick_boxes_are_labelled_and_the_button_comes_first(page, demo_portal):
    page.goto(demo_portal.url + "/?q=flood")
    button = page.locator(".compare-picked button").bounding_box()
    first_hit = page.locator(".hit").first.bounding_box()
    assert button["y"] < first_hit["y"]
    assert page.get_by_label("compare").count() == page.locator(".hit").count()


def test_date_histogram_is_drawn_to_scale_with_empty_periods(page, demo_portal):
    page.goto(demo_portal.url + "/")
    bars = page.locator(".timeline li")
    counts = [int(t) for t in page.locator(".timeline .count").all_inner_texts()]
    widths = [b["width"] for b in (bars.nth(i).locator(".bar").bounding_box() for i in range(bars.count()))]
    track = bars.first.locator(".bar-track").bounding_box()["width"]
    assert 0 in counts  # months without an article are shown, not skipped
    peak = max(counts)
    for count, width in zip(counts, widths, strict=True):
        assert abs(width - track * count / peak) <= 2, (count, width, track)
    labels = page.locator(".timeline .bar-label")
    heights = {round(labels.nth(i).bounding_box()["height"]) for i in range(labels.count())}
    assert len(heights) == 1  # no label wraps onto a second line


def test_prefix_search_from_the_box_finds_every_krakow_article(page, demo_portal):
    page.goto(demo_portal.url + "/?place=Krak%C3%B3w")
    naming = int(page.locator(".total strong").inner_text())
    page.fill("#header-q", "krak*")
    page.press("#header-q", "Enter")
    page.wait_for_url(re.compile(r"q=krak"))
    assert int(page.locator(".total strong").inner_text()) == naming >= 2
    # One of them writes "Cracow": the prefix reaches the stored name too.
    assert any("Cracow" in t for t in page.locator(".hit").all_inner_texts())
