"""A server that trickles its answer cannot hold a fetch, nor a collect, past fetch.deadline_s."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.errors import FetchError
from bot.fetch import Fetcher
from storage import articles as article_store
from storage import open_database
from tests.fakes.news import MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, Recorder, reply, sequence, serve

# Each byte arrives well within the per-read timeout: only a deadline can stop this.
TRICKLE = FetchConfig(
    allow_private_networks=True, timeout_s=5, deadline_s=1.5, retries=0, replay_dir=""
)


def trickle(length: int = 120, pause_s: float = 1.0) -> Handler:
    """Declares ``length`` bytes, then sends one byte per ``pause_s`` seconds."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("content-type", "application/rss+xml")
        request.send_header("content-length", str(length))
        request.end_headers()
        try:
            for _ in range(length):
                request.wfile.write(b" ")
                time.sleep(pause_s)
        except OSError:
            pass  # the client gave up, as it should

    return handle


async def test_a_trickling_page_fails_with_a_deadline_error_instead_of_stalling() -> None:
    with serve({"/slow": trickle()}) as root, pytest.raises(FetchError) as caught:
        async with Fetcher(TRICKLE) as fetcher:
            await fetcher.get(root + "/slow")
    assert caught.value.reason == "fetch_error"
    assert "fetch.deadline_s (1.5 s)" in caught.value.detail


async def test_a_retry_that_cannot_finish_before_the_deadline_is_not_made() -> None:
    # The server asks for 3 s, which fetch.retry_max_wait_s allows but the deadline does not.
    limited = Recorder(sequence(reply(503, headers={"retry-after": "3"}), reply(200, b"ok")))
    config = TRICKLE.model_copy(update={"retries": 2, "retry_max_wait_s": 10})
    with serve({"/limited": limited}) as root, pytest.raises(FetchError) as caught:
        async with Fetcher(config) as fetcher:
            await fetcher.get(root + "/limited")
    assert "HTTP 503" in caught.value.detail
    assert len(limited.requests) == 1


async def test_time_queued_behind_the_concurrency_limit_does_not_count() -> None:
    # One connection at a time, three pages of 0.6 s each: 1.8 s in all, each within 1.5 s.
    config = TRICKLE.model_copy(update={"concurrency": 1})
    routes = {"/a": trickle(3, 0.2), "/b": trickle(3, 0.2), "/c": trickle(3, 0.2)}
    with serve(routes) as root:
        async with Fetcher(config) as fetcher:
            pages = await asyncio.gather(*(fetcher.get(root + path) for path in routes))
    assert [page.content for page in pages] == [b"   "] * 3


async def test_collect_finishes_and_keeps_the_good_story_when_a_feed_and_a_page_trickle(
    tmp_path: Path,
) -> None:
    fresh = hours_ago(2)
    routes: dict[str, Handler] = {"/slow-feed.rss": trickle(), "/slow-story": trickle()}
    with serve(routes) as root:
        routes["/good.rss"] = reply(
            200,
            rss(
                [
                    ("Mistral AI ships a model", root + "/story", fresh),
                    ("Mistral AI opens an office", root + "/slow-story", fresh),
                ]
            ),
            "application/rss+xml",
        )
        routes["/story"] = reply(200, article("Mistral AI ships a model", MISTRAL_STORY, fresh))
        subject = TopicConfig(
            slug="mistral",
            name="Mistral AI",
            keywords=["Mistral AI"],
            sources=[
                SourceConfig(kind="rss", url=root + "/good.rss"),
                SourceConfig(kind="rss", url=root + "/slow-feed.rss"),
            ],
        )
        db = open_database(tmp_path / "t.db")
        started = time.monotonic()
        async with Fetcher(TRICKLE) as fetcher:
            report = await collect(db, subject, date.today(), fetcher)
        took = time.monotonic() - started
        reasons = {
            r.url.removeprefix(root): r
            for r in article_store.rejections_on(db, "mistral", date.today())
        }
    assert report.kept == 1, "the good story is stored"
    assert "deadline" in reasons["/slow-feed.rss"].detail
    assert "deadline" in reasons["/slow-story"].detail
    # Without a deadline this run lasts the 120 s the trickle takes.
    assert took < 60
