"""A real ``digestbot run`` subprocess against the local fakes, for the lifecycle faults.

The service reads one local feed (empty unless a test serves news), so a digest is built in
well under a second, and delivers to the fake Bot API. ``stop`` sends SIGTERM and waits at
most ``STOP_BOUND_S``: a service slower than that fails the test with ``TimeoutExpired``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import delivery as store
from storage import open_database
from tests.conftest import ROOT
from tests.fakes.telegram import TOKEN

STOP_BOUND_S = 10.0
"""What a supervisor (Docker, systemd) waits after SIGTERM before it kills."""


def write_config(
    tmp_path: Path,
    *,
    feed: str,
    telegram: str,
    workers: int = 4,
    extra: str = "",
    name: str = "run.toml",
) -> Path:
    """A service config: one topic on UTC reading ``feed``; its database in ``tmp_path``."""
    path = tmp_path / name
    path.write_text(
        f'[storage]\npath = "{tmp_path / "run.db"}"\n'
        '[fetch]\nallow_private_networks = true\nreplay_dir = ""\nretries = 0\n'
        "extract_workers = 1\n"
        f'[telegram]\napi_base_url = "{telegram}"\nread_timeout_s = 5\n'
        f"[delivery]\nworkers = {workers}\n"
        f"{extra}"
        '[[topics]]\nslug = "mistral"\nname = "Mistral AI"\nkeywords = ["Mistral AI"]\n'
        'timezone = "UTC"\ndelivery_time = "00:00"\n'
        f'[[topics.sources]]\nkind = "rss"\nurl = "{feed}"\n',
        encoding="utf-8",
    )
    return path


def subscribe(db_path: Path, chats: list[int], *, minutes_ago: int = 2) -> None:
    """Subscribe each chat to a slot that fired ``minutes_ago``: the service delivers it as
    soon as it starts (catch-up)."""
    fired = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    db = open_database(db_path)
    for chat in chats:
        store.subscribe(
            db,
            platform="telegram",
            chat_id=str(chat),
            chat_kind="private",
            topic="mistral",
            time=f"{fired:%H:%M}",
            timezone="UTC",
            language="en",
        )
    db.close()


def start(config: Path, log: Path, **env: str) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, **env}
    environ.pop("DIGESTBOT_CONFIG", None)
    if "MISTRAL_API_KEY" not in env:
        environ.pop("MISTRAL_API_KEY", None)
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "app", "-v", "--config", str(config), "run"],
            cwd=ROOT,
            env=environ,
            stdout=sink,
            stderr=sink,
        )


def stop(proc: subprocess.Popen[bytes], log: Path) -> int:
    """SIGTERM, then the exit code; ``TimeoutExpired`` if it took longer than the bound."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=STOP_BOUND_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        print(log.read_text(errors="replace"))
        raise


def statuses(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [row[0] for row in conn.execute("select status from deliveries order by id")]


def wait_until(
    condition: Callable[[], bool],
    what: str,
    proc: subprocess.Popen[bytes],
    log: Path,
    timeout: float = 120.0,
) -> None:
    """Poll ``condition``; ``timeout`` is a failure limit for a machine under heavy load
    (a collection with its worker processes can take a minute there), not a timing claim."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"digestbot run exited ({proc.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.05)


def run_until(
    config: Path, log: Path, condition: Callable[[], bool], what: str, **env: str
) -> None:
    """Start ``digestbot run``, wait for ``condition``, and stop it cleanly (exit 0): the
    restart half of every kill and shutdown case."""
    proc = start(config, log, **env)
    try:
        wait_until(condition, what, proc, log)
        assert stop(proc, log) == 0, log.read_text()
    finally:
        killed(proc)


def killed(proc: subprocess.Popen[bytes]) -> None:
    """Clean-up for a ``finally``: no service outlives its test."""
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
