"""Issue 14: every way a chat platform (or something posing as one) can fail reaches the
operator as one line naming the platform, the URL (never the token) and what to do, never
as a traceback; a refused or revoked token ends ``digestbot run`` with exit code 1, after
the other adapter finished what it was doing.

The real python-telegram-bot and discord.py talk to the fakes in ``tests/fakes``."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.discord.app import discord_adapter
from adapters.telegram.app import telegram_adapter
from app.service import make_commands, serve
from bot.config import Config, Secrets, parse_config
from bot.delivery.types import Reply
from bot.errors import (
    DeliveryError,
    LoginFailed,
    PlatformUnavailable,
    UnexpectedReply,
)
from storage import open_database
from tests.conftest import example_data
from tests.delivery_support import config_at, discord_config
from tests.fakes.discord import TOKEN as DISCORD_TOKEN
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeBotAPI, running

pytest_plugins = ["tests.delivery_fixtures"]

ROOT = Path(__file__).resolve().parents[2]
GET_ME_WITHOUT_IS_BOT = b'{"ok": true, "result": {"id": 4242, "first_name": "Digest"}}'
PROXY_PAGE = b"<html><body>502 Bad Gateway</body></html>"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def tg() -> Iterator[FakeBotAPI]:
    with running(FakeBotAPI(unlimited=True)) as api:
        yield api


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


async def _start_telegram(config: Config, token: str = TELEGRAM_TOKEN) -> None:
    db = open_database(config.storage.path)
    bot = telegram_adapter(config.telegram, token, make_commands(db, config))
    try:
        await bot.start()
    finally:
        await bot.stop()


def _assert_one_line_naming(error: BaseException, platform: str, url: str) -> None:
    text = str(error)
    assert text.startswith(f"{platform} ({url}): ") and "\n" not in text
    assert TELEGRAM_TOKEN not in text and DISCORD_TOKEN not in text


# --- Telegram: start-up ------------------------------------------------------------------


async def test_telegram_get_me_without_is_bot_is_an_unexpected_reply_naming_the_url(
    tg: FakeBotAPI, db_path: Path
) -> None:
    tg.broken["getMe"] = (200, GET_ME_WITHOUT_IS_BOT)
    with pytest.raises(UnexpectedReply) as caught:
        await _start_telegram(config_at(db_path, api_base_url=tg.url))
    _assert_one_line_naming(caught.value, "telegram", tg.url)
    assert "is_bot" in str(caught.value)
    assert str(caught.value).endswith("is telegram.api_base_url a Telegram Bot API server?")


async def test_telegram_a_reply_that_is_not_json_is_an_unexpected_reply(
    tg: FakeBotAPI, db_path: Path
) -> None:
    tg.broken["getMe"] = (200, PROXY_PAGE)
    with pytest.raises(UnexpectedReply, match="Invalid server response") as caught:
        await _start_telegram(config_at(db_path, api_base_url=tg.url))
    _assert_one_line_naming(caught.value, "telegram", tg.url)


async def test_telegram_unreachable_api_names_the_platform_and_the_url(db_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(PlatformUnavailable) as caught:
        await _start_telegram(config_at(db_path, api_base_url=url, read_timeout_s=2))
    _assert_one_line_naming(caught.value, "telegram", url)
    assert "cannot connect" in str(caught.value) and "check telegram.api_base_url" in str(
        caught.value
    )


async def test_telegram_a_5xx_at_start_is_unavailable_not_a_crash(
    tg: FakeBotAPI, db_path: Path
) -> None:
    tg.broken["getMe"] = (500, PROXY_PAGE)
    with pytest.raises(PlatformUnavailable, match="server error") as caught:
        await _start_telegram(config_at(db_path, api_base_url=tg.url))
    _assert_one_line_naming(caught.value, "telegram", tg.url)


async def test_telegram_a_refused_token_is_a_login_failure_without_the_token(
    tg: FakeBotAPI, db_path: Path
) -> None:
    wrong = "999999:WRONG-token-abcdefghijklmnopqrstuvwxyz"
    with pytest.raises(LoginFailed) as caught:
        await _start_telegram(config_at(db_path, api_base_url=tg.url), wrong)
    _assert_one_line_naming(caught.value, "telegram", tg.url)
    assert wrong not in str(caught.value) and caught.value.__cause__ is None
    assert "check TELEGRAM_BOT_TOKEN" in str(caught.value)


async def test_telegram_no_reply_in_time_is_uncertain_and_names_the_url(
    tg: FakeBotAPI, db_path: Path
) -> None:
    config = config_at(db_path, api_base_url=tg.url, read_timeout_s=0.5)
    bot = telegram_adapter(
        config.telegram, TELEGRAM_TOKEN, make_commands(open_database(db_path), config)
    )
    tg.slow[77] = 2.0
    async with bot:
        outcome = await bot.sender.deliver("77", Reply.text("hello"))
    assert outcome.status == "uncertain"
    assert outcome.error is not None and f"no reply from Telegram ({tg.url})" in outcome.error


# --- Discord: start-up -------------------------------------------------------------------


async def _start_discord(config: Config, token: str = DISCORD_TOKEN) -> None:
    adapter = discord_adapter(
        config.discord, token, make_commands(open_database(config.storage.path), config)
    )
    try:
        await adapter.start()
    finally:
        await adapter.stop()


async def test_discord_users_me_missing_a_field_is_an_unexpected_reply(
    dc: FakeDiscord, db_path: Path
) -> None:
    dc.broken["GET /users/@me"] = (200, "application/json", '{"username": "digestbot"}')
    with pytest.raises(UnexpectedReply) as caught:
        await _start_discord(discord_config(db_path, dc))
    _assert_one_line_naming(caught.value, "discord", f"{dc.url}/api/v10")
    assert "is discord.api_base_url Discord's API?" in str(caught.value)


async def test_discord_a_proxy_page_instead_of_json_is_an_unexpected_reply(
    dc: FakeDiscord, db_path: Path
) -> None:
    dc.broken["GET /users/@me"] = (200, "text/html", PROXY_PAGE.decode())
    with pytest.raises(UnexpectedReply) as caught:
        await _start_discord(discord_config(db_path, dc))
    _assert_one_line_naming(caught.value, "discord", f"{dc.url}/api/v10")


async def test_discord_a_5xx_at_login_is_unavailable(dc: FakeDiscord, db_path: Path) -> None:
    dc.broken["GET /users/@me"] = (503, "text/html", PROXY_PAGE.decode())
    with pytest.raises(PlatformUnavailable, match="server error") as caught:
        await _start_discord(discord_config(db_path, dc))
    _assert_one_line_naming(caught.value, "discord", f"{dc.url}/api/v10")


async def test_discord_unreachable_api_names_the_platform_and_the_url(
    dc: FakeDiscord, db_path: Path
) -> None:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    url = f"http://127.0.0.1:{_closed_port()}"
    data["discord"].update(api_base_url=url, gateway_url=dc.gateway_url)
    with pytest.raises(PlatformUnavailable, match="cannot connect") as caught:
        await _start_discord(parse_config(data))
    _assert_one_line_naming(caught.value, "discord", f"{url}/api/v10")


async def test_discord_a_refused_token_is_a_login_failure_without_the_token(
    dc: FakeDiscord, db_path: Path
) -> None:
    wrong = "MTk5OTk5OTk5OTk5OTk5OTk5.Gwrong.not-the-token-abcdefghijklmnopqr"
    with pytest.raises(LoginFailed) as caught:
        await _start_discord(discord_config(db_path, dc), wrong)
    _assert_one_line_naming(caught.value, "discord", f"{dc.url}/api/v10")
    assert wrong not in str(caught.value) and "check DISCORD_BOT_TOKEN" in str(caught.value)


# --- digestbot run -------------------------------------------------------------------------


def _both(db_path: Path, tg: FakeBotAPI, dc: FakeDiscord) -> Config:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["telegram"]["api_base_url"] = tg.url
    data["discord"].update(api_base_url=dc.url, gateway_url=dc.gateway_url)
    return parse_config(data)


async def test_a_token_revoked_mid_run_ends_run_after_the_other_adapter_finished(
    tg: FakeBotAPI, dc: FakeDiscord, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord's token is reset while Telegram is sending a reply: that reply (and the
    one queued after it) still goes out, then run ends with Discord's error."""
    caplog.set_level(logging.INFO)
    tg.hold_after = 1
    service = asyncio.create_task(
        serve(_both(db_path, tg, dc), Secrets(None, TELEGRAM_TOKEN, DISCORD_TOKEN))
    )
    await asyncio.to_thread(tg.wait_for, lambda: "scheduler: jobs" in caplog.text)  # all started
    tg.push_text(501, "/help")
    tg.push_text(502, "/help")
    await asyncio.to_thread(tg.held.wait, 30)  # the first reply is in flight
    await dc.revoke_token()
    await asyncio.to_thread(tg.wait_for, lambda: "discord adapter failed" in caplog.text)
    assert not service.done()  # Telegram is still finishing its reply
    tg.release.set()
    with pytest.raises(DeliveryError) as caught:
        await asyncio.wait_for(service, 30)
    assert str(caught.value).startswith("discord adapter failed, run stopped: discord (")
    assert "Discord refused the token" in str(caught.value)
    assert len(tg.to(501)) == 1 and len(tg.to(502)) == 1


