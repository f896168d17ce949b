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
from bot.chat.boundary import Endpoint, ErrorTable, Rule
from bot.delivery.platform import Limits, Part
from bot.delivery.types import Action, Reply
from bot.errors import (
    ChatGone,
    DeliveryError,
    LoginFailed,
    MessageRejected,
    PlatformUnavailable,
    RateLimited,
    SendUncertain,
    UnexpectedReply,
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


FIX_LOGIN = "check DISCORD_BOT_TOKEN (developer portal: Bot > Reset Token) and restart"
FIX_INTENT = "switch it on for the bot in the developer portal (Bot > Privileged Gateway Intents)"
CHECK_URL = "check discord.api_base_url and gateway_url (empty for Discord's own) and the network"
AUTHENTICATION_FAILED, DISALLOWED_INTENTS = 4004, 4014
"""Gateway close codes after which reconnecting cannot help."""


def endpoint() -> Endpoint:
    """Where discord.py sends its requests now (``use_endpoints`` may have moved it)."""
    return Endpoint.at(NAME, Route.BASE)


def _refused_token(exc: BaseException, where: Endpoint) -> DeliveryError:
    return LoginFailed(NAME, where.url, "Discord refused the token (DISCORD_BOT_TOKEN)", FIX_LOGIN)


def _refused_intent(exc: BaseException, where: Endpoint) -> DeliveryError:
    return LoginFailed(NAME, where.url, "Discord refused the Message Content intent", FIX_INTENT)


def _forbidden(exc: discord.Forbidden, where: Endpoint) -> DeliveryError:
    # 50001 Missing Access, 50013 Missing Permissions, 50007 cannot message this user:
    # nothing we send there will arrive until someone changes the channel.
    return ChatGone(f"Forbidden: {exc.text} (code {exc.code})")


def _not_found(exc: discord.NotFound, where: Endpoint) -> DeliveryError:
    if exc.code == UNKNOWN_CHANNEL:
        return ChatGone(f"Not found: {exc.text} (code {exc.code})")
    return MessageRejected(str(exc))


def _server_error(exc: discord.DiscordServerError, where: Endpoint) -> DeliveryError:
    # discord.py already retried 500/502/504; the nonce makes our own retry safe too.
    return PlatformUnavailable(
        NAME, where.url, f"server error ({exc})", "nothing was sent; it is retried"
    )


def _http(exc: discord.HTTPException, where: Endpoint) -> DeliveryError:
    if exc.status == 429:  # no Via header: discord.py would not wait, so we do
        return RateLimited(_retry_after(exc), str(exc))
    if exc.status == 401:
        return _refused_token(exc, where)
    return MessageRejected(str(exc))


def _closed(exc: discord.ConnectionClosed, where: Endpoint) -> DeliveryError:
    if exc.code == AUTHENTICATION_FAILED:
        return _refused_token(exc, where)
    if exc.code == DISALLOWED_INTENTS:
        return _refused_intent(exc, where)
    return PlatformUnavailable(
        NAME, where.url, f"the gateway closed the connection ({exc})", CHECK_URL
    )


def _timed_out(exc: TimeoutError, where: Endpoint) -> DeliveryError:
    return SendUncertain(f"no reply from Discord ({where.url}) in time")


def _cannot_connect(exc: BaseException, where: Endpoint) -> DeliveryError:
    return PlatformUnavailable(NAME, where.url, f"cannot connect ({exc})", CHECK_URL)


def _connection_lost(exc: BaseException, where: Endpoint) -> DeliveryError:
    return SendUncertain(f"connection to Discord ({where.url}) lost after sending: {exc!r}")


def _unexpected(exc: BaseException, where: Endpoint) -> DeliveryError:
    return UnexpectedReply(
        NAME,
        where.url,
        f"a reply discord.py cannot read ({type(exc).__name__}: {exc})"[:300],
        "is discord.api_base_url Discord's API?",
    )


ERRORS = ErrorTable(
    Rule(discord.RateLimited, lambda exc, _: RateLimited(exc.retry_after, str(exc))),
    Rule(discord.LoginFailure, _refused_token, keep_cause=False),
    Rule(discord.PrivilegedIntentsRequired, _refused_intent, keep_cause=False),
    Rule(discord.Forbidden, _forbidden),
    Rule(discord.NotFound, _not_found),
    Rule(discord.DiscordServerError, _server_error),
    Rule(discord.HTTPException, _http, keep_cause=False),  # a 401's text may echo the token
    Rule(discord.ConnectionClosed, _closed),
    Rule(discord.GatewayNotFound, _cannot_connect),
    Rule(TimeoutError, _timed_out),
    Rule(aiohttp.ClientConnectorError, _cannot_connect),
    Rule(aiohttp.ContentTypeError, _unexpected),  # before ClientError, whose subclass it is
    Rule((aiohttp.ClientError, OSError), _connection_lost),
    # JSON without the fields discord.py builds its objects from, or not JSON at all (it
    # then hands on the text, and indexing a str raises TypeError).
    Rule((KeyError, TypeError, ValueError, AttributeError), _unexpected),
)
"""Every exception discord.py (and aiohttp under it) raises, and what it means."""


async def convert_errors(call: Callable[[], Awaitable[T]], *, timeout_s: float) -> T:
    """Run a Discord call; discord.py's and aiohttp's exceptions leave as digestbot errors."""

    async def bounded() -> T:
        async with asyncio.timeout(timeout_s):
            return await call()

    return await ERRORS.run(bounded, endpoint())


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
        self.on_failure: Callable[[DeliveryError], None] = lambda error: None
        """Told when a call finds the bot cannot work any more (its token refused)."""

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
        try:
            message: Any = await convert_errors(
                lambda: self.client.http.send_message(int(chat_id), params=params),
                timeout_s=self.timeout_s,
            )
        except LoginFailed as exc:
            self.on_failure(exc)
            raise
        self._nonces.pop(key, None)
        return str(message["id"])

    async def identity(self) -> str:
        user = self.client.user
        return f"@{user.name}" if user is not None else "@(not logged in)"
