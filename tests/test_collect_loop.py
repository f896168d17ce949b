"""The event loop that serves the chat adapters keeps answering while a collect runs:
extraction and screening are in worker processes, settling and deduplication in a thread.
A ticker measures the loop's lag; the bench (bench/collect.py) runs the same at scale."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from storage import open_database
from tests.fakes.news import MISTRAL_STORY, OTHER_MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve
from tests.test_collect_seen import OFF_TOPIC

# 1,000 feeds with DIGESTBOT_LOOP_FEEDS=1000; the default keeps the test to a few seconds.
FEEDS = int(os.environ.get("DIGESTBOT_LOOP_FEEDS", "300"))
STALL_LIMIT_S = 0.5


async def test_the_loop_never_stalls_during_a_collect_of_many_feeds(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        topic = _one_story_feeds(
            routes, root, dict.fromkeys(range(0, FEEDS, 10), MISTRAL_STORY), FEEDS
        )
        fetch = FetchConfig(
            allow_private_networks=True, replay_dir="", retries=0, concurrency=16,
            per_host_concurrency=16, extract_workers=2,
        )  # fmt: skip
        worst = worst_wall = 0.0
        answered: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            # The loop thread's own CPU time between two ticks: what our code held the loop
            # for. Wall time also counts the other processes of a busy machine (printed).
            nonlocal worst, worst_wall
            while not done.is_set():
                before, before_cpu = time.monotonic(), time.thread_time()
                await asyncio.sleep(0.02)
                worst = max(worst, time.thread_time() - before_cpu)
                worst_wall = max(worst_wall, time.monotonic() - before - 0.02)

        async def chat_command() -> None:
            # Stands in for a command a chat adapter answers mid-collect: a database read.
            await asyncio.sleep(0.5)
            asked = time.monotonic()
            db.execute("select count(*) from rejections").fetchone()
            answered.append(time.monotonic() - asked)

        async with Fetcher(fetch) as fetcher:
            tick = asyncio.ensure_future(ticker())
            command = asyncio.ensure_future(chat_command())
            report = await collect(db, topic, date.today(), fetcher)
            done.set()
            await asyncio.gather(tick, command)
    assert report.page_fetches == FEEDS
    assert report.kept + sum(report.rejected.values()) == FEEDS
    assert answered and answered[0] < STALL_LIMIT_S
    print(
        f"{FEEDS} feeds: loop held at most {worst:.3f} s of CPU between ticks (wall lag "
        f"{worst_wall:.3f} s), command answered in {answered[0]:.3f} s"
    )
    assert worst < STALL_LIMIT_S, f"the loop stalled for {worst:.2f} s"


async def test_the_bookkeeping_of_many_candidates_runs_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What grows with the candidates (storing verdicts, the seen cache, canonical URLs,
    settling) is done off the loop thread, on the first run and on a second over the same
    feeds: at 10,000 candidates each holds the CPU for seconds (bench/collect.py)."""
    import bot.collect
    import bot.seen
    import storage.articles
    import storage.pending
    import storage.seen

    loop_thread = threading.get_ident()
    on_loop: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()

    def watched(module: object, name: str) -> None:
        real = getattr(module, name)

        def call(*args: object, **kwargs: object) -> object:
            anywhere[name] += 1
            if threading.get_ident() == loop_thread:
                on_loop[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, call)

    for module, name in [
        (storage.seen, "seen_among"),
        (storage.seen, "remember"),
        (storage.seen, "touch"),
        (storage.articles, "upsert_rejection"),
        (storage.articles, "insert_article"),
        (storage.articles, "articles_between"),
        (storage.pending, "save_pending"),
        (bot.collect, "canonical_url"),
        (bot.seen, "canonical_url"),
        (bot.collect, "settle"),
    ]:
        watched(module, name)

    db = open_database(tmp_path / "t.db")
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        topic = _one_story_feeds(routes, root, {0: MISTRAL_STORY, 6: OTHER_MISTRAL_STORY}, 12)
        fetch = FetchConfig(
            allow_private_networks=True, replay_dir="", retries=0, concurrency=4,
            per_host_concurrency=4, extract_workers=1,
        )  # fmt: skip
        async with Fetcher(fetch) as fetcher:
            first = await collect(db, topic, date.today(), fetcher)
            second = await collect(db, topic, date.today() + timedelta(days=1), fetcher)
    assert first.kept > 0 and sum(first.rejected.values()) > 0, (first.kept, first.rejected)
    assert second.page_fetches == 0 and second.already_known == 12
    assert anywhere["seen_among"] and anywhere["upsert_rejection"] and anywhere["settle"]
    assert not on_loop, f"done on the event loop's thread: {dict(on_loop)}"


def _one_story_feeds(
    routes: dict[str, Handler], root: str, stories: dict[int, list[str]], feeds: int
) -> TopicConfig:
    """``feeds`` feeds of one item each, served from ``routes``: feed n carries
    ``stories[n]`` as a Mistral AI story, or an off-topic page when it has none."""
    sources = []
    for n in range(feeds):
        on_topic = n in stories
        title = f"Mistral AI story {n}" if on_topic else f"Harbour news {n}"
        text = [f"Story {n}. {p}" for p in stories.get(n, OFF_TOPIC)]
        routes[f"/p/{n}"] = reply(200, article(title, text, hours_ago(2)))
        routes[f"/f/{n}.rss"] = reply(
            200, rss([(title, f"{root}/p/{n}", hours_ago(2))]), "application/rss+xml"
        )
        sources.append(SourceConfig(kind="rss", url=f"{root}/f/{n}.rss"))
    return TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI"],
        timezone="UTC",
        delivery_time="23:59",
        sources=sources,
    )
