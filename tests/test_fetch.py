from __future__ import annotations

import pytest

from bot.config import FetchConfig
from bot.errors import FetchError
from bot.fetch import Fetcher
from tests.fakes.web import endless, reply, serve

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
