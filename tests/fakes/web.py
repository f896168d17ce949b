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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
