"""The adapter boundary: a platform library's exceptions become digestbot's, by a table.

Each adapter lists, in order, the exception types its library (and that library's HTTP
client) can raise, and for each the :class:`~bot.errors.DeliveryError` it means, the way
httpx maps httpcore's exceptions onto its own. The first rule that matches wins, so the
specific types go first. Whatever leaves an adapter is then in the project's error tree,
names the platform and the URL it was reached at (without a token or credentials), and
says what to do: a reader of the log, or the one line ``digestbot run`` ends with, never
needs a traceback to know what broke.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from bot.errors import DeliveryError

T = TypeVar("T")


def public_url(url: str) -> str:
    """``url`` as it may be shown: scheme, host, port and path; no user info (a password),
    query or fragment (where tokens travel)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class Endpoint:
    """Where a platform was reached: its name and the URL to show."""

    platform: str
    url: str

    @classmethod
    def at(cls, platform: str, url: str) -> Endpoint:
        return cls(platform, public_url(url))


Convert = Callable[[Any, Endpoint], DeliveryError]


@dataclass(frozen=True)
class Rule:
    """Exceptions of ``kind`` become what ``convert`` makes of them."""

    kind: type[BaseException] | tuple[type[BaseException], ...]
    convert: Convert
    keep_cause: bool = True
    """False when the library's exception may carry a secret (a token in its message or
    URL): the converted error is then raised ``from None``."""


class ErrorTable:
    """An ordered table of :class:`Rule`; exceptions no rule names pass unchanged."""

    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    def rule_for(self, exc: BaseException) -> Rule | None:
        for rule in self.rules:
            if isinstance(exc, rule.kind):
                return rule
        return None

    def convert(self, exc: BaseException, endpoint: Endpoint) -> DeliveryError | None:
        """What ``exc`` means, or None when the table does not know it."""
        if isinstance(exc, DeliveryError):
            return exc
        rule = self.rule_for(exc)
        return None if rule is None else rule.convert(exc, endpoint)

    async def run(self, call: Callable[[], Awaitable[T]], endpoint: Endpoint) -> T:
        """Await ``call()``; a known exception leaves as its digestbot error."""
        try:
            return await call()
        except DeliveryError:
            raise
        except Exception as exc:
            rule = self.rule_for(exc)
            if rule is None:
                raise
            error = rule.convert(exc, endpoint)
            if rule.keep_cause:
                raise error from exc
            raise error from None
