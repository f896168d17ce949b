"""A fake Telegram Bot API on 127.0.0.1 that the real python-telegram-bot talks to over HTTP.

It enforces what the real one enforces where it matters: text of 1-4096 characters after
entity parsing, HTML entity parse errors, 429 with ``retry_after`` when the rate limits are
exceeded (30/s overall, 1/s per chat, 20/min per group), 403 for a chat that blocked the
bot, ``migrate_to_chat_id`` for a group that became a supergroup, 5xx, and slow replies.

Methods: getMe, deleteWebhook, getUpdates (long polling), sendMessage (with an inline
keyboard, whose callback_data must be 1-64 bytes, or a force-reply), setMyCommands (the
menus are kept in ``menus``), answerCallbackQuery (each answer is kept in ``answered`` with
how long after the press it came; a query answered twice or after 15 s is refused),
getChatMember. Tests push incoming messages with :meth:`push_text` and button presses
(``callback_query`` updates) with :meth:`push_button`.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuv"
BOT_ID = 4242
BOT_USERNAME = "digest_test_bot"
MAX_TEXT = 4096
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
         "span", "tg-spoiler", "blockquote", "tg-emoji"}  # fmt: skip
_BAD_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z-]*(?:\s[^<>]*)?>")


class EntityError(ValueError):
    pass


class _Html(HTMLParser):
    """Telegram's HTML: a handful of tags, properly nested; returns the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise EntityError(f'unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'can\'t find end tag corresponding to start tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(text: str, parse_mode: str | None) -> str:
    if (parse_mode or "").upper() != "HTML":
        return text
    if _BAD_ENTITY.search(text):
        raise EntityError("unsupported entity")
    if re.search("[<>]", _TAG.sub("", text)):
        raise EntityError("unexpected end of name token")
    parser = _Html()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise EntityError(f'can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text)


@dataclass
class Message:
    chat_id: int
    message_id: int
    text: str
    """As the user sees it (markup parsed away)."""
    raw: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None = None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


@dataclass
class Limits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    group_per_minute: int = 20


@dataclass
class _ChatState:
    tokens: float = 1.0
    stamp: float = 0.0
    group_times: deque[float] = field(default_factory=deque)


class FakeBotAPI:
    def __init__(self, limits: Limits | None = None, *, unlimited: bool = False) -> None:
        self.limits = None if unlimited else (limits or Limits())
        self.lock = threading.Condition()
        self.messages: list[Message] = []
        self.updates: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.rate_limited = 0
        self.blocked: dict[int, str] = {}
        """chat id -> the 403 description ("bot was blocked by the user", ...)."""
        self.migrated: dict[int, int] = {}
        self.fail_5xx: dict[int, int] = {}
        """chat id -> how many sends to fail with 502 before accepting."""
        self.slow: dict[int, float] = {}
        """chat id -> seconds to wait *after* storing the message, before replying."""
        self.admins: set[tuple[int, int]] = set()
        self.answered: dict[str, float] = {}
        """callback query id -> seconds between the press and answerCallbackQuery."""
        self._pressed: dict[str, float] = {}
        self.menus: dict[str, list[dict[str, str]]] = {}
        """language_code ("" for the default menu) -> the commands setMyCommands set."""
        self.flood_after: int | None = None
        """After this many accepted messages, refuse every send: 429, ``flood_retry_after``."""
        self.flood_retry_after = 600
        self.token = TOKEN
        """The token the fake accepts; anything else (a revoked one) gets 401."""
        self.broken: dict[str, tuple[int, bytes]] = {}
        """method -> (status, raw body) to answer instead of the Bot API's reply: a proxy's
        HTML page, JSON missing a field, a 5xx."""
        self.hold_after: int | None = None
        """Hold the reply to the n-th accepted message until ``release`` is set."""
        self.held = threading.Event()
        self.release = threading.Event()
        self.hold_from: int | None = None
        """Hold the reply to every accepted message from the n-th on until ``release`` is
        set: each is stored (it reached the chat), none is answered."""
        self.holding: list[Message] = []
        """The messages whose reply ``hold_from`` is holding (or held)."""
        self._next_message_id = 1
        self._next_update_id = 1
        self._overall_tokens = 0.0
        self._overall_stamp = 0.0
        self._chats: dict[int, _ChatState] = {}
        self.port = 0

    # --- test helpers ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int = 7,
        chat_type: str = "private",
        reply_to: int | None = None,
    ) -> None:
        """An incoming message from a user, delivered by the next getUpdates."""
        with self.lock:
            message: dict[str, Any] = {
                "message_id": 100000 + self._next_update_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": chat_type, "title": "group", "first_name": "U"},
                "from": {"id": user_id, "is_bot": False, "first_name": "User"},
                "text": text,
            }
            if text.startswith("/"):
                length = len(text.split(" ", 1)[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            if reply_to is not None:
                original = next(m for m in self.messages if m.message_id == reply_to)
                message["reply_to_message"] = {
                    "message_id": reply_to,
                    "date": int(time.time()),
                    "chat": message["chat"],
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "Digest"},
                    "text": original.text,
                }
            self.updates.append({"update_id": self._next_update_id, "message": message})
            self._next_update_id += 1
            self.lock.notify_all()

    def push_button(self, message: Message, data: str, *, user_id: int = 7) -> str:
        """A user presses the button carrying ``data`` under ``message``; returns the
        callback query's id."""
        if data not in {b.get("callback_data") for b in message.buttons}:
            raise AssertionError(f"no button {data!r} under message {message.message_id}")
        with self.lock:
            query_id = f"cq{self._next_update_id}"
            chat_type = "private" if message.chat_id > 0 else "supergroup"
            chat = {"id": message.chat_id, "type": chat_type, "title": "group", "first_name": "U"}
            query = {
                "id": query_id,
                "from": {"id": user_id, "is_bot": False, "first_name": "User"},
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": message.message_id,
                    "date": int(time.time()),
                    "chat": chat,
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "Digest"},
                    "text": message.text,
                },
            }
            self._pressed[query_id] = time.monotonic()
            self.updates.append({"update_id": self._next_update_id, "callback_query": query})
            self._next_update_id += 1
            self.lock.notify_all()
        return query_id

    def revoke_token(self) -> None:
        """The bot's owner revokes its token (@BotFather): every call gets 401 from now."""
        with self.lock:
            self.token = "revoked"
            self.lock.notify_all()

    def to(self, chat_id: int) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m.chat_id == chat_id]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the fake Bot API never saw what the test waited for")
                self.lock.wait(min(left, 0.05))

    # --- the Bot API -------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append(method)
        if method == "getMe":
            return 200, _ok(
                {"id": BOT_ID, "is_bot": True, "first_name": "Digest", "username": BOT_USERNAME}
            )
        if method == "deleteWebhook":
            return 200, _ok(True)
        if method == "answerCallbackQuery":
            return self._answer_query(str(params.get("callback_query_id", "")))
        if method == "setMyCommands":
            return self._set_menu(params)
        if method == "getUpdates":
            return 200, _ok(self._get_updates(params))
        if method == "getChatMember":
            chat, user = int(params["chat_id"]), int(params["user_id"])
            status = "administrator" if (chat, user) in self.admins else "member"
            member = {"status": status, "user": {"id": user, "is_bot": False, "first_name": "U"}}
            if status == "administrator":
                member |= {"can_be_edited": False, "can_manage_chat": True,
                           "can_change_info": True, "can_delete_messages": True,
                           "can_invite_users": True, "can_restrict_members": True,
                           "can_pin_messages": True, "can_promote_members": False,
                           "can_manage_video_chats": True, "is_anonymous": False,
                           "can_post_stories": False, "can_edit_stories": False,
                           "can_delete_stories": False}  # fmt: skip
            return 200, _ok(member)
        if method == "sendMessage":
            return self._send(params)
        return 404, _error(404, "Not Found: method not found")

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return list(self.updates)

    def _rate_check(self, chat_id: int, now: float) -> int | None:
        """Seconds to wait if this message breaks a limit (consumes nothing then)."""
        limits = self.limits
        if limits is None:
            return None
        chat = self._chats.setdefault(chat_id, _ChatState(stamp=now))
        # Overall: a bucket of one second's worth of messages.
        self._overall_tokens = min(
            limits.per_second,
            self._overall_tokens + (now - self._overall_stamp) * limits.per_second,
        )
        self._overall_stamp = now
        chat.tokens = min(1.0, chat.tokens + (now - chat.stamp) * limits.per_chat_per_second)
        chat.stamp = now
        group = chat_id < 0
        while chat.group_times and chat.group_times[0] <= now - 60:
            chat.group_times.popleft()
        if self._overall_tokens < 1 - 1e-6:
            return 1
        if chat.tokens < 0.9:  # a little tolerance for network jitter
            return 1
        if group and len(chat.group_times) >= limits.group_per_minute:
            return max(1, math.ceil(chat.group_times[0] + 60 - now))
        self._overall_tokens -= 1
        chat.tokens -= 1
        if group:
            chat.group_times.append(now)
        return None

    def _answer_query(self, query_id: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            pressed = self._pressed.get(query_id)
            late = pressed is None or time.monotonic() - pressed > 15
            if pressed is None or late or query_id in self.answered:
                return 400, _error(
                    400,
                    "Bad Request: query is too old and response timeout expired "
                    "or query ID is invalid",
                )
            self.answered[query_id] = time.monotonic() - pressed
            self.lock.notify_all()
        return 200, _ok(True)

    def _send(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        raw, mode = str(params.get("text", "")), params.get("parse_mode")
        markup = params.get("reply_markup")
        reply_markup = json.loads(markup) if isinstance(markup, str) else markup
        for row in (reply_markup or {}).get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data", "")
                if not button.get("text") or not 1 <= len(data.encode()) <= 64:
                    return 400, _error(400, "Bad Request: BUTTON_DATA_INVALID")
        with self.lock:
            if chat_id in self.migrated:
                return 400, _error(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[chat_id]},
                )
            if chat_id in self.blocked:
                return 403, _error(403, f"Forbidden: {self.blocked[chat_id]}")
            if self.fail_5xx.get(chat_id, 0) > 0:
                self.fail_5xx[chat_id] -= 1
                return 502, _error(502, "Bad Gateway")
            wait = self._rate_check(chat_id, time.monotonic())
            if self.flood_after is not None and len(self.messages) >= self.flood_after:
                wait = self.flood_retry_after
            if wait is not None:
                self.rate_limited += 1
                return 429, _error(
                    429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                )
            try:
                text = visible_text(raw, mode)
            except EntityError as exc:
                return 400, _error(400, f"Bad Request: can't parse entities: {exc}")
            if not text.strip():
                return 400, _error(400, "Bad Request: message text is empty")
            if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
                return 400, _error(400, "Bad Request: message is too long")
            message = Message(chat_id, self._next_message_id, text, raw, mode, reply_markup)
            self._next_message_id += 1
            self.messages.append(message)
            self.lock.notify_all()
            hold = self.hold_after is not None and len(self.messages) == self.hold_after
            hold_this = self.hold_from is not None and len(self.messages) >= self.hold_from
            if hold_this:
                self.holding.append(message)
            slow = self.slow.get(chat_id, 0.0)
        if hold:
            self.held.set()
            self.release.wait(60)
        if hold_this:
            self.release.wait(60)
        if slow:
            time.sleep(slow)
        return 200, _ok(_message_json(message))

    def _set_menu(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        commands = params.get("commands", "[]")
        menu = json.loads(commands) if isinstance(commands, str) else commands
        for entry in menu:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", entry.get("command", "")):
                return 400, _error(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(entry.get("description", "")) <= 256:
                return 400, _error(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self.lock:
            self.menus[str(params.get("language_code") or "")] = menu
        return 200, _ok(True)


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "date": int(time.time()),
        "chat": {"id": message.chat_id, "type": "private" if message.chat_id > 0 else "group"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Digest"},
        "text": message.text,
    }


_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


class _Server:
    """HTTP/1.1 with keep-alive on one asyncio loop in a thread: no thread per connection,
    so the fake keeps up with a wide fan-out. Calls that block on purpose (long polling,
    slow or held replies) run in a thread pool."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.loop = asyncio.new_event_loop()
        self.pool = ThreadPoolExecutor(max_workers=32)
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        self._ready.wait(10)

    def close(self) -> None:
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(10)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _run(self) -> None:
        self.loop.run_until_complete(self._main())
        self.loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=512)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
            server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readline()
                if not request:
                    break
                path = request.decode("latin-1").split(" ")[1]
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                status, payload = await self._answer(path, headers, body)
                kind = "application/json"
                if isinstance(payload, bytes):
                    data, kind = payload, "text/html"
                else:
                    data = json.dumps(payload).encode()
                head = (
                    f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                    f"Content-Type: {kind}\r\nContent-Length: {len(data)}\r\n\r\n"
                )
                writer.write(head.encode() + data)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _answer(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any] | bytes]:
        api = self.api
        if path == "/_stats":  # for a fake running in another process (bench)
            with api.lock:
                return 200, {"messages": len(api.messages), "rate_limited": api.rate_limited}
        match = _PATH.match(path)
        if match is None:
            return 404, _error(404, "Not Found")
        if match["token"] != api.token:
            return 401, _error(401, "Unauthorized")
        if match["method"] in api.broken:
            with api.lock:
                api.calls.append(match["method"])
            return api.broken[match["method"]]
        if "json" in headers.get("content-type", ""):
            params = json.loads(body or b"{}")
        else:
            params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        method = match["method"]
        blocks = method == "getUpdates" or (
            method == "sendMessage"
            and (api.hold_after is not None or api.hold_from is not None or bool(api.slow))
        )
        if blocks:
            return await self.loop.run_in_executor(self.pool, api.handle, method, params)
        return api.handle(method, params)


@contextmanager
def running(api: FakeBotAPI | None = None) -> Iterator[FakeBotAPI]:
    api = api or FakeBotAPI()
    server = _Server(api)
    server.start()
    api.port = server.port
    try:
        yield api
    finally:
        api.release.set()
        server.close()


def main() -> None:
    """Run the fake on its own (``python -m tests.fakes.telegram [RATE|unlimited]``): prints
    its URL, serves until stdin closes. ``POST /_stats`` returns its counters."""
    import sys

    arg = sys.argv[1] if len(sys.argv) > 1 else "30"
    api = FakeBotAPI(unlimited=True) if arg == "unlimited" else FakeBotAPI(Limits(float(arg)))
    with running(api):
        print(api.url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