async def test_a_telegram_token_revoked_mid_run_ends_run(
    tg: FakeBotAPI, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["telegram"]["api_base_url"] = tg.url
    service = asyncio.create_task(serve(parse_config(data), Secrets(None, TELEGRAM_TOKEN, None)))
    tg.push_text(501, "/help")
    await asyncio.to_thread(tg.wait_for, lambda: len(tg.to(501)) == 1)
    tg.revoke_token()
    with pytest.raises(DeliveryError) as caught:
        await asyncio.wait_for(service, 30)
    assert str(caught.value).startswith(
        f"telegram adapter failed, run stopped: telegram ({tg.url}): Telegram refused the token"
    )


def test_run_says_one_line_and_exits_1_for_a_bot_api_reply_it_cannot_read(
    tg: FakeBotAPI, db_path: Path, tmp_path: Path
) -> None:
    """The issue's reproduction: a getMe without is_bot crashed run with a traceback."""
    tg.broken["getMe"] = (200, GET_ME_WITHOUT_IS_BOT)
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('path = "digestbot.db"', f'path = "{db_path}"', 1)
    text = text.replace('api_base_url = ""', f'api_base_url = "{tg.url}"', 1)  # [telegram]'s
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN}
    env.pop("DISCORD_BOT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--config", str(config), "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and TELEGRAM_TOKEN not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"digestbot: error: telegram adapter could not start, run stopped: telegram ({tg.url}): "
        "a reply python-telegram-bot cannot read (TypeError: "
    )
    assert "is_bot" in last
