"""Telegram as a delivery :class:`~bot.delivery.platform.Platform`: python-telegram-bot's
``Bot`` underneath, its exceptions converted into digestbot's error tree right here."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import httpx
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.render import render
from bot.chat.boundary import Endpoint, ErrorTable, Rule
from bot.delivery.platform import Limits, Part
from bot.delivery.types import Action, Reply
from bot.errors import (
    ChatGone,
    ChatMoved,
    DeliveryError,
    LoginFailed,
    MarkupRejected,
    MessageRejected,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
    SendUncertain,
    UnexpectedReply,
)

T = TypeVar("T")
NAME = "telegram"

# Failures where the request cannot have reached the Bot API: sending again is safe.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
OFFICIAL_API = "https://api.telegram.org"
CHECK_URL = "check telegram.api_base_url (empty for Telegram's own), DNS and the network"
FIX_LOGIN = "check TELEGRAM_BOT_TOKEN (revoked or mistyped? @BotFather gives a new one) and restart"


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_id(value: str) -> int | str:
    return int(value) if value.lstrip("-").isdigit() else value


def endpoint_of(bot: Bot) -> Endpoint:
    """Where ``bot`` talks to: its base URL without the token (and the "/bot" before it)."""
    url = bot.base_url.replace(bot.token, "") if bot.token else bot.base_url
    return Endpoint.at(NAME, url.removesuffix("/bot") or OFFICIAL_API)


def _bad_request(exc: BadRequest, where: Endpoint) -> DeliveryError:
    text = exc.message.lower()
    if "can't parse entities" in text or "can't find end tag" in text:
        return MarkupRejected(exc.message)
    if "chat not found" in text:
        return ChatGone(exc.message)
    return MessageRejected(exc.message)


def _timed_out(exc: TimedOut, where: Endpoint) -> DeliveryError:
    if isinstance(exc.__cause__, _BEFORE_SENDING):
        return PlatformUnavailable(
            NAME, where.url, f"timed out connecting ({exc.__cause__!r})", CHECK_URL
        )
    return SendUncertain(f"no reply from Telegram ({where.url}) in time ({exc.message})")


def _invalid_token(exc: InvalidToken, where: Endpoint) -> DeliveryError:
    # 401 is a refused token; 404 is a malformed one, or a server that is not a Bot API.
    problem = "Telegram refused the token (TELEGRAM_BOT_TOKEN)"
    if "not found" in exc.message.lower():
        problem += ", or api_base_url is not a Bot API server (404)"
    return LoginFailed(NAME, where.url, problem, FIX_LOGIN)


def _network(exc: NetworkError, where: Endpoint) -> DeliveryError:
    cause = exc.__cause__
    if isinstance(cause, _BEFORE_SENDING):
        return PlatformUnavailable(NAME, where.url, f"cannot connect ({cause!r})", CHECK_URL)
    if cause is None or isinstance(cause, TelegramError):
        # No cause (or an unreadable error body): the server answered with an HTTP error
        # status, a 5xx: nothing was sent.
        return PlatformUnavailable(
            NAME, where.url, f"server error ({exc.message})", "nothing was sent; it is retried"
        )
    return SendUncertain(f"connection to Telegram ({where.url}) lost after sending: {exc.message}")


def _conflict(exc: Conflict, where: Endpoint) -> DeliveryError:
    return PlatformError(
        NAME, where.url, f"another process uses this token ({exc.message})",
        "run one 'digestbot run' per bot token",
    )  # fmt: skip


def _unexpected(exc: BaseException, where: Endpoint) -> DeliveryError:
    return UnexpectedReply(
        NAME,
        where.url,
        f"a reply python-telegram-bot cannot read ({type(exc).__name__}: {exc})"[:300],
        "is telegram.api_base_url a Telegram Bot API server?",
    )


def _http(exc: httpx.HTTPError, where: Endpoint) -> DeliveryError:
    if isinstance(exc, _BEFORE_SENDING):
        return PlatformUnavailable(NAME, where.url, f"cannot connect ({exc!r})", CHECK_URL)
    return SendUncertain(f"connection to Telegram ({where.url}) failed: {exc!r}")


ERRORS = ErrorTable(
    Rule(RetryAfter, lambda exc, _: RateLimited(_retry_after(exc), str(exc))),
    Rule(ChatMigrated, lambda exc, _: ChatMoved(str(exc.new_chat_id))),
    Rule(Forbidden, lambda exc, _: ChatGone(exc.message)),
    Rule(BadRequest, _bad_request),
    Rule(TimedOut, _timed_out),
    # python-telegram-bot may put the token itself in this one: never pass it on.
    Rule(InvalidToken, _invalid_token, keep_cause=False),
    Rule(Conflict, _conflict),
    Rule(NetworkError, _network),
    Rule(TelegramError, _unexpected),  # "Invalid server response": not JSON
    Rule(httpx.HTTPError, _http),
    # A reply that parses as JSON but lacks what python-telegram-bot builds its objects from
    # (a getMe without "is_bot": TypeError; a missing key: KeyError).
    Rule((KeyError, TypeError, ValueError, AttributeError), _unexpected),
)
"""Every exception python-telegram-bot (and httpx under it) raises, and what it means."""


async def convert_errors(call: Callable[[], Awaitable[T]], where: Endpoint | None = None) -> T:
    """Run a Bot API call; python-telegram-bot's exceptions leave as digestbot errors."""
    return await ERRORS.run(call, where or Endpoint.at(NAME, OFFICIAL_API))


Markup = InlineKeyboardMarkup | ForceReply | None


def keyboard(actions: tuple[Action, ...]) -> InlineKeyboardMarkup:
    """One button per row (the labels are short sentences); each carries its token back."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(action.label, callback_data=action.token)] for action in actions]
    )


def reply_markup(part: Part) -> Markup:
    if part.actions:
        return keyboard(part.actions)
    if part.expects_reply:
        return ForceReply(selective=True)
    return None


class TelegramPlatform:
    name = NAME

    def __init__(self, bot: Bot, limits: Limits) -> None:
        self.bot = bot
        self.limits = limits
        self.endpoint = endpoint_of(bot)
        self.on_failure: Callable[[DeliveryError], None] = lambda error: None
        """Told when a call finds the bot cannot work any more (its token refused)."""

    async def call(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a Bot API call with its exceptions converted (naming this bot's URL)."""
        try:
            return await convert_errors(call, self.endpoint)
        except LoginFailed as exc:
            self.on_failure(exc)
            raise

    def render(self, reply: Reply) -> list[Part]:
        return render(reply)

    async def send_part(self, chat_id: str, part: Part, *, markup: bool = True) -> str:
        message = await self.call(
            lambda: self.bot.send_message(
                chat_id=_chat_id(chat_id),
                text=part.text if markup else part.fallback,
                parse_mode=ParseMode.HTML if markup else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=reply_markup(part),
            )
        )
        return str(message.message_id)

    async def identity(self) -> str:
        me = await self.call(self.bot.get_me)
        return f"@{me.username}"

    async def is_admin(self, chat_id: str, user_id: int) -> bool:
        """Whether the user is the group's creator or one of its administrators."""
        try:
            member = await self.call(
                lambda: self.bot.get_chat_member(chat_id=_chat_id(chat_id), user_id=user_id)
            )
        except DeliveryError:
            return False
        return member.status in ("creator", "administrator")
