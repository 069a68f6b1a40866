"""The comparison view in a real browser, with JavaScript off (it must not
need it), from a search hit to its story to the side-by-side comparison,
and in print layout."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_from_search_to_story_to_comparison_without_javascript(no_js_page, demo_portal, screenshot_dir):
    page = no_js_page
    page.goto(demo_portal.url + "/?q=flood+barrier")
    page.locator(".hit .meta a", has_text="story").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    story_outlets = page.locator("ul.outlets li").count()
    # The demo's flood is told over two days by four outlets: one event
    # (the barrier's failure and the next day's follow-ups share places,
    # numbers and quotations), so the next day's Copperline piece is in it.
    # A thread's other events as related coverage: tests/compare/test_story_related.py.
    assert page.locator("body").inner_text().count("Copperline Daily") >= 1
    page.get_by_text("Compare the outlets side by side").click()
    page.wait_for_url(re.compile(r"/compare\?"))
    outlets = page.locator("#framing thead th.outlet").all_inner_texts()
    assert len(outlets) == story_outlets >= 2 and len(set(outlets)) == len(outlets)  # one column per outlet
    assert page.locator("#passages tbody tr").count() >= 3  # facts several outlets share
    assert page.locator("#quotes .quote-group").count() >= 1  # a quotation used by several outlets
    assert page.get_by_text("only here", exact=False).count() >= 1  # passages one outlet alone has
    page.screenshot(path=str(screenshot_dir / "compare.png"))
    # The permalink reproduces the same comparison.
    permalink = page.get_by_role("link", name="Permalink").get_attribute("href")
    page.goto(demo_portal.url + permalink)
    assert page.locator("#framing thead th.outlet").all_inner_texts() == outlets


def test_comparison_prints_without_the_site_chrome(no_js_page, demo_portal):
    page = no_js_page
    page.goto(demo_portal.url + "/compare?q=wildfire+evacuation")
    assert page.locator("#framing thead th.outlet").count() >= 3
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator("#passages").is_visible()
