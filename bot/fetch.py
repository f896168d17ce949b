"""The one HTTP client every fetch goes through.

It enforces the limits a bot that reads the open web needs: a timeout, a cap on body size
(reading stops past ``fetch.max_bytes``), a redirect limit, a concurrency limit overall and
per host, and a refusal of loopback, private, link-local and metadata addresses (checked
after DNS resolution, on every redirect hop) unless ``fetch.allow_private_networks``.
Failures become :class:`FetchError` with a public rejection reason.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections import defaultdict
from dataclasses import dataclass
from types import TracebackType

import httpx

from bot import __version__
from bot.config import FetchConfig
from bot.errors import FetchError
from bot.models import Reason
from bot.replay import ReplayTransport

USER_AGENT = f"digestbot/{__version__} (+https://github.com/digestbot/digestbot; news digest bot)"


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content_type: str
    content: bytes


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class GuardedTransport(httpx.AsyncBaseTransport):
    """The network transport, refusing hosts that resolve to non-public addresses.

    Every request, redirects included, passes through here, so a public URL that redirects
    to ``http://169.254.169.254/`` is refused at the hop that tries it.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._allow_private:
            await self._check_host(request.url)
        return await self._inner.handle_async_request(request)

    async def _check_host(self, url: httpx.URL) -> None:
        host = url.host
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, url.port or 443, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise FetchError(str(url), Reason.FETCH_ERROR, f"cannot resolve {host}") from exc
            addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    str(url),
                    Reason.BLOCKED_ADDRESS,
                    f"{host} resolves to non-public address {address} "
                    "(set fetch.allow_private_networks = true to allow)",
                )

    async def aclose(self) -> None:
        await self._inner.aclose()


class Fetcher:
    """``async with Fetcher(config) as fetcher: await fetcher.get(url)``."""

    def __init__(
        self, config: FetchConfig, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._config = config
        if transport is None:
            replay = config.replay_path()
            if replay is not None:
                transport = ReplayTransport(replay)
            else:
                transport = GuardedTransport(
                    httpx.AsyncHTTPTransport(retries=0), config.allow_private_networks
                )
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(config.timeout_s),
            follow_redirects=True,
            max_redirects=config.max_redirects,
            headers={"user-agent": USER_AGENT},
        )
        self._overall = asyncio.Semaphore(config.concurrency)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(config.per_host_concurrency)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    async def get(self, url: str) -> Fetched:
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"invalid URL: {exc}") from exc
        async with self._overall, self._per_host[host]:
            return await self._get(url)

    async def _get(self, url: str) -> Fetched:
        limit = self._config.max_bytes
        try:
            async with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(url, Reason.FETCH_ERROR, f"HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(
                        url, Reason.TOO_LARGE, f"declares {declared} bytes, limit {limit}"
                    )
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > limit:
                        raise FetchError(url, Reason.TOO_LARGE, f"body exceeds {limit} bytes")
                return Fetched(
                    url=str(response.url),
                    status=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    content=bytes(body),
                )
        except httpx.TooManyRedirects as exc:
            raise FetchError(url, Reason.FETCH_ERROR, "too many redirects") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"timed out: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"{type(exc).__name__}: {exc}") from exc
