"""Logging for the service: tokens and keys never reach a log line.

httpx logs every request URL at INFO, and the Telegram Bot API puts the token in the URL
path, so httpx and httpcore are quieted, and every handler gets a filter that redacts the
configured secrets and anything shaped like a bot token or an API key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[REDACTED]"
_PATTERNS = (
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"),  # a Telegram bot token
    re.compile(
        r"(?i)((?:api[_-]?key|token|secret|authorization)[\"']?\s*[:=]\s*[\"']?)"
        r"(?:Bearer\s+|Bot\s+)?[A-Za-z0-9._~+/-]{8,}"
    ),
    re.compile(r"(?i)(Bearer\s+)[A-Za-z0-9._~+/-]{8,}"),
)


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
        return True


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
