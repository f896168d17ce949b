"""One ``digestbot run`` per database: an OS advisory lock on ``<database>.lock``.

Two services on one database would both fan out every due digest (each reads the same
``pending`` rows, so subscribers get two copies), and the second one's start-up would mark
the first one's sends in flight ``uncertain``. The one-shot commands (``collect``,
``digest``, ``ask``, ``web``) take no lock: they write in short transactions that SQLite's
WAL mode and busy timeout serialise, and the store's unique keys keep them from doubling
anything.

``flock`` belongs to the open file: the kernel drops it when the process ends, however it
ends (SIGKILL, a power cut of the container), so a lock left behind never blocks a restart.
The file is never deleted: a process that removed it could let a third one lock a new file
while a second still holds the old one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import StorageError


def lock_path(database: str | Path) -> Path:
    return Path(f"{database}.lock")


@contextmanager
def run_lock(database: str | Path) -> Iterator[None]:
    """Hold the run lock of ``database`` for the block; :class:`StorageError` (one line:
    the database, the other process's pid, what to do) if another process holds it."""
    if str(database) == ":memory:":  # private to this process: nothing to share
        yield
        return
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StorageError(
            f"cannot create the run lock {path} of database {database}: "
            f"{exc.strerror or exc}: the service user must be able to write in that folder"
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError(_held(database, _holder(handle))) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(handle)  # releases the lock


def _holder(handle: int) -> int | None:
    """The pid the holder wrote, if it got that far."""
    try:
        text = os.pread(handle, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _held(database: str | Path, pid: int | None) -> str:
    other = f"(pid {pid})" if pid is not None else "(its pid is not known yet)"
    return (
        f"database {database} is already served by another 'digestbot run' {other}: "
        "one service per database; stop that one first (or give this one its own "
        "[storage] path)"
    )
