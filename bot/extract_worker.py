"""One extraction worker process, run by :mod:`bot.extract_pool`:

    python -m bot.extract_worker READ_FD WRITE_FD MEMORY_MB [--test-hooks]

Single-threaded, so lxml is never called from two threads at once. It caps its own
address space at MEMORY_MB, says ``ready`` once trafilatura is imported, then answers
one page at a time until its input closes. Messages are length-prefixed frames
(``multiprocessing.connection``) holding bytes and JSON, never pickles: the main process
does not unpickle what a process that parsed untrusted HTML sends it.

A page in: ``URL\\n`` followed by the page's bytes. A verdict out: ``{"page": {...}}``,
``{"rejected": "why"}`` or ``{"memory": true}`` (the worker then exits, and is replaced
with a fresh heap).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path

# A worker within this much of its address-space cap is treated as out of memory: the
# allocation that failed may have been caught inside trafilatura and turned into "no text".
MEMORY_MARGIN_MB = 16
TEST_HOOK_MARKER = b"digestbot-test-hook:"


def main(argv: Sequence[str]) -> int:
    read_fd, write_fd, memory_mb = int(argv[0]), int(argv[1]), int(argv[2])
    test_hooks = "--test-hooks" in argv[3:]
    # Ctrl-C reaches the whole process group; the main process decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit = memory_mb * 1024 * 1024
    # A platform without RLIMIT_AS still has the main process's time limit.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from bot.errors import ExtractError
    from bot.extract import extract_page

    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    outbox.send_bytes(b'{"ready": true}')
    while True:
        try:
            task = inbox.recv_bytes()
        except (EOFError, OSError):
            return 0  # the main process is done with us, or gone
        url, _, content = task.partition(b"\n")
        try:
            if test_hooks:
                _test_hook(content)
            page = extract_page(content, url.decode("utf-8", "replace"))
            reply: dict[str, object] = {
                "page": {
                    "title": page.title,
                    "text": page.text,
                    "published": page.published.isoformat() if page.published else None,
                    "author": page.author,
                    "language": page.language,
                }
            }
        except ExtractError as exc:
            reply = {"rejected": str(exc)}
        except MemoryError:
            reply = {"memory": True}
        del task, content
        if "memory" not in reply and _near_limit(memory_mb):
            reply = {"memory": True}
        try:
            outbox.send_bytes(json.dumps(reply).encode("utf-8"))
        except (OSError, MemoryError):
            return 1
        if "memory" in reply:
            return 0


def _near_limit(memory_mb: int) -> bool:
    """True when this process's peak address space came within the margin of its cap."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) // 1024 >= memory_mb - MEMORY_MARGIN_MB
    return False


def _test_hook(content: bytes) -> None:
    """Misbehave as a page asks, for tests only: ``digestbot-test-hook:abort`` crashes,
    ``:hang`` never answers, ``:hog`` allocates until the memory cap stops it."""
    start = content.find(TEST_HOOK_MARKER)
    if start < 0:
        return
    command = content[start + len(TEST_HOOK_MARKER) :][:5]
    if command.startswith(b"abort"):
        os.abort()
    if command.startswith(b"hang"):
        time.sleep(3600)
    if command.startswith(b"hog"):
        hoard: list[bytearray] = []
        while True:
            hoard.append(bytearray(32 * 1024 * 1024))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
