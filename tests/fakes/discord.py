"""A fake Discord (REST API v10 and gateway) on 127.0.0.1 that the real discord.py talks to.

One ``aiohttp.web`` server on the test's own event loop. It enforces what Discord enforces
where it matters: the bot token, content of at most 2000 characters (400, code 50035), a
message with content or embeds, the embed limits (10 per message, title 256, description
4096, 25 fields of name 256 and value 1024, footer 2048, author 256, 6000 characters across
a message's embeds), the component limits (5 rows of 5 buttons, label 80, custom_id 100,
unique custom_ids), 403 Missing
Access (code 50001) for a channel the bot cannot see, 404 Unknown Channel (code 10003), 429
with ``retry_after`` and a ``Via`` header (a send before the wait is over is refused again and
counted as ``early``), about 5 messages per 5 s per channel and 50 requests a second in all
(a global 429; ``global_per_second``), 5xx, slow replies, and
``nonce`` + ``enforce_nonce`` (the same nonce returns the first message instead of a second).

REST: ``GET /api/v10/users/@me``, ``/oauth2/applications/@me``, ``/gateway``;
``POST /api/v10/channels/{id}/messages``; interaction callbacks (type 4: a message, 5: a
deferred "thinking" answer, 6: a deferred update) and follow-ups (``POST
/webhooks/{app}/{token}``). Slash commands arrive with :meth:`push_interaction`, button
presses (component interactions, type 3) with :meth:`push_button`.
Gateway (``/gateway``): HELLO, heartbeat ACK, IDENTIFY -> READY then GUILD_CREATE (one guild,
one text channel), then ``MESSAGE_CREATE`` events that tests push with :meth:`push_message`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GfakeX.discord-test-token-abcdefghijklmnop"
BOT_ID = 1100
APP_ID = 1101
GUILD_ID = 2000
ADMIN_ROLE = 2001
CHANNEL_ID = 3000
"""The guild's text channel."""
HIDDEN_CHANNEL = 3001
"""A channel the bot cannot see: 403 Missing Access."""
DM_CHANNEL = 3100
MAX_CONTENT = 2000
PER_CHANNEL = 5
"""Messages per channel in any 5 s window."""
CHANNEL_WINDOW_S = 5.0
GLOBAL_PER_SECOND = 50.0
"""Requests a bot may make per second, all routes together."""
MANAGE_GUILD = 1 << 5
MESSAGE_CONTENT = 1 << 15
"""The privileged intent the bot needs to read commands."""
_JSON = "application/json"  # exactly: discord.py reads "application/json; charset=..." as text


@dataclass
class Message:
    channel_id: int
    id: int
    content: str
    payload: dict[str, Any]
    """The request body as sent (nonce, allowed_mentions, flags...)."""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = self.payload.get("components") or []
        return [button for row in rows for button in row.get("components", [])]

    @property
    def visible(self) -> str:
        """Everything a reader sees: the content, then each embed's title and description."""
        texts = [self.content]
        for embed in self.embeds:
            texts += [embed.get("title") or "", embed.get("description") or ""]
        return "\n".join(t for t in texts if t)

    @property
    def pings(self) -> list[str]:
        """Who Discord would notify: what ``content`` mentions, filtered by the request's
        ``allowed_mentions`` (absent: everything is parsed)."""
        allowed = self.payload.get("allowed_mentions")
        parse = {"everyone", "users", "roles"} if allowed is None else set(allowed["parse"])
        users = set() if allowed is None else set(allowed.get("users", []))
        roles = set() if allowed is None else set(allowed.get("roles", []))
        found = [f"@{m}" for m in re.findall(r"@(everyone|here)", self.content)]
        pings = [m for m in found if "everyone" in parse]
        for kind, ident in re.findall(r"<@([&!]?)(\d+)>", self.content):
            group, explicit = ("roles", roles) if kind == "&" else ("users", users)
            if group in parse or ident in explicit:
                pings.append(f"{group}:{ident}")
        return pings


