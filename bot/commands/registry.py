"""Every chat command the bot answers, each one :class:`~bot.commands.spec.ChatCommand`.

This list is the one place a command is declared: ``help``, the usage errors, the Telegram
command menu and the Discord slash tree are all generated from :data:`COMMANDS`. A new
command is one more entry here (its command class and parser may sit right beside it).
"""

from __future__ import annotations

from bot.commands.handle import Commands
from bot.commands.parse import (
    Ask,
    DigestNow,
    Help,
    ListSubscriptions,
    Settings,
    Sources,
    Start,
    Subscribe,
    Unsubscribe,
    no_arguments,
    parse_ask,
    parse_digest,
    parse_help,
    parse_settings,
    parse_sources,
    parse_subscribe,
    parse_unsubscribe,
)
from bot.commands.spec import ChatCommand, ChatContext, CommandText, Registry, admins_in_groups
from bot.delivery.types import Reply


async def _sources(commands: Commands, command: Sources, chat: ChatContext) -> Reply:
    return commands._sources(command, chat)


def _changes_a_setting(command: Settings) -> bool:
    return command.field is not None


COMMANDS: Registry[Commands] = Registry(
    [
        ChatCommand(
            name="start",
            kind=Start,
            texts={
                "en": CommandText("start", "a greeting and the list of commands"),
                "zh-TW": CommandText("start", "打招呼並列出所有指令"),
            },
            parse=no_arguments(Start()),
            handle=Commands._start,
        ),
        ChatCommand(
            name="help",
            kind=Help,
            texts={
                "en": CommandText("help [command]", "what each command does"),
                "zh-TW": CommandText("help [指令]", "說明每個指令的用途"),
            },
            parse=parse_help,
            handle=Commands._help,
        ),
        ChatCommand(
            name="subscribe",
            kind=Subscribe,
            texts={
                "en": CommandText(
                    "subscribe [topic] [HH:MM] [timezone] [en|zh-TW]",
                    "a daily digest in this chat",
                    "Only the chat's admins can subscribe a group.",
                ),
                "zh-TW": CommandText(
                    "subscribe [主題] [HH:MM] [時區] [en|zh-TW]",
                    "在此聊天室每天收到摘要",
                    "只有聊天室的管理員可以為群組訂閱。",
                ),
            },
            parse=parse_subscribe,
            handle=Commands._subscribe,
            admins_only=admins_in_groups,
        ),
        ChatCommand(
            name="unsubscribe",
            kind=Unsubscribe,
            texts={
                "en": CommandText(
                    "unsubscribe [topic]",
                    "stop the daily digest",
                    "Only the chat's admins can unsubscribe a group.",
                ),
                "zh-TW": CommandText(
                    "unsubscribe [主題]", "停止每日摘要", "只有聊天室的管理員可以取消群組的訂閱。"
                ),
            },
            parse=parse_unsubscribe,
            handle=Commands._unsubscribe,
            admins_only=admins_in_groups,
        ),
        ChatCommand(
            name="list",
            kind=ListSubscriptions,
            texts={
                "en": CommandText("list", "this chat's subscriptions"),
                "zh-TW": CommandText("list", "此聊天室的訂閱"),
            },
            parse=no_arguments(ListSubscriptions()),
            handle=Commands._list,
        ),
        ChatCommand(
            name="digest",
            kind=DigestNow,
            texts={
                "en": CommandText("digest [topic] [YYYY-MM-DD]", "the digest now"),
                "zh-TW": CommandText("digest [主題] [YYYY-MM-DD]", "立即取得摘要"),
            },
            parse=parse_digest,
            handle=Commands._digest,
        ),
        ChatCommand(
            name="ask",
            kind=Ask,
            texts={
                "en": CommandText(
                    "ask QUESTION", "a question answered from the stored sources, with citations"
                ),
                "zh-TW": CommandText("ask 問題", "根據已儲存的來源回答問題，並附上引用"),
            },
            parse=parse_ask,
            handle=Commands._ask,
        ),
        ChatCommand(
            name="sources",
            kind=Sources,
            texts={
                "en": CommandText(
                    "sources [n]", "the sources of the last digest, or source n in detail"
                ),
                "zh-TW": CommandText("sources [n]", "上一份摘要的來源，或第 n 則來源的詳細資料"),
            },
            parse=parse_sources,
            handle=_sources,
        ),
        ChatCommand(
            name="settings",
            kind=Settings,
            texts={
                "en": CommandText(
                    "settings [topic] [time HH:MM | timezone TZ | lang en|zh-TW | "
                    "include WORDS | exclude WORDS]",
                    "show or change (include/exclude with '-' clears)",
                    "Only the chat's admins can change a group's settings.",
                ),
                "zh-TW": CommandText(
                    "settings [主題] [time HH:MM | timezone 時區 | lang en|zh-TW | "
                    "include 關鍵字 | exclude 關鍵字]",
                    "查看或變更設定（include/exclude 後接 '-' 即清除）",
                    "只有聊天室的管理員可以變更群組的設定。",
                ),
            },
            parse=parse_settings,
            handle=Commands._settings,
            admins_only=_changes_a_setting,
        ),
    ]
)
