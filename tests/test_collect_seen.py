"""The seen cache: a page judged once, kept or rejected, is not fetched again while its
feed still carries it; a rejection stays visible where it was stored."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import sqlite_utils

from bot.collect import CollectReport, collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from storage import open_database
from storage.articles import rejections_on
from storage.lookup import rejections_at
from tests.fakes.news import MISTRAL_STORY, OTHER_MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

FETCH = FetchConfig(
    allow_private_networks=True,
    replay_dir="",
    retries=0,
    concurrency=4,
    per_host_concurrency=4,
    extract_workers=1,
)
OFF_TOPIC = [
    "The city council voted on Tuesday to repair the old stone bridge over the river "
    "before winter, after engineers found cracks in two of its arches.",
    "Traffic will be diverted through the harbour road for six weeks, and the ferry will "
    "run every twenty minutes instead of every hour while the work goes on.",
    "Residents said the bridge had needed work for years; the council said the repair "
    "would be paid for from the regional roads budget and a grant from the state.",
]


class Site:
    """Article pages that count the requests each receives and can change their reply."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        self.pages: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def handler(self, path: str) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            body, etag = self.pages[path]
            with self._lock:
                self.requests[path] += 1
                if request.headers.get("if-none-match"):
                    self.conditional[path] += 1
            if etag and request.headers.get("if-none-match") == etag:
                request.send_response(304)
                request.send_header("etag", etag)
                request.send_header("content-length", "0")
                request.end_headers()
                return
            reply(200, body, headers={"etag": etag} if etag else None)(request)

        return handle


def _topic(root: str) -> TopicConfig:
    return TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI"],
        timezone="UTC",
        delivery_time="23:59",
        sources=[SourceConfig(kind="rss", url=f"{root}/feed.rss")],
    )


async def _collect(db: sqlite_utils.Database, root: str, day: date) -> CollectReport:
    async with Fetcher(FETCH) as fetcher:
        return await collect(db, _topic(root), day, fetcher)


def _pages(site: Site, root: str, routes: dict[str, Handler]) -> list[tuple[str, str, datetime]]:
    stories = {
        "/news/release": ("Mistral AI releases an open-weight model", MISTRAL_STORY),
        "/news/memory": ("Mistral AI adds memory to Le Chat", OTHER_MISTRAL_STORY),
        "/news/bridge": ("Council to repair the old bridge", OFF_TOPIC),
    }
    items = []
    for path, (title, text) in stories.items():
        site.pages[path] = (article(title, text, hours_ago(3)), f'"{path}-v1"')
        routes[path] = site.handler(path)
        items.append((title, f"{root}{path}", hours_ago(3)))
    return items


async def test_a_second_run_over_unchanged_feeds_fetches_no_article_page(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    site = Site()
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        items = _pages(site, root, routes)
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        today = date.today()
        first = await _collect(db, root, today)
        assert sum(site.requests.values()) == 3
        assert first.page_fetches == 3
        assert first.kept == 2 and sum(first.rejected.values()) == 1

        site.requests.clear()
        second = await _collect(db, root, today + timedelta(days=1))

    assert sum(site.requests.values()) == 0, f"fetched again: {dict(site.requests)}"
    assert second.page_fetches == 0
    assert second.already_known == 3
    assert second.kept == 0 and not second.rejected
    # The rejection is stored once, under the day it was made, and the "why not" lookup
    # still finds it.
    assert [r.url for r in rejections_on(db, "mistral", today)] == [f"{root}/news/bridge"]
    assert rejections_on(db, "mistral", today + timedelta(days=1)) == []
    why_not = rejections_at(db, [f"{root}/news/bridge"])
    assert [(r.day, str(r.rejection.reason)) for r in why_not] == [(today, "off_topic")]


async def test_an_entry_announced_again_with_a_new_time_is_rechecked_conditionally(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "t.db")
    site = Site()
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        items = _pages(site, root, routes)
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        today = date.today()
        await _collect(db, root, today)
        site.requests.clear()

        # The feed bumps the off-topic entry's time; its page is unchanged (ETag matches).
        bumped = [
            (t, u, d + timedelta(hours=1) if u.endswith("bridge") else d) for t, u, d in items
        ]
        routes["/feed.rss"] = reply(200, rss(bumped), "application/rss+xml")
        second = await _collect(db, root, today + timedelta(days=1))
        assert dict(site.requests) == {"/news/bridge": 1}
        assert site.conditional["/news/bridge"] == 1, "asked with If-None-Match"
        assert second.unchanged == 1 and not second.rejected
        assert second.extraction.pages == 0, "a 304 is not extracted"

        # Bumped again, and now the page really changed: it is judged again.
        site.requests.clear()
        new_text = [f"Mistral AI is now mentioned in this update. {OFF_TOPIC[0]}", *OFF_TOPIC[1:]]
        site.pages["/news/bridge"] = (
            article("Council to repair the old bridge", new_text, hours_ago(1)),
            '"/news/bridge-v2"',
        )
        again = [(t, u, d + timedelta(hours=2) if u.endswith("bridge") else d) for t, u, d in items]
        routes["/feed.rss"] = reply(200, rss(again), "application/rss+xml")
        third = await _collect(db, root, today + timedelta(days=2))
    assert dict(site.requests) == {"/news/bridge": 1}
    assert third.extraction.pages == 1
    assert third.kept + sum(third.rejected.values()) == 1, "a new verdict for the new page"


async def test_a_failed_fetch_is_tried_again_on_the_next_run(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    site = Site()
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        items = _pages(site, root, routes)
        down = Counter[str]()

        def unavailable(request: BaseHTTPRequestHandler) -> None:
            down["/news/down"] += 1
            reply(503, b"busy")(request)

        routes["/news/down"] = unavailable
        items.append(("Mistral AI page that fails", f"{root}/news/down", hours_ago(3)))
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        await _collect(db, root, date.today())
        site.requests.clear()
        second = await _collect(db, root, date.today() + timedelta(days=1))
    assert down["/news/down"] == 2
    assert sum(site.requests.values()) == 0
    assert second.rejected["fetch_error"] == 1
