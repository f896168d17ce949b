"""Signals for ``digestbot run``: SIGTERM/SIGINT stop it within a deadline, SIGHUP reloads.

The handlers are plain ``signal.signal`` handlers, not the event loop's: those run only when
the loop gets control back, and a stop must not wait for a long synchronous step (or a
thread the loop waits for at exit). Each one hands its work to the loop thread-safely, and
the first stop also arms a watchdog thread that ends the process once ``deadline_s`` has
passed, whatever is still running. SQLite in WAL mode and the outbox make such an exit as
safe as a crash (see tests/faults/test_kill.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Self

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
EXIT_FORCED = 1


class ServiceSignals:
    """Installed for the ``with`` block; the previous handlers come back after it."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        stop: asyncio.Event,
        *,
        deadline_s: float,
        on_reload: Callable[[], None] | None = None,
    ) -> None:
        self.loop = loop
        self.stop = stop
        self.deadline_s = deadline_s
        self.on_reload = on_reload
        self.stopping = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Self:
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._on_stop)
        if self.on_reload is not None:
            self._previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, self._on_hup)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        # An armed watchdog stays armed: what follows (asyncio.run cancelling the rest and
        # waiting for its worker threads) is still part of the shutdown it bounds.

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            # A second stop signal: the operator does not want to wait.
            _force_exit(f"{signal.Signals(signum).name} again: exiting now")
        self.stopping = True
        watchdog = threading.Timer(
            self.deadline_s,
            _force_exit,
            [f"still stopping after {self.deadline_s:g} s: exiting now (as after a crash)"],
        )
        watchdog.daemon = True
        watchdog.start()
        self.loop.call_soon_threadsafe(self.stop.set)

    def _on_hup(self, signum: int, frame: FrameType | None) -> None:
        if self.on_reload is not None and not self.stopping:
            self.loop.call_soon_threadsafe(self.on_reload)


def _force_exit(why: str) -> None:
    log.error("shutdown: %s", why)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(EXIT_FORCED)
