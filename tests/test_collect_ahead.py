"""Collection ahead of delivery: ``delivery.collect_ahead_minutes`` before a slot, its
topic is collected (and the digest built, when its window has closed), so the slot only
sends. Counted in requests to a local news site, with apscheduler reading a fake clock."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.config import Config, parse_config
from bot.delivery.prepare import CollectingDigestSource
from bot.scheduler import DeliveryScheduler
from storage import delivery as store
from storage import digests as digest_store
from tests.conftest import example_data
from tests.fakes.clock import FakeClock, JobEvents
from tests.fakes.news import MISTRAL_STORY, OTHER_MISTRAL_STORY, article, rss
from tests.fakes.telegram import FakeBotAPI
from tests.fakes.web import Handler, reply, serve

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]

WINDOW_END = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # 2026-11-21 08:00 in Taipei
COLLECT_AT_8, DELIVER_AT_8 = (
    "collect:mistral|08:00|Asia/Taipei",
    "deliver:mistral|08:00|Asia/Taipei",
)
COLLECT_AT_9, DELIVER_AT_9 = (
    "collect:mistral|09:00|Asia/Taipei",
    "deliver:mistral|09:00|Asia/Taipei",
)
RELEASE = ("Mistral AI releases an open-weight model", MISTRAL_STORY)
MEMORY = ("Mistral AI adds memory to Le Chat", OTHER_MISTRAL_STORY)
LATE = (
    "Mistral AI opens an office in Singapore",
    [
        "Mistral AI said on Friday it will open an office in Singapore, its first in Asia, "
        "to serve banks and public agencies across the region.",
        "The office will start with about forty engineers and sales staff, and the company "
        "plans to host its models in a data centre in the city by the middle of next year.",
        "Regional customers had asked for lower latency and for their data to stay in the "
        "region, a spokesperson said, adding that hiring has already begun.",
    ],
)


class NewsSite:
    """A feed and its article pages on 127.0.0.1, counting the requests for each path."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.items: list[tuple[str, str, datetime]] = []
        self.feed_status = 200
        self.routes: dict[str, Handler] = {"/feed.rss": self._counted("/feed.rss", self._feed)}
        self.root = ""
        self._lock = threading.Lock()

    def publish(self, slug: str, story: tuple[str, list[str]], published: datetime) -> None:
        title, paragraphs = story
        path = f"/news/{slug}"
        self.routes[path] = self._counted(path, reply(200, article(title, paragraphs, published)))
        self.items.append((title, f"{self.root}{path}", published))

    def _feed(self, request: BaseHTTPRequestHandler) -> None:
        if self.feed_status != 200:
            reply(self.feed_status, b"busy")(request)
        else:
            reply(200, rss(self.items), "application/rss+xml")(request)

    def _counted(self, path: str, handler: Handler) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            with self._lock:
                self.requests[path] += 1
            handler(request)

        return handle

    def taken(self) -> dict[str, int]:
        """The requests since the last call."""
        with self._lock:
            seen = dict(self.requests)
            self.requests.clear()
        return seen


@pytest.fixture
def site() -> Iterator[NewsSite]:
    news = NewsSite()
    with serve(news.routes) as root:
        news.root = root
        yield news


def _config(tmp_path: Path, site: NewsSite) -> Config:
    data = example_data()
    data["storage"]["path"] = str(tmp_path / "digestbot.db")
    data["fetch"].update(replay_dir="", allow_private_networks=True, retries=0, extract_workers=1)
    data["delivery"]["collect_ahead_minutes"] = 30
    data["topics"] = [
        {
            "slug": "mistral",
            "name": "Mistral AI",
            "language": "en",
            "timezone": "Asia/Taipei",
            "delivery_time": "08:00",
            "keywords": ["Mistral AI", "Le Chat"],
            "sources": [{"kind": "rss", "url": f"{site.root}/feed.rss"}],
        }
    ]
    return parse_config(data)


@dataclass
class Service:
    stack: TelegramStack
    scheduler: DeliveryScheduler
    clock: FakeClock
    events: JobEvents | None = None

    async def start(self) -> JobEvents:
        self.scheduler.start()
        assert self.scheduler.scheduler is not None
        self.events = JobEvents(self.scheduler.scheduler)
        for _ in range(3):  # apscheduler's first look for due jobs
            await asyncio.sleep(0)
        return self.events

    async def at(self, moment: datetime, job_id: str) -> None:
        """Move the clock to ``moment`` and wait for ``job_id`` to run."""
        assert self.scheduler.scheduler is not None and self.events is not None
        self.clock.set(moment)
        self.scheduler.scheduler.wakeup()
        await self.events.next(job_id)

    def next_run(self, job_id: str) -> datetime:
        assert self.scheduler.scheduler is not None
        run: datetime = self.scheduler.scheduler.get_job(job_id).next_run_time
        return run.astimezone(UTC)

    def text_to(self, chat: int) -> str:
        return "\n".join(message.text for message in self.stack.fake.to(chat))


