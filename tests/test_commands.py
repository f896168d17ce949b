"""The chat command layer: parsing (pure) and handling over a real database."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, ChatContext, Commands, UsageProblem
from bot.commands.parse import (
    Ask,
    DigestNow,
    Help,
    Settings,
    Sources,
    Subscribe,
    Unsubscribe,
)
from bot.delivery.types import Paragraph, Reply
from storage import delivery as store
from tests.delivery_support import DAY, private

pytest_plugins = ["tests.delivery_fixtures"]
parse = COMMANDS.parse


# --- parse ---------------------------------------------------------------------------------


def test_subscribe_arguments_are_recognised_in_any_order() -> None:
    assert parse("/subscribe mistral 9:30 Europe/Paris en") == Subscribe(
        "mistral", "09:30", "Europe/Paris", "en"
    )
    assert parse("subscribe zh-TW 07:05") == Subscribe(None, "07:05", None, "zh-TW")
    assert parse("/Subscribe@digest_bot") == Subscribe()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("subscribe 25:00", "not a time"),
        ("subscribe mistral Mars/Olympus", "Unknown timezone"),
        ("subscribe 08:00 09:00", "'09:00' would be a second time (already '08:00')"),
        ("subscribe Mistral!", "Cannot use"),
        ("unsubscribe a b", "at most one topic"),
        ("digest mistral 2026-02-30", "not a date"),
        ("digest mistral yesterday", "Cannot use"),
        ("ask", "Ask a question"),
        ("subscribe Europe", "Cannot use"),
        ("settings timezone Europe", "Unknown timezone"),
        ("settings tz Mars/Olympus", "Unknown timezone"),
        ("sources 1 2", "Give one source number"),
        ("settings colour red", "No setting"),
        ("settings time 8am", "not a time"),
        ("settings lang fr", "'fr' is not a language: use one of en, zh-TW"),
        ("settings include", "Give the words"),
        ("list everything", "takes no arguments"),
        ("help nonsense", "No command"),
        ("frobnicate", "Unknown command"),
    ],
)
def test_bad_arguments_get_one_usage_line(text: str, fragment: str) -> None:
    problem = parse(text)
    assert isinstance(problem, UsageProblem)
    assert fragment in problem.message
    assert "\n" not in problem.message
    if not text.startswith("frobnicate"):
        assert "Usage: " in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # The three examples of issue 13: each names the wrong argument and what is allowed.
        (
            "subscribe mistral 07:30 Europe/Paris fr",
            "'fr' is not a language: use one of en, zh-TW. Usage: subscribe [topic] [HH:MM]",
        ),
        (
            "settings bogus value",
            "No setting 'bogus': use one of time, timezone, lang, include, exclude. Usage: ",
        ),
    ],
)
def test_usage_errors_name_the_wrong_argument_and_the_values_allowed(
    text: str, message: str
) -> None:
    problem = parse(text)
    assert isinstance(problem, UsageProblem)
    assert problem.text("en").startswith(message)


async def test_a_source_number_that_is_wrong_names_the_numbers_there_are(
    commands: Commands,
) -> None:
    from bot.delivery.types import Sent

    chat = private()
    await commands.handle_text("subscribe en", chat)
    digest = await commands.handle_text("digest 2026-11-21", chat)
    commands.remember(chat, digest, Sent(("m1",)))
    count = len(digest.sources)
    for text, reply in [
        ("sources abc", f"'abc' is not a source number: the last digest has sources 1 to {count}."),
        ("sources ²", f"'²' is not a source number: the last digest has sources 1 to {count}."),
        ("sources 99", f"There is no source [99]: the last digest has sources 1 to {count}."),
        ("sources 0", f"There is no source [0]: the last digest has sources 1 to {count}."),
    ]:
        assert (await commands.handle_text(text, chat)).plain() == reply


def test_usage_errors_read_in_the_chats_language() -> None:
    problem = parse("subscribe 08:00 09:00")
    assert isinstance(problem, UsageProblem)
    assert problem.text("zh-TW") == (
        "'09:00' 會是第二個時間（已指定 '08:00'），請只給一個。"
        "用法：subscribe [主題] [HH:MM] [時區] [en|zh-TW]: 在此聊天室每天收到摘要"
    )


def test_other_commands_parse() -> None:
    assert parse("digest 2026-11-20") == DigestNow(None, DAY.replace(day=20))
    assert parse("ask What did Mistral launch?") == Ask("What did Mistral launch?")
    assert parse("sources 3") == Sources(3)
    assert parse("help subscribe") == Help("subscribe")
    assert parse("unsubscribe mistral") == Unsubscribe("mistral")
    assert parse("settings include GPU, Le Chat") == Settings(
        None, "include", ("GPU", "Le", "Chat")
    )
    assert parse("settings exclude -") == Settings(None, "exclude", ())
    assert parse("settings mistral tz Asia/Tokyo") == Settings("mistral", "timezone", "Asia/Tokyo")


# --- handle --------------------------------------------------------------------------------


async def test_subscribe_uses_topic_defaults_and_keeps_them_on_resubscribe(
    commands: Commands,
) -> None:
    chat = private()
    reply = await commands.handle_text("subscribe", chat)
    assert "每天 08:00（Asia/Taipei），語言 zh-TW" in reply.plain()  # the topic's language
    await commands.handle_text("subscribe 07:15 en", chat)
    reply = await commands.handle_text("subscribe", chat)
    assert "07:15 Asia/Taipei in en" in reply.plain()
    listing = (await commands.handle_text("list", chat)).plain()
    assert "Mistral AI (mistral): daily at 07:15" in listing


async def test_unknown_topic_is_named(commands: Commands) -> None:
    reply = await commands.handle_text("subscribe weather", private())
    assert reply.plain() == "沒有主題 'weather'（可用主題：mistral）。"  # the topic's language
    await commands.handle_text("subscribe en", private())
    reply = await commands.handle_text("subscribe weather", private())
    assert reply.plain() == "Unknown topic 'weather' (topics: mistral)."


async def test_unsubscribe_stops_and_says_so(commands: Commands) -> None:
    chat = private()
    reply = await commands.handle_text("unsubscribe", chat)
    assert "此聊天室沒有訂閱 Mistral AI" in reply.plain()
    await commands.handle_text("subscribe en", chat)
    reply = await commands.handle_text("unsubscribe", chat)
    assert "Unsubscribed from Mistral AI" in reply.plain()
    assert store.active_subscriptions(commands.db) == []
    assert "目前沒有任何訂閱" in (await commands.handle_text("list", chat)).plain()


async def test_only_group_admins_subscribe_or_change_settings(commands: Commands) -> None:
    async def not_admin() -> bool:
        return False

    async def admin() -> bool:
        return True

    member = ChatContext("test", "-5", "group", is_admin=not_admin)
    owner = ChatContext("test", "-5", "group", is_admin=admin)
    refusal = (await commands.handle_text("subscribe", member)).plain()
    assert refusal == "只有聊天室的管理員可以為群組訂閱。"
    assert store.active_subscriptions(commands.db) == []
    await commands.handle_text("subscribe en", owner)
    reply = await commands.handle_text("settings time 10:00", member)
    assert reply.plain() == "Only the chat's admins can change a group's settings."
    # Anyone may look.
    assert "08:00" in (await commands.handle_text("settings", member)).plain()
    assert "10:00" in (await commands.handle_text("settings time 10:00", owner)).plain()


async def test_digest_now_has_cited_stories_and_their_sources(commands: Commands) -> None:
    reply = await commands.handle_text("digest mistral 2026-11-21", private())
    assert reply.digest_id is not None
    assert reply.title.startswith("Mistral AI")
    paragraphs = [p for section in reply.sections for p in section.paragraphs]
    cited = {n for p in paragraphs for n in range(1, 30) if f"[{n}]" in p.text}
    assert cited and cited == {s.n for s in reply.sources}
    assert [a.kind for a in reply.actions] == ["sources", "ask", "previous"]


async def test_digest_for_a_future_date_is_refused(commands: Commands) -> None:
    reply = await commands.handle_text("digest 2026-11-23", private())
    assert "2026-11-23 的摘要尚未完成" in reply.plain()


async def test_include_and_exclude_words_filter_stories(commands: Commands) -> None:
    chat = private()
    await commands.handle_text("subscribe en", chat)

    def stories(reply: Reply) -> list[Paragraph]:
        return [p for s in reply.sections if s.title == "📰 News highlights" for p in s.paragraphs]

    full = await commands.handle_text("digest", chat)
    assert len(stories(full)) >= 3
    first = stories(full)[0].heading
    word = next(w for w in first.split() if len(w) > 5 and w.isalpha())
    await commands.handle_text(f"settings exclude {word}", chat)
    without = await commands.handle_text("digest", chat)
    assert all(word.lower() not in (p.heading + p.text).lower() for p in stories(without))
    assert len(stories(without)) < len(stories(full))
    await commands.handle_text("settings exclude -", chat)
    await commands.handle_text(f"settings include {word}", chat)
    only = await commands.handle_text("digest", chat)
    assert stories(only)
    assert all(word.lower() in (p.heading + p.text).lower() for p in stories(only))
    assert {s.n for s in only.sources} <= {s.n for s in full.sources}
    # Every source listed is one the kept text cites, and every citation is listed.
    cited = {
        n for s in only.sections for p in s.paragraphs for n in range(1, 40) if f"[{n}]" in p.text
    }
    assert cited == {s.n for s in only.sources}


async def test_ask_quotes_sources_with_citations_or_says_it_cannot(commands: Commands) -> None:
    chat = private()
    reply = await commands.handle_text("ask Which airline deployed Le Chat Enterprise?", chat)
    assert "[1]" in reply.plain()
    assert reply.sources and reply.sources[0].url.startswith("https://")
    assert "Nordavia" in reply.plain()
    reply = await commands.handle_text("ask Who won the football cup final?", chat)
    assert "sources don't cover this question" in reply.plain()
    assert "[1]" not in reply.plain()
    assert reply.sources == ()


async def test_an_over_long_question_meets_the_engines_one_limit(commands: Commands) -> None:
    from bot.qa.service import MAX_QUESTION_CHARS

    reply = await commands.handle_text("ask " + "x" * (MAX_QUESTION_CHARS + 1), private())
    assert reply.plain() == f"抱歉，問題超過 {MAX_QUESTION_CHARS} 個字元。"  # the topic's zh-TW
    assert reply.sources == ()


async def test_ask_is_limited_per_chat(commands: Commands) -> None:
    limit = commands.config.qa.questions_per_hour
    asker, other = private(), private("7007")
    for _ in range(limit):
        await commands.handle_text("ask Which airline deployed Le Chat Enterprise?", asker)
    refused = await commands.handle_text("ask What did Mistral release?", asker)
    assert "Try again" in refused.plain()
    answered = await commands.handle_text("ask Which airline deployed Le Chat Enterprise?", other)
    assert "Nordavia" in answered.plain()


async def test_replying_to_a_digest_asks_about_that_digest(commands: Commands) -> None:
    chat = private()
    digest = await commands.handle_text("digest", chat)
    assert digest.digest_id is not None
    reply = await commands.handle_text(
        "what about Large 4 weights?", chat, reply_to_digest=digest.digest_id
    )
    assert reply.digest_id == digest.digest_id
    assert reply.sources, reply.plain()
    digest_urls = {s.url for s in digest.sources}
    assert {s.url for s in reply.sources} <= digest_urls


async def test_sources_lists_the_last_digest_and_one_in_detail(commands: Commands) -> None:
    from bot.delivery.types import Sent

    chat = private()
    await commands.handle_text("subscribe en", chat)
    assert "No digest in this chat" in (await commands.handle_text("sources", chat)).plain()
    digest = await commands.handle_text("digest", chat)
    commands.remember(chat, digest, Sent(("m1",)))
    listing = await commands.handle_text("sources", chat)
    assert len(listing.sources) >= len(digest.sources)
    detail = (await commands.handle_text("sources 1", chat)).plain()
    assert detail.startswith("[1] ") and "https://" in detail
    assert "There is no source [99]" in (await commands.handle_text("sources 99", chat)).plain()


async def test_start_and_help_list_every_command(commands: Commands) -> None:
    await commands.handle_text("subscribe en", private())
    text = (await commands.handle_text("/start", private())).plain()
    for name in ("subscribe", "unsubscribe", "list", "digest", "ask", "sources", "settings"):
        assert name in text
    assert "every day" in text
    one = (await commands.handle_text("help sources", private())).plain()
    assert one.startswith("sources [n]")
    chinese = (await commands.handle_text("/start", private("8"))).plain()
    assert "每天" in chinese and "上一份摘要的來源" in chinese


def test_the_core_never_imports_a_chat_platform_library() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys, bot.commands, bot.delivery.fanout, bot.scheduler, app.service, app.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'discord')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_keywords_are_plain_words_never_patterns() -> None:
    from bot.delivery.compose import keep_story

    evil = "(a+)+$"
    text = "a" * 5000 + "!"
    assert not keep_story(text, include=[evil], exclude=[])  # literal, and instant
    assert keep_story("pricing for (a+)+$ fans", include=[evil], exclude=[])
    assert not keep_story("Le Chat outage", include=[], exclude=["OUTAGE"])
    assert keep_story("outages everywhere", include=[], exclude=["outage"])  # whole words
    assert keep_story("資料中心啟用", include=["資料中心"], exclude=[])
