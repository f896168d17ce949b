"""``digestbot doctor`` really asks every configured endpoint (the local fakes of Telegram,
Discord and Mistral) and reads each source's last fetch: exit 0 only when all is well, and
exit 1 with a line naming what is wrong and what to do about it."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.main import main
from app.service import make_commands
from bot.commands import ChatContext
from bot.config import Config, parse_config
from storage import open_database
from storage import sources as source_store
from tests.conftest import example_data
from tests.fakes import discord as fake_discord
from tests.fakes import telegram as fake_telegram
from tests.fakes.mistral import FakeMistral
from tests.fakes.telegram import FakeBotAPI

pytest_plugins = ["tests.delivery_fixtures"]

SOURCES = 5  # in config.example.toml


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table's cells on one line each, so that a test can find a whole sentence."""
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def discord_fake() -> Iterator[fake_discord.FakeDiscord]:
    """The fake Discord on its own loop in a thread: doctor runs its own ``asyncio.run``."""
    loop = asyncio.new_event_loop()
    fake = fake_discord.FakeDiscord()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.close(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture
def telegram_fake() -> Iterator[fake_telegram.FakeBotAPI]:
    with fake_telegram.running() as api:
        yield api


@pytest.fixture
def mistral_fake() -> Iterator[FakeMistral]:
    with FakeMistral() as fake:
        yield fake


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def point_at(config_file: Path, *, telegram: str, discord: str, mistral: str) -> None:
    """Set telegram.api_base_url, discord.api_base_url and mistral.server_url."""
    text = config_file.read_text(encoding="utf-8")
    for section, key, url in (
        ("mistral", "server_url", mistral),
        ("telegram", "api_base_url", telegram),
        ("discord", "api_base_url", discord),
    ):
        head, _, rest = text.partition(f"[{section}]")
        text = head + f"[{section}]" + rest.replace(f'{key} = ""', f'{key} = "{url}"', 1)
    config_file.write_text(text, encoding="utf-8")


def fetched_fine(config_file: Path, *, at: datetime | None = None) -> None:
    """Record a good fetch of every configured source, as a collection would."""
    db = open_database(config_file.parent / "digestbot.db")
    for url in _configured_urls(config_file):
        source_id = source_store.upsert_source(db, "mistral", "rss", url, "")
        source_store.record_source_success(db, source_id, "", "")
    if at is not None:
        db.execute("update sources set last_success = ?", [at.isoformat()])
    db.conn.commit()
    db.close()


def _configured_urls(config_file: Path) -> list[str]:
    lines = config_file.read_text(encoding="utf-8").splitlines()
    return [line.split('"')[1] for line in lines if line.startswith("url = ")]


@pytest.fixture
def endpoints(
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    telegram_fake: fake_telegram.FakeBotAPI,
    discord_fake: fake_discord.FakeDiscord,
    mistral_fake: FakeMistral,
) -> Path:
    """The example config pointed at all three fakes, with their tokens set."""
    point_at(
        config_file, telegram=telegram_fake.url, discord=discord_fake.url, mistral=mistral_fake.url
    )
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake_telegram.TOKEN)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", fake_discord.TOKEN)
    monkeypatch.setenv("MISTRAL_API_KEY", mistral_fake.api_key)
    return config_file