@asynccontextmanager
async def running(
    tmp_path: Path,
    fake: FakeBotAPI,
    site: NewsSite,
    monkeypatch: pytest.MonkeyPatch,
    *,
    slot_time: str,
    now: datetime,
) -> AsyncIterator[Service]:
    from tests.delivery_fixtures import start_stack  # after pytest_plugins loaded it

    config = _config(tmp_path, site)
    stack = await start_stack(fake, Path(config.storage.path))
    db = stack.commands.db
    store.subscribe(
        db,
        platform="telegram",
        chat_id="1",
        chat_kind="private",
        topic="mistral",
        time=slot_time,
        timezone="Asia/Taipei",
        language="en",
    )
    clock = FakeClock(now)
    clock.drive_apscheduler(monkeypatch)
    source = CollectingDigestSource(db, config.fetch, clock=clock)
    scheduler = DeliveryScheduler(db, config, stack.fanout, source, clock=clock)
    scheduler.clock_check_s = 0.05
    try:
        yield Service(stack, scheduler, clock)
    finally:
        await scheduler.stop(5)
        await stack.bot.stop()


async def test_a_slot_after_the_window_closed_only_sends_what_was_built_ahead(
    tmp_path: Path, fake: FakeBotAPI, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish("release", RELEASE, WINDOW_END - timedelta(hours=5))
    site.publish("memory", MEMORY, WINDOW_END - timedelta(hours=3))
    slot = WINDOW_END + timedelta(hours=1)  # 09:00 in Taipei, an hour after the window
    async with running(
        tmp_path, fake, site, monkeypatch, slot_time="09:00", now=slot - timedelta(minutes=40)
    ) as service:
        await service.start()
        collect_job, deliver_job = COLLECT_AT_9, DELIVER_AT_9
        assert service.next_run(collect_job) == slot - timedelta(minutes=30)
        assert service.next_run(deliver_job) == slot

        await service.at(slot - timedelta(minutes=30), collect_job)
        assert site.taken() == {"/feed.rss": 1, "/news/release": 1, "/news/memory": 1}
        db = service.stack.commands.db
        assert digest_store.find_digest(db, "mistral", WINDOW_END.date(), "en") is not None
        assert service.stack.fake.to(1) == []  # built, not sent before its time

        await service.at(slot, deliver_job)
        assert site.taken() == {}, "the slot fetched again"
        text = service.text_to(1)
        assert text.startswith("Mistral AI daily updates - 2026-11-21")
        assert RELEASE[0] in text and MEMORY[0] in text
        assert store.count_by_status(db) == {"sent": 1}


async def test_a_slot_at_the_delivery_time_tops_up_with_only_the_new_pages(
    tmp_path: Path, fake: FakeBotAPI, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish("release", RELEASE, WINDOW_END - timedelta(hours=5))
    site.publish("memory", MEMORY, WINDOW_END - timedelta(hours=3))
    async with running(
        tmp_path,
        fake,
        site,
        monkeypatch,
        slot_time="08:00",  # the window closes when the slot fires
        now=WINDOW_END - timedelta(minutes=40),
    ) as service:
        await service.start()
        collect_job, deliver_job = COLLECT_AT_8, DELIVER_AT_8
        await service.at(WINDOW_END - timedelta(minutes=30), collect_job)
        assert site.taken() == {"/feed.rss": 1, "/news/release": 1, "/news/memory": 1}
        db = service.stack.commands.db
        # The window is still open: nothing is built yet.
        assert digest_store.find_digest(db, "mistral", WINDOW_END.date(), "en") is None

        # News in the window's last half hour, announced after the collection ahead.
        site.publish("singapore", LATE, WINDOW_END - timedelta(minutes=10))
        await service.at(WINDOW_END, deliver_job)
        assert site.taken() == {"/feed.rss": 1, "/news/singapore": 1}
        text = service.text_to(1)
        assert RELEASE[0] in text and MEMORY[0] in text and LATE[0] in text


async def test_without_a_collection_ahead_the_slot_collects_for_itself(
    tmp_path: Path, fake: FakeBotAPI, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish("release", RELEASE, WINDOW_END - timedelta(hours=5))
    site.publish("memory", MEMORY, WINDOW_END - timedelta(hours=3))
    slot = WINDOW_END + timedelta(hours=1)
    # Started two minutes before the slot: its collection ahead is tomorrow's.
    async with running(
        tmp_path, fake, site, monkeypatch, slot_time="09:00", now=slot - timedelta(minutes=2)
    ) as service:
        await service.start()
        collect_job, deliver_job = COLLECT_AT_9, DELIVER_AT_9
        assert service.next_run(collect_job) == slot + timedelta(days=1, minutes=-30)
        await service.at(slot, deliver_job)
        assert site.taken() == {"/feed.rss": 1, "/news/release": 1, "/news/memory": 1}
        text = service.text_to(1)
        assert RELEASE[0] in text and MEMORY[0] in text


async def test_a_collection_ahead_that_could_not_read_a_feed_is_tried_again_at_the_slot(
    tmp_path: Path, fake: FakeBotAPI, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish("release", RELEASE, WINDOW_END - timedelta(hours=5))
    slot = WINDOW_END + timedelta(hours=1)
    async with running(
        tmp_path, fake, site, monkeypatch, slot_time="09:00", now=slot - timedelta(minutes=40)
    ) as service:
        await service.start()
        collect_job, deliver_job = COLLECT_AT_9, DELIVER_AT_9
        site.feed_status = 503  # the feed is down half an hour before the slot
        await service.at(slot - timedelta(minutes=30), collect_job)
        assert site.taken() == {"/feed.rss": 1}
        db = service.stack.commands.db
        # No digest built from a collection that missed a source.
        assert digest_store.find_digest(db, "mistral", WINDOW_END.date(), "en") is None

        site.feed_status = 200  # back by the slot
        await service.at(slot, deliver_job)
        assert site.taken() == {"/feed.rss": 1, "/news/release": 1}
        assert RELEASE[0] in service.text_to(1)
