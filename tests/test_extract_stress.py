"""Stress: hundreds of varied pages extracted at once, with crashing, hanging and
memory-hungry pages mixed in. This process survives, every page gets a verdict, and a
good page's verdict is the one the extractor gives it when called directly."""

from __future__ import annotations

import asyncio

from bot.errors import ExtractError
from bot.extract import extract_page
from bot.extract_pool import ExtractPool
from bot.models import Page
from tests.varied_pages import pages

URL = "https://news.example/story"
PAGES = 300
HOSTILE = {
    40: "abort",
    90: "hog",
    150: "abort",
    200: "hang",
    260: "hog",
    290: "abort",
}
# Long enough that only the hanging page reaches it, however loaded the machine: a hog
# must be stopped by the memory cap, not by the clock.
TIMEOUT_S = 10


def _with_hook(content: bytes, command: str) -> bytes:
    return content.replace(b"<body>", f"<body><!-- digestbot-test-hook:{command} -->".encode(), 1)


async def _verdict(pool: ExtractPool, content: bytes) -> Page | str:
    try:
        return await pool.extract(content, URL)
    except ExtractError as exc:
        return str(exc)


async def test_many_concurrent_varied_pages_each_get_a_verdict() -> None:
    corpus = pages(PAGES, seed=17)
    for index, command in HOSTILE.items():
        corpus[index] = _with_hook(corpus[index], command)
    async with ExtractPool(2, TIMEOUT_S, 400, test_hooks=True) as pool:
        verdicts = await asyncio.gather(*(_verdict(pool, page) for page in corpus))

    assert len(verdicts) == PAGES
    for index, command in HOSTILE.items():
        expected = {
            "abort": "the extractor crashed (SIGABRT)",
            "hog": "the extractor used more than 400 MB (fetch.extract_memory_mb)",
            "hang": f"the extractor took longer than {TIMEOUT_S} s (fetch.extract_timeout_s)",
        }[command]
        assert verdicts[index] == expected, index
    assert (pool.stats.crashes, pool.stats.memory_kills, pool.stats.timeouts) == (3, 2, 1)
    ordinary = [v for i, v in enumerate(verdicts) if i not in HOSTILE]
    assert sum(isinstance(v, Page) for v in ordinary) >= 0.8 * len(ordinary)
    # The pool is transparent: same verdicts as a direct call (here, in one thread only).
    for index in range(0, PAGES, 15):
        if index in HOSTILE:
            continue
        try:
            direct: Page | str = extract_page(corpus[index], URL)
        except ExtractError as exc:
            direct = str(exc)
        assert verdicts[index] == direct, index
