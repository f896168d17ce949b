"""Exactly once across a crash: ``digestbot run`` is killed with SIGKILL in the middle of a
fan-out, then restarted. Every subscriber has exactly one copy; the send that was in flight
when the process died is ``uncertain`` and is not sent again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import delivery as store
from storage import open_database
from tests.conftest import EXAMPLE_CONFIG, ROOT
from tests.fakes.telegram import TOKEN, FakeBotAPI, running

pytest_plugins = ["tests.delivery_fixtures"]

SUBSCRIBERS = 30
HOLD_AT = 11  # the fake keeps the reply to this message until the process is dead


def _config(tmp_path: Path, db_path: Path, api: str) -> Path:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace('path = "digestbot.db"', f'path = "{db_path}"', 1)
    text = text.replace('api_base_url = ""                   # server root, e.g.',
                        f'api_base_url = "{api}"  # server root, e.g.', 1)  # fmt: skip
    text = text.replace("read_timeout_s = 10", "read_timeout_s = 5", 1)
    text = text.replace("\nworkers = 0 ", "\nworkers = 1 ", 1)
    path = tmp_path / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _start(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN}
    env.pop("DIGESTBOT_CONFIG", None)
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "app", "--config", str(config), "run"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=sink,
        )


def _statuses(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [row[0] for row in conn.execute("select status from deliveries order by id")]


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_sigkill_mid_fan_out_then_restart_delivers_exactly_once(
    tmp_path: Path, db_path: Path
) -> None:
    fired = datetime.now(UTC) - timedelta(minutes=2)  # a slot that fired just before start
    db = open_database(db_path)
    chats = [10_000 + n for n in range(SUBSCRIBERS)]
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
    log = tmp_path / "run.log"
    with running(FakeBotAPI()) as fake:
        config = _config(tmp_path, db_path, fake.url)
        fake.hold_after = HOLD_AT
        first = _start(config, log)
        try:
            assert fake.held.wait(120), log.read_text()
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL
        fake.hold_after = None
        fake.release.set()
        assert "sending" in _statuses(db_path)  # killed mid-send: the outbox knows

        second = _start(config, log)
        try:
            # The restarted service also answers commands while it catches up.
            fake.push_text(chats[0], "/list")
            fake.wait_for(
                lambda: any(m.text.startswith("Subscriptions") for m in fake.to(chats[0])), 120
            )
            _wait(
                lambda: (
                    len(_statuses(db_path)) == SUBSCRIBERS
                    and not {"pending", "sending"} & set(_statuses(db_path))
                ),
                120,
                "the restarted service to finish the fan-out",
            )
            second.send_signal(signal.SIGTERM)
            assert second.wait(30) == 0, log.read_text()
        finally:
            if second.poll() is None:
                second.kill()

        bodies = {
            chat: [m for m in fake.to(chat) if m.text.startswith("Mistral AI")] for chat in chats
        }
        assert all(len(found) == 1 for found in bodies.values()), {
            chat: len(found) for chat, found in bodies.items() if len(found) != 1
        }
    statuses = _statuses(db_path)
    assert statuses.count("uncertain") == 1 and statuses.count("sent") == SUBSCRIBERS - 1
    output = log.read_text()
    assert "is uncertain" in output
    assert TOKEN not in output
