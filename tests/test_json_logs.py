"""``--log-format json``: one JSON object per line with the event's fields, secrets redacted
there too; the default stays text."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logging_setup import REDACTED, configure_logging, install_redaction
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.telegram import TOKEN


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def _events(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_event_is_one_json_line_with_its_fields(restore_root: None) -> None:
    stream = io.StringIO()
    configure_logging(logging.INFO, "json", stream=stream)
    install_redaction([TOKEN])
    log = logging.getLogger("bot.delivery.fanout")
    log.info("digest sent\nin 2 parts", extra={"topic": "mistral", "chat": "42", "platform": "x"})
    log.warning("cannot reach https://api.telegram.org/bot%s/getMe", TOKEN, extra={"url": TOKEN})
    try:
        raise ConnectionError(f"refused: bot{TOKEN}")
    except ConnectionError:
        log.exception("send failed", extra={"platform": "telegram"})
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3  # a newline in a message stays inside its one line
    first, second, third = _events(stream)
    assert first["level"] == "INFO" and first["logger"] == "bot.delivery.fanout"
    assert first["message"] == "digest sent\nin 2 parts"
    assert (first["topic"], first["chat"], first["platform"]) == ("mistral", "42", "x")
    assert str(first["time"]).endswith("+00:00")
    assert second["message"] == f"cannot reach https://api.telegram.org/bot{REDACTED}/getMe"
    assert second["url"] == REDACTED
    assert "ConnectionError" in str(third["exc"]) and third["platform"] == "telegram"
    assert TOKEN not in stream.getvalue()


def test_text_stays_the_default(restore_root: None) -> None:
    stream = io.StringIO()
    configure_logging(logging.INFO, stream=stream)
    logging.getLogger("bot.collect").info("collected", extra={"topic": "mistral"})
    assert stream.getvalue() == "INFO bot.collect: collected\n"


_PROBE = """
import logging, sys
from app.cli.main import main
code = main(sys.argv[1:])
logging.getLogger("bot.probe").warning("after %s", "doctor", extra={"topic": "mistral"})
sys.exit(code)
"""


@pytest.mark.parametrize("how", ["option", "config"])
def test_the_command_line_logs_json_by_option_or_config(tmp_path: Path, how: str) -> None:
    config = tmp_path / "config.toml"
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    if how == "config":
        text = text.replace('format = "text"', 'format = "json"', 1)
    config.write_text(text.replace('path = "digestbot.db"', f'path = "{tmp_path}/d.db"'), "utf-8")
    args = ["--log-format", "json"] if how == "option" else []
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--config", str(config), *args, "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    event = json.loads(result.stderr.strip().splitlines()[-1])
    assert event["message"] == "after doctor" and event["topic"] == "mistral"
