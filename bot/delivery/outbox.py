"""Group commit for the outbox: many workers' writes share one SQLite transaction.

Every outbox write still commits before the worker that asked for it goes on (a ``sending``
mark is durable before its message is sent), but the writes that arrive while one commit
is under way share the next one, so a fan-out does not pay one disk sync per write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import sqlite_utils


class GroupCommit:
    def __init__(self, db: sqlite_utils.Database, *, gather_s: float = 0.002) -> None:
        self.db = db
        self.gather_s = gather_s
        self._pending: list[tuple[Callable[[], None], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.commits = 0
        self.writes = 0

    async def write(self, change: Callable[[], None]) -> None:
        """Apply ``change`` (synchronous SQL) and return once it is committed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((change, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await future

    def write_now(self, change: Callable[[], None]) -> None:
        """Apply ``change`` and commit it before returning, after every write still queued
        (so it can undo one of them), without waiting for the event loop: it also works
        in a task being cancelled at shutdown."""
        batch, self._pending = self._pending, []
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._commit([*batch, (change, done)])
        error = done.exception()
        if error is not None:
            raise error

    async def _flush(self) -> None:
        while self._pending:
            try:
                await asyncio.sleep(self.gather_s)  # let the other workers queue their writes
            except asyncio.CancelledError:
                # Shutdown: the queued writes (claims, outcomes) are committed, not lost.
                batch, self._pending = self._pending, []
                self._commit(batch)
                raise
            batch, self._pending = self._pending, []
            self._commit(batch)

    def _commit(self, batch: list[tuple[Callable[[], None], asyncio.Future[None]]]) -> None:
        errors: list[BaseException | None] = []
        try:
            with self.db.atomic():
                for change, _ in batch:
                    try:
                        with self.db.atomic():  # a savepoint: one bad write fails alone
                            change()
                        errors.append(None)
                    except Exception as exc:
                        errors.append(exc)
        except Exception as exc:  # the commit itself failed: every write failed
            errors = [exc] * len(batch)
        self.commits += 1
        self.writes += len(batch)
        for (_, future), error in zip(batch, errors, strict=True):
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)
