"""Answer accuracy on labelled questions, then retrieval latency and memory at scale.

    .venv/bin/python -m bench.ask [--part accuracy|latency|memory|all] [--passages 100000]
        [--memory-passages 1000000]

Accuracy (:mod:`bench.ask_accuracy`): the 80 labelled questions of
tests/grounding/questions.json, then the 60 of tests/grounding/questions-blind.json (by
an author who read neither the code nor the first set), over the claim set's articles,
stored as articles: the share answered from the right passage and the share of
``grounded`` right, keyless and with the fake model.

Latency (``--part latency``): a throwaway SQLite database with the real schema and indexing
code holds news-like articles of 4 to 8 paragraphs (Zipf-distributed words, each article
naming a few rare names again and again, as a story does), cut into passages by the real
chunker, published over ``--days`` (default 365) and stored in publication order, as a bot
stores news. Each passage has a 1024-d float32 vector (like mistral-embed) built around its
article's and story's direction, so neighbours mean something. Questions name 1-2 of an
article's names and 1-2 of its other words; a 30-day question asks about an article of the
last 30 days. Each method is timed in a fresh process (so its peak memory is its own):

- baseline ``FTS5 only``: BM25 over an FTS5 index keyed by passage id, the date scope
  applied after the match (what the index did before, and what one writes by default);
- baseline ``vectors in memory``: the topic's whole vector history loaded into one NumPy
  matrix, the in-scope rows searched (what bot/qa/vectors.py did before);
- ``BM25, scoped keys``: :func:`storage.passages.search_bm25`, the index key range of the
  scope, every match scored (what retrieval did before it left light words out);
- ``keywords``: :func:`bot.qa.retrieve.retrieve` without vectors (term weights, coverage,
  passage rows fetched; only passages that can be relevant ranked, light words' BM25
  share added to the leading ones);
- ``vectors, month files``: :class:`bot.qa.vectors.VectorIndex` (exact up to
  ``EXACT_ROWS`` in scope, sign bits then exact rescoring above), with its recall of the
  exact top 40;
- ``hybrid``: :func:`retrieve` with both, fused by reciprocal rank fusion.

Each row gives p50 and p95 wall time and the p95 of CPU time (all threads), which other
work on a shared machine cannot inflate.

Memory (``--part memory``): the same at ``--memory-passages`` (default 1,000,000): peak RSS
of a process answering 30-day and all-history questions (fewer of them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.qa import terms as qterms
from bot.qa.index import index_new_articles
from bot.qa.retrieve import expand, retrieve
from bot.qa.vectors import VectorIndex, VectorSet
from storage import open_database
from storage import passages as store
from storage.sql import to_iso

TOPIC = "bench"
MODEL = "mistral-embed"
DIMENSIONS = 1024
TARGET_30_DAYS_MS = 20.0
TARGET_ALL_MS = 50.0
TARGET_RSS_MB = 500.0
END = datetime(2026, 11, 22, tzinfo=UTC)
STORIES = 400
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"] + ["an", "er", "in", "or"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Corpus:
    """News-like articles: paragraphs of sentences of Zipf-distributed words, each article
    repeating a few names of its own."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.words = vocabulary(30_000, self.rng)
        ranks = np.arange(1, len(self.words) + 1, dtype=np.float64)
        self.cumulative = np.cumsum(1.0 / ranks)
        self.cumulative /= self.cumulative[-1]
        self.names = [w.capitalize() for w in self.words[5_000:]]

    def article(self, i: int, published: datetime) -> tuple[dict[str, object], list[str]]:
        rng = self.rng
        names = rng.sample(self.names, rng.randint(3, 6))
        picks = iter(np.searchsorted(self.cumulative, self.np.random(900)).tolist())
        paragraphs = []
        for _ in range(rng.randint(4, 8)):
            sentences = []
            for _ in range(rng.randint(3, 6)):
                body = [self.words[next(picks)] for _ in range(rng.randint(8, 18))]
                for _ in range(rng.randint(0, 2)):
                    body.insert(rng.randrange(len(body) + 1), rng.choice(names))
                sentences.append(" ".join(body).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        title = f"{names[0]} {' '.join(self.words[next(picks)] for _ in range(5))} {names[1]}"
        stamp = published.isoformat()
        url = f"https://bench.example/{i}"
        row = {
            "topic": TOPIC,
            "url": url,
            "canonical_url": url,
            "title": title,
            "text": title + "\n" + "\n".join(paragraphs),
            "published": stamp,
            "fetched": stamp,
            "content_hash": str(i),
        }
        return row, names


def build(path: Path, passages: int, days: int, seed: int, baseline: bool = True) -> dict[str, Any]:
    """The database at ``path`` with about ``passages`` passages and their vectors, the
    month files, and the questions (saved beside it); what it took. ``baseline``: also the
    passage-id-keyed FTS5 index of the baseline."""
    corpus = Corpus(seed)
    db = open_database(path)
    db.table("topics").insert({"slug": TOPIC, "name": "Bench", "language": "en"})
    span = timedelta(days=days).total_seconds()
    t0 = time.perf_counter()
    total, count, names = 0, 0, []
    recent: list[int] = []
    while total < passages:
        batch = []
        moments = sorted(END - timedelta(seconds=corpus.rng.random() * span) for _ in range(500))
        for moment in moments:
            row, article_names = corpus.article(count, moment)
            batch.append(row)
            names.append(article_names)
            count += 1
        with db.atomic():
            db.table("articles").insert_all(batch, batch_size=500)
        total += index_new_articles(db, TOPIC)
    t1 = time.perf_counter()
    if baseline:
        db.execute(
            "create virtual table baseline_fts using fts5(title, text, content='passages', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        db.execute("insert into baseline_fts(baseline_fts) values('rebuild')")
        db.conn.commit()
    t2 = time.perf_counter()
    stories = corpus.np.standard_normal((STORIES, DIMENSIONS), dtype=np.float32)
    last_article, article_direction = 0, np.zeros(DIMENSIONS, dtype=np.float32)
    rows = db.execute("select id, article_id from passages order by id").fetchall()
    for start in range(0, len(rows), 5_000):
        chunk = rows[start : start + 5_000]
        vectors = np.empty((len(chunk), DIMENSIONS), dtype=np.float32)
        for n, (_, article_id) in enumerate(chunk):
            if article_id != last_article:
                story = stories[article_id % STORIES]
                noise = corpus.np.standard_normal(DIMENSIONS, dtype=np.float32)
                article_direction = story + noise
                last_article = article_id
            vectors[n] = article_direction
        vectors += 0.9 * corpus.np.standard_normal(vectors.shape, dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.store_vectors(
            db, MODEL, zip((r[0] for r in chunk), (v.tobytes() for v in vectors), strict=True)
        )
    t3 = time.perf_counter()
    index = VectorIndex(TOPIC, MODEL, files_of(path))
    index.refresh(db)
    t4 = time.perf_counter()
    cut = (END - timedelta(days=30)).isoformat()
    recent = [
        int(r[0])
        for r in db.execute(
            "select id from articles where published >= ? order by id", [cut]
        ).fetchall()
    ]
    write_questions(db, path, corpus, names, recent, seed)
    in_recent = int(
        db.execute("select count(*) from passages where published >= ?", [cut]).fetchone()[0]
    )
    db.conn.close()
    return {
        "articles": count,
        "passages": total,
        "recent": in_recent,
        "days": days,
        "chunk": t1 - t0,
        "baseline_index": t2 - t1,
        "vectors": t3 - t2,
        "files": t4 - t3,
        "bytes": path.stat().st_size,
    }


def files_of(path: Path) -> Path:
    return path.with_name(path.name + ".vectors")


def write_questions(
    db: Any, path: Path, corpus: Corpus, names: list[list[str]], recent: list[int], seed: int
) -> None:
    """Questions about stored articles (any, and the last 30 days'), with query vectors
    near one of the article's passages."""
    rng = random.Random(seed + 1)
    asked: dict[str, list[dict[str, Any]]] = {}
    for label, pool in (("all", range(1, len(names) + 1)), ("30 days", recent)):
        chosen = [rng.choice(pool) for _ in range(200)]
        questions = []
        for article_id in chosen:
            text = db.execute("select text from articles where id = ?", [article_id]).fetchone()[0]
            words = [w for w in qterms.tokens(text) if len(w) > 5 and w[0].islower()]
            picked = rng.sample(names[article_id - 1], rng.randint(1, 2))
            picked += rng.sample(words, min(len(words), rng.randint(1, 2)))
            (blob,) = db.execute(
                "select v.vector from passages p join passage_vectors v "
                "on v.passage_id = p.id where p.article_id = ? order by p.seq limit 1",
                [article_id],
            ).fetchone()
            vector = np.frombuffer(blob, dtype=np.float32)
            vector = vector + 0.03 * corpus.np.standard_normal(DIMENSIONS, dtype=np.float32)
            questions.append(
                {
                    "text": f"What did {' and '.join(picked)} do?",
                    "article": article_id,
                    "vector": vector.tolist(),
                }
            )
        asked[label] = questions
    path.with_suffix(".questions.json").write_text(json.dumps(asked))


def scope_of(label: str) -> store.Scope:
    if label == "all":
        return store.Scope(TOPIC)
    return store.Scope(TOPIC, start=END - timedelta(days=30), end=END)


def fts5_baseline(db: Any, scope: store.Scope, question: str) -> list[int]:
    """BM25 over the passage-id-keyed FTS5 index, the scope checked after the match."""
    _, words = expand(db, qterms.query_terms(question))
    match = qterms.fts_query(words)
    if not match:
        return []
    where, params = scope.where("p")
    sql = (
        "select p.id, bm25(baseline_fts, 0.3, 1.0) as score from baseline_fts "
        "join passages p on p.id = baseline_fts.rowid "
        f"where baseline_fts match ? and {where} order by score limit 40"
    )
    return [int(r[0]) for r in db.execute(sql, [match, *params]).fetchall()]


def in_memory_matrix(db: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, published, matrix) of every vector of the topic, as the old index held them."""
    rows = store.vectors_after(db, MODEL, TOPIC, 0)
    ids = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    published = np.array([r[3] for r in rows], dtype="<U40")
    matrix = np.frombuffer(b"".join(r[4] for r in rows), dtype=np.float32)
    matrix = matrix.reshape(len(rows), -1)
    order = np.argsort(published, kind="stable")
    return ids[order], published[order], matrix[order]


def timed(fn: Callable[[int], object], runs: int) -> tuple[float, float, float]:
    """p50 and p95 wall time of ``fn`` over ``runs`` calls, and the p95 of the CPU time
    it took (all threads): on a shared machine, the part other work cannot inflate."""
    fn(0)  # warm caches
    walls, cpus = [], []
    for i in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn(i)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return (*percentiles(walls), percentiles(cpus)[1])


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def peak_rss_mb() -> float:
    """This process's peak resident memory. From /proc where it can be: ``ru_maxrss``
    survives exec on Linux, so a child spawned by the bench would start at the peak of the
    parent that built the corpus."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: Path, role: str, queries: int) -> dict[str, Any]:
    """Time one side (``baseline`` or ``new``) in this process; figures as a dict."""
    db = open_database(path)
    asked = json.loads(path.with_suffix(".questions.json").read_text())
    out: dict[str, Any] = {"rss_start": peak_rss_mb()}
    if role == "baseline":
        t0 = time.perf_counter()
        ids, published, matrix = in_memory_matrix(db)
        out["load_s"] = time.perf_counter() - t0
        for label in ("30 days", "all"):
            scope, qs = scope_of(label), asked[label]

            def fts(i: int, scope: store.Scope = scope, qs: list[Any] = qs) -> object:
                return fts5_baseline(db, scope, qs[i % len(qs)]["text"])

            def matrix_scan(i: int, scope: store.Scope = scope, qs: list[Any] = qs) -> object:
                lo, hi = 0, len(ids)
                if scope.start is not None and scope.end is not None:
                    lo = int(np.searchsorted(published, to_iso(scope.start)))
                    hi = int(np.searchsorted(published, to_iso(scope.end)))
                chosen = _in_memory(ids[lo:hi], matrix[lo:hi])
                return chosen.search(qs[i % len(qs)]["vector"], 40)

            out[f"fts5 {label}"] = timed(fts, queries)
            out[f"matrix {label}"] = timed(matrix_scan, queries)
    else:
        t0 = time.perf_counter()
        index = VectorIndex(TOPIC, MODEL, files_of(path))
        index.refresh(db)
        out["load_s"] = time.perf_counter() - t0
        for label in ("30 days", "all"):
            scope, qs = scope_of(label), asked[label]

            def keys(i: int, scope: store.Scope = scope, qs: list[Any] = qs) -> object:
                _, words = expand(db, qterms.query_terms(qs[i % len(qs)]["text"]))
                match = qterms.fts_query(words)
                return store.search_bm25(db, match, scope, 40) if match else []

            def keywords(i: int, scope: store.Scope = scope, qs: list[Any] = qs) -> object:
                return retrieve(db, scope, qs[i % len(qs)]["text"])

            def vectors(i: int, scope: store.Scope = scope, qs: list[Any] = qs) -> object:
                return index.select(scope).search(qs[i % len(qs)]["vector"], 40)

            def hybrid(i: int, scope: store.Scope = scope, qs: list[Any] = qs) -> object:
                q = qs[i % len(qs)]
                found = index.select(scope)
                return retrieve(db, scope, q["text"], query_vector=q["vector"], vectors=found)

            out[f"keys {label}"] = timed(keys, queries)
            out[f"keywords {label}"] = timed(keywords, queries)
            out[f"vectors {label}"] = timed(vectors, queries)
            out[f"hybrid {label}"] = timed(hybrid, queries)
            out[f"rows {label}"] = len(index.select(scope))
        # Answering alone; the checks below scan every in-scope vector (in chunks).
        out["rss_peak"] = peak_rss_mb()
        for label in ("30 days", "all"):
            scope, qs = scope_of(label), asked[label]
            out[f"recall {label}"] = recall(db, index, scope, qs[:20])
            found = [retrieve(db, scope, q["text"]) for q in qs[:50]]
            out[f"found {label}"] = sum(
                1
                for q, r in zip(qs, found, strict=False)
                if any(h.passage.article_id == q["article"] for h in r.hits)
            ) / len(found)
        out["rss_checks"] = peak_rss_mb()
    out.setdefault("rss_peak", peak_rss_mb())
    db.conn.close()
    return out


def _in_memory(ids: np.ndarray, matrix: np.ndarray) -> VectorSet:
    from bot.qa.vectors import _Part

    return VectorSet([_Part(ids, np.arange(len(ids)), lambda: matrix)])


RECALL_CHUNK_ROWS = 8192
"""Vectors read at a time by the exact reference (32 MB of 1024-d float32): the check's
memory stays bounded however many vectors a scope holds (1M are about 4 GB)."""


def exact_top(
    chunks: Iterable[tuple[np.ndarray, np.ndarray]], queries: np.ndarray, k: int
) -> list[list[int]]:
    """For each row of ``queries``, the ids of the ``k`` rows of highest dot product over
    every (ids, matrix) chunk, best first: a brute-force scan that holds one chunk and a
    running top ``k`` per query, never every vector at once."""
    best_ids = np.empty((len(queries), 0), dtype=np.int64)
    best_scores = np.empty((len(queries), 0), dtype=np.float32)
    for ids, matrix in chunks:
        scores = (matrix @ queries.T).T  # one row per query
        keep = min(k, scores.shape[1])
        # Each chunk's own top k, then the best k of those and the ones held so far.
        top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        best_ids = np.concatenate([best_ids, ids[top]], axis=1)
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, 1)], axis=1)
        if best_ids.shape[1] > k:
            held = np.argpartition(-best_scores, k - 1, axis=1)[:, :k]
            best_ids = np.take_along_axis(best_ids, held, 1)
            best_scores = np.take_along_axis(best_scores, held, 1)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    ranked: list[list[int]] = np.take_along_axis(best_ids, order, 1).tolist()
    return ranked


