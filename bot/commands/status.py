"""``status``: the facts of ``digestbot doctor`` that storage holds (each source's health,
the newest digest of each topic and mode, deliveries by status, model tokens today), for
the bot's operators only: the ``admins`` ids of ``[telegram]`` / ``[discord]``, and
whoever runs ``digestbot chat`` (they hold the database already)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from bot.commands.spec import ChatContext
from bot.config import Config
from bot.delivery.types import Paragraph, Reply
from bot.health import Facts, gather

TERMINAL = "terminal"


@dataclass(frozen=True)
class Status:
    pass


def is_operator(config: Config, chat: ChatContext) -> bool:
    """Whether the sender is one of the bot's operators (not a chat's admin: an operator
    runs the bot)."""
    if chat.platform == TERMINAL:
        return True
    admins = {"telegram": config.telegram.admins, "discord": config.discord.admins}
    ids = admins.get(chat.platform, [])
    return chat.user_id.isdigit() and int(chat.user_id) in ids


def status_reply(facts: Facts, chat: ChatContext) -> Reply:
    lines: list[str] = []
    for topic in facts.topics:
        lines.append(
            chat.text(
                "status.sources",
                topic=topic.topic,
                total=len(topic.sources),
                imported=topic.imported,
                ok=topic.count("ok"),
                bad=topic.count("failing", "paused", "stale"),
                never=topic.count("never"),
            )
        )
        for source in topic.sources:
            if source.bad:
                key = f"status.{source.state}"
                lines.append("  " + chat.text(key, url=source.url, runs=source.failures))
    digests = [
        chat.text(
            "status.digest",
            mode=d.mode,
            topic=d.topic,
            date=d.date.isoformat(),
            language=d.language,
        )
        for d in facts.digests
    ] or [chat.text("status.no_digest")]
    counts = {s: facts.deliveries.get(s, 0) for s in ("pending", "uncertain", "failed", "sent")}
    return Reply(
        title=chat.text("status.title"),
        paragraphs=(
            Paragraph("\n".join(lines)),
            Paragraph("\n".join(digests)),
            Paragraph(chat.text("status.deliveries", **counts)),
            Paragraph(chat.text("status.tokens", tokens=facts.tokens_today)),
        ),
    )


def status_of(config: Config, db: sqlite_utils.Database, chat: ChatContext) -> Reply:
    if not is_operator(config, chat):
        return Reply.text(chat.text("status.refused"))
    return status_reply(gather(db, config), chat)