def test_all_endpoints_answering_and_sources_fine_exits_0(
    endpoints: Path,
    telegram_fake: fake_telegram.FakeBotAPI,
    discord_fake: fake_discord.FakeDiscord,
    mistral_fake: FakeMistral,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fetched_fine(endpoints)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "all is well" in out and "PROBLEM" not in out
    assert f"@{fake_telegram.BOT_USERNAME}" in out
    assert f"{SOURCES} sources ({SOURCES} from the config, 0 imported" in out
    # each endpoint was really asked, with its token
    assert "getMe" in telegram_fake.calls
    assert "GET /users/@me" in discord_fake.calls
    assert ("/v1/models", {}) in mistral_fake.requests


def test_nothing_configured_is_not_an_error(
    config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "MISTRAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    fetched_fine(config_file)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "TELEGRAM_BOT_TOKEN is not set" in out and "all is well" in out


def test_revoked_telegram_token_exits_1_and_says_where_to_get_one(
    endpoints: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched_fine(endpoints)
    revoked = "123456:REVOKED-token-abcdefghijklmnopqrs"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", revoked)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM telegram:" in out and "refused the token (HTTP 401)" in out
    assert "@BotFather" in out and "TELEGRAM_BOT_TOKEN" in out
    assert revoked not in out  # the URL shown never carries the token
    assert "PROBLEM discord" not in out and "PROBLEM mistral" not in out


def test_wrong_mistral_key_and_discord_token_exit_1(
    endpoints: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched_fine(endpoints)
    monkeypatch.setenv("MISTRAL_API_KEY", "not-the-key-0123456789")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "MTIz.reset.token-0123456789")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM mistral:" in out and "MISTRAL_API_KEY" in out
    assert "PROBLEM discord:" in out and "Reset Token" in out


def test_unreachable_api_base_url_exits_1_naming_the_url_and_the_key(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    point_at(config_file, telegram="", discord=dead, mistral="")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", fake_discord.TOKEN)
    fetched_fine(config_file)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"PROBLEM discord: cannot reach {dead}" in out
    assert "check discord.api_base_url" in out


def test_model_the_key_cannot_use_exits_1(
    endpoints: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = endpoints.read_text(encoding="utf-8")
    endpoints.write_text(text.replace('"mistral-small-latest"', '"mistral-tiny-9"'), "utf-8")
    fetched_fine(endpoints)
    assert main(["doctor"]) == 1
    assert "this key cannot use mistral-tiny-9" in capsys.readouterr().out


def test_failing_source_exits_1_naming_it(
    collected_config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sample's collection: one feed answered 503 with a Retry-After of an hour.
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("PROBLEM source:"))
    assert "https://cloudbeat.example/rss/ai-business.xml" in line and "503" in line
    assert "what to do: open the URL in a browser" in out


def test_stale_and_paused_sources_exit_1(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched_fine(config_file, at=datetime.now(UTC) - timedelta(days=3))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.count("PROBLEM source:") == SOURCES and "last fetched" in out
    assert "is digestbot run running" in out

    db = open_database(config_file.parent / "digestbot.db")
    source_store.record_source_success(db, 1, "", "")  # the others stay stale
    source_store.pause_source(db, 1, datetime.now(UTC) + timedelta(hours=5), "5 failed runs")
    db.conn.commit()
    assert main(["doctor"]) == 1
    assert "paused until" in capsys.readouterr().out


def test_sources_imported_from_opml_are_counted(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched_fine(config_file)
    opml = config_file.parent / "feeds.opml"
    outlines = "".join(
        f'<outline text="f{n}" xmlUrl="https://feeds{n}.example/rss"/>' for n in range(3)
    )
    opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    assert main(["sources", "import", str(opml), "--topic", "mistral"]) == 0
    capsys.readouterr()
    assert main(["doctor"]) == 0  # not fetched yet is not a problem
    out = capsys.readouterr().out
    assert f"{SOURCES + 3} sources ({SOURCES} from the config, 3 imported from OPML)" in out
    assert "3 not fetched yet" in out


# --- the status chat command: the same facts, for the bot's operators only ---------------


async def test_status_in_chat_shows_operators_the_failing_source_and_refuses_others(
    collected_config: Config,
) -> None:
    data = example_data()
    data["storage"]["path"] = collected_config.storage.path
    data["telegram"]["admins"] = [7]
    config = parse_config(data)
    commands = make_commands(open_database(config.storage.path), config)
    operator = ChatContext("telegram", "42", user_id="7")
    reply = await commands.handle_text("/status", operator)
    shown = "\n".join(p.text for p in reply.paragraphs)
    assert reply.title == "狀態"  # the topic's language, zh-TW
    assert "mistral：5 個來源" in shown
    assert "擷取失敗（連續 1 次）：https://cloudbeat.example/rss/ai-business.xml" in shown
    assert "待傳" in shown and "token" in shown

    stranger = await commands.handle_text("/status", ChatContext("telegram", "42", user_id="8"))
    assert stranger.paragraphs[0].text == "抱歉，只有機器人的管理者可以查看狀態。"
    other_platform = ChatContext("discord", "42", user_id="7")  # admins are per platform
    assert "管理者" in (await commands.handle_text("/status", other_platform)).paragraphs[0].text


async def test_status_over_telegram_knows_who_asked(fake: FakeBotAPI, db_path: Path) -> None:
    from tests.delivery_fixtures import start_stack  # after pytest_plugins loaded it

    stack = await start_stack(fake, db_path, admins=[7])
    try:
        fake.push_text(5001, "/status", user_id=7)
        fake.push_text(5002, "/status", user_id=9)
        await asyncio.to_thread(fake.wait_for, lambda: fake.to(5001) and fake.to(5002))
    finally:
        await stack.bot.stop()
    assert "5 個來源" in fake.to(5001)[0].text
    assert fake.to(5002)[0].text == "抱歉，只有機器人的管理者可以查看狀態。"
