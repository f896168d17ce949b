"""Logging for the service: tokens and keys never reach a log line, in text or JSON.

httpx logs every request URL at INFO, and the Telegram Bot API puts the token in the URL
path, so httpx and httpcore are quieted, and every handler gets a filter that redacts the
configured secrets and anything shaped like a bot token or an API key (in the message,
the traceback and any ``extra=`` field).

``--log-format json`` (or ``[logging] format = "json"``) writes one JSON object per line
(time, level, logger, message, then the record's extra fields such as ``topic``, ``chat``,
``platform``) for a log shipper; the default stays text for a person.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any, Literal

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"

REDACTED = "[REDACTED]"
_PATTERNS = (
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"),  # a Telegram bot token
    re.compile(
        r"(?i)((?:api[_-]?key|token|secret|authorization)[\"']?\s*[:=]\s*[\"']?)"
        r"(?:Bearer\s+|Bot\s+)?[A-Za-z0-9._~+/-]{8,}"
    ),
    re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9._~+/-]{8,}"),
)
# What every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_MARK = "_digestbot_handler"


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a log call added with ``extra=``."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
    ``message``, the extra fields, and ``exc`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            event.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            event["exc"] = record.exc_text
        if record.stack_info:
            event["stack"] = record.stack_info
        return json.dumps(event, ensure_ascii=False, default=str)


def _formatter(log_format: LogFormat) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(
    level: int, log_format: LogFormat = "text", *, stream: IO[str] | None = None
) -> None:
    """The command line's logging: one handler on the root logger, on stderr (or
    ``stream``), in ``log_format``. Calling it again (the config may name the format)
    changes the format of that one handler. Like ``logging.basicConfig``, it adds no
    handler when someone else (a test runner) already put one on the root logger."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _MARK, False)]
    if stream is not None:
        for handler in ours:
            root.removeHandler(handler)
        ours = []
    if not ours and (stream is not None or not root.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
        ours = [handler]
    for handler in ours:
        handler.setFormatter(_formatter(log_format))
    root.setLevel(level)
    # httpx logs every request URL at INFO; URLs can carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def install_redaction(secrets: Iterable[str | None], logger: logging.Logger | None = None) -> None:
    """Quiet httpx/httpcore and put the redaction filter on every handler of ``logger``."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    target = logger or logging.getLogger()
    redact = RedactSecrets(secrets)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(redact)
