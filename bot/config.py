"""Configuration: TOML validated into pydantic models.

The file is found by ``--config``, else ``$DIGESTBOT_CONFIG``, else ``./config.toml``, else
the sample configuration bundled with digestbot (the offline demo). Secrets never live
here: tokens and keys come only from environment variables (see :class:`Secrets`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.errors import ConfigError
from bot.languages import LANGUAGES as LANGUAGES
from bot.languages import Language as Language

BUNDLED_DIR = Path(__file__).parent / "sample"
BUNDLED_CONFIG = BUNDLED_DIR / "config.toml"
BUNDLED_CORPUS = BUNDLED_DIR / "corpus"
# A replay_dir of this value means the sample corpus shipped inside the package, so the
# example config works wherever digestbot is installed.
BUNDLED_REPLAY = "bundled"

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
_SLUG = re.compile(SLUG_PATTERN)


def is_slug(value: str) -> bool:
    """A topic slug: lower-case letters, digits and '-', at most 40, not starting with '-'."""
    return _SLUG.match(value) is not None


def is_timezone(value: str) -> bool:
    """An IANA timezone name that this machine's zoneinfo knows, e.g. 'Europe/Paris'."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a directory
        return False
    return True


class _Section(BaseModel):
    # strict: TOML has real booleans, numbers and strings, so "yes", 1 or "24" where a
    # boolean or a number belongs is a mistake to report, never a value to coerce.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class StorageConfig(_Section):
    path: str = "digestbot.db"


class FetchConfig(_Section):
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 20
    deadline_s: Annotated[float, Field(gt=0, le=3600)] = 60
    max_bytes: Annotated[int, Field(ge=1024)] = 5_000_000
    allow_private_networks: bool = False
    max_redirects: Annotated[int, Field(ge=0, le=20)] = 5
    per_host_concurrency: Annotated[int, Field(ge=1, le=32)] = 2
    concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    retry_backoff_s: Annotated[float, Field(ge=0, le=60)] = 1.0
    retry_max_wait_s: Annotated[float, Field(ge=0, le=600)] = 30
    pause_after_failures: Annotated[int, Field(ge=1, le=100)] = 5
    paused_retry_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24
    # Extraction runs in worker processes (bot/extract_pool.py); 0 workers: one per core.
    extract_workers: Annotated[int, Field(ge=0, le=64)] = 0
    extract_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30
    extract_memory_mb: Annotated[int, Field(ge=256, le=65_536)] = 1024
    max_memory_mb: Annotated[int, Field(ge=256, le=1_048_576)] = 2048
    replay_dir: str = ""
    max_entries_per_feed: Annotated[int, Field(ge=1, le=100_000)] = 200

    def replay_path(self) -> Path | None:
        if not self.replay_dir:
            return None
        if self.replay_dir == BUNDLED_REPLAY:
            return BUNDLED_CORPUS
        return Path(self.replay_dir)


class MistralConfig(_Section):
    model: str = "mistral-small-latest"
    embed_model: str = "mistral-embed"
    server_url: str = ""
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 60
    digest_budget_s: Annotated[float, Field(gt=0, le=3600)] = 120
    answer_budget_s: Annotated[float, Field(gt=0, le=600)] = 30
    judge_pages: Annotated[int, Field(ge=0, le=1000)] = 20


class QAConfig(_Section):
    questions_per_hour: Annotated[int, Field(ge=0, le=10_000)] = 20
    scope_days: Annotated[int, Field(ge=1, le=365)] = 30


class ChatConfig(_Section):
    """Fairness of the chat commands on every platform: no chat or user keeps the bot from
    answering the others (see :mod:`bot.chat.fairness`)."""

    commands_per_minute: Annotated[int, Field(ge=1, le=10_000)] = 20
    """Each user's commands, all chats together: a burst of this many, then this pace."""
    chat_commands_per_minute: Annotated[int, Field(ge=1, le=10_000)] = 40
    """Each chat's commands, all its members together."""
    queue_per_chat: Annotated[int, Field(ge=1, le=1000)] = 10
    """Messages waiting in one chat behind the one being answered; more are dropped."""
    collections_per_day: Annotated[int, Field(ge=0, le=1000)] = 3
    """On-demand digests a chat (or a user) may have built a day, when none is stored;
    the bot's operators (``admins``) have no limit. 0: operators only."""


