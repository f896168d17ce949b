"""Extraction in worker processes: a page that crashes, hangs or exhausts its worker costs
that page only, with a reason that says what happened, and the pool goes on."""

from __future__ import annotations

import asyncio
import os

import pytest

from bot.errors import ExtractError
from bot.extract_pool import PAGES_PER_WORKER, ExtractPool
from bot.models import Page
from tests.fakes.news import MISTRAL_STORY, article

GOOD = article("Mistral AI ships a model", MISTRAL_STORY)
URL = "https://news.example/story"


def _hostile(command: str) -> bytes:
    return GOOD.replace(b"<body>", f"<body><!-- digestbot-test-hook:{command} -->".encode())


async def _verdict(pool: ExtractPool, content: bytes) -> Page | str:
    try:
        return await pool.extract(content, URL)
    except ExtractError as exc:
        return str(exc)


async def test_a_crashing_page_costs_that_page_and_the_worker_is_replaced() -> None:
    async with ExtractPool(1, 10, 512, test_hooks=True) as pool:
        before = await _verdict(pool, GOOD)
        crashed = await _verdict(pool, _hostile("abort"))
        after = await _verdict(pool, GOOD)
    assert isinstance(before, Page) and isinstance(after, Page)
    assert after.title == "Mistral AI ships a model"
    assert crashed == "the extractor crashed (SIGABRT)"
    assert pool.stats.crashes == 1 and pool.stats.workers_started == 2


async def test_a_page_that_hangs_is_stopped_at_the_time_limit() -> None:
    async with ExtractPool(1, 1.5, 512, test_hooks=True) as pool:
        started = asyncio.get_running_loop().time()
        hung = await _verdict(pool, _hostile("hang"))
        waited = asyncio.get_running_loop().time() - started
        after = await _verdict(pool, GOOD)
    assert hung == "the extractor took longer than 1.5 s (fetch.extract_timeout_s)"
    assert 1.5 <= waited < 5
    assert isinstance(after, Page)
    assert pool.stats.timeouts == 1


async def test_a_page_that_needs_too_much_memory_is_stopped_at_the_cap() -> None:
    async with ExtractPool(1, 20, 300, test_hooks=True) as pool:
        hog = await _verdict(pool, _hostile("hog"))
        after = await _verdict(pool, GOOD)
    assert hog == "the extractor used more than 300 MB (fetch.extract_memory_mb)"
    assert isinstance(after, Page)
    assert pool.stats.memory_kills == 1


async def test_hooks_are_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGESTBOT_EXTRACT_TEST_HOOKS", raising=False)
    async with ExtractPool(1, 10, 512) as pool:
        verdict = await _verdict(pool, _hostile("abort"))
    assert isinstance(verdict, Page)


async def test_ordinary_rejections_keep_the_worker() -> None:
    async with ExtractPool(1, 10, 512) as pool:
        empty = await _verdict(pool, b"<html><body><img src='a.jpg'></body></html>")
        good = await _verdict(pool, GOOD)
    assert empty == "no article text found on the page"
    assert isinstance(good, Page)
    assert pool.stats.workers_started == 1 and pool.stats.crashes == 0


async def test_workers_are_renewed_and_none_outlive_the_pool() -> None:
    pool = ExtractPool(1, 10, 512)
    verdicts = await asyncio.gather(*(_verdict(pool, GOOD) for _ in range(PAGES_PER_WORKER + 10)))
    pids = {worker.pid for worker in pool._live}
    await pool.aclose()
    assert all(isinstance(v, Page) for v in verdicts)
    assert pool.stats.workers_started == 2, "a worker is replaced after its share of pages"
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


async def test_a_cancelled_extraction_does_not_leave_a_busy_worker() -> None:
    async with ExtractPool(1, 30, 512, test_hooks=True) as pool:
        hung = asyncio.ensure_future(pool.extract(_hostile("hang"), URL))
        await asyncio.sleep(0.5)
        hung.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hung
        after = await asyncio.wait_for(_verdict(pool, GOOD), 10)
    assert isinstance(after, Page)


async def test_a_page_larger_than_the_pipe_reaches_its_worker_whole() -> None:
    # Written as the pipe takes it, so the event loop runs on while a busy machine has
    # not scheduled the worker yet; the worker must still read the page entire.
    padding = b"<!-- " + b"x" * (3 * 1024 * 1024) + b" -->"
    big = GOOD.replace(b"<body>", b"<body>" + padding)
    async with ExtractPool(1, 30, 512) as pool:
        page = await _verdict(pool, big)
        small = await _verdict(pool, GOOD)
    assert isinstance(page, Page) and page.title == "Mistral AI ships a model"
    assert isinstance(small, Page) and pool.stats.workers_started == 1
