from __future__ import annotations

import asyncio
import ipaddress
import shutil
import socket
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from bot.collect import collect
from bot.config import Config, TopicConfig, parse_config
from bot.fetch import Fetcher
from storage import open_database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "config.example.toml"
SAMPLE_DATE = "2026-11-21"


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple):
        host = address[0]
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host == "localhost"
    return True  # unix sockets


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach beyond 127.0.0.1."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


def example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


@pytest.fixture
def sample_config(tmp_path: Path) -> Config:
    """The shipped example config (the offline demo), with its database in tmp_path."""
    data = example_data()
    data["storage"]["path"] = str(tmp_path / "digestbot.db")
    return parse_config(data)


@pytest.fixture(scope="session")
def collected_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the sample day's collection, made once per session (per xdist
    worker). Collecting is the slow part of most tests; they copy this file, never open it."""
    config = parse_config(example_data())
    path = tmp_path_factory.mktemp("sample") / "collected.db"
    db = open_database(path)

    async def run() -> None:
        async with Fetcher(config.fetch) as fetcher:
            await collect(db, config.topics[0], date.fromisoformat(SAMPLE_DATE), fetcher)

    asyncio.run(run())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file that is copied
    db.close()
    return path


@pytest.fixture
def collected_config(sample_config: Config, collected_sample: Path) -> Config:
    """``sample_config`` whose database already holds the sample day's collection."""
    shutil.copyfile(collected_sample, sample_config.storage.path)
    return sample_config


@pytest.fixture
def collected(collected_config: Config) -> tuple[sqlite_utils.Database, TopicConfig]:
    """A fresh database holding the sample day's collection, and the sample's topic."""
    return open_database(collected_config.storage.path), collected_config.topics[0]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example config written to a temp dir, which is also the working directory."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGESTBOT_CONFIG", raising=False)
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    yield path


@pytest.fixture
def collected_config_file(config_file: Path, collected_sample: Path) -> Path:
    """``config_file`` whose database (./digestbot.db) already holds the sample day's
    collection, for commands run with ``--no-collect`` or after ``collect``."""
    shutil.copyfile(collected_sample, config_file.parent / "digestbot.db")
    return config_file
