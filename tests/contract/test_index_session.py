"""Writing prepared articles through a session (what `parallax index` does)
stores exactly what `Store.index` stores, on every backend."""

from __future__ import annotations

from test_store_contract import corpus

from store.records import SearchRequest


def test_a_session_stores_what_index_stores(store, tmp_path):
    articles = corpus()
    with store.session() as session:
        for article in articles:
            session.add(article.id, store.prepare(article))
        report = session.commit()
    assert sorted(report.indexed) == sorted(a.id for a in articles) and report.failed == {}
    for article in articles:
        assert store.get(article.id).to_dict() == article.to_dict()
    assert store.search(SearchRequest(q="genocide", filters={"person": ["Volodymyr Zelensky"]})).total == 1


def test_an_article_added_twice_is_stored_once(store):
    first, *_ = corpus()
    with store.session() as session:
        session.add(first.id, store.prepare(first))
        session.commit()
        first.title = "Bucha: the second version"
        session.add(first.id, store.prepare(first))
        session.add(first.id, store.prepare(first))
        report = session.commit()
    assert report.indexed == [first.id]
    assert store.stats()["articles"] == 1
    assert store.get(first.id).title == "Bucha: the second version"


def test_what_was_added_after_the_last_commit_is_not_stored(store):
    first, second, *_ = corpus()
    with store.session() as session:
        session.add(first.id, store.prepare(first))
        session.commit()
        session.add(second.id, store.prepare(second))
    assert store.get(first.id) is not None
    assert store.get(second.id) is None
