"""Acceptance on the seeds: a real embedded index built by the real
indexer in tmp_path, the real portal through Flask's test client."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.shared_corpus]


@pytest.fixture(scope="module")
def seeds_app(tmp_path_factory):
    from support import require_shared

    seeds = require_shared("corpus", "seeds")
    from indexer.pipeline import index_paths
    from portal import create_app
    from store import Settings, open_store

    data = tmp_path_factory.mktemp("compare-seeds")
    settings = Settings(backend="embedded", data_dir=data)
    store = open_store(settings)
    summary = index_paths([seeds], store, workers=1, progress=False)
    assert summary.indexed == 3
    by_file = {re.search(r"(\d{3})_", a.source or "").group(1): a for a in store.scan()}
    store.close()
    app = create_app(settings)
    return app, by_file


def _ids(by_file):
    return [by_file[k].id for k in ("000", "001", "002")]


def test_api_compare_of_the_three_seeds(seeds_app):
    app, by_file = seeds_app
    ids = _ids(by_file)
    response = app.test_client().get("/api/compare?" + "&".join(f"id={i}" for i in ids))
    assert response.status_code == 200
    body = response.get_json()
    assert [a["id"] for a in body["articles"]] == ids
    col = {k: n for n, k in enumerate(("000", "001", "002"))}
    # The Prosecutor General's Office quote is shown as shared by 000 and 001.
    shared = [g for g in body["quotes"]["groups"] if g["shared"]]
    pgo = [g for g in shared if "tortured unarmed civilians" in g["members"][0]["text"]]
    assert len(pgo) == 1 and {m["column"] for m in pgo[0]["members"]} == {col["000"], col["001"]}
    # Speaker x outlet: Zelensky only in The Independent (001), Polukhin and Sullivan only in 000.
    speakers = {row["speaker"]: row["counts"] for row in body["quotes"]["speakers"]}

    def quoted_in(fragment):
        rows = [c for s, c in speakers.items() if fragment in s]
        assert rows, f"{fragment} is not in the speaker matrix: {sorted(speakers)}"
        return {n for n, count in enumerate(rows[0]) if count}

    assert quoted_in("Zelensky") == {col["001"]}
    assert quoted_in("Polukhin") == {col["000"]}
    assert quoted_in("Sullivan") == {col["000"]}
    # Each article has passages of its own, and the shared passages span outlets.
    assert all(n > 0 for n in body["passages"]["own_counts"])
    assert any({m["column"] for m in g["members"]} == {col["000"], col["001"]} for g in body["passages"]["groups"])
    assert body["selection"]["permalink"].startswith("/compare?id=")


def test_html_compare_marks_own_passages_per_column_and_escapes(seeds_app):
    app, by_file = seeds_app
    response = app.test_client().get("/compare?" + "&".join(f"id={i}" for i in _ids(by_file)))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    columns = html.split('<article class="text-col">')[1:]
    assert len(columns) == 3
    assert all('class="sent own"' in c and "only here" in c for c in columns)
    assert 'class="sent shared"' in columns[0] and 'class="sent shared"' in columns[1]
    assert "Stanislav Polukhin" in html and "compare.css" in html
    assert "<script" not in html  # works without JavaScript


def test_best_match_per_outlet_and_story_pages(seeds_app):
    app, _ = seeds_app
    client = app.test_client()
    body = client.get("/api/compare?q=Bucha&n=3").get_json()
    assert len({a["outlet"] for a in body["articles"]}) == 3
    assert body["selection"]["mode"] == "q"
    stories = {a["story"] for a in body["articles"] if a["story"]}
    for story in stories:
        summary = client.get(f"/api/stories/{story}").get_json()
        assert summary["size"] >= 2 and summary["first_published"] <= summary["last_published"]
        assert client.get(f"/stories/{story}").status_code == 200


@pytest.mark.parametrize(
    "query, status",
    [
        ("", 400),
        ("id=only-one", 400),
        ("id=nope-1&id=nope-2", 404),
        ("q=%22unclosed", 400),
        ("q=zzzzqqqq", 404),
        ("story=nope", 404),
        ("q=Bucha&n=1", 400),
        ("q=Bucha&story=x", 400),
    ],
)
def test_bad_requests_get_clear_errors_not_500(seeds_app, query, status):
    app, _ = seeds_app
    client = app.test_client()
    api = client.get(f"/api/compare?{query}")
    assert api.status_code == status and api.get_json()["error"]
    page = client.get(f"/compare?{query}")
    assert page.status_code == (200 if not query else status)
    assert client.get("/api/stories/nope").status_code == 404


def test_grouping_through_the_store_is_stable(seeds_app, tmp_path):
    from indexer.stories import group_stories

    app, _ = seeds_app
    store = app.extensions["parallax.store"]
    first = group_stories(store)
    again = group_stories(store)
    assert again["changed"] == 0
    assert again["stories"] == first["stories"]
    assert sum(k * v for k, v in again["size_distribution"].items()) == 3


def test_shared_quotation_has_one_speaker_row_and_names_align_across_wording(seeds_app):
    app, by_file = seeds_app
    body = app.test_client().get("/api/compare?" + "&".join(f"id={i}" for i in _ids(by_file))).get_json()
    pgo = [g for g in body["quotes"]["groups"] if g["shared"] and "tortured unarmed" in g["members"][0]["text"]][0]
    speakers = {m["speaker"] for m in pgo["members"]}
    written = {m["speaker_written"] for m in pgo["members"]}
    assert len(speakers) == 1 and len(written) == 2  # outlets name it differently; one speaker is shown
    (speaker,) = speakers
    assert "Prosecutor General" in speaker  # the named speaker wins over a description
    rows = [r for r in body["quotes"]["speakers"] if sum(1 for c in r["counts"] if c) and r["speaker"] == speaker]
    assert len(rows) == 1 and sum(1 for c in rows[0]["counts"] if c) == 2
    assert not any(r["speaker"].lower().startswith("the department") for r in body["quotes"]["speakers"])
    # "The Kremlin has denied ..." and "Russia has denied ..." are one fact.
    kremlin = [
        g
        for g in body["passages"]["groups"]
        if any("Kremlin" in m["text"] for m in g["members"]) and any("Russia" in m["text"] for m in g["members"])
    ]
    assert kremlin, [[m["text"][:60] for m in g["members"]] for g in body["passages"]["groups"]]


def test_story_page_shows_its_thread_and_related_coverage(seeds_app):
    app, by_file = seeds_app
    client = app.test_client()
    story = next(a.story for a in by_file.values() if a.story)
    body = client.get(f"/api/stories/{story}").get_json()
    assert "thread" in body and isinstance(body["related"], list)
    assert body["thread"] == next(a.thread for a in by_file.values() if a.story == story)
    for entry in body["related"]:
        assert entry["story"] != story and client.get(entry["url"]).status_code == 200
