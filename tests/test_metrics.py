"""The optional ``/healthz`` and Prometheus ``/metrics`` endpoint: off by default, and after
a run against the fakes it shows what happened, parsed with prometheus_client's own parser."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.metrics_server import start_metrics
from app.service import serve
from bot.collect import collect
from bot.config import FetchConfig, MetricsConfig, Secrets, SourceConfig, TopicConfig, parse_config
from bot.fetch import Fetcher
from storage import open_database
from tests.conftest import SAMPLE_DATE, example_data
from tests.fakes.news import MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.telegram import TOKEN, FakeBotAPI
from tests.fakes.web import Handler, conditional, reply
from tests.fakes.web import serve as serve_web

pytest_plugins = ["tests.delivery_fixtures"]

CHAT = 7701
SENT = "digestbot_deliveries_total"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def scrape(port: int) -> Samples:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    """How much a sample grew: the registry lives as long as the test process."""
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.fixture
def metrics_port() -> Iterator[int]:
    yield free_port()


async def test_off_by_default_nothing_listens() -> None:
    assert MetricsConfig().enabled is False and MetricsConfig().host == "127.0.0.1"
    assert await start_metrics(MetricsConfig(), lambda: {"status": "ok"}) is None


async def test_fetches_and_rejections_by_outcome(tmp_path: Path, metrics_port: int) -> None:
    server = await start_metrics(
        MetricsConfig(enabled=True, port=metrics_port), lambda: {"status": "ok"}
    )
    assert server is not None
    try:
        before = await scrape(metrics_port)
        fresh = hours_ago(1)
        routes: dict[str, Handler] = {}
        with serve_web(routes) as root:
            items = [
                ("Mistral AI ships a model", root + "/story", fresh),
                ("Gone", root + "/gone", fresh),
            ]
            routes["/feed"] = conditional(rss(items), '"v1"')
            routes["/story"] = reply(200, article("Mistral AI ships a model", MISTRAL_STORY, fresh))
            routes["/gone"] = reply(404)
            topic = TopicConfig(
                slug="t",
                name="Mistral AI",
                keywords=["Mistral AI"],
                sources=[SourceConfig(kind="rss", url=root + "/feed")],
            )
            fetch = FetchConfig(allow_private_networks=True, retries=0, replay_dir="")
            db = open_database(tmp_path / "m.db")
            for _ in range(2):  # the second run: the feed answers 304
                async with Fetcher(fetch) as fetcher:
                    await collect(db, topic, date.today(), fetcher)
        after = await scrape(metrics_port)
    finally:
        await server.stop()
    assert grew(before, after, "digestbot_fetches_total", outcome="ok") >= 2  # feed, story
    assert grew(before, after, "digestbot_fetches_total", outcome="not_modified") == 1
    assert grew(before, after, "digestbot_fetches_total", outcome="fetch_error") == 1
    assert grew(before, after, "digestbot_rejections_total", reason="fetch_error") == 1


async def test_a_run_against_the_fakes_shows_digests_deliveries_latency_and_429s(
    fake: FakeBotAPI, db_path: Path, metrics_port: int
) -> None:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    # Faster than the fake lets one chat go: the digest's second part meets a 429.
    data["telegram"].update(api_base_url=fake.url, chat_messages_per_second=50)
    data["metrics"].update(enabled=True, port=metrics_port)
    stop = asyncio.Event()
    service = asyncio.create_task(serve(parse_config(data), Secrets(None, TOKEN, None), stop=stop))
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(500):
                try:
                    health = await client.get(f"http://127.0.0.1:{metrics_port}/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "adapters": ["telegram"]}
        before = await scrape(metrics_port)
        fake.push_text(CHAT, f"/digest mistral {SAMPLE_DATE}")
        await asyncio.to_thread(fake.wait_for, lambda: len(fake.to(CHAT)) >= 2)
        after = await scrape(metrics_port)
        for _ in range(500):  # the sender counts the reply once its last part is sent
            if grew(before, after, SENT, platform="telegram", status="sent"):
                break
            await asyncio.sleep(0.02)
            after = await scrape(metrics_port)
    finally:
        stop.set()
        await service
    assert grew(before, after, "digestbot_digests_total", mode="extractive") == 1
    assert grew(before, after, SENT, platform="telegram", status="sent") == 1
    parts = len(fake.to(CHAT))
    sends = grew(before, after, "digestbot_send_seconds_count", platform="telegram")
    assert sends >= parts  # every part, and the attempts refused with a 429
    assert grew(before, after, "digestbot_rate_limited_total", platform="telegram") >= 1
    assert grew(before, after, "digestbot_fetches_total", outcome="ok") >= 1  # collected first
    assert value(after, "process_resident_memory_bytes") > 0
