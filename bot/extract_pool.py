"""Extraction in worker processes: trafilatura and lxml never run in a thread of ours.

lxml (libxml2) called from several threads at once corrupts memory (trafilatura issues
#840 and #925: SIGABRT "double free or corruption", SIGSEGV), and that killed the whole
collecting process, chat adapters and scheduler included. Here every page is extracted by
one of a few single-threaded worker processes (:mod:`bot.extract_worker`), each with a
time limit per page and a cap on its address space. A worker that crashes, hangs or runs
out of memory is replaced and costs its page only: the page is rejected as
``extract_error`` with a reason that says what happened.

Why not ``concurrent.futures.ProcessPoolExecutor``: one worker's death marks the whole
pool broken (every pending page fails with ``BrokenProcessPool`` and which page killed it
is lost), and it cannot stop one task that hangs. Why not ``multiprocessing`` at all: its
``fork`` copies the locks of our other threads in whatever state they are in, and its
``spawn``/``forkserver`` re-import the main module (a script without a ``__main__`` guard
would start itself again). A worker here is a plain ``python -m bot.extract_worker``
started with ``subprocess`` (fork and exec at once), one pipe each way, one page at a
time, so a death or a timeout names its page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from bot.config import FetchConfig
from bot.errors import ExtractError
from bot.models import Page, Rejection
from bot.pending_pages import verdict_of
from bot.screen import Undecided

log = logging.getLogger(__name__)

# A worker is replaced after this many extracted pages: whatever trafilatura's caches (htmldate,
# courlan, justext) keep between calls cannot pile up in a long-running service.
PAGES_PER_WORKER = 200
# Seconds a new worker may take to import trafilatura and say it is ready.
START_TIMEOUT_S = 30.0
# Set to "1" in the environment (the tests do) to let a page ask its worker to misbehave
# (see bot/extract_worker.py); never set in production.
TEST_HOOKS_ENV = "DIGESTBOT_EXTRACT_TEST_HOOKS"
# A verdict is the page's text and a little metadata: never more than this.
MAX_REPLY_BYTES = 64 * 1024 * 1024


def default_workers() -> int:
    """One worker per core this process may run on: extraction is CPU-bound."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class PoolStats:
    """What the workers cost: pages handled, pages rejected before extraction for naming
    the topic nowhere, pages each limit stopped, workers started."""

    pages: int = 0
    prescreened: int = 0
    crashes: int = 0
    timeouts: int = 0
    memory_kills: int = 0
    workers_started: int = 0


class ExtractPool:
    """``await pool.extract(content, url)`` -> :class:`Page`, or :class:`ExtractError`.

    At most ``workers`` pages are extracted at once; callers beyond that wait their turn.
    Workers start on first use, so a run with nothing to extract starts none.
    """

    def __init__(
        self,
        workers: int,
        timeout_s: float,
        memory_mb: int,
        *,
        test_hooks: bool | None = None,
    ) -> None:
        self.workers = workers
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.test_hooks = (
            os.environ.get(TEST_HOOKS_ENV) == "1" if test_hooks is None else test_hooks
        )
        self.stats = PoolStats()
        self._idle: asyncio.Queue[_Worker | None] | None = None
        self._live: set[_Worker] = set()
        self._closed = False

    @classmethod
    def from_config(cls, config: FetchConfig) -> ExtractPool:
        return cls(
            config.extract_workers or default_workers(),
            config.extract_timeout_s,
            config.extract_memory_mb,
        )

    async def __aenter__(self) -> ExtractPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def extract(self, content: bytes, url: str) -> Page:
        return _verdict(await self._run(url.encode("utf-8") + b"\n" + content))

    async def screen(
        self,
        content: bytes,
        url: str,
        job: dict[str, Any],
        page: Page | None = None,
        *,
        prescreen: bool = False,
    ) -> Undecided | Rejection:
        """Extract the page at ``url`` (or take ``page``, a text its source carried) and
        screen it (:func:`bot.screen.screen_page`) in a worker; ``job`` is
        :func:`bot.pending_pages.screen_job`'s. With ``prescreen``, a page that names the
        topic nowhere is rejected without being extracted (:mod:`bot.prescreen`)."""
        header: dict[str, Any] = {"url": url, "screen": job}
        if prescreen:
            header["prescreen"] = True
        if page is not None:
            header["page"] = _dated(asdict(page))
        reply = await self._run(json.dumps(header).encode("utf-8") + b"\n" + content)
        if "rejected" in reply:
            raise ExtractError(str(reply["rejected"]))
        return verdict_of(reply)

    async def _run(self, task: bytes) -> dict[str, Any]:
        if self._closed:
            raise RuntimeError("the extraction pool is closed")
        idle = self._slots()
        worker = await idle.get()
        keep = False
        try:
            if worker is None:  # a free slot without a live worker
                worker = await self._start()
            reply = await self._ask(worker, task)
            self.stats.pages += 1
            keep = worker.pages < PAGES_PER_WORKER
            if "bug" in reply:
                raise RuntimeError(f"screening failed in the worker:\n{reply['bug']}")
            return reply
        except _WorkerLost as lost:
            raise ExtractError(lost.reason) from None
        finally:
            # A worker that died, timed out, ran out of memory, was cancelled holding a
            # page or has done its share is ended; the next page starts a fresh one.
            if worker is not None and not keep:
                self._end(worker)
            idle.put_nowait(worker if keep else None)

    async def aclose(self) -> None:
        self._closed = True
        workers, self._live = list(self._live), set()
        for worker in workers:
            worker.close()
        if workers:
            await asyncio.to_thread(_reap, workers)

    def _slots(self) -> asyncio.Queue[_Worker | None]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.workers):
                self._idle.put_nowait(None)
        return self._idle

    async def _start(self) -> _Worker:
        worker = _Worker(self.memory_mb, self.test_hooks)
        self._live.add(worker)
        self.stats.workers_started += 1
        try:
            await self._receive(worker, START_TIMEOUT_S, "start")
        except BaseException:
            self._end(worker)
            raise
        return worker

    async def _ask(self, worker: _Worker, task: bytes) -> dict[str, Any]:
        try:
            await asyncio.wait_for(_send(worker.outbox, task), self.timeout_s)
        except OSError:
            raise self._lost(worker) from None
        except TimeoutError:
            self.stats.timeouts += 1
            raise _WorkerLost(
                f"the extractor took longer than {self.timeout_s:g} s (fetch.extract_timeout_s)"
            ) from None
        reply = await self._receive(worker, self.timeout_s, "page")
        # A page rejected before extraction leaves nothing in trafilatura's caches: only
        # extracted pages count towards a worker's share.
        if reply.get("extracted", True):
            worker.pages += 1
        else:
            self.stats.prescreened += 1
        if "memory" in reply:
            self.stats.memory_kills += 1
            raise _WorkerLost(
                f"the extractor used more than {self.memory_mb} MB (fetch.extract_memory_mb)"
            )
        return reply

    async def _receive(self, worker: _Worker, timeout_s: float, what: str) -> dict[str, Any]:
        readable: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not readable.done():
                readable.set_result(None)

        try:
            with _on_readable(worker.inbox, wake):
                await asyncio.wait_for(readable, timeout_s)
        except TimeoutError:
            if what == "start":
                raise ExtractError(f"the extractor did not start within {timeout_s:g} s") from None
            self.stats.timeouts += 1
            raise _WorkerLost(
                f"the extractor took longer than {timeout_s:g} s (fetch.extract_timeout_s)"
            ) from None
        try:
            reply = json.loads(worker.inbox.recv_bytes(MAX_REPLY_BYTES))
        except (EOFError, OSError, ValueError):
            raise self._lost(worker) from None
        if not isinstance(reply, dict):
            raise self._lost(worker)
        return reply

    def _lost(self, worker: _Worker) -> _WorkerLost:
        worker.close()
        code = worker.wait(1.0)
        reason = "the extractor crashed"
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                reason += f" ({signal.Signals(-code).name})"
        elif code is not None:
            reason += f" (exit code {code})"
        self.stats.crashes += 1
        log.warning("extraction worker %s died: %s", worker.pid, reason)
        return _WorkerLost(reason)

    def _end(self, worker: _Worker) -> None:
        self._live.discard(worker)
        worker.kill()


