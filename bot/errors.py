"""Every error digestbot raises on purpose.

    DigestbotError
    ├── ConfigError          bad or missing configuration (exit code 2, no traceback)
    ├── UsageError           a command was given bad arguments (exit code 2)
    ├── FetchError           one URL could not be fetched; carries a rejection ``reason``
    ├── ExtractError         a page was fetched but holds no article
    ├── ModelError           the language model failed (auth, rate limit, server, timeout,
    │                        unusable reply); callers fall back to extractive output
    ├── StorageError         the database could not be opened or migrated
    ├── MemoryLimitExceeded  a run grew past its memory ceiling and was stopped
    ├── RenderError          a digest rendered to broken Markdown (a bug, never shipped)
    └── DeliveryError        a chat message could not be delivered
        ├── RateLimited      the platform said "too many requests"; carries ``retry_after``
        ├── ChatGone         the bot was blocked, kicked or the user deactivated (403)
        ├── ChatMoved        the chat got a new id (group -> supergroup); carries ``new_chat_id``
        ├── NotSent          failed before the platform got it (connect error, 5xx): retry is safe
        ├── SendUncertain    may have been delivered (e.g. read timeout): never retried blindly
        ├── MessageRejected  the platform refused this message (400)
        │   └── MarkupRejected   the formatting did not parse; plain text may still work
        └── PlatformError    the platform itself failed, not one message; carries the
            │                platform, its URL (no token) and what to do
            ├── LoginFailed          the token was refused (at start or mid-run): permanent
            ├── PlatformUnavailable  cannot connect, or a 5xx: retry is safe (also NotSent)
            └── UnexpectedReply      an answer that is not the platform's API (bad JSON, a
                                     missing field: a wrong api_base_url?)

Lower-level exceptions (httpx, feedparser, sqlite) are converted into these at the
boundary with ``raise ... from exc`` so callers need to know only this tree.
"""

from __future__ import annotations


class DigestbotError(Exception):
    """Base class of every error digestbot raises on purpose."""


class ConfigError(DigestbotError):
    """The configuration file is missing, unreadable or invalid."""


class UsageError(DigestbotError):
    """A command was given arguments it cannot use."""


class FetchError(DigestbotError):
    """A URL could not be fetched.

    ``reason`` is one of the public rejection reasons (``fetch_error``,
    ``blocked_address``, ``too_large``) so the caller can store it as is.
    """

    def __init__(self, url: str, reason: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.reason = reason
        self.detail = detail


class ExtractError(DigestbotError):
    """A page was fetched but no article text could be extracted from it."""


class ModelError(DigestbotError):
    """The language model could not give a usable answer.

    ``kind`` is one of ``auth``, ``rate_limited``, ``server``, ``timeout``, ``connection``,
    ``bad_response``. Messages never contain the API key.
    """

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class StorageError(DigestbotError):
    """The database could not be opened, migrated or written."""


class MemoryLimitExceeded(DigestbotError):
    """A collection run held more memory than ``fetch.max_memory_mb`` and was stopped."""


class RenderError(DigestbotError):
    """A rendered digest failed its own Markdown validation."""


class DeliveryError(DigestbotError):
    """A chat message could not be delivered."""


class RateLimited(DeliveryError):
    """The platform asked us to wait ``retry_after`` seconds before any further call."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"rate limited: retry after {retry_after} s")
        self.retry_after = retry_after


class ChatGone(DeliveryError):
    """The chat no longer accepts the bot's messages (blocked, kicked, user deactivated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChatMoved(DeliveryError):
    """The chat has a new id (a group became a supergroup)."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class NotSent(DeliveryError):
    """The message never reached the platform (connect error, 5xx): sending again is safe."""


class SendUncertain(DeliveryError):
    """The message may have been delivered (e.g. the reply timed out): never re-sent blindly."""


class MessageRejected(DeliveryError):
    """The platform refused this message (bad request)."""


class MarkupRejected(MessageRejected):
    """The message's formatting did not parse; the same text as plain text may work."""


class PlatformError(DeliveryError):
    """The chat platform failed as a whole (not one message). The message names the
    platform, the URL it was reached at (never a token) and what to do about it."""

    def __init__(self, platform: str, url: str, problem: str, action: str) -> None:
        super().__init__(f"{platform} ({url}): {problem}; {action}")
        self.platform = platform
        self.url = url
        self.problem = problem
        self.action = action


class LoginFailed(PlatformError):
    """The platform refused the bot's token (wrong, or revoked mid-run), or a permission the
    bot cannot run without. Permanent: nothing will work until someone changes it."""


class PlatformUnavailable(PlatformError, NotSent):
    """The platform could not be reached or answered with a server error: nothing was sent,
    and trying again later is safe."""


class UnexpectedReply(PlatformError):
    """The platform answered, but not as its API does (a reply that is not JSON, a field
    missing): usually ``api_base_url`` points at something else."""
