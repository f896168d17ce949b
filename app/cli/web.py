"""``digestbot web``: the read-only archive and its Atom feeds, served by uvicorn."""

from __future__ import annotations

import argparse
import os

from app.cli.output import EXIT_OK, err
from bot.config import Config, Secrets
from bot.errors import UsageError

TOKEN_VARIABLE = "DIGESTBOT_WEB_TOKEN"  # noqa: S105 (a variable name, not a secret)


def web_token(host: str, environ: dict[str, str] | None = None) -> str | None:
    """The token requests must present; required when ``host`` is not loopback."""
    from adapters.web.access import is_loopback

    env = os.environ if environ is None else environ
    token = env.get(TOKEN_VARIABLE) or None
    if token is None and not is_loopback(host):
        raise UsageError(
            f"refusing to serve the archive on {host} without a token: set {TOKEN_VARIABLE} "
            "(or bind 127.0.0.1)"
        )
    return token


def build_web_app(config: Config, token: str | None) -> object:
    """The ASGI app over the configured database (opened, and migrated, once here)."""
    from adapters.web.app import create_app
    from bot.archive import Archive
    from storage import open_database

    path = config.storage.path
    open_database(path).close()  # fail now, not on the first request; migrate once
    archive = Archive(lambda: open_database(path), config, Secrets.from_env())
    return create_app(archive, token)


def web_command(args: argparse.Namespace, config: Config) -> int:
    import uvicorn

    from bot.logging_setup import install_redaction

    host: str = args.host or config.web.host
    port: int = args.port or config.web.port
    token = web_token(host)
    secrets = Secrets.from_env()
    install_redaction([token, secrets.mistral_api_key])
    app = build_web_app(config, token)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"archive on http://{shown}:{port}/ (read-only; Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning")  # type: ignore[arg-type]
    return EXIT_OK
