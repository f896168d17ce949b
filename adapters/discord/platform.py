"""Discord as a delivery :class:`~bot.delivery.platform.Platform`: discord.py's HTTP client
underneath, its exceptions converted into digestbot's error tree right here."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route, handle_message_parameters

from adapters.discord.render import render
from bot.delivery.platform import Limits, Part
from bot.delivery.types import Action, Reply
from bot.errors import (
    ChatGone,
    DeliveryError,
    MessageRejected,
    NotSent,
    RateLimited,
    SendUncertain,
)

T = TypeVar("T")
NAME = "discord"

# 50 requests/s per bot; about 5 messages per 5 s in one channel (observed, not documented).
# The per-channel pace covers guild channels too, so the per-group window is off.
LIMITS = Limits(per_second=50.0, per_chat_per_second=1.0, group_per_minute=0)

OFFICIAL_API = Route.BASE
OFFICIAL_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY
UNKNOWN_CHANNEL = 10003
NO_MENTIONS = discord.AllowedMentions.none()
_NONCES_KEPT = 1024


def use_endpoints(api_base_url: str, gateway_url: str) -> None:
    """Point discord.py at ``api_base_url`` (+ "/api/v10") and ``gateway_url``; empty means
    Discord's own. discord.py reads both from class attributes, so this is process-wide."""
    Route.BASE = f"{api_base_url.rstrip('/')}/api/v10" if api_base_url else OFFICIAL_API
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url) if gateway_url else OFFICIAL_GATEWAY


def _retry_after(exc: discord.HTTPException) -> float:
    header = exc.response.headers.get("Retry-After", "") if exc.response is not None else ""
    try:
        return max(float(header), 0.0)
    except ValueError:
        return 5.0


async def convert_errors(call: Callable[[], Awaitable[T]], *, timeout_s: float) -> T:
    """Run a Discord call; discord.py's and aiohttp's exceptions leave as digestbot errors."""
    try:
        async with asyncio.timeout(timeout_s):
            return await call()
    except discord.RateLimited as exc:  # a 429 longer than discord.py waits on its own
        raise RateLimited(exc.retry_after, str(exc)) from exc
    except discord.Forbidden as exc:
        # 50001 Missing Access, 50013 Missing Permissions, 50007 cannot message this user:
        # nothing we send there will arrive until someone changes the channel.
        raise ChatGone(f"Forbidden: {exc.text} (code {exc.code})") from exc
    except discord.NotFound as exc:
        if exc.code == UNKNOWN_CHANNEL:
            raise ChatGone(f"Not found: {exc.text} (code {exc.code})") from exc
        raise MessageRejected(str(exc)) from exc
    except discord.DiscordServerError as exc:
        # discord.py already retried 500/502/504; the nonce makes our own retry safe too.
        raise NotSent(str(exc)) from exc
    except discord.HTTPException as exc:
        if exc.status == 429:  # no Via header: discord.py would not wait, so we do
            raise RateLimited(_retry_after(exc), str(exc)) from exc
        if exc.status == 401:
            raise DeliveryError("Discord refused the token (DISCORD_BOT_TOKEN)") from None
        raise MessageRejected(str(exc)) from exc
    except discord.LoginFailure:
        raise DeliveryError("Discord refused the token (DISCORD_BOT_TOKEN)") from None
    except TimeoutError as exc:
        raise SendUncertain(f"no reply from Discord within {timeout_s:g} s") from exc
    except aiohttp.ClientConnectorError as exc:
        raise NotSent(f"cannot connect to Discord: {exc}") from exc
    except (aiohttp.ClientError, OSError) as exc:
        raise SendUncertain(f"connection lost after sending: {exc!r}") from exc


def embeds(part: Part) -> list[discord.Embed]:
    """The part's cards as Discord embeds (title and description)."""
    return [
        discord.Embed(title=card.title or None, description=card.body or None)
        for card in part.cards
    ]


def buttons(actions: tuple[Action, ...]) -> discord.ui.View:
    """The actions as one row of buttons whose ``custom_id`` is the action's token. The view
    is stopped before it is sent: discord.py then keeps no state for it, and a press comes
    back as an interaction that :mod:`adapters.discord.buttons` answers, whenever it comes."""
    view = discord.ui.View(timeout=None)
    for action in actions:
        style = (
            discord.ButtonStyle.primary if action.kind == "ask" else discord.ButtonStyle.secondary
        )
        view.add_item(
            discord.ui.Button(label=action.label[:80], custom_id=action.token, style=style)
        )
    view.stop()
    return view


def message_fields(part: Part, markup: bool) -> dict[str, Any]:
    """What one part sends: content or embeds, buttons, never a ping, no link previews
    (embeds carry links without unfolding them, so only content suppresses them)."""
    fields: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if markup and part.cards:
        fields["embeds"] = embeds(part)
        if part.text:
            fields["content"] = part.text
    else:
        fields["content"] = part.text if markup else part.fallback
        fields["suppress_embeds"] = True
    if part.actions:
        fields["view"] = buttons(part.actions)
    return fields


def _identity(part: Part, markup: bool) -> str:
    """What makes two sends the same message (for the nonce of a retry)."""
    cards = [(c.title, c.body) for c in part.cards] if markup else []
    return json.dumps([part.text if markup else part.fallback, cards])


class DiscordPlatform:
    name = NAME

    def __init__(self, client: discord.Client, *, timeout_s: float = 15.0) -> None:
        self.client = client
        self.limits = LIMITS
        self.timeout_s = timeout_s
        # (channel, text) -> the nonce of a send that failed: its retry reuses the nonce, so
        # Discord (enforce_nonce) returns the first message instead of posting a second one.
        self._nonces: OrderedDict[tuple[str, str], str] = OrderedDict()

    def render(self, reply: Reply) -> list[Part]:
        return render(reply)

    def _nonce(self, key: tuple[str, str]) -> str:
        nonce = self._nonces.get(key)
        if nonce is None:
            nonce = secrets.token_hex(12)  # Discord allows 25 characters
            self._nonces[key] = nonce
            while len(self._nonces) > _NONCES_KEPT:
                self._nonces.popitem(last=False)
        return nonce

    async def send_part(self, chat_id: str, part: Part, *, markup: bool = True) -> str:
        key = (chat_id, _identity(part, markup))
        fields = message_fields(part, markup)
        suppress = fields.pop("suppress_embeds", False)
        params = handle_message_parameters(
            nonce=self._nonce(key),  # sets enforce_nonce too
            flags=discord.MessageFlags(suppress_embeds=suppress),
            **fields,  # allowed_mentions none: "@everyone" in a headline must never ping
        )
        message: Any = await convert_errors(
            lambda: self.client.http.send_message(int(chat_id), params=params),
            timeout_s=self.timeout_s,
        )
        self._nonces.pop(key, None)
        return str(message["id"])

    async def identity(self) -> str:
        user = self.client.user
        return f"@{user.name}" if user is not None else "@(not logged in)"
