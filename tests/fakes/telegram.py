"""A fake Telegram Bot API on 127.0.0.1 that the real python-telegram-bot talks to over HTTP.

It enforces what the real one enforces where it matters: text of 1-4096 characters after
entity parsing, HTML entity parse errors, 429 with ``retry_after`` when the rate limits are
exceeded (30/s overall, 1/s per chat, 20/min per group), 403 for a chat that blocked the
bot, ``migrate_to_chat_id`` for a group that became a supergroup, 5xx, and slow replies.

Methods: getMe, deleteWebhook, getUpdates (long polling), sendMessage, editMessageText,
answerCallbackQuery, getChatMember. Tests push incoming messages with :meth:`push_text`.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
        self.hold_after: int | None = None
        """Hold the reply to the n-th accepted message until ``release`` is set."""
        self.held = threading.Event()
        self.release = threading.Event()
        self._next_message_id = 1
        self._next_update_id = 1
        self._overall_tokens = 0.0
        self._overall_stamp = 0.0
        self._chats: dict[int, _ChatState] = {}
        self.server: ThreadingHTTPServer | None = None

    # --- test helpers ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

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
        if method in ("deleteWebhook", "answerCallbackQuery", "setMyCommands"):
            return 200, _ok(True)
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
        if method == "editMessageText":
            return self._edit(params)
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

    def _send(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        raw, mode = str(params.get("text", "")), params.get("parse_mode")
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
            message = Message(chat_id, self._next_message_id, text, raw, mode)
            self._next_message_id += 1
            self.messages.append(message)
            self.lock.notify_all()
            hold = self.hold_after is not None and len(self.messages) == self.hold_after
            slow = self.slow.get(chat_id, 0.0)
        if hold:
            self.held.set()
            self.release.wait(60)
        if slow:
            time.sleep(slow)
        return 200, _ok(_message_json(message))

    def _edit(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self.lock:
            for message in self.messages:
                if message.chat_id == chat_id and message.message_id == message_id:
                    try:
                        message.text = visible_text(str(params["text"]), params.get("parse_mode"))
                    except EntityError as exc:
                        return 400, _error(400, f"Bad Request: can't parse entities: {exc}")
                    message.raw = str(params["text"])
                    return 200, _ok(_message_json(message))
        return 400, _error(400, "Bad Request: message to edit not found")


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


def _handler_for(api: FakeBotAPI) -> type[BaseHTTPRequestHandler]:
    path_pattern = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            match = path_pattern.match(self.path)
            if match is None:
                return self._reply(404, _error(404, "Not Found"))
            if match["token"] != TOKEN:
                return self._reply(401, _error(401, "Unauthorized"))
            kind = self.headers.get("content-type", "")
            if "json" in kind:
                params = json.loads(body or b"{}")
            else:
                params = dict(parse_qsl(body.decode(), keep_blank_values=True))
            status, payload = api.handle(match["method"], params)
            return self._reply(status, payload)

        do_GET = do_POST

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client went away (killed, or gave up waiting)

    return Handler


@contextmanager
def running(api: FakeBotAPI | None = None) -> Iterator[FakeBotAPI]:
    api = api or FakeBotAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    server.daemon_threads = True
    api.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.release.set()
        server.shutdown()
        server.server_close()
