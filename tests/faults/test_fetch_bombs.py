"""Compressed bombs: the size cap holds while inflating, so memory stays bounded however
many arrive at once."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib

import pytest

from bot.config import FetchConfig
from bot.errors import FetchError
from bot.fetch import Fetcher
from tests.fakes.web import Handler, reply, serve

LIMIT = 1_000_000
BOMBS = 16
FETCH = FetchConfig(
    allow_private_networks=True,
    max_bytes=LIMIT,
    timeout_s=20,
    deadline_s=120,
    retries=0,
    concurrency=BOMBS,
    per_host_concurrency=BOMBS,
    replay_dir="",
)
# 200 MB of zeros in about 200 KB: one 64 KB network read inflates to about 64 MB.
INFLATED = 200_000_000


def _bomb(encoding: str) -> bytes:
    zeros = b"\0" * INFLATED
    if encoding == "gzip":
        return gzip.compress(zeros, compresslevel=9)
    if encoding == "deflate":
        return zlib.compress(zeros, 9)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate
    return squeeze.compress(zeros) + squeeze.flush()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return _bomb("gzip")


async def test_sixteen_concurrent_gzip_bombs_are_too_large_and_memory_stays_bounded(
    gzip_bomb: bytes,
) -> None:
    routes: dict[str, Handler] = {
        f"/bomb{n}": reply(200, gzip_bomb, "application/rss+xml", {"content-encoding": "gzip"})
        for n in range(BOMBS)
    }
    with serve(routes) as root:
        tracemalloc.start()
        try:
            async with Fetcher(FETCH) as fetcher:
                outcomes = await asyncio.gather(
                    *(fetcher.get(root + path) for path in routes), return_exceptions=True
                )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert all(isinstance(o, FetchError) and o.reason == "too_large" for o in outcomes), outcomes
    # Each bomb may hold its limit plus one inflating step; inflating whole network reads
    # (as httpx does) peaked at over 1 GB here.
    assert peak < BOMBS * LIMIT * 3 + 20_000_000, f"peak {peak / 1e6:.0f} MB"


@pytest.mark.parametrize("encoding", ["deflate", "raw-deflate"])
async def test_deflate_bombs_in_either_framing_are_too_large(encoding: str) -> None:
    bomb = _bomb(encoding)
    routes = {"/bomb": reply(200, bomb, "text/html", {"content-encoding": "deflate"})}
    with serve(routes) as root, pytest.raises(FetchError) as caught:
        async with Fetcher(FETCH) as fetcher:
            await fetcher.get(root + "/bomb")
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_a_compressed_page_within_the_limit_arrives_whole(encoding: str) -> None:
    page = b"<html><body>" + b"<p>Mistral AI ships a model.</p>" * 2000 + b"</body></html>"
    if encoding == "gzip":
        body = gzip.compress(page)
    elif encoding == "deflate":
        body = zlib.compress(page)
    else:
        squeeze = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = squeeze.compress(page) + squeeze.flush()
    header = "gzip" if encoding == "gzip" else "deflate"
    with serve({"/p": reply(200, body, "text/html", {"content-encoding": header})}) as root:
        async with Fetcher(FETCH) as fetcher:
            fetched = await fetcher.get(root + "/p")
    assert fetched.content == page


async def test_an_encoding_we_did_not_ask_for_is_a_fetch_error() -> None:
    routes = {"/br": reply(200, b"\x1b\x00", "text/html", {"content-encoding": "br"})}
    with serve(routes) as root, pytest.raises(FetchError) as caught:
        async with Fetcher(FETCH) as fetcher:
            await fetcher.get(root + "/br")
    assert caught.value.reason == "fetch_error"
    assert "content-encoding br" in caught.value.detail


async def test_a_corrupt_gzip_body_is_a_fetch_error() -> None:
    routes = {"/bad": reply(200, b"\x1f\x8b\x08garbage", "text/html", {"content-encoding": "gzip"})}
    with serve(routes) as root, pytest.raises(FetchError) as caught:
        async with Fetcher(FETCH) as fetcher:
            await fetcher.get(root + "/bad")
    assert "undecodable gzip body" in caught.value.detail
