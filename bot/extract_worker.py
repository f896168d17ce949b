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

A page to screen as well: a JSON line ``{"url": ..., "screen": {...}}`` (the job of
:func:`bot.pending_pages.screen_job`, optionally with ``"page"`` for a text the source
carried, which is then not extracted, and ``"prescreen": true`` to reject a page that
names the topic nowhere without extracting it, :mod:`bot.prescreen`) followed by the
page's bytes; the verdict of :func:`bot.screen.screen_page` comes back as
:func:`bot.pending_pages.verdict_json`.
Screening is CPU work like extraction, so it runs here too and not on the event loop
that serves the chat adapters.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import TopicConfig
    from bot.filters.relevance import TopicTerms
    from bot.models import Page

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
        header, _, content = task.partition(b"\n")
        job: dict[str, Any] | None = None
        if header.startswith(b"{"):
            job = json.loads(header)
            url = str(job["url"])
        else:
            url = header.decode("utf-8", "replace")
        try:
            reply: dict[str, Any] | None = None
            if job is not None and job.get("prescreen"):
                reply = _prescreen(content, url, job["screen"])
            if reply is None:
                if test_hooks:
                    _test_hook(content)
                if job is not None and "page" in job:
                    page = page_from_fields(job["page"])
                else:
                    page = extract_page(content, url)
                if job is not None and "screen" in job:
                    reply = _screen(page, job["screen"])
                else:
                    reply = {"page": _fields(page)}
        except ExtractError as exc:
            reply = {"rejected": str(exc)}
        except MemoryError:
            reply = {"memory": True}
        except Exception:  # a bug in a rule: told to the main process
            reply = {"bug": traceback.format_exc(limit=8)}
        del task, content
        if "memory" not in reply and _near_limit(memory_mb):
            reply = {"memory": True}
        try:
            outbox.send_bytes(json.dumps(reply).encode("utf-8"))
        except (OSError, MemoryError):
            return 1
        if "memory" in reply:
            return 0


def _fields(page: Page) -> dict[str, Any]:
    return {
        "title": page.title,
        "text": page.text,
        "published": page.published.isoformat() if page.published else None,
        "author": page.author,
        "language": page.language,
    }


def page_from_fields(fields: dict[str, Any]) -> Page:
    """A page as the worker sends it (and receives a page already extracted)."""
    from bot.models import Page

    published = fields.get("published")
    return Page(
        title=fields["title"],
        text=fields["text"],
        published=datetime.fromisoformat(published) if published else None,
        author=fields.get("author"),
        language=fields.get("language"),
    )


@lru_cache(maxsize=4)
def _topic(text: str) -> TopicConfig:
    # The same topic comes with every page of a run: parsed once.
    from bot.config import TopicConfig

    return TopicConfig.model_validate_json(text)


@lru_cache(maxsize=4)
def _terms(text: str) -> TopicTerms:
    from bot.screen import topic_terms

    return topic_terms(_topic(text))


def _prescreen(content: bytes, url: str, job: dict[str, Any]) -> dict[str, Any] | None:
    """The verdict on a page that names the topic nowhere, without extracting it."""
    from bot.pending_pages import job_candidate, verdict_json
    from bot.prescreen import unnamed_rejection

    rejection = unnamed_rejection(content, job_candidate(job), url, _terms(job["topic"]))
    if rejection is None:
        return None
    return {**verdict_json(rejection), "extracted": False}


def _screen(page: Page, job: dict[str, Any]) -> dict[str, Any]:
    from bot.pending_pages import job_candidate, verdict_json
    from bot.screen import screen_page

    candidate = job_candidate(job)
    verdict = screen_page(
        candidate,
        page,
        _topic(job["topic"]),
        datetime.fromisoformat(job["fetched"]),
        datetime.fromisoformat(job["not_before"]),
        job.get("final_url"),
    )
    return verdict_json(verdict)


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
