"""``digestbot mcp`` driven by the MCP SDK's own client: the server is the real CLI in a
subprocess over stdio, on a database holding the sample day's collection and its digest."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent

from app.cli import main
from app.cli.mcp import TOKEN_VARIABLE, http_token
from bot.config import Secrets, load_config
from bot.errors import UsageError
from bot.pipeline import build_day_digest
from storage import open_database
from tests.conftest import SAMPLE_DATE

TOOLS = {"list_topics", "get_digest", "search_articles", "ask", "explain_rejection", "list_sources"}
BOUND = 20  # seconds: every call of a session
STARTUP = 60  # seconds for the server to start and initialize: on a loaded machine, most
# of the time goes to importing Python modules
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (the address the server must refuse unprotected)


@pytest.fixture
def digest_config(collected_config_file: Path) -> Path:
    """The example config over a database with the sample day's collection and its
    (extractive) digest."""
    config = load_config(collected_config_file)
    db = open_database(collected_config_file.parent / "digestbot.db")
    topic = config.topics[0]
    day = date.fromisoformat(SAMPLE_DATE)
    secrets = Secrets.from_env({})
    asyncio.run(build_day_digest(db, topic, day, topic.language, config.mistral, secrets))
    db.close()
    return collected_config_file


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MISTRAL_API_KEY", TOKEN_VARIABLE)}
    return {**env, **extra}


@asynccontextmanager
async def session_for(config: Path) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "app", "--config", str(config), "mcp"],
        cwd=str(config.parent),
        env=server_env(),
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        with anyio.fail_after(STARTUP):
            await session.initialize()
        yield session


async def call(session: ClientSession, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, error_text(result)
    assert result.structured_content is not None
    return result.structured_content


def error_text(result: CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, TextContent))


async def failure(session: ClientSession, tool: str, **arguments: Any) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.is_error
    text = error_text(result)
    assert "Traceback" not in text
    return text


async def test_every_tool_over_stdio(digest_config: Path) -> None:
    async with session_for(digest_config) as session:
        with anyio.fail_after(BOUND):
            await _check_tools_listed(session)
            await _check_topics_and_digest(session)
            await _check_search_and_ask(session)
            await _check_explain_rejection(session, digest_config.parent / "digestbot.db")
            await _check_sources(session, configured_sources(digest_config))
            await _check_bad_calls(session)
            await _check_reads_while_a_writer_holds_the_database(
                session, digest_config.parent / "digestbot.db"
            )


async def _check_tools_listed(session: ClientSession) -> None:
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description, tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
    assert tools["get_digest"].input_schema["required"] == ["topic"]
    assert set(tools["search_articles"].input_schema["properties"]) >= {
        "query",
        "topic",
        "since",
        "until",
    }
    assert "grounded" in tools["ask"].output_schema["properties"]  # type: ignore[index]


async def _check_topics_and_digest(session: ClientSession) -> None:
    (topic,) = (await call(session, "list_topics"))["topics"]
    assert topic["slug"] == "mistral"
    assert topic["articles"] > 0
    assert topic["latest_digest"] == SAMPLE_DATE
    assert topic["digests"] == [{"date": SAMPLE_DATE, "language": "zh-TW"}]

    digest = await call(session, "get_digest", topic="mistral")
    assert (digest["date"], digest["language"], digest["mode"]) == (
        SAMPLE_DATE,
        "zh-TW",
        "extractive",
    )
    assert digest["mode_reason"] == "no_key" and digest["model"] == ""
    numbers = [s["n"] for s in digest["sources"]]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    cited = {n for h in digest["highlights"] for n in h["citations"]}
    assert cited and cited <= set(numbers)
    assert all(s["url"].startswith("https://") and s["outlet"] for s in digest["sources"])
    assert digest["title"] in digest["markdown"]
    assert digest == await call(session, "get_digest", topic="mistral", date=SAMPLE_DATE)

    (resource,) = (await session.list_resources()).resources
    assert str(resource.uri) == "digestbot://digests/mistral/latest"
    content = (await session.read_resource(resource.uri)).contents[0]
    assert getattr(content, "text", None) == digest["markdown"]

    missing = await failure(session, "get_digest", topic="mistral", date=SAMPLE_DATE, language="en")
    assert f"no stored digest for topic mistral on {SAMPLE_DATE} in en" in missing


async def _check_search_and_ask(session: ClientSession) -> None:
    found = await call(session, "search_articles", query="Magistral reasoning benchmark")
    assert "Magistral" in found["results"][0]["title"]
    assert found["results"][0]["snippet"]
    window = await call(
        session, "search_articles", query="Mistral", since="2026-11-20", until="2026-11-20"
    )
    assert window["results"]
    assert all(r["published"].startswith("2026-11-20") for r in window["results"])
    before = await call(session, "search_articles", query="Mistral", until="2026-01-01")
    assert before["results"] == []

    answer = await call(
        session, "ask", question="What did Mistral release?", topic="mistral", date=SAMPLE_DATE
    )
    assert answer["grounded"] is True
    assert answer["mode"] == "extractive"
    assert "no MISTRAL_API_KEY" in answer["note"]
    assert answer["citations"] and "[1]" in answer["answer"]
    off = await call(
        session, "ask", question="Who won the 1998 football world cup?", date=SAMPLE_DATE
    )
    assert off["grounded"] is False and off["citations"] == []


async def _check_explain_rejection(session: ClientSession, database: Path) -> None:
    db = sqlite3.connect(database)
    cited_url = db.execute(
        "select a.url from digest_sources s join articles a on a.id = s.article_id where s.n = 1"
    ).fetchone()[0]
    db.close()
    kept = await call(session, "explain_rejection", url=cited_url)
    assert kept["verdict"] == "kept"
    assert kept["kept"][0]["cited_in"] == [{"date": SAMPLE_DATE, "language": "zh-TW", "n": 1}]
    assert "cited as [1]" in kept["summary"]

    homonym = await call(
        session,
        "explain_rejection",
        url="https://classicmotor.example/auctions/1967-maserati-mistral-spyder-sells-paris",
    )
    assert homonym["verdict"] == "rejected"
    (rejection,) = homonym["rejections"]
    assert rejection["reason"] == "homonym" and rejection["detail"]
    assert rejection["date"] == SAMPLE_DATE

    copy = await call(
        session,
        "explain_rejection",
        url="https://eurobiz.example/tech/2026/11/20/mistral-ai-releases-mistral-large-4-open-weight",
    )
    assert copy["verdict"] == "duplicate"
    assert copy["rejections"][0]["duplicate_of"].startswith("https://techwire.example/")
    assert "Large 4" in copy["rejections"][0]["duplicate_of_title"]
    assert "Large 4" in copy["summary"]

    # Tracking parameters do not hide a kept article.
    tracked = await call(session, "explain_rejection", url=cited_url + "?utm_source=x")
    assert tracked["verdict"] == "kept"

    unseen = await call(session, "explain_rejection", url="https://nowhere.example/a")
    assert unseen["verdict"] == "never_seen" and unseen["kept"] == unseen["rejections"] == []


def configured_sources(config: Path) -> set[str]:
    return {source.url for source in load_config(config).topics[0].sources}


async def _check_sources(session: ClientSession, configured: set[str]) -> None:
    listed = (await call(session, "list_sources", topic="mistral"))["sources"]
    assert {s["url"] for s in listed} == configured
    failing = [s for s in listed if s["status"] == "failing"]
    assert [s["url"] for s in failing] == ["https://cloudbeat.example/rss/ai-business.xml"]
    assert failing[0]["consecutive_failures"] == 1 and failing[0]["last_error"]
    assert listed[0] == failing[0]  # the unhealthy first
    assert {s["status"] for s in listed[1:]} == {"ok"}


async def _check_bad_calls(session: ClientSession) -> None:
    assert "unknown topic 'nope' (configured: mistral)" in await failure(
        session, "list_sources", topic="nope"
    )
    assert "topic" in await failure(session, "get_digest")
    assert "valid date" in await failure(session, "get_digest", topic="mistral", date="yesterday")
    assert "expected an http(s) URL" in await failure(session, "explain_rejection", url="ftp://x")
    assert "since (2026-11-21) is after until (2026-11-01)" in await failure(
        session, "search_articles", query="Mistral", since="2026-11-21", until="2026-11-01"
    )
    assert "at most 1000 characters" in await failure(session, "ask", question="x" * 1001)
    assert "Unknown tool" in await failure(session, "no_such_tool")


async def _check_reads_while_a_writer_holds_the_database(
    session: ClientSession, database: Path
) -> None:
    """``digestbot run`` may be in the middle of a write: readers go on (WAL)."""
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("begin immediate")
        writer.execute("update topics set name = 'being written' where slug = 'mistral'")
        digest = await call(session, "get_digest", topic="mistral")
        assert digest["date"] == SAMPLE_DATE
        assert (await call(session, "list_topics"))["topics"][0]["latest_digest"] == SAMPLE_DATE
    finally:
        writer.execute("rollback")
        writer.close()


# --- who may serve HTTP where -----------------------------------------------------------------


def test_http_elsewhere_than_loopback_needs_a_token() -> None:
    assert http_token("127.0.0.1", {}) is None
    assert http_token("::1", {}) is None
    assert http_token("localhost", {}) is None
    assert http_token(EVERY_INTERFACE, {TOKEN_VARIABLE: "s3cret"}) == "s3cret"
    assert http_token("127.0.0.1", {TOKEN_VARIABLE: "s3cret"}) == "s3cret"
    with pytest.raises(UsageError, match=f"without a token: set {TOKEN_VARIABLE}"):
        http_token(EVERY_INTERFACE, {})
    with pytest.raises(UsageError):
        http_token("192.168.1.20", {TOKEN_VARIABLE: ""})


def test_mcp_refuses_to_start_on_a_public_address_without_a_token(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    assert main(["mcp", "--http", "--host", EVERY_INTERFACE]) == 2
    assert f"refusing to serve MCP on {EVERY_INTERFACE} without a token" in capsys.readouterr().err


def test_other_commands_do_not_import_the_sdk() -> None:
    """The SDK takes about a second to import: only ``digestbot mcp`` pays for it."""
    probe = "import sys, app.cli.main; print(sorted(m for m in sys.modules if m == 'mcp'))"
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=30
    )
    assert shown.stdout.strip() == "[]"
