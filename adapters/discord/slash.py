"""Slash commands: one per registry command, each with an optional free-text ``args``, so
``/digest args:mistral 2026-11-21`` is the same as ``!digest mistral 2026-11-21``.

Each is answered by :func:`adapters.discord.interaction.answer`: the reply goes through the
core's chat flow like any other message, its first part as the interaction's response
(deferred first when the reply takes longer than Discord's 3 s allow), the rest through
the platform's paced sender, with the same retries and gone-channel handling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord.interaction import answer
from adapters.discord.platform import DiscordPlatform
from bot.chat import ChatFlow
from bot.commands import Registry
from bot.commands.spec import DEFAULT_LANGUAGE
from bot.config import LANGUAGES

log = logging.getLogger(__name__)
Interaction = discord.Interaction[discord.Client]
Callback = Callable[[Interaction, str], Coroutine[Any, Any, None]]
MAX_DESCRIPTION = 100


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
        await answer(flow, platform, interaction, text=f"/{name} {args}")

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
