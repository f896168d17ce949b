"""The Discord bot: a discord.py ``Client`` whose text commands (``!digest``, or a mention of
the bot, or anything in a direct message) and slash commands (``slash.py``) are answered
through the core's chat flow, and so through the platform's paced sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord.gateway import DiscordWebSocket

from adapters.discord.interaction import answer
from adapters.discord.platform import (
    CHECK_URL,
    ERRORS,
    NAME,
    DiscordPlatform,
    convert_errors,
    endpoint,
    use_endpoints,
)
from adapters.discord.slash import command_tree, translate
from bot.chat import ChatFlow, Inbound, Lifecycle
from bot.commands import Commands
from bot.config import DiscordConfig
from bot.delivery.limiter import RateLimiter
from bot.delivery.sender import Sender
from bot.errors import DeliveryError, PlatformError, PlatformUnavailable

log = logging.getLogger(__name__)

PREFIX = "!"
READY_TIMEOUT_S = 60.0


def _stopped(failure: BaseException) -> PlatformError:
    return PlatformError(
        NAME, endpoint().url, f"the connection stopped ({failure!r})"[:300], "restart digestbot"
    )


def intents() -> discord.Intents:
    """Guild and DM messages, and their text: Message Content is a privileged intent that
    must also be switched on for the application in the developer portal."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


def _is_admin(author: discord.User | discord.Member) -> bool:
    if not isinstance(author, discord.Member):
        return False
    permissions = author.guild_permissions
    return permissions.administrator or permissions.manage_guild


class DiscordBot(discord.Client):
    """Receives messages over the gateway and answers through the core command layer."""

    def __init__(self, commands: Commands, *, timeout_s: float = 15.0) -> None:
        # guild_ready_timeout: start-up waits this long for more guilds after the last one.
        super().__init__(intents=intents(), guild_ready_timeout=0.5)
        self.commands = commands
        self.platform = DiscordPlatform(self, timeout_s=timeout_s)
        self.sender = Sender(self.platform, RateLimiter(self.platform.limits))
        self.flow = ChatFlow(commands, self.sender)
        self._token = ""
        self._connection_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self.on_failure: Callable[[DeliveryError], None] = lambda error: None
        """Told when the bot cannot work any more (its token refused mid-run)."""
        self.platform.on_failure = lambda error: self.on_failure(error)
        self.tree = command_tree(self, commands.registry, self.flow, self.platform)

    async def setup_hook(self) -> None:
        # Registers the slash commands (a bulk overwrite: unchanged commands cost nothing).
        # Without them the text commands still work, so a refusal is only logged.
        try:
            await translate(self.tree)
            await self.tree.sync()
        except discord.HTTPException as exc:
            log.warning("discord: slash commands not registered: %s", exc)

    def use_token(self, token: str) -> None:
        self._token = token

    async def start_bot(self) -> None:
        """Log in and connect; return once the gateway is ready. Raises
        :class:`~bot.errors.DeliveryError` when Discord refuses us (bad token)."""
        self._stopping = False
        self.flow.open()
        try:
            await convert_errors(lambda: self.login(self._token), timeout_s=READY_TIMEOUT_S)
        except BaseException:
            await self.close()  # its HTTP session, opened by login
            raise
        self._connection_task = asyncio.create_task(self.connect(reconnect=True))
        ready = asyncio.create_task(self.wait_until_ready())
        await asyncio.wait(
            [ready, self._connection_task],
            timeout=READY_TIMEOUT_S,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if not ready.done():
            ready.cancel()
            connection = self._connection_task
            failure = connection.exception() if connection.done() else None
            await self.stop_bot()
            if failure is None:
                raise PlatformUnavailable(
                    NAME,
                    str(DiscordWebSocket.DEFAULT_GATEWAY),
                    f"the gateway was not ready within {READY_TIMEOUT_S:g} s",
                    CHECK_URL,
                )
            error = ERRORS.convert(failure, endpoint()) or _stopped(failure)
            raise error from None
        self._connection_task.add_done_callback(self._connection_ended)
        log.info("discord: connected as %s", await self.platform.identity())

    def _connection_ended(self, task: asyncio.Task[None]) -> None:
        """discord.py reconnects by itself; its connection task ends only for good (a
        revoked token: close code 4004), or when we stop it."""
        if self._stopping or task.cancelled():
            return
        failure = task.exception()
        if failure is None:
            failure = discord.ClientException("the gateway connection ended")
        self.on_failure(ERRORS.convert(failure, endpoint()) or _stopped(failure))

    async def stop_bot(self) -> None:
        self._stopping = True
        await self.close()
        await self.flow.close()
        for task in [*self._tasks, self._connection_task]:
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def on_message(self, message: discord.Message) -> None:
        if self.user is None or message.author.bot:
            return  # never answer a bot, ourselves included
        # Into the chat's queue, at once: a slow digest or a flooding channel never holds up
        # the gateway's other events.
        self.flow.submit(self._inbound(message))

    async def on_interaction(self, interaction: discord.Interaction[discord.Client]) -> None:
        """A button under one of our digests (slash commands go through ``self.tree``)."""
        if interaction.type != discord.InteractionType.component:
            return
        data: Any = interaction.data or {}
        token = data.get("custom_id") if isinstance(data, dict) else None
        if not isinstance(token, str):
            return
        task = asyncio.create_task(answer(self.flow, self.platform, interaction, action=token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _command_text(self, message: discord.Message) -> str | None:
        """The command in ``message`` with "!" or the mention turned into the core's "/"."""
        assert self.user is not None
        text = message.content.strip()
        for mention in (f"<@{self.user.id}>", f"<@!{self.user.id}>"):
            if text.startswith(mention):
                return "/" + text.removeprefix(mention).strip().removeprefix(PREFIX)
        if text.startswith(PREFIX) and len(text) > 1:
            return "/" + text[1:]
        return None

    def _inbound(self, message: discord.Message) -> Inbound:
        group = message.guild is not None
        reference = message.reference
        replying_to = None
        if reference is not None and reference.message_id is not None:
            replying_to = str(reference.message_id)
        command = self._command_text(message)
        author = message.author

        async def is_admin() -> bool:
            return _is_admin(author)

        return Inbound(
            str(message.channel.id),
            command if command is not None else message.content.strip(),
            "group" if group else "private",
            addressed=command is not None or not group,
            replying_to=replying_to,
            is_admin=is_admin,
            user_id=str(message.author.id),
        )


class DiscordAdapter(Lifecycle):
    """A :class:`~bot.chat.ChatAdapter`: what ``digestbot run`` starts and stops, and the
    sender it hands to the fan-out."""

    name = NAME

    def __init__(self, bot: DiscordBot) -> None:
        self.bot = bot
        self.sender = bot.sender
        self.platform = bot.platform
        bot.on_failure = self.fail

    async def _open(self) -> None:
        await self.bot.start_bot()

    async def _close(self) -> None:
        await self.bot.stop_bot()


def discord_adapter(
    config: DiscordConfig, token: str, commands: Commands, *, timeout_s: float = 15.0
) -> DiscordAdapter:
    """The whole Discord side: endpoints, client, platform, paced sender, message handling."""
    use_endpoints(config.api_base_url, config.gateway_url)
    bot = DiscordBot(commands, timeout_s=timeout_s)
    bot.use_token(token)
    return DiscordAdapter(bot)
