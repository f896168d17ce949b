"""Tokens and keys never reach a log line, whatever logs them (httpx URLs, tracebacks)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import REDACTED, install_redaction
from tests.fakes.telegram import TOKEN

KEY = "mk-Secret0123456789abcdef"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    logger = logging.getLogger("redaction-test")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    install_redaction([TOKEN, KEY], logger)
    yield logger, stream
    logger.removeHandler(handler)


def test_token_in_a_url_and_in_arguments_is_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    logger.warning("config: api_key=%s, header Authorization: Bearer abcdefghijkl123", KEY)
    logger.info("another bot 987654321:AAH-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz shows up")
    text = stream.getvalue()
    assert TOKEN not in text and KEY not in text
    assert "abcdefghijkl123" not in text and "AAH-zzzz" not in text
    assert f"https://api.telegram.org/bot{REDACTED}/getMe" in text
    assert text.count(REDACTED) >= 4


def test_tracebacks_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")
    except ConnectionError:
        logger.exception("send failed")
    text = stream.getvalue()
    assert "ConnectionError" in text and "Traceback" in text
    assert TOKEN not in text


def test_httpx_request_lines_are_quiet() -> None:
    install_redaction([TOKEN], logging.getLogger("redaction-test-quiet"))
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert not logging.getLogger("httpcore").isEnabledFor(logging.INFO)
