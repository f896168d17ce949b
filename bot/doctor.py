"""``digestbot doctor``'s checks: each configured endpoint really asked, and what storage
says about the sources, as a list of :class:`Check` (the CLI only prints them).

Each endpoint is asked the cheapest question that proves the token works: Telegram
``getMe``, Discord ``GET /users/@me``, Mistral ``GET /v1/models``, each at its configured
base URL, with a short timeout. These URLs are the operator's own configuration (often a
local Bot API server on 127.0.0.1), not links from the web, so they do not go through the
address guard of :mod:`bot.fetch`; redirects are not followed and replies are capped.
A platform without a token is "off", which is not a problem.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

from bot.config import Config, Secrets
from bot.health import Facts

Status = Literal["ok", "off", "note", "problem"]
TIMEOUT_S = 5.0
MAX_REPLY_BYTES = 2_000_000

TELEGRAM_API = "https://api.telegram.org"
DISCORD_API = "https://discord.com"
MISTRAL_API = "https://api.mistral.ai"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    advice: str = ""
    """What to do about a problem."""


class _Unreachable(Exception):
    pass


async def _get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[int, Any | None]:
    """The status and the JSON body (None when it is not JSON) of ``GET url``."""
    try:
        async with client.stream("GET", url, headers=headers) as response:
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_REPLY_BYTES:
                    break
    except httpx.TimeoutException as exc:
        raise _Unreachable(f"no answer within {TIMEOUT_S:g} s ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise _Unreachable(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        ) from None
    try:
        return response.status_code, json.loads(body)
    except ValueError:
        return response.status_code, None


def _unreachable(name: str, root: str, why: str, key: str) -> Check:
    return Check(
        name,
        "problem",
        f"cannot reach {root}: {why}",
        f"check {key} and that this machine can reach it",
    )


def _refused(name: str, root: str, status: int, advice: str) -> Check:
    return Check(name, "problem", f"{root} refused the token (HTTP {status})", advice)


def _unexpected(name: str, root: str, status: int) -> Check:
    return Check(
        name,
        "problem",
        f"{root} answered HTTP {status} with an unexpected reply",
        "the server is failing or is not the API it should be; try again later, or check "
        "its URL in the config",
    )


async def check_telegram(client: httpx.AsyncClient, config: Config, token: str | None) -> Check:
    if not token:
        return Check("telegram", "off", "TELEGRAM_BOT_TOKEN is not set: the adapter is off")
    root = config.telegram.api_base_url.rstrip("/") or TELEGRAM_API
    try:
        status, body = await _get(client, f"{root}/bot{token}/getMe", {})
    except _Unreachable as exc:
        return _unreachable("telegram", root, str(exc), "telegram.api_base_url")
    if status in (401, 404):
        return _refused(
            "telegram",
            root,
            status,
            "the token was revoked or mistyped: get the current one from @BotFather "
            "(/mybots, API Token) and set TELEGRAM_BOT_TOKEN",
        )
    result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    if status != 200 or not isinstance(result, dict) or result.get("is_bot") is not True:
        return _unexpected("telegram", root, status)
    return Check("telegram", "ok", f"getMe: @{result.get('username', '?')} (id {result.get('id')})")


async def check_discord(client: httpx.AsyncClient, config: Config, token: str | None) -> Check:
    if not token:
        return Check("discord", "off", "DISCORD_BOT_TOKEN is not set: the adapter is off")
    root = config.discord.api_base_url.rstrip("/") or DISCORD_API
    try:
        status, body = await _get(
            client, f"{root}/api/v10/users/@me", {"Authorization": f"Bot {token}"}
        )
    except _Unreachable as exc:
        return _unreachable("discord", root, str(exc), "discord.api_base_url")
    if status in (401, 403):
        return _refused(
            "discord",
            root,
            status,
            "the token was reset or mistyped: copy the bot's token from the Discord "
            "developer portal (Bot, Reset Token) and set DISCORD_BOT_TOKEN",
        )
    if status != 200 or not isinstance(body, dict) or "id" not in body:
        return _unexpected("discord", root, status)
    return Check("discord", "ok", f"users/@me: {body.get('username', '?')} (id {body['id']})")


def _model_names(body: Any) -> set[str]:
    names: set[str] = set()
    for model in body.get("data", []) if isinstance(body, dict) else []:
        if isinstance(model, dict):
            names.add(str(model.get("id", "")))
            names.update(str(alias) for alias in model.get("aliases") or [])
    return names


async def check_mistral(client: httpx.AsyncClient, config: Config, key: str | None) -> Check:
    if not key:
        return Check(
            "mistral", "off", "MISTRAL_API_KEY is not set: digests and answers are extractive"
        )
    root = config.mistral.server_url.rstrip("/") or MISTRAL_API
    try:
        status, body = await _get(client, f"{root}/v1/models", {"Authorization": f"Bearer {key}"})
    except _Unreachable as exc:
        return _unreachable("mistral", root, str(exc), "mistral.server_url")
    if status in (401, 403):
        return _refused(
            "mistral",
            root,
            status,
            "the key was revoked or mistyped: create one at console.mistral.ai (API Keys) "
            "and set MISTRAL_API_KEY",
        )
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return _unexpected("mistral", root, status)
    names = _model_names(body)
    wanted = [config.mistral.model, config.mistral.embed_model]
    missing = [name for name in wanted if name not in names]
    if missing:
        return Check(
            "mistral",
            "problem",
            f"{root}: this key cannot use {', '.join(missing)}",
            "set mistral.model / mistral.embed_model to models listed by GET /v1/models",
        )
    return Check(
        "mistral", "ok", f"/v1/models: {len(names)} models, {', '.join(wanted)} among them"
    )


async def check_endpoints(
    config: Config, secrets: Secrets, *, timeout_s: float = TIMEOUT_S
) -> list[Check]:
    """Telegram, Discord and Mistral, asked at once."""
    async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client:
        checks = await asyncio.gather(
            check_telegram(client, config, secrets.telegram_bot_token),
            check_discord(client, config, secrets.discord_bot_token),
            check_mistral(client, config, secrets.mistral_api_key),
        )
    return list(checks)


def source_checks(facts: Facts) -> list[Check]:
    """One line per topic (how many sources, how many fine), then one per source that is
    failing, paused or stale."""
    checks: list[Check] = []
    for topic in facts.topics:
        total, imported = len(topic.sources), topic.imported
        bad, never = topic.count("failing", "paused", "stale"), topic.count("never")
        summary = (
            f"{total} sources ({total - imported} from the config, {imported} imported "
            f"from OPML): {topic.count('ok')} fine, {bad} with problems, {never} not "
            "fetched yet"
        )
        status: Status = "problem" if bad else "note" if never else "ok"
        advice = "" if bad or not never else _ADVICE["never"]
        checks.append(Check(f"topic {topic.topic}", status, summary, advice))
        checks += [
            Check("source", "problem", f"{s.url}: {s.detail}", _ADVICE[s.state])
            for s in topic.sources
            if s.bad
        ]
    return checks


_ADVICE = {
    "never": "sources are fetched by the next collection (digestbot collect, or run)",
    "failing": "open the URL in a browser: fix or remove the source (a source failing "
    "fetch.pause_after_failures runs in a row is paused)",
    "paused": "fix or remove the source; it is tried again every fetch.paused_retry_hours "
    "and one good fetch resumes it",
    "stale": "no collection has read it for over a day past its window: is digestbot run "
    "running (it collects before each digest)?",
}


def delivery_checks(facts: Facts, now: datetime | None = None) -> list[Check]:
    """The newest digest of each topic and mode, deliveries by status, tokens today."""
    now = now or datetime.now(UTC)
    checks = [
        Check(
            f"digest {d.topic}",
            "ok",
            f"newest {d.mode}: {d.date} ({d.language})"
            + (f", built {d.built:%Y-%m-%d %H:%M} UTC" if d.built else ""),
        )
        for d in facts.digests
    ]
    counts = facts.deliveries
    shown = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none yet"
    stuck = counts.get("uncertain", 0) + counts.get("failed", 0)
    checks.append(
        Check(
            "deliveries",
            "note" if stuck else "ok",
            shown,
            "uncertain ones may or may not have arrived and are never re-sent; failed ones "
            "name their error in the deliveries table"
            if stuck
            else "",
        )
    )
    checks.append(
        Check(
            "model tokens",
            "ok",
            f"{facts.tokens_today} today (UTC, digests: {facts.prompt_tokens_today} prompt, "
            f"{facts.completion_tokens_today} completion)",
        )
    )
    return checks
