"""Slash commands: one per core command, each with an optional free-text ``args``, so
``/digest args:mistral 2026-11-21`` is the same as ``!digest mistral 2026-11-21``.

The interaction is deferred first (Discord wants an answer within 3 s, a digest can take
longer); the reply's parts then go out as follow-ups, paced by the same limiter as every
other message in that channel, and are remembered so that replying to them asks about the
digest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord.platform import NAME, NO_MENTIONS, convert_errors
from bot.commands import COMMANDS, ChatContext
from bot.delivery.types import Reply, Sent
from bot.errors import DeliveryError

if TYPE_CHECKING:
    from adapters.discord.app import DiscordBot

log = logging.getLogger(__name__)
Callback = Callable[[discord.Interaction[discord.Client], str], Coroutine[Any, Any, None]]


def _manages(interaction: discord.Interaction[discord.Client]) -> bool:
    # The member's permissions in this channel, as Discord computed them for the interaction.
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild


async def answer(
    bot: DiscordBot, interaction: discord.Interaction[discord.Client], text: str
) -> None:
    group = interaction.guild_id is not None
    chat_id = str(interaction.channel_id)
    try:
        await convert_errors(
            lambda: interaction.response.defer(thinking=True), timeout_s=bot.platform.timeout_s
        )
    except DeliveryError as exc:
        log.warning("discord: cannot answer interaction in %s: %s", chat_id, exc)
        return
    admin = _manages(interaction)

    async def is_admin() -> bool:
        return admin

    context = ChatContext(NAME, chat_id, "group" if group else "private", is_admin=is_admin)
    try:
        reply = await bot.commands.handle_text(text, context)
    except Exception:  # one broken command never takes the bot down, nor goes unanswered
        log.exception("discord: slash command in channel %s failed", chat_id)
        reply = Reply.text("Sorry, something went wrong. Please try again later.")
    sent: list[str] = []
    try:
        for part in bot.platform.render(reply):
            await bot.sender.limiter.acquire(chat_id, group=group)
            message = await convert_errors(
                partial(
                    interaction.followup.send,
                    part.text,
                    allowed_mentions=NO_MENTIONS,
                    suppress_embeds=True,
                    wait=True,
                ),
                timeout_s=bot.platform.timeout_s,
            )
            sent.append(str(message.id))
    except DeliveryError as exc:
        log.warning("discord: follow-up in %s failed after %s part(s): %s", chat_id, len(sent), exc)
    bot.commands.remember(context, reply, Sent(tuple(sent)))


def _callback(bot: DiscordBot, name: str) -> Callback:
    async def callback(interaction: discord.Interaction[discord.Client], args: str = "") -> None:
        await answer(bot, interaction, f"/{name} {args}")

    return callback


def command_tree(bot: DiscordBot) -> app_commands.CommandTree[discord.Client]:
    """Every core command as a slash command on ``bot``."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(bot)
    for command in COMMANDS:
        description = command.text().summary[:100]
        tree.add_command(
            app_commands.Command(
                name=command.name, description=description, callback=_callback(bot, command.name)
            )
        )
    return tree
