"""One ``digestbot run`` per database: a second one is refused at once with one line naming
the database and the running one's pid; a lock left by a killed service never blocks the
restart; the one-shot commands still work beside a running service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.run_lock import lock_path, run_lock
from bot.errors import StorageError
from tests.conftest import ROOT
from tests.fakes.news import rss
from tests.fakes.telegram import TOKEN, FakeBotAPI, running
from tests.fakes.web import reply, serve
from tests.faults.service_support import killed, start, stop, wait_until, write_config

REFUSAL_BOUND_S = 60.0
"""A failure limit for the refused process (it exits at start-up), not a timing claim."""


@pytest.fixture
def feed() -> Iterator[str]:
    with serve({"/feed.rss": reply(200, rss([]), "application/rss+xml")}) as root:
        yield f"{root}/feed.rss"


def _digestbot(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN}
    env.pop("DIGESTBOT_CONFIG", None)
    env.pop("MISTRAL_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "app", "--config", str(config), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=REFUSAL_BOUND_S,
        check=False,
    )


def _polling(fake: FakeBotAPI, after: int = 0) -> bool:
    with fake.lock:
        return fake.calls[after:].count("getUpdates") >= 1


def test_a_second_run_on_the_same_database_is_refused_and_a_killed_ones_lock_is_not(
    tmp_path: Path, feed: str
) -> None:
    log = tmp_path / "run.log"
    db_path = tmp_path / "run.db"
    with running(FakeBotAPI()) as fake:
        config = write_config(tmp_path, feed=feed, telegram=fake.url)
        first = start(config, log)
        try:
            wait_until(lambda: _polling(fake), "the first service to poll", first, log)
            calls_before = len(fake.calls)

            second = _digestbot(config, "run")

            assert second.returncode == 1, second.stderr
            lines = second.stderr.strip().splitlines()
            assert lines == [
                f"digestbot: error: database {db_path} is already served by another "
                f"'digestbot run' (pid {first.pid}): one service per database; stop that "
                "one first (or give this one its own [storage] path)"
            ], second.stderr
            # Refused before it reached Telegram: no getMe, no competing getUpdates.
            assert "getMe" not in fake.calls[calls_before:]
            assert first.poll() is None, "the first service goes on"

            # The one-shot commands share the database with the running service.
            collected = _digestbot(config, "collect", "--topic", "mistral")
            assert collected.returncode == 0, collected.stderr

            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            killed(first)
        assert lock_path(db_path).exists(), "a SIGKILL leaves the file behind"

        calls_before = len(fake.calls)
        restarted = start(config, log)
        try:
            wait_until(
                lambda: _polling(fake, calls_before), "the restarted service", restarted, log
            )
            assert stop(restarted, log) == 0, log.read_text()
        finally:
            killed(restarted)
    assert "already served" not in log.read_text()


def test_the_lock_is_released_when_the_service_ends(tmp_path: Path) -> None:
    """In one process too: a service that returned (or failed at start-up) lets the next
    one in; while it runs, the next one is told who holds the database."""
    database = tmp_path / "data" / "bot.db"
    held = pytest.raises(StorageError, match=rf"\(pid {os.getpid()}\)")
    with run_lock(database), held, run_lock(database):
        pass
    with run_lock(database):
        pass
    with pytest.raises(RuntimeError), run_lock(database):
        raise RuntimeError("start-up failed")
    with run_lock(database):
        pass
