"""Fixtures for the delivery, command and Telegram tests (load with ``pytest_plugins``): a
database holding the collected sample corpus, collected once per session, copied per test."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.collect import collect
from bot.commands import Commands
from bot.config import Config
from bot.fetch import Fetcher
from bot.service import make_commands
from storage import open_database
from tests.delivery_support import DAY, NOON, config_at


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
