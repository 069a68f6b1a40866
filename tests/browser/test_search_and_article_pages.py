"""What a user does in a browser: search, narrow by facet, read an article."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_empty_query_browses_everything(page, demo_portal):
    page.goto(demo_portal.url + "/")
    total = page.locator(".total strong").inner_text()
    assert int(total.replace(",", "")) >= 12
    assert page.locator("#facet-outlet li").count() >= 4


def test_search_then_toggle_an_outlet_facet(page, demo_portal, screenshot_dir):
    page.goto(demo_portal.url + "/")
    page.fill("#header-q", "flood barrier")
    page.press("#header-q", "Enter")
    page.wait_for_url(re.compile(r"q=flood\+barrier"))
    hits = page.locator(".hit")
    assert hits.count() >= 3
    assert page.locator(".hit .snippet mark").count() >= 1
    page.screenshot(path=str(screenshot_dir / "search.png"), full_page=True)

    facet = page.locator("#facet-outlet a").first
    outlet = facet.get_attribute("data-value")
    facet.click()
    page.wait_for_url(re.compile(r"outlet="))
    assert page.locator("#facet-outlet a[aria-pressed=true]").get_attribute("data-value") == outlet
    outlets = {o.strip() for o in page.locator(".hit .outlet").all_inner_texts()}
    assert outlets == {outlet}
    # Toggling it again removes the filter: the state is all in the URL.
    page.locator("#facet-outlet a[aria-pressed=true]").click()
    page.wait_for_load_state()
    assert "outlet=" not in page.url


def test_article_page_marks_entities_and_quotes(page, demo_portal, screenshot_dir):
    page.goto(demo_portal.url + "/?q=evacuation")
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("article .article-body")
    assert page.locator(".article-body mark.ent-PERSON").count() >= 1
    assert page.locator(".article-body mark.ent-GPE, .article-body mark.ent-LOC").count() >= 1
    assert page.locator(".article-body q.quote").count() >= 1
    assert page.locator("#quotes li").count() >= 1
    page.screenshot(path=str(screenshot_dir / "article.png"), full_page=True)
    # A person in the side panel leads to a search filtered on that person.
    page.locator("#entities-person a").first.click()
    page.wait_for_url(re.compile(r"person="))
    assert page.locator(".hit").count() >= 1


def test_a_broken_query_shows_a_message_not_a_crash(page, demo_portal):
    response = page.goto(demo_portal.url + '/?q="unclosed')
    assert response.status == 400
    assert "closing quotation mark" in page.locator(".error-message").inner_text()
