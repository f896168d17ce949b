"""The one HTTP client every fetch goes through.

It enforces the limits a bot that reads the open web needs: a timeout per network
operation (``fetch.timeout_s``) and a deadline for the whole fetch (``fetch.deadline_s``,
redirects, retries and their waits included), so a server that trickles a byte a second
cannot hold a run; a cap on the body as it is decompressed (``fetch.max_bytes``: inflating
stops one step past it, so a gzip bomb costs at most that much memory); a redirect limit;
a concurrency limit overall and per host; and a refusal of non-public addresses
(:mod:`bot.netguard`: checked on the address actually connected to, on every hop) unless
``fetch.allow_private_networks``.
It sends conditional requests (ETag / Last-Modified) when the caller has validators, and
retries 429 and 5xx answers with backoff, honouring ``Retry-After`` up to a bound.
Failures become :class:`FetchError` with a public rejection reason.
"""

from __future__ import annotations

import asyncio
import zlib
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
    stop_any,
    wait_exponential,
)
from tenacity.stop import stop_base

from bot import __version__, metrics
from bot.config import FetchConfig
from bot.errors import FetchError
from bot.models import Reason
from bot.netguard import GuardedTransport, is_public_address, network_transport
from bot.replay import ReplayTransport

__all__ = ["Fetched", "Fetcher", "GuardedTransport", "is_public_address", "parse_retry_after"]

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


# Encodings we can inflate step by step within the limit; we ask for no others.
ACCEPT_ENCODING = "gzip, deflate"
# Inflated per step: the most one decompression call adds beyond the limit.
_INFLATE_STEP = 64 * 1024


class _BoundedBody:
    """A response body decoded as it arrives, refused as soon as it passes ``limit``.

    httpx would inflate a whole network read at once (one 64 KB read of a gzip bomb is
    64 MB); here each step inflates at most ``_INFLATE_STEP`` bytes, so the memory a body
    costs is bounded by the limit however it is compressed.
    """

    def __init__(self, url: str, encoding: str, limit: int) -> None:
        self._url = url
        self._limit = limit
        self._body = bytearray()
        self._encoding = encoding.strip().lower()
        self._inflater: zlib._Decompress | None = None
        if self._encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._encoding == "deflate":
            self._inflater = zlib.decompressobj()
        elif self._encoding not in ("", "identity"):
            raise FetchError(url, Reason.FETCH_ERROR, f"unsupported content-encoding {encoding}")
        self._started = False

    def feed(self, raw: bytes) -> None:
        if self._inflater is None:
            self._append(raw)
            return
        pending = raw
        while pending and not self._inflater.eof:
            try:
                out = self._inflater.decompress(pending, _INFLATE_STEP)
            except zlib.error as exc:
                if self._encoding == "deflate" and not self._started:
                    # Servers send "deflate" as raw deflate as often as the zlib format.
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise FetchError(
                    self._url, Reason.FETCH_ERROR, f"undecodable {self._encoding} body: {exc}"
                ) from exc
            self._started = True
            self._append(out)
            pending = self._inflater.unconsumed_tail

    def _append(self, data: bytes) -> None:
        self._body.extend(data)
        if len(self._body) > self._limit:
            raise FetchError(self._url, Reason.TOO_LARGE, f"body exceeds {self._limit} bytes")

    def content(self) -> bytes:
        return bytes(self._body)


class _PastDeadline(stop_base):
    """Stop retrying when the wait before the next attempt would end past the deadline."""

    def __init__(self) -> None:
        self.at: float | None = None

    def __call__(self, state: RetryCallState) -> bool:
        if self.at is None:
            return False
        return asyncio.get_running_loop().time() + state.upcoming_sleep >= self.at


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
                transport = network_transport(config.allow_private_networks)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(config.timeout_s),
            follow_redirects=True,
            max_redirects=config.max_redirects,
            headers={"user-agent": USER_AGENT, "accept-encoding": ACCEPT_ENCODING},
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

    @metrics.count_fetch
    async def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        """Fetch ``url``; with ``etag``/``last_modified`` from an earlier fetch, the
        request is conditional and an unchanged resource comes back ``not_modified``.

        The deadline starts when the first attempt gets its connection slots (time queued
        behind the concurrency limits is not the server's fault) and covers every attempt
        and every wait between them; a retry that could not finish in time is not made."""
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as exc:
            raise FetchError(url, Reason.FETCH_ERROR, f"invalid URL: {exc}") from exc
        headers: dict[str, str] = {}
        if etag:
            headers["if-none-match"] = etag
        if last_modified:
            headers["if-modified-since"] = last_modified
        loop = asyncio.get_running_loop()
        past_deadline = _PastDeadline()
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_any(stop_after_attempt(self._config.retries + 1), past_deadline),
            wait=self._wait,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    # The semaphores are held per attempt, never while sleeping.
                    async with self._overall, self._per_host[host]:
                        if past_deadline.at is None:
                            past_deadline.at = loop.time() + self._config.deadline_s
                        async with asyncio.timeout_at(past_deadline.at):
                            return await self._get(url, headers)
        except _Retryable as exc:
            raise FetchError(url, Reason.FETCH_ERROR, exc.detail) from exc
        except TimeoutError as exc:
            raise FetchError(
                url,
                Reason.FETCH_ERROR,
                f"not done within fetch.deadline_s ({self._config.deadline_s:g} s)",
            ) from exc
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
                body = _BoundedBody(url, response.headers.get("content-encoding", ""), limit)
                async for chunk in response.aiter_raw():
                    body.feed(chunk)
                return Fetched(
                    url=str(response.url),
                    status=status,
                    content_type=response.headers.get("content-type", ""),
                    content=body.content(),
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
