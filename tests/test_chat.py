"""``digestbot chat``: every command in a terminal, on the same command layer, no token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import load_config
from bot.window import latest_closed_day
from tests.conftest import EXAMPLE_CONFIG, ROOT

pytest_plugins = ["tests.delivery_fixtures"]


def _config_file(tmp_path: Path, db_path: Path) -> Path:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace(
        'path = "digestbot.db"', f'path = "{db_path}"', 1
    )
    path = tmp_path / "chat.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _chat(config: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--config", str(config), "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_chat_serves_every_command(tmp_path: Path, db_path: Path) -> None:
    config = _config_file(tmp_path, db_path)
    result = _chat(
        config,
        [
            "help",
            "subscribe mistral 07:30 Europe/Paris en",
            "list",
            "settings exclude outage",
            "digest mistral",  # the bundled sample, moved: its newest day is full
            "sources",
            "sources 1",
            "ask Which airline deployed Le Chat Enterprise?",
            "subscribe 31:00",
            "unsubscribe",
            "quit",
            "list",
        ],
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Subscribed: Mistral AI (mistral): daily at 07:30 Europe/Paris in en" in out
    assert "never stories with: outage" in out
    newest = latest_closed_day(load_config(config).topics[0])
    assert f"Mistral AI daily updates - {newest.isoformat()}" in out
    assert f"so its last day is {newest.isoformat()}" in result.stderr
    assert "[1] " in out and "https://" in out
    assert "Nordavia" in out
    assert "'31:00' is not a time: give HH:MM, from 00:00 to 23:59. Usage: subscribe" in out
    assert "Unsubscribed from Mistral AI" in out
    # 'quit' ended the session: the last 'list' was never answered.
    assert out.count("no subscriptions") == 0


def test_chat_ends_cleanly_at_end_of_input(tmp_path: Path, db_path: Path) -> None:
    result = _chat(_config_file(tmp_path, db_path), ["frobnicate"])
    assert result.returncode == 0
    assert "沒有指令 'frobnicate'" in result.stdout  # the topic's language, zh-TW
