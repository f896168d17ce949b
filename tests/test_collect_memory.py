"""The memory ceiling: a collect whose process grows past ``fetch.max_memory_mb`` stops with
an error that says so, and keeps what it had judged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.errors import MemoryLimitExceeded
from bot.fetch import Fetcher
from bot.memory_ceiling import resident_mb
from storage import open_database
from storage.db import count_rows
from tests.fakes.news import MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

PAGES = 12


async def test_a_run_past_the_ceiling_stops_with_a_clear_error_and_keeps_its_verdicts(
    tmp_path: Path,
) -> None:
    ceiling = int(resident_mb()) + 300
    fetch = FetchConfig(
        allow_private_networks=True,
        replay_dir="",
        retries=0,
        concurrency=1,
        per_host_concurrency=1,
        extract_workers=1,
        max_memory_mb=ceiling,
    )
    db = open_database(tmp_path / "t.db")
    ballast: list[bytes] = []
    judged_pages = [0]

    def grow_after_three_pages(stage: str, count: int) -> None:
        # Stands in for a stage that grows without bound: past the ceiling after 3 pages.
        if stage == "pages":
            judged_pages[0] += count
            if judged_pages[0] == 3:
                ballast.append(b"x" * (400 << 20))

    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        items = [(f"Mistral AI story {n}", f"{root}/story/{n}", hours_ago(2)) for n in range(PAGES)]
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        for n in range(PAGES):
            text = [f"Story {n}: {MISTRAL_STORY[n % 4]}", *MISTRAL_STORY]
            routes[f"/story/{n}"] = reply(200, article(f"Mistral AI story {n}", text))
        topic = TopicConfig(
            slug="mistral",
            name="Mistral AI",
            keywords=["Mistral AI"],
            sources=[SourceConfig(kind="rss", url=f"{root}/feed.rss")],
        )
        async with Fetcher(fetch) as fetcher:
            with pytest.raises(MemoryLimitExceeded) as stopped:
                await collect(db, topic, date.today(), fetcher, grow_after_three_pages)
    ballast.clear()

    message = str(stopped.value)
    assert "collection stopped while judging pages" in message
    assert f"more than fetch.max_memory_mb = {ceiling}" in message
    judged = sum(count_rows(db, table) for table in ("articles", "rejections", "pending_pages"))
    assert 3 <= judged < PAGES, "what was judged before the stop is stored"
