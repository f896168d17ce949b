"""A tiny web server on 127.0.0.1 for fetch tests: routes are paths to handlers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


def reply(
    status: int,
    body: bytes = b"",
    content_type: str = "text/html",
    headers: dict[str, str] | None = None,
) -> Handler:
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("content-type", content_type)
        request.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    return handle


def endless(chunk: bytes = b"x" * 65536, limit_chunks: int = 2000) -> Handler:
    """A body with no declared length that goes on (bounded, so the test always ends)."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("content-type", "text/html")
        request.end_headers()
        try:
            for _ in range(limit_chunks):
                request.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handle


@contextmanager
def serve(routes: dict[str, Handler]) -> Iterator[str]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            handler = routes.get(self.path.split("?")[0])
            if handler is None:
                reply(404, b"not found")(self)
            else:
                handler(self)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    server.daemon_threads = True
    # shutdown() waits for the serving loop to poll its flag: 0.5 s by default, per test
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def sequence(*handlers: Handler) -> Handler:
    """Answer with each handler in turn, then keep answering with the last one."""
    calls = {"n": 0}

    def handle(request: BaseHTTPRequestHandler) -> None:
        index = min(calls["n"], len(handlers) - 1)
        calls["n"] += 1
        handlers[index](request)

    return handle


def conditional(body: bytes, etag: str, content_type: str = "application/rss+xml") -> Handler:
    """A resource with an ETag that answers 304 to a matching If-None-Match."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("if-none-match") == etag:
            request.send_response(304)
            request.send_header("etag", etag)
            request.end_headers()
            return
        reply(200, body, content_type, {"etag": etag})(request)

    return handle


class Recorder:
    """Wraps a handler and keeps the headers of every request it answered."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: BaseHTTPRequestHandler) -> None:
        self.requests.append({k.lower(): v for k, v in request.headers.items()})
        self.handler(request)
