"""The one HTTP client every fetch goes through.

It enforces the limits a bot that reads the open web needs: a timeout, a cap on body size
(reading stops past ``fetch.max_bytes``), a redirect limit, a concurrency limit overall and
per host, and a refusal of loopback, private, link-local and metadata addresses (checked
after DNS resolution, on every redirect hop) unless ``fetch.allow_private_networks``.
It sends conditional requests (ETag / Last-Modified) when the caller has validators, and
retries 429 and 5xx answers with backoff, honouring ``Retry-After`` up to a bound.
Failures become :class:`FetchError` with a public rejection reason.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from bot import __version__
from bot.config import FetchConfig
from bot.errors import FetchError
from bot.models import Reason
from bot.replay import ReplayTransport

USER_AGENT = f"digestbot/{__version__} (+https://github.com/digestbot/digestbot; news digest bot)"

# Answers worth asking again: the server said "later" or failed on its side.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content_type: str
    content: bytes
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        """A 304: the resource is unchanged since the validators we sent."""
        return self.status == 304


class _Retryable(FetchError):
    """A 429/5xx answer or a dropped connection; ``retry_after`` is the server's wish."""

    def __init__(self, url: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(url, Reason.FETCH_ERROR, detail)
        self.retry_after = retry_after


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


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

    @property
    def config(self) -> FetchConfig:
        return self._config

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        """Fetch ``url``; with ``etag``/``last_modified`` from an earlier fetch, the
        request is conditional and an unchanged resource comes back ``not_modified``."""
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"invalid URL: {exc}") from exc
        headers: dict[str, str] = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(self._config.retries + 1),
            wait=self._wait,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    # The semaphores are held per attempt, never while sleeping.
                    async with self._overall, self._per_host[host]:
                        return await self._get(url, headers)
        except _Retryable as exc:
            raise FetchError(url, Reason.FETCH_ERROR, exc.detail) from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential(multiplier=self._config.retry_backoff_s, max=60)(state)
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            backoff = error.retry_after
        return min(backoff, self._config.retry_max_wait_s)

    async def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        limit = self._config.max_bytes
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    wish = parse_retry_after(response.headers.get("retry-after", ""))
                    if wish is not None and wish > self._config.retry_max_wait_s:
                        # Waiting that long would stall the run; the next run tries again.
                        raise FetchError(
                            url,
                            Reason.FETCH_ERROR,
                            f"HTTP {status}, server asks to retry after {wish:.0f} s "
                            f"(more than fetch.retry_max_wait_s)",
                        )
                    raise _Retryable(url, f"HTTP {status}", wish)
                if status >= 400:
                    raise FetchError(url, Reason.FETCH_ERROR, f"HTTP {status}")
                etag = response.headers.get("etag", "")
                last_modified = response.headers.get("last-modified", "")
                if status == 304:
                    return Fetched(str(response.url), 304, "", b"", etag, last_modified)
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
                    status=status,
                    content_type=response.headers.get("content-type", ""),
                    content=bytes(body),
                    etag=etag,
                    last_modified=last_modified,
                )
        except httpx.TooManyRedirects as exc:
            raise FetchError(
                url, Reason.FETCH_ERROR, f"too many redirects (limit {self._config.max_redirects})"
            ) from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
            raise _Retryable(url, f"{type(exc).__name__}: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"timed out: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"{type(exc).__name__}: {exc}") from exc