class TelegramConfig(_Section):
    api_base_url: str = ""
    messages_per_second: Annotated[float, Field(gt=0, le=10_000)] = 30
    chat_messages_per_second: Annotated[float, Field(gt=0, le=100)] = 1
    group_messages_per_minute: Annotated[float, Field(gt=0, le=6000)] = 20
    read_timeout_s: Annotated[float, Field(gt=0, le=120)] = 10
    admins: list[Annotated[int, Field(gt=0)]] = []


class DeliveryConfig(_Section):
    catch_up_hours: Annotated[float, Field(ge=0, le=48)] = 6
    collect_ahead_minutes: Annotated[int, Field(ge=0, le=720)] = 30
    """Each slot's topic is collected this long before the slot fires; 0: at the slot."""
    workers: Annotated[int, Field(ge=0, le=1024)] = 0
    """At most this many deliveries in flight; 0: as many as the pace needs."""


class DiscordConfig(_Section):
    api_base_url: str = ""
    gateway_url: str = ""
    admins: list[Annotated[int, Field(gt=0)]] = []


class WebConfig(_Section):
    """``digestbot web``: where it listens unless --host/--port say otherwise. Its token
    comes from ``DIGESTBOT_WEB_TOKEN`` and is required off loopback."""

    host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65_535)] = 8080


class LoggingConfig(_Section):
    format: Literal["text", "json"] = "text"


class MetricsConfig(_Section):
    """``digestbot run``'s optional HTTP endpoint: ``/healthz`` and ``/metrics``."""

    enabled: bool = False
    host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65_535)] = 9464


class SourceConfig(_Section):
    kind: Literal["rss", "atom", "search", "json"]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    name: str = ""

    @model_validator(mode="after")
    def _readable_json_api(self) -> SourceConfig:
        # Imported here: bot.sources does not depend on the config, and this keeps it so.
        from bot.sources.jsonapi import json_kind

        if self.kind == "json" and json_kind(self.url) is None:
            raise ValueError(
                "kind 'json' reads https://hn.algolia.com/api/v1/search?query=... and "
                "https://api.github.com/repos/OWNER/REPO/releases; this URL is neither"
            )
        return self


class TopicConfig(_Section):
    slug: Annotated[str, Field(pattern=SLUG_PATTERN)]
    name: Annotated[str, Field(min_length=1)]
    language: Language = "en"
    timezone: str = "UTC"
    delivery_time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "08:00"
    window_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 24
    history_days: Annotated[int, Field(ge=1, le=90)] = 7
    keywords: Annotated[list[str], Field(min_length=1)]
    aliases: list[str] = []
    context: list[str] = []
    exclude: list[str] = []
    reject_senses: list[str] = []
    languages: list[str] = []
    max_stories: Annotated[int, Field(ge=1, le=30)] = 6
    sources: list[SourceConfig] = []

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not is_timezone(value):
            raise ValueError("expected an IANA timezone such as 'Europe/Paris'")
        return value

    @field_validator("keywords", "aliases", "context", "exclude", "reject_senses")
    @classmethod
    def _no_blank_terms(cls, value: list[str]) -> list[str]:
        if any(not term.strip() for term in value):
            raise ValueError("expected non-empty words or phrases")
        return [term.strip() for term in value]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def delivery(self) -> time:
        hour, minute = self.delivery_time.split(":")
        return time(int(hour), int(minute))


