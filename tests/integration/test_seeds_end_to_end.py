"""Issue 2's acceptance on the seed articles: `parallax index` through the
real CLI into a real tantivy index, then the real portal over HTTP."""

from __future__ import annotations

import pytest
from support import LiveServer, run_cli

pytestmark = [pytest.mark.shared_corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory, seeds_dir):
    data = tmp_path_factory.mktemp("seeds-data")
    result = run_cli("index", str(seeds_dir), data_dir=data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "indexed 3" in result.stdout
    # The three seeds report one event: the summary counts it in the singular.
    assert "stories: 1 event of two or more articles in 1 thread\n" in result.stdout, result.stdout
    return data


@pytest.fixture(scope="module")
def portal(seeds_index):
    from portal import create_app

    with LiveServer(create_app({"PARALLAX_DATA": str(seeds_index), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


def _values(facet):
    return {v["value"]: v["count"] for v in facet}


def test_search_bucha_finds_all_three_with_facets(portal):
    status, body = portal.get("/api/search?q=Bucha")
    assert status == 200
    assert body["total"] == 3
    outlets = _values(body["facets"]["outlet"])
    assert {"The Independent", "Metro"} <= set(outlets)
    assert "Volodymyr Zelensky" in _values(body["facets"]["person"])
    assert "Bucha" in _values(body["facets"]["place"])
    # Since issue 14: `snippet` is plain text, `snippet_html` carries the <mark>s.
    assert all("<mark>" in hit["snippet_html"] for hit in body["hits"])
    assert all("<" not in hit["snippet"] and "&#39;" not in hit["snippet"] for hit in body["hits"])
    assert {"id", "title", "outlet", "published", "url", "snippet", "snippet_html", "highlights"} <= set(
        body["hits"][0]
    )


def test_facet_counts_ignore_their_own_filter(portal):
    _, everything = portal.get("/api/search?q=Bucha")
    _, filtered = portal.get("/api/search?q=Bucha&outlet=Metro")
    assert filtered["total"] == 1
    # The outlet facet still offers the other outlets with their counts...
    assert _values(filtered["facets"]["outlet"]) == _values(everything["facets"]["outlet"])
    assert [v["value"] for v in filtered["facets"]["outlet"] if v["selected"]] == ["Metro"]
    # ...while the person facet counts only within Metro's article.
    assert "Volodymyr Zelensky" not in _values(filtered["facets"]["person"])


def test_each_article_has_entities_quotes_and_inferred_metadata(portal):
    _, body = portal.get("/api/search?size=10")
    assert body["total"] == 3
    by_outlet = {}
    for hit in body["hits"]:
        status, article = portal.get(f"/api/articles/{hit['id']}")
        assert status == 200
        assert article["entities"] and article["quotes"], article["id"]
        text = article["text"]
        for entity in article["entities"]:
            assert text[entity["start"] : entity["end"]] == entity["text"]
        for quote in article["quotes"]:
            assert text[quote["start"] : quote["end"]] == quote["text"]
        assert article["title_derived"] is True  # the seeds have no titles
        by_outlet[article["outlet"]] = article
    assert by_outlet["The Independent"]["published"] == "2022-04-05"
    assert not by_outlet["The Independent"]["text"].lstrip().startswith("date")
    metro = by_outlet["Metro"]
    assert any("@metro.co.uk" in line for line in metro["boilerplate"])
    assert "For more stories like this" not in metro["text"]
    assert "Unknown" in by_outlet  # 000 names no outlet anywhere


def test_footer_is_not_searchable(portal):
    _, body = portal.get("/api/search?q=%22more+stories+like+this%22")
    assert body["total"] == 0


def test_indexing_again_changes_nothing(seeds_index, seeds_dir, portal):
    _, before = portal.get("/api/search?size=10")
    articles_before = [portal.get(f"/api/articles/{h['id']}")[1] for h in before["hits"]]
    result = run_cli("index", str(seeds_dir), data_dir=seeds_index)
    assert result.returncode == 0, result.stderr
    _, after = portal.get("/api/search?size=10")
    assert after["total"] == 3
    articles_after = [portal.get(f"/api/articles/{h['id']}")[1] for h in after["hits"]]
    assert sorted(articles_after, key=lambda a: a["id"]) == sorted(articles_before, key=lambda a: a["id"])


def test_html_pages_render(portal):
    status, html = portal.get("/?q=Bucha&person=Volodymyr+Zelensky")
    assert status == 200 and "The Independent" in html and 'aria-pressed="true"' in html
    _, body = portal.get("/api/search?q=Zelensky")
    status, html = portal.get(f"/articles/{body['hits'][0]['id']}")
    assert status == 200 and 'class="ent ent-PERSON"' in html and '<q class="quote"' in html


def test_quotes_by_a_speaker_that_mention_words(portal):
    status, body = portal.get("/api/quotes?speaker=Volodymyr+Zelensky&q=genocide")
    assert status == 200
    assert len(body["quotes"]) == 1 and "genocide" in body["quotes"][0]["text"]
    # The words must be in that speaker's quote, not just in the article.
    _, other = portal.get("/api/quotes?speaker=Volodymyr+Zelensky&q=Reuters")
    assert other["quotes"] == []
    status, body = portal.get("/api/quotes?q=genocide")
    assert status == 400 and "speaker" in body["error"]


def test_quotes_page_lists_a_speakers_quotes_with_links_to_them(portal):
    status, html = portal.get("/quotes?speaker=Volodymyr+Zelensky")
    assert status == 200
    assert html.count("<blockquote>") == 4 and "The Independent" in html
    status, body = portal.get("/quotes.json?speaker=Volodymyr+Zelensky&q=genocide")
    assert [q["text"] for q in body["quotes"]] == [
        "These are war crimes and will be recognised by the world as genocide"
    ]
    article_id, start = body["quotes"][0]["article"], body["quotes"][0]["start"]
    _, article_html = portal.get(f"/articles/{article_id}")
    assert f'id="quote-{start}"' in article_html
    assert portal.get("/quotes")[0] == 400
