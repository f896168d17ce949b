"""``digestbot mcp``: the MCP server over stdio (for an AI client that spawns it), or over
streamable HTTP with ``--http``. Bound to anything but loopback, HTTP requires the bearer
token in ``DIGESTBOT_MCP_TOKEN`` and refuses to start without one."""

from __future__ import annotations

import argparse
import ipaddress
import os
from typing import TYPE_CHECKING

from bot.errors import UsageError

if TYPE_CHECKING:
    from bot.config import Config

TOKEN_VARIABLE = "DIGESTBOT_MCP_TOKEN"  # noqa: S105 (the variable's name, not a token)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_mcp_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser(
        "mcp",
        help="MCP server for AI clients (stdio, or HTTP with --http)",
        description="A Model Context Protocol server over the stored digests, articles, "
        "rejections and sources, with cited answers: over stdio (an AI client starts it), "
        f"or streamable HTTP at /mcp with --http. Bound to anything but loopback, HTTP "
        f"needs a bearer token in ${TOKEN_VARIABLE}; set, it is required on loopback too.",
    )
    sub.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    sub.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to bind with --http (default: {DEFAULT_HOST})",
    )
    sub.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port with --http (default: {DEFAULT_PORT})"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_token(host: str, environ: dict[str, str] | None = None) -> str | None:
    """The token HTTP requires, or None on loopback without one; refuses (UsageError) to
    serve another address unprotected."""
    token = (os.environ if environ is None else environ).get(TOKEN_VARIABLE) or None
    if token is None and not is_loopback(host):
        raise UsageError(
            f"refusing to serve MCP on {host} without a token: set {TOKEN_VARIABLE}, "
            f"or bind {DEFAULT_HOST}"
        )
    return token


def mcp_command(args: argparse.Namespace, config: Config) -> int:
    # Imported here: the SDK takes a second to import, and no other command needs it.
    from adapters.mcp.http import serve_http
    from adapters.mcp.server import build_server
    from app.cli.output import EXIT_OK
    from bot.config import Secrets
    from bot.lookup import Lookup
    from storage import open_database

    token = http_token(args.host) if args.http else None
    db = open_database(config.storage.path)
    server = build_server(Lookup(db, config, Secrets.from_env()))
    if args.http:
        serve_http(server, args.host, args.port, token)
    else:
        server.run("stdio")
    return EXIT_OK