def _scope_vectors(db: Any, scope: store.Scope) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    where, params = scope.where("p")
    cursor = db.execute(
        "select p.id, v.vector from passages p join passage_vectors v on v.passage_id = p.id "
        f"where {where} and v.model = ?",
        [*params, MODEL],
    )
    while rows := cursor.fetchmany(RECALL_CHUNK_ROWS):
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
        yield ids, matrix.reshape(len(rows), -1)


def recall(db: Any, index: VectorIndex, scope: store.Scope, qs: list[Any]) -> float:
    """Share of the exact top 40 (brute force over every in-scope vector, streamed in
    chunks) the index finds."""
    vectors = np.asarray([q["vector"] for q in qs], dtype=np.float32)
    exact = exact_top(_scope_vectors(db, scope), vectors, 40)
    got = 0
    for vector, top in zip(vectors, exact, strict=True):
        found = {pid for pid, _ in index.select(scope).search(vector, 40)}
        got += len(set(top) & found)
    return got / (40 * len(qs))


def spawn(path: Path, role: str, queries: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.ask", "--child", role, "--db", str(path)]
    command += ["--queries", str(queries)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def row(label: str, figures: list[float], base: list[float] | None) -> str:
    p50, p95, cpu = figures
    ratio = f"   {p95 / base[1]:5.2f}x the baseline p95 (CPU {cpu / base[2]:4.2f}x)" if base else ""
    return f"  {label:<34} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  CPU p95 {cpu:7.2f} ms{ratio}"


def latency(args: argparse.Namespace, passages: int, queries: int, memory_only: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        setup = build(path, passages, args.days, args.seed, baseline=not memory_only)
        print(
            f"corpus: {setup['articles']:,} articles of 4-8 paragraphs over {setup['days']} days, "
            f"{setup['passages']:,} passages ({setup['recent']:,} in the last 30 days), "
            f"{DIMENSIONS}-d float32 vectors; database {setup['bytes'] / 2**20:,.0f} MB"
        )
        print(
            f"setup: store + chunk + index {setup['chunk']:.1f} s, baseline FTS5 index "
            f"{setup['baseline_index']:.1f} s, vectors {setup['vectors']:.1f} s, month files "
            f"{setup['files']:.1f} s"
        )
        new = spawn(path, "new", queries)
        base = None if memory_only else spawn(path, "baseline", queries)
    print(f"retrieval, one question at a time, warm, {queries} questions per scope:")
    for label in ("30 days", "all"):
        print(f" scope {label} ({new[f'rows {label}']:,} vectors in scope):")
        fts = base[f"fts5 {label}"] if base else None
        matrix = base[f"matrix {label}"] if base else None
        if base:
            print(row("FTS5 only, scope after match (base)", base[f"fts5 {label}"], None))
            print(row("vectors, whole matrix in memory", base[f"matrix {label}"], None))
        print(row("BM25, scoped keys", new[f"keys {label}"], fts))
        print(row("keywords (retrieve)", new[f"keywords {label}"], fts))
        print(row("vectors, month files", new[f"vectors {label}"], matrix))
        print(row("hybrid BM25 + vectors, RRF", new[f"hybrid {label}"], fts))
        print(
            f"  vectors find {new[f'recall {label}']:.3f} of the exact top 40; keyword "
            f"retrieval finds the asked article for {new[f'found {label}']:.2f} of questions"
        )
    if base:
        print(
            f"memory (peak RSS): before {base['rss_peak']:,.0f} MB (vectors loaded in "
            f"{base['load_s']:.2f} s), now {new['rss_peak']:,.0f} MB (index opened in "
            f"{new['load_s'] * 1000:.1f} ms); a process at rest {new['rss_start']:,.0f} MB"
        )
    else:
        held = setup["passages"] * DIMENSIONS * 4 / 2**20
        print(
            f"memory (peak RSS) answering both scopes: {new['rss_peak']:,.0f} MB "
            f"(target <= {TARGET_RSS_MB:.0f} MB; the vectors alone are {held:,.0f} MB, "
            f"which the old index held in memory); a process at rest {new['rss_start']:,.0f} MB"
        )
    print(
        f"memory of the bench itself (peak RSS): building the corpus {peak_rss_mb():,.0f} MB, "
        f"the exact-recall and found-article checks {new['rss_checks']:,.0f} MB"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work shares them)")
    verdicts = [
        f"30 days {new['hybrid 30 days'][1]:.1f} ms (<= {TARGET_30_DAYS_MS:.0f}: "
        f"{'met' if new['hybrid 30 days'][1] <= TARGET_30_DAYS_MS else 'MISSED'}; "
        f"CPU {new['hybrid 30 days'][2]:.1f} ms)",
        f"all {new['hybrid all'][1]:.1f} ms (<= {TARGET_ALL_MS:.0f}: "
        f"{'met' if new['hybrid all'][1] <= TARGET_ALL_MS else 'MISSED'}; "
        f"CPU {new['hybrid all'][2]:.1f} ms)",
    ]
    if memory_only:
        verdicts.append(
            f"peak RSS {new['rss_peak']:.0f} MB (<= {TARGET_RSS_MB:.0f}: "
            f"{'met' if new['rss_peak'] <= TARGET_RSS_MB else 'MISSED'})"
        )
    print(f"targets at {setup['passages']:,} passages: hybrid p95 " + ", ".join(verdicts))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--memory-passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--days", type=int, default=365, help="publication dates span")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--part", choices=["accuracy", "latency", "memory", "all"], default="all")
    parser.add_argument("--child", choices=["baseline", "new"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.db, args.child, args.queries)))
        return 0
    if args.part in ("accuracy", "all"):
        from bench import ask_accuracy

        ask_accuracy.main()
        # A second set, by an author who read neither the code nor the first set.
        ask_accuracy.main(questions=ask_accuracy.BLIND_QUESTIONS)
    if args.part in ("latency", "all"):
        latency(args, args.passages, args.queries, memory_only=False)
    if args.part in ("memory", "all"):
        latency(args, args.memory_passages, min(args.queries, 50), memory_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
