"""Who may read the archive, and the headers every response carries.

Off loopback a token is required (the caller refuses to start without one). A request
shows it as ``Authorization: Bearer TOKEN`` or as the password of HTTP basic auth (any
user name), so a browser's own login prompt and most feed readers can send it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No script at all, styles and images from this origin only, forms submit here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
REALM = b'Basic realm="digestbot archive", charset="UTF-8"'


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def presented_token(authorization: str) -> str | None:
    """The token of an ``Authorization`` header: a Bearer token or a basic-auth password."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


class AccessMiddleware:
    """Adds the security headers to every response; with a ``token``, answers 401 to a
    request without it; answers 405 to anything but GET and HEAD (nothing is written)."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send_with_headers, 405, b"read-only archive", [(b"allow", b"GET, HEAD")])
            return
        if self.token is not None and not self._authorised(scope):
            await _plain(send_with_headers, 401, b"token required", [(b"www-authenticate", REALM)])
            return
        await self.app(scope, receive, send_with_headers)

    def _authorised(self, scope: Scope) -> bool:
        assert self.token is not None
        headers = dict(scope.get("headers", []))
        presented = presented_token(headers.get(b"authorization", b"").decode("latin-1"))
        return presented is not None and hmac.compare_digest(
            presented.encode(), self.token.encode()
        )


async def _plain(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})
