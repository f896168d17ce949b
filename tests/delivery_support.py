"""Helpers shared by the delivery, command and Telegram tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.commands import ChatContext
from bot.config import Config, parse_config
from tests.conftest import SAMPLE_DATE, example_data
from tests.fakes.discord import FakeDiscord

DAY = date.fromisoformat(SAMPLE_DATE)
NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # after the 08:00 Asia/Taipei delivery


def config_at(db_path: Path, **telegram: object) -> Config:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["telegram"].update(telegram)
    return parse_config(data)


def discord_config(db_path: Path, fake: FakeDiscord) -> Config:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["discord"].update(api_base_url=fake.url, gateway_url=fake.gateway_url)
    return parse_config(data)


def private(chat_id: str = "100") -> ChatContext:
    return ChatContext(platform="test", chat_id=chat_id, chat_kind="private")
