"""The story page's related coverage: the other events of its thread,
rendered by the real portal over a real embedded index (the ids are set
directly, so this tests the page, not the grouping)."""

from __future__ import annotations

from compare_builders import make_article

FLOOD = "A flood barrier failed in Riverton on Tuesday and 340 residents were evacuated as the river rose."
INQUIRY = "Riverton opened an inquiry on Wednesday into the failed flood barrier; inspectors found corroded bolts."


def test_story_page_lists_the_other_events_of_its_thread(tmp_path):
    from portal import create_app
    from store import Settings, open_store

    settings = Settings(backend="embedded", data_dir=tmp_path)
    store = open_store(settings)
    store.index(
        [
            make_article("a1", "Civic Wire", FLOOD, published="2025-03-04", title="Riverton barrier fails"),
            make_article("a2", "Daily Post", FLOOD, published="2025-03-04", title="Barrier gives way"),
            make_article("b1", "Civic Wire", INQUIRY, published="2025-03-05", title="Inquiry into the barrier"),
            make_article("b2", "Gazette", INQUIRY, published="2025-03-05", title="Corroded bolts found"),
        ]
    )
    store.set_stories(
        {"a1": "s-flood", "a2": "s-flood", "b1": "s-inquiry", "b2": "s-inquiry"},
        dict.fromkeys(("a1", "a2", "b1", "b2"), "t-riverton"),
    )
    store.close()
    client = create_app(settings).test_client()
    page = client.get("/stories/s-flood").get_data(as_text=True)
    assert "Related coverage" in page and "/stories/s-inquiry" in page
    body = client.get("/api/stories/s-flood").get_json()
    assert body["thread"] == "t-riverton"
    assert [r["story"] for r in body["related"]] == ["s-inquiry"]
    assert client.get(body["related"][0]["url"]).status_code == 200