@dataclass
class _Channel:
    sent: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0


def _user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": None,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def _role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


_APPLICATION = {
    "id": str(APP_ID),
    "name": "digestbot",
    "icon": None,
    "description": "",
    "bot_public": True,
    "bot_require_code_grant": False,
    "verify_key": "0" * 64,
    "flags": 0,
    "owner": _user(1, "owner"),
    "team": None,
}


def _member(roles: list[str], **extra: Any) -> dict[str, Any]:
    joined = "2026-01-01T00:00:00.000000+00:00"
    return {"roles": roles, "joined_at": joined, "deaf": False, "mute": False, "flags": 0, **extra}


def _message(message_id: int, channel_id: int, author: Any, content: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": "2026-11-21T12:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
    }
    if channel_id != DM_CHANNEL:
        message["guild_id"] = str(GUILD_ID)
    return message


def _error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    body = {"message": message, "code": code, **extra}
    return _json(body, status)


_EMBED_LIMITS = {"title": 256, "description": 4096}
_FIELD_LIMITS = {"name": 256, "value": 1024}
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000


def _embed_problem(embeds: list[dict[str, Any]]) -> str | None:
    """What Discord would refuse in a message's embeds, or None."""
    if len(embeds) > MAX_EMBEDS:
        return "embeds: BASE_TYPE_MAX_LENGTH"
    total = 0
    for embed in embeds:
        for key, limit in _EMBED_LIMITS.items():
            value = embed.get(key) or ""
            total += len(value)
            if len(value) > limit:
                return f"embeds.{key}: BASE_TYPE_MAX_LENGTH"
        fields = embed.get("fields") or []
        if len(fields) > 25:
            return "embeds.fields: BASE_TYPE_MAX_LENGTH"
        for item in fields:
            for key, limit in _FIELD_LIMITS.items():
                total += len(item.get(key) or "")
                if not item.get(key) or len(item[key]) > limit:
                    return f"embeds.fields.{key}: BASE_TYPE_MAX_LENGTH"
        for part, key, limit in (("footer", "text", 2048), ("author", "name", 256)):
            value = (embed.get(part) or {}).get(key) or ""
            total += len(value)
            if len(value) > limit:
                return f"embeds.{part}.{key}: BASE_TYPE_MAX_LENGTH"
        if not (embed.get("title") or embed.get("description") or fields):
            return "embeds: an embed needs a title, a description or fields"
    if total > MAX_EMBED_TOTAL:
        return "embeds: MAX_EMBED_SIZE_EXCEEDED"
    return None


def _component_problem(rows: list[dict[str, Any]]) -> str | None:
    if len(rows) > 5:
        return "components: BASE_TYPE_MAX_LENGTH"
    seen: set[str] = set()
    for row in rows:
        buttons = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(buttons) <= 5:
            return "components: an action row holds 1 to 5 components"
        for button in buttons:
            custom_id = button.get("custom_id") or ""
            if not 1 <= len(custom_id) <= 100 or custom_id in seen:
                return "components.custom_id: invalid or duplicated"
            if len(button.get("label") or "") > 80:
                return "components.label: BASE_TYPE_MAX_LENGTH"
            seen.add(custom_id)
    return None


def message_problem(body: dict[str, Any]) -> str | None:
    """Why Discord would answer 400 Invalid Form Body to this message, or None."""
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    if len(content) > MAX_CONTENT:
        return "content: BASE_TYPE_MAX_LENGTH"
    if not content and not embeds:
        return "content: a message needs content or embeds"
    return _embed_problem(embeds) or _component_problem(body.get("components") or [])


def _json(data: Any, status: int = 200) -> web.Response:
    # Set as a header: aiohttp's content_type= would add a charset suffix.
    return web.Response(status=status, body=json.dumps(data), headers={"Content-Type": _JSON})


