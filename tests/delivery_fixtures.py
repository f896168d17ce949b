"""Fixtures for the delivery, command and Telegram tests (load with ``pytest_plugins``): a
database holding the collected sample corpus, collected once per session, copied per test."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.telegram.app import TelegramBot, build_application, limits_of
from adapters.telegram.platform import TelegramPlatform
from app.service import make_commands
from bot.collect import collect
from bot.commands import COMMANDS, Commands, Registry
from bot.config import Config
from bot.delivery.fanout import Fanout
from bot.delivery.limiter import RateLimiter
from bot.delivery.sender import Sender
from bot.fetch import Fetcher
from storage import open_database
from tests.delivery_support import DAY, NOON, config_at
from tests.fakes.telegram import TOKEN, FakeBotAPI, running
from tests.fakes.telegram import Limits as FakeLimits


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "template.db"
    config = config_at(path)
    db = open_database(path)

    async def run() -> None:
        async with Fetcher(config.fetch) as fetcher:
            await collect(db, config.topics[0], DAY, fetcher)

    asyncio.run(run())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def db_path(corpus_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "digestbot.db"
    shutil.copy(corpus_db, path)
    return path


@pytest.fixture
def config(db_path: Path) -> Config:
    return config_at(db_path)


@pytest.fixture
def commands(config: Config) -> Commands:
    made = make_commands(open_database(config.storage.path), config)
    made.clock = lambda: NOON
    return made


DEFAULT_LIMITS = FakeLimits()


@dataclass
class TelegramStack:
    fake: FakeBotAPI
    bot: TelegramBot
    sender: Sender
    platform: TelegramPlatform
    commands: Commands
    fanout: Fanout


@contextmanager
def fake_bot_api(limits: FakeLimits | None = DEFAULT_LIMITS) -> Iterator[FakeBotAPI]:
    with running(FakeBotAPI(limits, unlimited=limits is None)) as api:
        yield api


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with fake_bot_api() as api:
        yield api


async def start_stack(
    fake: FakeBotAPI,
    db_path: Path,
    *,
    registry: Registry[Commands] = COMMANDS,
    **telegram: object,
) -> TelegramStack:
    config = config_at(db_path, api_base_url=fake.url, **telegram)
    db = open_database(config.storage.path)
    commands = make_commands(db, config, registry=registry)
    commands.clock = lambda: NOON
    application = build_application(config.telegram, TOKEN)
    platform = TelegramPlatform(application.bot, limits_of(config.telegram))
    sender = Sender(platform, RateLimiter(platform.limits), backoff_s=0.05)
    bot = TelegramBot(application, commands, sender, platform)
    await bot.start()
    return TelegramStack(fake, bot, sender, platform, commands, Fanout(db, [sender]))


@pytest.fixture
async def stack(fake: FakeBotAPI, db_path: Path) -> AsyncIterator[TelegramStack]:
    started = await start_stack(fake, db_path, read_timeout_s=2)
    yield started
    await started.bot.stop()
