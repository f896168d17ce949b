"""Answer accuracy on labelled questions, and retrieval latency over 100,000 articles.

    .venv/bin/python bench/ask.py [--part accuracy|latency|all] [--articles 100000]

Accuracy (:mod:`bench.ask_accuracy`): the 80 labelled questions of
tests/grounding/questions.json over the claim set's articles, stored as articles: the
share answered from the right passage and the share of ``grounded`` right, keyless and
with the fake model.

Latency: it builds a throwaway SQLite database with the real schema and the real indexing code
(passages, FTS5 triggers, float32 vectors), then times, per question:

- ``like``: a naive baseline, every in-scope passage scanned with ``LIKE '%term%'`` and
  ranked by the number of terms it contains;
- ``bm25``: :func:`bot.qa.retrieve.retrieve` with keywords only (FTS5 BM25, term weights
  from the FTS5 vocabulary, coverage scoring, passage rows fetched);
- ``vectors``: brute-force cosine over every in-scope passage vector (NumPy);
- ``hybrid``: :func:`retrieve` with both, fused by reciprocal rank fusion.

Two scopes are timed. ``all``: every article is in scope, the worst case (as if one
topic stored 100,000 articles in 30 days); nothing is filtered out before ranking.
``30 days``: the articles are spread over ``--days`` (default 365) and a question searches
the last 30, as ``digestbot ask`` does. Vectors are random unit vectors (1024-d, like
mistral-embed); their values do not change the cost of a brute-force search.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.qa import terms as qterms
from bot.qa.index import index_new_articles
from bot.qa.retrieve import retrieve
from bot.qa.vectors import VectorIndex
from storage import open_database
from storage import passages as store

TOPIC = "bench"
MODEL = "mistral-embed"
DIMENSIONS = 1024
TARGET_P95_MS = 20.0
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"] + ["an", "er", "in", "or"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_articles(
    count: int, end: datetime, days: int, seed: int
) -> tuple[list[dict[str, object]], list[str]]:
    rng = random.Random(seed)
    words = vocabulary(20_000, rng)
    nprng = np.random.default_rng(seed)
    # Zipf-like word frequencies, as in real text: a few very common words, a long tail.
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    weights = 1.0 / ranks
    weights /= weights.sum()
    picks = nprng.choice(len(words), size=(count, 70), p=weights)
    span = timedelta(days=days).total_seconds()
    rows = []
    for i in range(count):
        body = [words[j] for j in picks[i]]
        title = " ".join(body[:8]).capitalize()
        text = " ".join(body[8:]).capitalize() + "."
        published = end - timedelta(seconds=rng.random() * span)
        stamp = published.isoformat()
        url = f"https://bench.example/{i}"
        rows.append(
            {
                "topic": TOPIC,
                "url": url,
                "canonical_url": url,
                "title": title,
                "text": f"{title}\n{text}",
                "published": stamp,
                "fetched": stamp,
                "content_hash": str(i),
            }
        )
    return rows, words


def questions(words: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    # Mid- and low-frequency words: what a specific question names.
    pool = words[200:8000]
    return [f"What about {' '.join(rng.sample(pool, rng.randint(2, 4)))}?" for _ in range(count)]


def like_baseline(db: Any, scope: store.Scope, question: str) -> list[int]:
    terms = qterms.query_terms(question)
    where, params = scope.where("p")
    score = " + ".join("(p.text like ?)" for _ in terms) or "0"
    sql = (
        f"select p.id, {score} as score from passages p where {where} "
        "and score > 0 order by score desc limit 8"
    )
    rows = db.execute(sql, [*(f"%{t}%" for t in terms), *params]).fetchall()
    return [int(r[0]) for r in rows]


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> float:
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"  {label:<28} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   ({len(times)} questions)")
    return p95


class Questions:
    """The questions and their vectors, taken in turn."""

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.texts, self.vectors, self.i = texts, vectors, 0

    def next(self) -> tuple[str, np.ndarray]:
        i = self.i % len(self.texts)
        self.i += 1
        return self.texts[i], self.vectors[i]


def time_scope(
    db: Any, index: VectorIndex, scope: store.Scope, asked: Questions, args: argparse.Namespace
) -> float:
    """Print the latencies of the four methods in ``scope``; the hybrid p95."""

    def run_like() -> object:
        return like_baseline(db, scope, asked.next()[0])

    def run_bm25() -> object:
        return retrieve(db, scope, asked.next()[0])

    def run_vectors() -> object:
        return index.select(scope).search(asked.next()[1], 40)

    def run_hybrid() -> object:
        question, vector = asked.next()
        vectors = index.select(scope)
        return retrieve(db, scope, question, query_vector=vector, vectors=vectors)

    report("LIKE scan (baseline)", timed(run_like, args.like_queries))
    report("BM25 (FTS5)", timed(run_bm25, args.queries))
    report("vectors (NumPy brute force)", timed(run_vectors, args.queries))
    return report("hybrid BM25 + vectors, RRF", timed(run_hybrid, args.queries))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--like-queries", type=int, default=20, help="the baseline is slow")
    parser.add_argument("--days", type=int, default=365, help="publication dates span")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--part", choices=["accuracy", "latency", "all"], default="all")
    args = parser.parse_args()
    if args.part in ("accuracy", "all"):
        from bench import ask_accuracy

        ask_accuracy.main()
    if args.part == "accuracy":
        return 0

    end = datetime(2026, 11, 22, tzinfo=UTC)
    everything = store.Scope(TOPIC)
    recent = store.Scope(TOPIC, start=end - timedelta(days=30), end=end)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        db.table("topics").insert({"slug": TOPIC, "name": "Bench", "language": "en"})

        t0 = time.perf_counter()
        rows, words = make_articles(args.articles, end, args.days, args.seed)
        t1 = time.perf_counter()
        with db.atomic():
            db.table("articles").insert_all(rows, batch_size=1000)
        t2 = time.perf_counter()
        passages = index_new_articles(db, TOPIC)
        t3 = time.perf_counter()
        ids = [pid for pid, _, _ in store.passages_without_vector(db, MODEL, everything)]
        rng = np.random.default_rng(args.seed)
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            vectors = rng.standard_normal((len(chunk), DIMENSIONS), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            store.store_vectors(db, MODEL, zip(chunk, (v.tobytes() for v in vectors), strict=True))
        t4 = time.perf_counter()
        index = VectorIndex(TOPIC, MODEL)
        index.refresh(db)
        t5 = time.perf_counter()
        index_new_articles(db, TOPIC)
        t6 = time.perf_counter()

        in_recent = len(index.select(recent))
        print(
            f"corpus: {args.articles:,} articles over {args.days} days, {passages:,} passages, "
            f"{len(index):,} vectors x {DIMENSIONS} float32; {in_recent:,} in the last 30 days"
        )
        print(
            f"setup: generate {t1 - t0:.1f} s, store articles {t2 - t1:.1f} s, chunk + FTS5 "
            f"index {t3 - t2:.1f} s, store vectors {t4 - t3:.1f} s, load vectors "
            f"{t5 - t4:.2f} s, index check with nothing new {1000 * (t6 - t5):.1f} ms"
        )
        asked = questions(words, args.queries, args.seed)
        query_vectors = rng.standard_normal((len(asked), DIMENSIONS), dtype=np.float32)
        hits = [len(retrieve(db, everything, q).hits) for q in asked]
        print(
            f"questions: {len(asked)} of 2-4 content words; BM25 finds hits for "
            f"{sum(1 for h in hits if h)} of them"
        )
        verdicts = []
        for label, scope in (("all", everything), ("30 days", recent)):
            print(f"retrieval latency, scope {label} (one question at a time, warm):")
            p95 = time_scope(db, index, scope, Questions(asked, query_vectors), args)
            verdicts.append(f"{label}: {'met' if p95 <= TARGET_P95_MS else 'MISSED'}")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work shares them)")
        print(f"target hybrid p95 <= {TARGET_P95_MS:.0f} ms: " + ", ".join(verdicts))
        db.conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
