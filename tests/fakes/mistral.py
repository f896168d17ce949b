"""A fake Mistral API on 127.0.0.1: ``/v1/chat/completions`` and ``/v1/embeddings``.

It speaks the real wire format, so the real ``mistralai`` SDK talks to it unchanged, and it
behaves like the real service where digestbot cares: 401 for a wrong key, 429 with
``Retry-After``, 5xx, slow replies, and whatever content a test scripts (invalid JSON,
hallucinated citations, the wrong language).

    with FakeMistral() as fake:
        fake.reply_with(lambda request: '{"answer": "..."}')
        fake.fail_next(429, retry_after=1)
        model = MistralModel(MistralConfig(server_url=fake.url), fake.api_key)
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

EMBED_DIMENSIONS = 1024
Responder = Callable[[dict[str, Any]], str]


@dataclass
class Fault:
    status: int
    retry_after: float | None = None
    delay_s: float = 0.0
    body: str | None = None


def fake_embedding(text: str) -> list[float]:
    """Feature-hashed bag of words: similar texts get similar vectors, deterministically."""
    vector = [0.0] * EMBED_DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % EMBED_DIMENSIONS
        vector[index] += 1.0 if digest[4] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a timeout test) is expected; anything else is shown."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FakeMistral:
    def __init__(self, api_key: str = "test-mistral-key") -> None:
        self.api_key = api_key
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._faults: deque[Fault] = deque()
        self._responder: Responder = lambda request: "{}"
        self._delay_s = 0.0
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # shutdown() waits for the serving loop to poll its flag: 0.5 s by default, per test
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reply_with(self, responder: Responder | str) -> None:
        """Chat replies: a fixed content string, or a function of the request JSON."""
        self._responder = (lambda _r: responder) if isinstance(responder, str) else responder

    def fail_next(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        times: int = 1,
        delay_s: float = 0.0,
        body: str | None = None,
    ) -> None:
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(status, retry_after, delay_s, body))

    def slow_down(self, seconds: float) -> None:
        """Every reply waits this long first (0 to stop)."""
        self._delay_s = seconds

    def chat_requests(self) -> list[dict[str, Any]]:
        return [body for path, body in self.requests if path.endswith("/chat/completions")]

    def __enter__(self) -> FakeMistral:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def _send(
                self,
                status: int,
                payload: Any,
                headers: dict[str, str] | None = None,
                raw: str | None = None,
            ) -> None:
                body = (raw if raw is not None else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {"message": "invalid JSON body"})
                    return
                fake.requests.append((self.path, request))
                if fake._delay_s:
                    time.sleep(fake._delay_s)
                if self.headers.get("authorization") != f"Bearer {fake.api_key}":
                    self._send(401, {"message": "Unauthorized", "request_id": "fake"})
                    return
                fault = fake._next_fault()
                if fault is not None:
                    if fault.delay_s:
                        time.sleep(fault.delay_s)
                    headers = {}
                    if fault.retry_after is not None:
                        headers["retry-after"] = f"{fault.retry_after:g}"
                    if fault.status < 400:
                        pass  # a pure delay: fall through to a normal reply
                    else:
                        self._send(
                            fault.status,
                            {"message": f"fake error {fault.status}"},
                            headers,
                            raw=fault.body,
                        )
                        return
                if self.path == "/v1/chat/completions":
                    self._chat(request)
                elif self.path == "/v1/embeddings":
                    self._embeddings(request)
                else:
                    self._send(404, {"message": "Not Found"})

            def _chat(self, request: dict[str, Any]) -> None:
                content = fake._responder(request)
                prompt = sum(_tokens(str(m.get("content", ""))) for m in request["messages"])
                self._send(
                    200,
                    {
                        "id": "cmpl-fake",
                        "object": "chat.completion",
                        "model": request["model"],
                        "created": int(time.time()),
                        "usage": {
                            "prompt_tokens": prompt,
                            "completion_tokens": _tokens(content),
                            "total_tokens": prompt + _tokens(content),
                        },
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                    },
                )

            def _embeddings(self, request: dict[str, Any]) -> None:
                inputs = request.get("input", [])
                inputs = [inputs] if isinstance(inputs, str) else inputs
                self._send(
                    200,
                    {
                        "id": "emb-fake",
                        "object": "list",
                        "model": request["model"],
                        "usage": {
                            "prompt_tokens": sum(_tokens(t) for t in inputs),
                            "total_tokens": sum(_tokens(t) for t in inputs),
                        },
                        "data": [
                            {"object": "embedding", "index": i, "embedding": fake_embedding(t)}
                            for i, t in enumerate(inputs)
                        ],
                    },
                )

        return Handler
