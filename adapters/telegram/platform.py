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
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.render import render
from bot.delivery.platform import Limits, Part
from bot.delivery.types import Action, Reply
from bot.errors import (
    ChatGone,
    ChatMoved,
    DeliveryError,
    MarkupRejected,
    MessageRejected,
    NotSent,
    RateLimited,
    SendUncertain,
)

T = TypeVar("T")
NAME = "telegram"

# Failures where the request cannot have reached the Bot API: sending again is safe.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_id(value: str) -> int | str:
    return int(value) if value.lstrip("-").isdigit() else value


async def convert_errors(call: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call; python-telegram-bot's exceptions leave as digestbot errors."""
    try:
        return await call()
    except RetryAfter as exc:
        raise RateLimited(_retry_after(exc), str(exc)) from exc
    except ChatMigrated as exc:
        raise ChatMoved(str(exc.new_chat_id)) from exc
    except Forbidden as exc:
        raise ChatGone(exc.message) from exc
    except BadRequest as exc:
        text = exc.message.lower()
        if "can't parse entities" in text or "can't find end tag" in text:
            raise MarkupRejected(exc.message) from exc
        if "chat not found" in text:
            raise ChatGone(exc.message) from exc
        raise MessageRejected(exc.message) from exc
    except TimedOut as exc:
        if isinstance(exc.__cause__, _BEFORE_SENDING):
            raise NotSent(f"timed out before sending: {exc.__cause__!r}") from exc
        raise SendUncertain(f"no reply from Telegram in time ({exc.message})") from exc
    except InvalidToken:
        # python-telegram-bot puts the token itself in this message: never pass it on.
        raise DeliveryError("Telegram refused the token (TELEGRAM_BOT_TOKEN)") from None
    except NetworkError as exc:
        cause = exc.__cause__
        if cause is None or isinstance(cause, _BEFORE_SENDING):
            # No cause: the Bot API answered with a server error (5xx): nothing was sent.
            raise NotSent(exc.message) from exc
        raise SendUncertain(f"connection lost after sending: {exc.message}") from exc
    except TelegramError as exc:
        raise DeliveryError(exc.message) from exc


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

    def render(self, reply: Reply) -> list[Part]:
        return render(reply)

    async def send_part(self, chat_id: str, part: Part, *, markup: bool = True) -> str:
        message = await convert_errors(
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
        me = await convert_errors(self.bot.get_me)
        return f"@{me.username}"

    async def is_admin(self, chat_id: str, user_id: int) -> bool:
        """Whether the user is the group's creator or one of its administrators."""
        try:
            member = await convert_errors(
                lambda: self.bot.get_chat_member(chat_id=_chat_id(chat_id), user_id=user_id)
            )
        except DeliveryError:
            return False
        return member.status in ("creator", "administrator")