class FakeDiscord:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.calls: list[str] = []
        self.identify: dict[str, Any] = {}
        self.rate_limited = 0
        self.early = 0
        """Sends that came before a 429's ``retry_after`` had passed."""
        self.rate_limit_next: dict[int, float] = {}
        """channel id -> answer the next send with a 429 of this ``retry_after``."""
        self.via = True
        """Send the ``Via`` header with a 429 (Discord's own 429s have it; a proxy's may not)."""
        self.fail_5xx: dict[int, int] = {}
        """channel id -> how many sends to fail with 503 before accepting."""
        self.fail_after_storing: dict[int, int] = {}
        """channel id -> how many sends to store and *then* answer with 503 (a send that
        arrived although the bot was told it failed)."""
        self.slow: dict[int, float] = {}
        """channel id -> seconds to wait *after* storing the message, before replying."""
        self.privileged_off = False
        """The application has not enabled the Message Content intent: IDENTIFY asking for
        it is refused with close code 4014."""
        self.token = TOKEN
        """The token the fake accepts (REST and IDENTIFY); anything else is refused."""
        self.broken: dict[str, tuple[int, str, str]] = {}
        """"METHOD /path" -> (status, content type, body) to answer instead of Discord's
        reply: JSON missing a field, a proxy's HTML page, a 5xx."""
        self.admins: set[int] = set()
        """User ids that have the guild's "Admin" role (Manage Server)."""
        self.global_per_second = GLOBAL_PER_SECOND
        """0: no global limit."""
        self.open_channels: range = range(0)
        """More text channels the bot may post in (a fan-out to many servers)."""
        self._global_tokens = GLOBAL_PER_SECOND
        self._global_stamp = time.monotonic()
        self.port = 0
        self.slash_commands: dict[str, dict[str, Any]] = {}
        """What the bot registered (``PUT /applications/{id}/commands``), by name."""
        self.callbacks: list[dict[str, Any]] = []
        """Interaction responses (type 4: a message, 5: deferred, "thinking"), each with
        ``after_s``: how long after the interaction was pushed it came."""
        self._interactions: dict[str, int] = {}
        self._pushed_at: dict[str, float] = {}
        self._ids = itertools.count(900_000)
        self._seq = itertools.count(1)
        self._channels: dict[int, _Channel] = {}
        self._nonces: dict[tuple[int, str], Message] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def connected(self) -> int:
        """Bots connected to the gateway (identified)."""
        return len(self._sockets)

    def to(self, channel_id: int) -> list[Message]:
        return [m for m in self.messages if m.channel_id == channel_id]

    async def wait_for(self, predicate: Callable[[], bool], within_s: float = 30.0) -> None:
        async with asyncio.timeout(within_s), self._changed:
            await self._changed.wait_for(predicate)

    async def until(self, channel_id: int, count: int) -> list[Message]:
        await self.wait_for(lambda: len(self.to(channel_id)) >= count)
        return self.to(channel_id)

    # -- running ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_post("/_stats", self._stats)  # for a fake in another process (bench)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- gateway ---------------------------------------------------------------------------

    async def push_message(
        self,
        content: str,
        *,
        channel_id: int = CHANNEL_ID,
        user_id: int = 501,
        reply_to: int | None = None,
    ) -> None:
        """A user posts ``content``: every connected bot gets ``MESSAGE_CREATE``."""
        message = _message(next(self._ids), channel_id, _user(user_id, f"user{user_id}"), content)
        message["type"] = 19 if reply_to else 0
        if channel_id != DM_CHANNEL:
            message["member"] = _member([str(ADMIN_ROLE)] if user_id in self.admins else [])
        if reply_to is not None:
            reference = {"type": 0, "message_id": str(reply_to), "channel_id": str(channel_id)}
            message["message_reference"] = reference
            message["referenced_message"] = None
        for ws in list(self._sockets):
            await self._dispatch(ws, "MESSAGE_CREATE", message)

    async def revoke_token(self) -> None:
        """The token is reset in the developer portal: REST calls get 401 from now, and
        the gateway ends every session with close code 4004 (Authentication failed)."""
        self.token = "revoked"
        for ws in list(self._sockets):
            await ws.close(code=4004, message=b"Authentication failed.")

    async def _dispatch(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(GUILD_ID),
            "name": "Digest testers",
            "owner_id": "1",
            "unavailable": False,
            "large": False,
            "member_count": 3,
            "joined_at": "2026-01-01T00:00:00.000000+00:00",
            "roles": [
                _role(GUILD_ID, "@everyone", 0, 0),
                _role(ADMIN_ROLE, "Admin", MANAGE_GUILD, 1),
            ],
            "channels": [
                {
                    "id": str(CHANNEL_ID),
                    "type": 0,
                    "name": "digests",
                    "position": 0,
                    "guild_id": str(GUILD_ID),
                    "permission_overwrites": [],
                    "nsfw": False,
                }
            ],
            "members": [],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            if payload["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:
                self.identify = payload["d"]
                if payload["d"].get("token") != self.token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                if self.privileged_off and payload["d"]["intents"] & MESSAGE_CONTENT:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                ready = {
                    "v": 10,
                    "user": _user(BOT_ID, "digestbot", bot=True),
                    "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(APP_ID), "flags": 0},
                    "private_channels": [],
                }
                await self._dispatch(ws, "READY", ready)
                await self._dispatch(ws, "GUILD_CREATE", self._guild())
                async with self._changed:
                    self._sockets.add(ws)
                    self._changed.notify_all()
        self._sockets.discard(ws)
        return ws

    # -- REST ------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.calls.append(f"{request.method} /{path}")
        parts = path.split("/")
        if parts[0] in ("interactions", "webhooks"):  # authorised by the interaction's token
            return await self._interaction_rest(request, parts)
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, 0, "401: Unauthorized")
        if (limited := self._global_check(time.monotonic())) is not None:
            return limited
        broken = self.broken.get(f"{request.method} /{path}")
        if broken is not None:
            status, kind, text = broken
            return web.Response(status=status, body=text, headers={"Content-Type": kind})
        if request.method == "GET" and path == "users/@me":
            return _json(_user(BOT_ID, "digestbot", bot=True))
        if request.method == "GET" and path == "oauth2/applications/@me":
            return _json(_APPLICATION)
        if request.method == "GET" and path == "gateway":
            return _json({"url": self.gateway_url})
        if request.method == "PUT" and path == f"applications/{APP_ID}/commands":
            return await self._sync(await request.json())
        if len(parts) >= 3 and parts[0] == "channels" and parts[2] == "messages":
            channel_id = int(parts[1])
            if channel_id == HIDDEN_CHANNEL:
                return _error(403, 50001, "Missing Access")
            if channel_id not in (CHANNEL_ID, DM_CHANNEL) and channel_id not in self.open_channels:
                return _error(404, 10003, "Unknown Channel")
            body = await request.json()
            if request.method == "POST" and len(parts) == 3:
                return await self._send(channel_id, body)
        return _error(404, 0, "404: Not Found")

    async def _sync(self, commands: list[dict[str, Any]]) -> web.StreamResponse:
        self.slash_commands = {c["name"]: c for c in commands}
        registered = [
            {
                "id": str(4000 + n),
                "application_id": str(APP_ID),
                "version": "1",
                "type": 1,
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
            }
            for n, command in enumerate(commands)
        ]
        return _json(registered)

    async def push_interaction(
        self, name: str, args: str = "", *, channel_id: int = CHANNEL_ID, user_id: int = 501
    ) -> None:
        """A member runs ``/name args``: every connected bot gets ``INTERACTION_CREATE``."""
        interaction_id = next(self._ids)
        token = f"interaction-token-{interaction_id}"
        self._interactions[token] = channel_id
        self._pushed_at[token] = time.monotonic()
        admin = user_id in self.admins
        data = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": 2,
            "token": token,
            "version": 1,
            "data": {
                "id": str(4000 + list(self.slash_commands).index(name)),
                "name": name,
                "type": 1,
                "options": [{"name": "args", "type": 3, "value": args}] if args else [],
            },
            "guild_id": str(GUILD_ID),
            "channel_id": str(channel_id),
            "channel": {**self._guild()["channels"][0], "id": str(channel_id)},
            "member": _member(
                [str(ADMIN_ROLE)] if admin else [],
                user=_user(user_id, f"user{user_id}"),
                permissions=str(MANAGE_GUILD if admin else 0),
            ),
            "app_permissions": str((1 << 11) | (1 << 10)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        }
        for ws in list(self._sockets):
            await self._dispatch(ws, "INTERACTION_CREATE", data)

    async def push_button(self, message: Message, custom_id: str, *, user_id: int = 501) -> None:
        """A member presses the button ``custom_id`` under ``message``: every connected bot
        gets ``INTERACTION_CREATE`` of type 3 (a message component)."""
        if custom_id not in {b["custom_id"] for b in message.buttons}:
            raise AssertionError(f"no button {custom_id!r} under message {message.id}")
        interaction_id = next(self._ids)
        token = f"interaction-token-{interaction_id}"
        self._interactions[token] = message.channel_id
        self._pushed_at[token] = time.monotonic()
        admin = user_id in self.admins
        data: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": 3,
            "token": token,
            "version": 1,
            "data": {"custom_id": custom_id, "component_type": 2},
            "message": self._message_json(message),
            "channel_id": str(message.channel_id),
            "app_permissions": str((1 << 11) | (1 << 10)),
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        }
        if message.channel_id == DM_CHANNEL:
            data["user"] = _user(user_id, f"user{user_id}")
        else:
            data |= {
                "guild_id": str(GUILD_ID),
                "guild_locale": "en-US",
                "channel": {**self._guild()["channels"][0], "id": str(message.channel_id)},
                "member": _member(
                    [str(ADMIN_ROLE)] if admin else [],
                    user=_user(user_id, f"user{user_id}"),
                    permissions=str(MANAGE_GUILD if admin else 0),
                ),
            }
        for ws in list(self._sockets):
            await self._dispatch(ws, "INTERACTION_CREATE", data)

    async def _interaction_rest(self, request: web.Request, parts: list[str]) -> web.StreamResponse:
        if request.method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            body = await request.json()
            token = parts[2]
            if token not in self._interactions:
                return _error(401, 50027, "Invalid Webhook Token")
            if any(c["token"] == token for c in self.callbacks):
                return _error(400, 40060, "Interaction has already been acknowledged.")
            after = time.monotonic() - self._pushed_at.get(token, time.monotonic())
            if after > 3.0:  # Discord forgets an interaction not answered within 3 s
                return _error(404, 10062, "Unknown interaction")
            async with self._changed:
                self.callbacks.append({**body, "token": token, "after_s": after})
                self._changed.notify_all()
            interaction: dict[str, Any] = {"id": parts[1], "type": 2}
            resource: dict[str, Any] = {"type": body["type"]}
            if body["type"] == 4:
                stored = await self._store(self._interactions[token], body.get("data") or {})
                if isinstance(stored, web.Response):
                    return stored
                interaction["response_message_id"] = str(stored.id)
                resource["message"] = self._message_json(stored)
            else:
                interaction["response_message_loading"] = body["type"] == 5
            return _json({"interaction": interaction, "resource": resource})
        if request.method == "POST" and parts[0] == "webhooks" and len(parts) == 3:
            channel_id = self._interactions.get(parts[2])
            if channel_id is None:
                return _error(401, 50027, "Invalid Webhook Token")
            return await self._send(channel_id, await request.json())
        return _error(404, 0, "404: Not Found")

    def _global_check(self, now: float) -> web.Response | None:
        """A bucket of one second's worth of requests, refilled at ``global_per_second``."""
        rate = self.global_per_second
        if rate <= 0:
            return None
        self._global_tokens = min(rate, self._global_tokens + (now - self._global_stamp) * rate)
        self._global_stamp = now
        if self._global_tokens >= 1 - 1e-6:
            self._global_tokens -= 1
            return None
        self.rate_limited += 1
        retry_after = (1 - self._global_tokens) / rate
        response = _error(
            429, 0, "You are being rate limited.", retry_after=retry_after, **{"global": True}
        )
        response.headers["X-RateLimit-Global"] = "true"
        response.headers["Retry-After"] = f"{retry_after:.3f}"
        if self.via:
            response.headers["Via"] = "1.1 google"
        return response

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        return _json({"messages": len(self.messages), "rate_limited": self.rate_limited})

    def _rate_check(self, channel_id: int, now: float) -> float | None:
        state = self._channels.setdefault(channel_id, _Channel())
        scripted = self.rate_limit_next.pop(channel_id, None)
        if scripted is not None:
            state.blocked_until = now + scripted
            return scripted
        if now < state.blocked_until:
            self.early += 1
            return state.blocked_until - now
        while state.sent and state.sent[0] <= now - CHANNEL_WINDOW_S:
            state.sent.popleft()
        if len(state.sent) >= PER_CHANNEL:
            state.blocked_until = state.sent[0] + CHANNEL_WINDOW_S
            return state.blocked_until - now
        state.sent.append(now)
        return None

    async def _send(self, channel_id: int, body: dict[str, Any]) -> web.StreamResponse:
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce") and (channel_id, nonce) in self._nonces:
            return _json(self._message_json(self._nonces[(channel_id, nonce)]))
        problem = message_problem(body)
        if problem is not None:
            return _error(400, 50035, "Invalid Form Body", errors={"_errors": [problem]})
        retry_after = self._rate_check(channel_id, time.monotonic())
        if retry_after is not None:
            self.rate_limited += 1
            response = _error(
                429,
                20028,
                "You are being rate limited.",
                retry_after=retry_after,
                **{"global": False},
            )
            if self.via:  # without it, discord.py takes the 429 for a Cloudflare ban
                response.headers["Via"] = "1.1 google"
            response.headers["Retry-After"] = f"{retry_after:.3f}"
            return response
        if self.fail_5xx.get(channel_id, 0) > 0:
            self.fail_5xx[channel_id] -= 1
            return _error(503, 0, "Service Unavailable")
        message = await self._store(channel_id, body)
        assert isinstance(message, Message)
        if channel_id in self.slow:
            await asyncio.sleep(self.slow[channel_id])
        if self.fail_after_storing.get(channel_id, 0) > 0:
            self.fail_after_storing[channel_id] -= 1
            return _error(503, 0, "Service Unavailable")
        return _json(self._message_json(message))

    async def _store(self, channel_id: int, body: dict[str, Any]) -> Message | web.Response:
        problem = message_problem(body)
        if problem is not None:
            return _error(400, 50035, "Invalid Form Body", errors={"_errors": [problem]})
        message = Message(channel_id, next(self._ids), body.get("content") or "", body)
        nonce = body.get("nonce")
        async with self._changed:
            self.messages.append(message)
            if nonce and body.get("enforce_nonce"):
                self._nonces[(channel_id, nonce)] = message
            self._changed.notify_all()
        for ws in list(self._sockets):  # Discord echoes the bot's own messages to it too
            await self._dispatch(ws, "MESSAGE_CREATE", self._message_json(message))
        return message

    def _message_json(self, message: Message) -> dict[str, Any]:
        bot = _user(BOT_ID, "digestbot", bot=True)
        return {
            **_message(message.id, message.channel_id, bot, message.content),
            "nonce": message.payload.get("nonce"),
            "embeds": message.embeds,
            "components": message.payload.get("components") or [],
        }
