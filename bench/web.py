"""Web archive latency with a year of daily digests and 100,000 stored articles.

    .venv/bin/python -m bench.web [--articles 100000] [--days 365] [--requests 200]

It builds a throwaway database with the real schema: the synthetic articles of
``bench/ask.py`` (spread over ``--days``), indexed into passages by the real code, and one
stored digest per day (6 highlights and 10 sources citing that day's articles). Then it
times whole requests through the real app (Starlette's TestClient: routing, the archive's
queries, Jinja2 rendering, the security middleware) for:

- the digest page of a random day (``/topics/SLUG/DATE``; the infographic is a separate
  request and is not counted);
- the search page for a question (``/topics/SLUG/search?q=``, over every date);
- the Atom feed (``/topics/SLUG/feed.atom``, the 30 newest digests with their HTML).

Targets: digest page p95 <= 50 ms, search p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient

from adapters.web.app import create_app
from bench.ask import make_articles, questions
from bot.archive import Archive
from bot.config import Config, Secrets, parse_config
from bot.models import Digest, Highlight, Point, SourceRef
from bot.qa.index import index_new_articles
from storage import digests as digest_store
from storage import open_database

SLUG = "bench"
TARGETS_MS = {"digest page": 50.0, "search page": 100.0}


def bench_config(path: Path) -> Config:
    return parse_config(
        {
            "storage": {"path": str(path)},
            "topics": [{"slug": SLUG, "name": "Bench", "language": "en", "keywords": ["x"]}],
        }
    )


def store_digests(db: object, end: date, days: int, rng: random.Random) -> int:
    """One digest a day for ``days`` days ending ``end``, citing articles of that day."""
    stored = 0
    for back in range(days):
        day = end - timedelta(days=back)
        rows = db.execute(  # type: ignore[attr-defined]
            "select id, title, url, published from articles where topic = ? and "
            "published >= ? and published < ? limit 10",
            [SLUG, day.isoformat(), (day + timedelta(days=1)).isoformat()],
        ).fetchall()
        sources = tuple(
            SourceRef(n, title, url, datetime.fromisoformat(published), int(article_id))
            for n, (article_id, title, url, published) in enumerate(rows, start=1)
        )
        if not sources:
            continue
        highlights = tuple(
            Highlight(s.title, f"{s.title}: " + "words of the story " * 12, (s.n,))
            for s in sources[:6]
        )
        digest = Digest(
            topic=SLUG,
            topic_name="Bench",
            date=day,
            language="en",
            mode="extractive",
            trend=Point("A busy day", (1,)),
            highlights=highlights,
            analysis=(),
            key_points=tuple(Point(h.headline, h.citations) for h in highlights[:3]),
            thoughts=(),
            sources=sources,
            summary=" ".join(h.headline for h in highlights[:3]),
        )
        digest_store.save_digest(db, digest, title=day.isoformat(), markdown="", public_json={})  # type: ignore[arg-type]
        stored += 1
    return stored


def timed(fn: Callable[[int], object], runs: int) -> list[float]:
    fn(0)  # warm caches
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def report(label: str, times: list[float]) -> bool:
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    target = TARGETS_MS.get(label)
    verdict = (
        ""
        if target is None
        else f"   target p95 <= {target:.0f} ms: " + ("met" if p95 <= target else "MISSED")
    )
    print(f"  {label:<12} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   ({len(times)} requests){verdict}")
    return target is None or p95 <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    end = datetime(2026, 11, 22, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="digestbot-bench-web-") as folder:
        path = Path(folder) / "bench.db"
        config = bench_config(path)
        db = open_database(path)
        started = time.perf_counter()
        rows, words = make_articles(args.articles, end, args.days, args.seed)
        for row in rows:
            row["topic"] = SLUG
        with db.atomic():
            db.table("articles").insert_all(rows, batch_size=1000)
        passages = index_new_articles(db, SLUG)
        count = store_digests(db, end.date() - timedelta(days=1), args.days, rng)
        print(
            f"setup: {args.articles} articles, {passages} passages, {count} digests "
            f"({time.perf_counter() - started:.0f} s)"
        )
        archive = Archive(lambda: open_database(path), config, Secrets(None, None, None))
        asked = questions(words, args.requests + 1, args.seed)
        days = [
            end.date() - timedelta(days=1 + rng.randrange(count)) for _ in range(args.requests + 1)
        ]
        ok = True
        with TestClient(create_app(archive)) as client:

            def get(url: str, **params: str) -> None:
                response = client.get(url, params=params)
                assert response.status_code == 200, (url, response.status_code)

            print("web archive, whole requests through the app:")
            ok &= report(
                "digest page", timed(lambda i: get(f"/topics/{SLUG}/{days[i]}"), args.requests)
            )
            ok &= report(
                "search page",
                timed(lambda i: get(f"/topics/{SLUG}/search", q=asked[i]), args.requests),
            )
            report(
                "feed",
                timed(lambda i: get(f"/topics/{SLUG}/feed.atom"), max(20, args.requests // 10)),
            )
        db.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
