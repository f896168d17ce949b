from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
import pytest

from bot.config import FetchConfig
from bot.errors import FetchError
from bot.fetch import Fetcher, GuardedTransport, parse_retry_after
from tests.fakes.web import Recorder, conditional, endless, reply, sequence, serve

ALLOW_LOCAL = FetchConfig(allow_private_networks=True, max_bytes=100_000, timeout_s=5)


async def _get(config: FetchConfig, url: str) -> bytes:
    async with Fetcher(config) as fetcher:
        return (await fetcher.get(url)).content


async def test_loopback_is_refused_by_default() -> None:
    with (
        serve({"/": reply(200, b"secret admin page")}) as root,
        pytest.raises(FetchError) as caught,
    ):
        await _get(FetchConfig(), root + "/")
    assert caught.value.reason == "blocked_address"
    assert "allow_private_networks" in caught.value.detail


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/"]
)
async def test_private_and_metadata_literals_are_refused_without_connecting(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        await _get(FetchConfig(), url)
    assert caught.value.reason == "blocked_address"


async def test_allowed_when_configured() -> None:
    with serve({"/a": reply(200, b"<p>hello</p>")}) as root:
        assert await _get(ALLOW_LOCAL, root + "/a") == b"<p>hello</p>"


async def test_declared_oversize_body_is_too_large() -> None:
    with serve({"/big": reply(200, b"x" * 200_000)}) as root, pytest.raises(FetchError) as caught:
        await _get(ALLOW_LOCAL, root + "/big")
    assert caught.value.reason == "too_large"


async def test_endless_body_stops_at_the_limit() -> None:
    with serve({"/endless": endless()}) as root, pytest.raises(FetchError) as caught:
        await _get(ALLOW_LOCAL, root + "/endless")
    assert caught.value.reason == "too_large"


async def test_redirect_loop_is_a_fetch_error() -> None:
    routes = {
        "/a": reply(302, headers={"location": "/b"}),
        "/b": reply(302, headers={"location": "/a"}),
    }
    with serve(routes) as root, pytest.raises(FetchError) as caught:
        await _get(ALLOW_LOCAL, root + "/a")
    assert caught.value.reason == "fetch_error"
    assert "redirects" in caught.value.detail


async def test_http_error_status_is_a_fetch_error() -> None:
    with serve({}) as root, pytest.raises(FetchError) as caught:
        await _get(ALLOW_LOCAL, root + "/missing")
    assert caught.value.reason == "fetch_error"
    assert "404" in caught.value.detail


async def test_user_agent_identifies_the_bot() -> None:
    seen: list[str] = []

    def record(request):  # type: ignore[no-untyped-def]
        seen.append(request.headers.get("user-agent", ""))
        reply(200, b"ok")(request)

    with serve({"/ua": record}) as root:
        await _get(ALLOW_LOCAL, root + "/ua")
    assert seen and seen[0].startswith("digestbot/")


FAST_RETRY = ALLOW_LOCAL.model_copy(update={"retries": 2, "retry_backoff_s": 0.01})


async def test_conditional_get_sends_validators_and_handles_304() -> None:
    resource = Recorder(conditional(b"<rss/>", '"v1"'))
    with serve({"/feed": resource}) as root:
        async with Fetcher(ALLOW_LOCAL) as fetcher:
            first = await fetcher.get(root + "/feed")
            second = await fetcher.get(root + "/feed", etag=first.etag)
    assert first.etag == '"v1"' and first.content == b"<rss/>" and not first.not_modified
    assert second.not_modified and second.content == b""
    assert resource.requests[1]["if-none-match"] == '"v1"'


async def test_last_modified_is_sent_as_if_modified_since() -> None:
    resource = Recorder(reply(200, b"ok"))
    stamp = "Sat, 21 Nov 2026 08:00:00 GMT"
    with serve({"/f": resource}) as root:
        async with Fetcher(ALLOW_LOCAL) as fetcher:
            await fetcher.get(root + "/f", last_modified=stamp)
    assert resource.requests[0]["if-modified-since"] == stamp


async def test_503_is_retried_until_it_succeeds() -> None:
    flaky = Recorder(
        sequence(reply(503, headers={"retry-after": "0"}), reply(502), reply(200, b"finally"))
    )
    with serve({"/flaky": flaky}) as root:
        assert await _get(FAST_RETRY, root + "/flaky") == b"finally"
    assert len(flaky.requests) == 3


async def test_retries_are_bounded() -> None:
    down = Recorder(reply(500))
    with serve({"/down": down}) as root, pytest.raises(FetchError) as caught:
        await _get(FAST_RETRY, root + "/down")
    assert caught.value.reason == "fetch_error"
    assert "HTTP 500" in caught.value.detail
    assert len(down.requests) == 3  # one try and two retries


async def test_429_honours_retry_after() -> None:
    limited = Recorder(sequence(reply(429, headers={"retry-after": "1"}), reply(200, b"ok")))
    config = FAST_RETRY.model_copy(update={"retry_max_wait_s": 5})
    with serve({"/limited": limited}) as root:
        started = asyncio.get_running_loop().time()
        assert await _get(config, root + "/limited") == b"ok"
        waited = asyncio.get_running_loop().time() - started
    # The backoff alone would be 0.01 s; the server asked for a second.
    assert waited >= 0.9


async def test_retry_after_longer_than_the_bound_fails_without_waiting() -> None:
    limited = Recorder(reply(429, headers={"retry-after": "3600"}))
    with serve({"/limited": limited}) as root, pytest.raises(FetchError) as caught:
        await _get(FAST_RETRY, root + "/limited")
    assert "3600" in caught.value.detail
    assert len(limited.requests) == 1


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 11, 21, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sat, 21 Nov 2026 08:00:30 GMT", now) == 30
    assert parse_retry_after("120") == 120
    assert parse_retry_after("soon") is None


async def test_redirect_to_a_private_address_is_refused_at_that_hop() -> None:
    # The first hop is allowed only because it is a literal we let through in this test;
    # the transport checks the second hop on its own.
    seen: list[str] = []

    class Inner(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(str(request.url))
            return httpx.Response(302, headers={"location": "http://169.254.169.254/meta"})

    class FirstHopPublic(GuardedTransport):
        async def _check_host(self, url: httpx.URL) -> None:
            if url.host != "public.example":
                await super()._check_host(url)

    transport = FirstHopPublic(Inner(), allow_private=False)
    async with Fetcher(FetchConfig(), transport=transport) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get("http://public.example/start")
    assert caught.value.reason == "blocked_address"
    assert seen == ["http://public.example/start"]


async def test_a_server_that_never_answers_times_out() -> None:
    def stall(request):  # type: ignore[no-untyped-def]
        time.sleep(3)
        reply(200, b"too late")(request)

    config = ALLOW_LOCAL.model_copy(update={"timeout_s": 0.3, "retries": 0})
    with serve({"/slow": stall}) as root, pytest.raises(FetchError) as caught:
        await _get(config, root + "/slow")
    assert caught.value.reason == "fetch_error"
    assert "timed out" in caught.value.detail
