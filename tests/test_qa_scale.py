"""Q&A retrieval at scale: the scope is applied inside the indexes (keyword and CJK keys by
topic and day, vector files by month), and what a scope finds is exactly what a full
scan filtered by that scope finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import sqlite_utils

from bot.qa import vectors
from bot.qa.index import index_new_articles
from bot.qa.retrieve import MIN_COVERAGE, coverage, expand, retrieve
from bot.qa.terms import fts_query, query_terms
from bot.qa.vectors import VectorIndex, index_for
from storage import migrations, open_database
from storage import passages as store
from storage.passages import Scope

MODEL = "mistral-embed"
DAY = datetime(2026, 11, 20, tzinfo=UTC)
TAIPEI = timezone(timedelta(hours=8))
KOLKATA = timezone(timedelta(hours=5, minutes=30))


def _article(db: sqlite_utils.Database, topic: str, n: int, published: datetime, text: str) -> None:
    url = f"https://{topic}.example/{n}"
    stamp = published.astimezone(UTC).isoformat()
    db.table("articles").insert(
        {
            "topic": topic,
            "url": url,
            "canonical_url": url,
            "title": f"Report {n}",
            "text": text,
            "published": stamp,
            "fetched": stamp,
            "content_hash": f"{topic}{n}",
        }
    )


def _ids(db: sqlite_utils.Database, where: str, params: list[object]) -> set[int]:
    return {int(r[0]) for r in db.execute(f"select id from passages where {where}", params)}


def _spread(db: sqlite_utils.Database) -> list[datetime]:
    """Topics ``chips`` and ``cars`` with the same words, an article every 7 hours over
    60 days, stored out of publication order (a late find, a re-poll)."""
    moments = [DAY - timedelta(hours=7 * i) for i in range(206)]
    order = moments[::2] + moments[1::2]
    text = (
        "The foundry reported wafer yields at its new Kaohsiung plant above plan, and "
        "鼎晶科技在高雄的新廠良率超過預期。The company said output would double next year."
    )
    with db.atomic():
        for n, moment in enumerate(order):
            _article(db, "chips", n, moment, text)
            _article(db, "cars", n, moment, text)
    index_new_articles(db, "chips")
    index_new_articles(db, "cars")
    return moments


@pytest.mark.parametrize("zone", [UTC, TAIPEI, KOLKATA])
def test_a_scoped_search_finds_exactly_the_passages_of_its_topic_and_days(
    zone: timezone,
) -> None:
    db = open_database(":memory:")
    _spread(db)
    end = datetime(2026, 11, 10, tzinfo=zone)  # midnight there: not in UTC for two zones
    scope = Scope("chips", start=end - timedelta(days=30), end=end)
    expected = _ids(
        db,
        "topic = 'chips' and published >= ? and published < ?",
        [scope.start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()],
    )
    assert 90 < len(expected) < 110
    found = store.search_bm25(db, '"yield" OR "kaohsiung"', scope, 1000)
    assert {pid for pid, _ in found} == expected
    pairs = store.search_cjk(db, ["高雄", "新廠"], scope, 1000)
    assert {pid for pid, _ in pairs} == expected
    everything = store.search_bm25(db, '"kaohsiung"', Scope("chips"), 1000)
    assert {pid for pid, _ in everything} == _ids(db, "topic = 'chips'", [])
    assert store.search_bm25(db, '"kaohsiung"', Scope("boats"), 10) == []


def test_a_digest_scope_searches_only_its_articles() -> None:
    db = open_database(":memory:")
    _spread(db)
    articles = (3, 51, 121, 122)  # 122 is of the other topic
    scope = Scope("chips", article_ids=articles)
    found = store.search_bm25(db, '"wafer"', scope, 100)
    assert {pid for pid, _ in found} == _ids(db, "article_id in (3, 51, 121)", [])
    assert store.search_bm25(db, '"wafer"', Scope("chips", article_ids=()), 100) == []


def test_passages_stored_before_the_keyed_index_are_found_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    migrations.migrations.apply(old, stop_before="m011_scoped_passage_index")
    _article(old, "chips", 1, DAY, "The foundry opened a plant in Kaohsiung.\n高雄新廠今天開幕。")
    old.table("passages").insert(  # as the old triggers indexed them
        {
            "article_id": 1,
            "topic": "chips",
            "published": DAY.isoformat(),
            "seq": 0,
            "title": "Report 1",
            "text": "The foundry opened a plant in Kaohsiung. 高雄新廠今天開幕。",
        }
    )
    old.conn.commit()
    old.close()
    db = open_database(path)
    week = Scope("chips", start=DAY - timedelta(days=7), end=DAY + timedelta(days=1))
    assert [pid for pid, _ in store.search_bm25(db, '"kaohsiung"', week, 5)] == [1]
    assert [pid for pid, _ in store.search_cjk(db, ["高雄"], week, 5)] == [1]
    earlier = Scope("chips", start=DAY - timedelta(days=30), end=DAY - timedelta(days=7))
    assert store.search_bm25(db, '"kaohsiung"', earlier, 5) == []


def _embed(db: sqlite_utils.Database, seed: int, dim: int = 16) -> np.ndarray:
    """Random unit vectors for every passage without one; all vectors by passage id."""
    missing = [pid for pid, _, _ in store.passages_without_vector(db, MODEL, Scope("chips"))]
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((len(missing), dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    store.store_vectors(db, MODEL, zip(missing, (v.tobytes() for v in matrix), strict=True))
    return matrix


def _exact(db: sqlite_utils.Database, scope: Scope, query: np.ndarray, k: int) -> list[int]:
    where, params = scope.where("p")
    rows = db.execute(
        "select p.id, v.vector from passages p join passage_vectors v on v.passage_id = p.id "
        f"where {where} order by p.id",
        params,
    ).fetchall()
    ids = np.array([r[0] for r in rows])
    matrix = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
    return [int(i) for i in ids[np.argsort(-(matrix @ query), kind="stable")[:k]]]


def test_vector_search_of_a_scope_equals_a_full_scan_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(tmp_path / "q.db")
    _spread(db)
    _embed(db, seed=1)
    index = index_for(db, "chips", MODEL)
    assert sorted(p.name for p in index.folder.glob("*.f32")) == [
        "2026-09.f32",
        "2026-10.f32",
        "2026-11.f32",
    ]
    query = np.random.default_rng(2).standard_normal(16).astype(np.float32)
    query /= np.linalg.norm(query)
    scopes = [
        Scope("chips"),
        Scope("chips", start=datetime(2026, 10, 20, tzinfo=TAIPEI), end=DAY),
        Scope("chips", article_ids=(3, 50, 120)),
    ]
    for scope in scopes:
        found = [pid for pid, _ in index.select(scope).search(query, 10)]
        assert found == _exact(db, scope, query, 10)
    # Past EXACT_ROWS a scope is ranked by sign bits first; a stored vector is found first.
    monkeypatch.setattr(vectors, "EXACT_ROWS", 20)
    monkeypatch.setattr(vectors, "RESCORE", 1)
    (pid, blob) = db.execute("select passage_id, vector from passage_vectors limit 1").fetchone()
    stored = np.frombuffer(blob, dtype=np.float32)
    assert index.select(Scope("chips")).search(stored, 5)[0][0] == pid


def test_vector_files_are_shared_by_processes_and_recover_from_a_torn_append(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "q.db")
    _spread(db)
    _embed(db, seed=1)
    folder = tmp_path / "vectors"
    bot, cli = VectorIndex("chips", MODEL, folder), VectorIndex("chips", MODEL, folder)
    assert bot.refresh(db) == len(bot) == 206
    assert cli.refresh(db) == 0 and len(cli) == 206  # read from the files bot wrote
    with (folder / "2026-11.f32").open("ab") as handle:
        handle.write(b"\x00" * 1000)  # a writer killed half-way through an append
    _article(db, "chips", 999, DAY, "The foundry reported wafer yields in Kaohsiung again.")
    index_new_articles(db, "chips")
    _embed(db, seed=3)
    assert cli.refresh(db) == 1 and bot.refresh(db) == 0
    newest = store.passage_total(db)
    (blob,) = db.execute(
        "select vector from passage_vectors where passage_id = ?", [newest]
    ).fetchone()
    query = np.frombuffer(blob, dtype=np.float32)
    for index in (bot, cli):
        assert index.select(Scope("chips")).search(query, 1)[0][0] == newest
        assert index.select(Scope("chips")).search(query, 10) == cli.select(Scope("chips")).search(
            query, 10
        )


def test_a_replaced_database_gets_new_vector_files(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = open_database(path)
    _spread(db)
    _embed(db, seed=1)
    assert len(index_for(db, "chips", MODEL)) == 206
    db.close()
    for leftover in tmp_path.glob("q.db*"):
        if leftover.is_file():
            leftover.unlink()
    fresh = open_database(path)
    _article(fresh, "chips", 1, DAY, "The foundry reported wafer yields in Kaohsiung.")
    index_new_articles(fresh, "chips")
    matrix = _embed(fresh, seed=5)
    index = index_for(fresh, "chips", MODEL)
    assert len(index) == 1
    assert index.select(Scope("chips")).search(matrix[0], 3)[0][0] == 1


def _newsroom(db: sqlite_utils.Database) -> None:
    """400 one-passage articles of different lengths: "company" in nine of ten, "yields",
    "furnace" and "ledger" in about a third each, a name in one in eight."""
    rng = np.random.default_rng(4)
    filler = ["plant", "output", "quarter", "board", "market", "supply", "order", "line"]
    with db.atomic():
        for n in range(400):
            words = list(rng.choice(filler, size=int(rng.integers(20, 90))))
            for word, share in (("company", 0.9), ("yields", 0.37), ("furnace", 0.37)):
                if rng.random() < share:
                    words[int(rng.integers(len(words)))] = word
            if rng.random() < 0.37:
                words += ["ledger"] * int(rng.integers(1, 4))
            if n % 8 == 0:
                words += ["Zorvath"] + ["yields"] * int(rng.integers(0, 3))
            rng.shuffle(words)
            _article(db, "chips", n, DAY - timedelta(hours=n), " ".join(words) + ".")
    index_new_articles(db, "chips")


@pytest.mark.parametrize(
    "question",
    [
        "What did Zorvath say about yields at the company?",  # rare name, medium, common
        "Which furnace ledger had yields?",  # any two of three medium words
    ],
)
def test_keyword_hits_are_the_relevant_passages_of_a_full_bm25_ranking(question: str) -> None:
    db = open_database(":memory:")
    _newsroom(db)
    scope = Scope("chips")
    terms = query_terms(question)
    weights, words = expand(db, terms)
    match = fts_query(words)
    assert match is not None
    everything = store.search_bm25(db, match, scope, 1000)
    rows = store.passages_by_id(db, [pid for pid, _ in everything])
    relevant = [
        (pid, score)
        for pid, score in everything
        if coverage(terms, weights, rows[pid].title, rows[pid].text) >= MIN_COVERAGE
    ]
    assert len(relevant) > 30 and len(everything) > len(relevant) + 100
    hits = retrieve(db, scope, question, limit=30).hits
    assert all(hit.relevant for hit in hits)
    # Same order, same scores: passages of equal scores may swap.
    scores = dict(everything)
    assert [round(scores[h.passage.id], 9) for h in hits] == [
        round(score, 9) for _, score in relevant[:30]
    ]


def test_word_counts_follow_new_passages_of_a_database_file(tmp_path: Path) -> None:
    db = open_database(tmp_path / "q.db")
    _article(db, "chips", 1, DAY, "The foundry reported wafer yields in Kaohsiung.")
    _article(db, "chips", 2, DAY, "The board met in Taipei.")
    index_new_articles(db, "chips")
    assert store.keyword_stats(db).rows == 2
    (before,), _ = expand(db, ["wafer"])
    assert expand(db, ["wafer"])[0] == [before]  # kept
    _article(db, "chips", 3, DAY, "Wafer prices rose.")
    index_new_articles(db, "chips")
    (after,), _ = expand(db, ["wafer"])
    assert after < before  # a word in more passages weighs less


def test_the_bench_exact_reference_streamed_in_chunks_equals_a_whole_matrix_scan() -> None:
    # bench/ask.py checks the index's recall against this reference at 1M vectors, where
    # holding them all would take gigabytes; chunked, it must still be the exact top k.
    from bench.ask import exact_top

    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((1000, 16)).astype(np.float32)
    ids = np.arange(5000, 6000, dtype=np.int64)
    queries = rng.standard_normal((5, 16)).astype(np.float32)
    whole = [ids[np.argsort(-(matrix @ q))[:40]].tolist() for q in queries]
    for size in (7, 40, 333, 1000):
        chunks = ((ids[i : i + size], matrix[i : i + size]) for i in range(0, 1000, size))
        assert exact_top(chunks, queries, 40) == whole