def _dated(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _verdict(reply: dict[str, Any]) -> Page:
    if "rejected" in reply:
        raise ExtractError(str(reply["rejected"]))
    from bot.extract_worker import page_from_fields

    return page_from_fields(reply["page"])


class _WorkerLost(Exception):
    """The worker is gone or no longer trusted; ``reason`` says why, for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Worker:
    """One ``python -m bot.extract_worker`` and the two pipe ends we hold."""

    def __init__(self, memory_mb: int, test_hooks: bool) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        command = [sys.executable, "-m", "bot.extract_worker"]
        command += [str(to_worker_r), str(from_worker_w), str(memory_mb)]
        if test_hooks:
            command.append("--test-hooks")
        try:
            self.process = subprocess.Popen(  # noqa: S603 (our own module, no shell)
                command,
                pass_fds=(to_worker_r, from_worker_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                close_fds=True,
            )
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        # Written without blocking (see _send): a page larger than the pipe's buffer
        # would otherwise hold the event loop until a busy machine schedules the worker.
        os.set_blocking(to_worker_w, False)
        self.outbox = Connection(to_worker_w, readable=False)
        self.inbox = Connection(from_worker_r, writable=False)
        self.pid = self.process.pid
        self.pages = 0

    def wait(self, timeout_s: float) -> int | None:
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        """Close our pipe ends: an idle worker reads end-of-input and exits by itself."""
        for end in (self.outbox, self.inbox):
            with contextlib.suppress(OSError):
                end.close()

    def kill(self) -> None:
        self.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        # Reaped now so no zombie is left; a killed process is gone in microseconds.
        self.wait(1.0)


def _reap(workers: list[_Worker]) -> None:
    for worker in workers:
        if worker.wait(2.0) is None:
            worker.kill()


async def _send(conn: Connection, message: bytes) -> None:
    """``conn.send_bytes(message)`` for a non-blocking pipe: the frame
    ``multiprocessing.connection`` reads (a 4-byte big-endian length, or -1 and an 8-byte
    one past 2 GiB), written as the pipe takes it while the event loop runs on."""
    size = len(message)
    header = struct.pack("!i", size) if size <= 0x7FFFFFFF else struct.pack("!iQ", -1, size)
    view = memoryview(header + message)
    loop = asyncio.get_running_loop()
    fd = conn.fileno()
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            writable: asyncio.Future[None] = loop.create_future()
            loop.add_writer(fd, _settle, writable)
            try:
                await writable
            finally:
                loop.remove_writer(fd)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@contextlib.contextmanager
def _on_readable(conn: Connection, callback: Callable[[], Any]) -> Any:
    loop = asyncio.get_running_loop()
    fd = conn.fileno()
    loop.add_reader(fd, callback)
    try:
        yield
    finally:
        loop.remove_reader(fd)
