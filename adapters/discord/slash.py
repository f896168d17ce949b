"""Slash commands: one per registry command, each with an optional free-text ``args``, so
``/digest args:mistral 2026-11-21`` is the same as ``!digest mistral 2026-11-21``.

The interaction is deferred first (Discord wants an answer within 3 s, a digest can take
longer). The reply then goes through the core's chat flow like any other message: its
first part is the interaction's response, the rest follow through the platform's paced
sender, with the same retries, plain-text fallback and gone-channel handling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

import discord
from discord import app_commands

from adapters.discord.platform import NO_MENTIONS, DiscordPlatform, convert_errors
from bot.chat import ChatFlow, Inbound
from bot.commands import Registry
from bot.commands.spec import DEFAULT_LANGUAGE
from bot.config import LANGUAGES
from bot.delivery.platform import Part, PartSender
from bot.errors import DeliveryError

log = logging.getLogger(__name__)
Interaction = discord.Interaction[discord.Client]
Callback = Callable[[Interaction, str], Coroutine[Any, Any, None]]
MAX_DESCRIPTION = 100


def _manages(interaction: Interaction) -> bool:
    # The member's permissions in this channel, as Discord computed them for the interaction.
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild


def interaction_response(platform: DiscordPlatform, interaction: Interaction) -> PartSender:
    """Sends a part as the (deferred) interaction's response."""

    async def send(part: Part, markup: bool) -> str:
        message = await convert_errors(
            partial(
                interaction.followup.send,
                part.text if markup else part.fallback,
                allowed_mentions=NO_MENTIONS,
                suppress_embeds=True,
                wait=True,
            ),
            timeout_s=platform.timeout_s,
        )
        return str(message.id)

    return send


async def answer(
    flow: ChatFlow, platform: DiscordPlatform, interaction: Interaction, text: str
) -> None:
    chat_id = str(interaction.channel_id)
    try:
        await convert_errors(
            lambda: interaction.response.defer(thinking=True), timeout_s=platform.timeout_s
        )
    except DeliveryError as exc:
        log.warning("discord: cannot answer interaction in %s: %s", chat_id, exc)
        return
    admin = _manages(interaction)

    async def is_admin() -> bool:
        return admin

    inbound = Inbound(
        chat_id,
        text,
        "group" if interaction.guild_id is not None else "private",
        is_admin=is_admin,
    )
    await flow.answer(inbound, first=interaction_response(platform, interaction))


class _RegistryTexts(app_commands.Translator):
    """Gives Discord each description in the other languages the registry has it in."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        text: Any = string.extras.get(locale.value)
        return text if isinstance(text, str) else None


def _description(registry: Registry[Any], name: str) -> app_commands.locale_str:
    command = registry.get(name)
    assert command is not None
    others = {
        language: command.text(language).summary[:MAX_DESCRIPTION]
        for language in LANGUAGES
        if language != DEFAULT_LANGUAGE
    }
    return app_commands.locale_str(command.text().summary[:MAX_DESCRIPTION], **others)


def _callback(flow: ChatFlow, platform: DiscordPlatform, name: str) -> Callback:
    async def callback(interaction: discord.Interaction[discord.Client], args: str = "") -> None:
        await answer(flow, platform, interaction, f"/{name} {args}")

    return callback


def command_tree(
    client: discord.Client, registry: Registry[Any], flow: ChatFlow, platform: DiscordPlatform
) -> app_commands.CommandTree[discord.Client]:
    """Every registry command as a slash command on ``client``, answered through ``flow``.
    Call :func:`translate` before syncing it."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    for command in registry:
        tree.add_command(
            app_commands.Command(
                name=command.name,
                description=_description(registry, command.name),
                callback=_callback(flow, platform, command.name),
            )
        )
    return tree


async def translate(tree: app_commands.CommandTree[discord.Client]) -> None:
    await tree.set_translator(_RegistryTexts())
