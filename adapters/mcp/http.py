"""The MCP server over streamable HTTP (``/mcp``), behind a bearer token when one is set.

Who needs a token is the caller's policy (``app/cli/mcp.py``: any address but loopback);
here a set token is required on every request, and compared in constant time.
"""

from __future__ import annotations

import hmac
import json
import sys

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.types import ASGIApp, Receive, Scope, Send

MCP_PATH = "/mcp"


class RequireToken:
    """ASGI middleware: an HTTP request without ``Authorization: Bearer <token>`` gets 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                await _unauthorized(send)
                return
        await self._app(scope, receive, send)


async def _unauthorized(send: Send) -> None:
    body = json.dumps({"error": "missing or wrong bearer token (DIGESTBOT_MCP_TOKEN)"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b'Bearer realm="digestbot"'),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def serve_http(server: MCPServer, host: str, port: int, token: str | None) -> None:
    """Serve until interrupted."""
    app: ASGIApp = server.streamable_http_app(streamable_http_path=MCP_PATH, host=host)
    if token:
        app = RequireToken(app, token)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"digestbot mcp: serving http://{shown}:{port}{MCP_PATH}"
        + (" (bearer token required)" if token else ""),
        file=sys.stderr,
        flush=True,
    )
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).run()