class Config(_Section):
    storage: StorageConfig = StorageConfig()
    fetch: FetchConfig = FetchConfig()
    mistral: MistralConfig = MistralConfig()
    qa: QAConfig = QAConfig()
    chat: ChatConfig = ChatConfig()
    telegram: TelegramConfig = TelegramConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    discord: DiscordConfig = DiscordConfig()
    web: WebConfig = WebConfig()
    logging: LoggingConfig = LoggingConfig()
    metrics: MetricsConfig = MetricsConfig()
    topics: Annotated[list[TopicConfig], Field(min_length=1)]

    @field_validator("topics")
    @classmethod
    def _unique_slugs(cls, topics: list[TopicConfig]) -> list[TopicConfig]:
        first_with: dict[str, int] = {}
        for index, topic in enumerate(topics):
            if topic.slug in first_with:
                raise PydanticCustomError(
                    "duplicate_slug",
                    "expected a slug of its own; this one appears twice "
                    "(topics[{first}] has it too)",
                    {"index": index, "slug": topic.slug, "first": first_with[topic.slug]},
                )
            first_with[topic.slug] = index
        return topics

    def topic(self, slug: str | None) -> TopicConfig:
        """The topic named ``slug``, or the first configured one when ``slug`` is None."""
        if slug is None:
            return self.topics[0]
        for topic in self.topics:
            if topic.slug == slug:
                return topic
        known = ", ".join(t.slug for t in self.topics)
        raise ConfigError(f"unknown topic '{slug}' (configured: {known})")


@dataclass(frozen=True)
class Secrets:
    """Tokens and keys, read from the environment only; never printed or logged."""

    mistral_api_key: str | None
    telegram_bot_token: str | None
    discord_bot_token: str | None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ
        return cls(
            mistral_api_key=env.get("MISTRAL_API_KEY") or None,
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            discord_bot_token=env.get("DISCORD_BOT_TOKEN") or None,
        )


def resolve_config_path(explicit: str | None, environ: dict[str, str] | None = None) -> Path:
    """``--config``, else ``$DIGESTBOT_CONFIG``, else ``./config.toml``, else the bundled one."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if env.get("DIGESTBOT_CONFIG"):
        return Path(env["DIGESTBOT_CONFIG"])
    local = Path("config.toml")
    if local.exists():
        return local
    return BUNDLED_CONFIG


def load_config(path: Path) -> Config:
    """Read and validate ``path``; every problem becomes one :class:`ConfigError`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, source=str(path))


def parse_config(data: dict[str, Any], source: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        raise ConfigError(f"{source}: invalid configuration\n" + "\n".join(problems)) from None


def _describe(error: Any) -> str:
    """One line: the key, the value found and what was expected there."""
    key = _key_path(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"  {key}: unknown key"
    if kind == "missing":
        return f"  {key}: required key is missing"
    if kind == "duplicate_slug":
        context = error["ctx"]
        return f'  {key}[{context["index"]}].slug = "{context["slug"]}": {error["msg"]}'
    value = error.get("input")
    message = str(error["msg"])
    message = re.sub(r"^Value error, ", "", message)
    if kind in _TYPE_HINTS:
        message = _TYPE_HINTS[kind]
    elif kind == "string_pattern_mismatch":
        message = _PATTERN_HINTS.get(key.rsplit(".", 1)[-1], message)
    elif kind == "literal_error" or message.startswith("Input should be "):
        message = "expected " + message.removeprefix("Input should be ")
    elif message.startswith(("List should have", "String should have")):
        message = "expected a value that " + message[0].lower() + message[1:]
    return f"  {key} = {_show(value)}: {message}"


# Strict types: the TOML spelling of what belongs there.
_TYPE_HINTS = {
    "bool_type": "expected true or false (a TOML boolean, without quotes)",
    "int_type": "expected a whole number without quotes, e.g. 24",
    "float_type": "expected a valid number without quotes, e.g. 20 or 1.5",
    "string_type": 'expected a string in quotes, e.g. "08:00"',
    "list_type": 'expected a list, e.g. ["a", "b"]',
    "model_type": "expected a table: a [section] or { key = value, ... }",
    "dict_type": "expected a table: a [section] or { key = value, ... }",
}

_PATTERN_HINTS = {
    "slug": "expected lower-case letters, digits and '-' (at most 40), e.g. 'mistral'",
    "delivery_time": "expected a 24-hour time HH:MM such as '08:00'",
    "url": "expected an http:// or https:// URL",
}


def _key_path(loc: tuple[str | int, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + part
    return path or "(top level)"


def _show(value: object) -> str:
    """The value as it would be written in TOML, on one line, shortened when long."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "{...}"
    elif isinstance(value, list):
        nested = any(isinstance(item, dict | list) for item in value)
        text = "[...]" if nested else json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:76] + " ..."
