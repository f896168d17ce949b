"""The Discord bot: a discord.py ``Client`` whose text commands (``!digest``, or a mention of
the bot, or anything in a direct message) and slash commands (``slash.py``) go to the core
command layer, with every reply sent through the platform's paced sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.platform import NAME, DiscordPlatform, convert_errors, use_endpoints
from adapters.discord.slash import command_tree
from bot.commands import ChatContext, Commands
from bot.config import DiscordConfig
from bot.delivery.limiter import RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.types import Reply, Sent
from bot.errors import DeliveryError
from storage import delivery as store

log = logging.getLogger(__name__)

PREFIX = "!"
READY_TIMEOUT_S = 60.0


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
        self._token = ""
        self._connection_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.tree = command_tree(self)

    async def setup_hook(self) -> None:
        # Registers the slash commands (a bulk overwrite: unchanged commands cost nothing).
        # Without them the text commands still work, so a refusal is only logged.
        try:
            await self.tree.sync()
        except discord.HTTPException as exc:
            log.warning("discord: slash commands not registered: %s", exc)

    def use_token(self, token: str) -> None:
        self._token = token

    async def start_bot(self) -> None:
        """Log in and connect; return once the gateway is ready. Raises
        :class:`~bot.errors.DeliveryError` when Discord refuses us (bad token)."""
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
            if isinstance(failure, discord.PrivilegedIntentsRequired):
                raise DeliveryError(
                    "Discord refused the Message Content intent: switch it on for the bot "
                    "in the developer portal (Bot > Privileged Gateway Intents)"
                ) from None
            raise DeliveryError(f"Discord: the gateway did not become ready ({failure!r})")
        log.info("discord: connected as %s", await self.platform.identity())

    async def stop_bot(self) -> None:
        await self.close()
        for task in [*self._tasks, self._connection_task]:
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def on_message(self, message: discord.Message) -> None:
        if self.user is None or message.author.bot:
            return  # never answer a bot, ourselves included
        # Handled in its own task: a slow digest never holds up the gateway's other events.
        task = asyncio.create_task(self._handle_safely(message))
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

    async def _handle_safely(self, message: discord.Message) -> None:
        try:
            await self._handle(message)
        except Exception:  # e.g. the database: logged here, the bot goes on
            log.exception("discord: message in channel %s failed", message.channel.id)

    async def _handle(self, message: discord.Message) -> None:
        group = message.guild is not None
        chat_id = str(message.channel.id)
        digest_id = None
        reference = message.reference
        if reference is not None and reference.message_id is not None:
            # Only our own messages are remembered, so a hit is a reply to one of our digests.
            digest_id = store.digest_of_message(
                self.commands.db, NAME, chat_id, str(reference.message_id)
            )
        text = self._command_text(message)
        if text is None:
            if group and digest_id is None:
                return  # chatter in a guild channel is not for us
            text = message.content.strip()
        author = message.author

        async def is_admin() -> bool:
            return _is_admin(author)

        context = ChatContext(NAME, chat_id, "group" if group else "private", is_admin=is_admin)
        try:
            reply = await self.commands.handle_text(text, context, reply_to_digest=digest_id)
        except Exception:  # one broken command never takes the bot down, nor goes unanswered
            log.exception("discord: command in channel %s failed", chat_id)
            reply = Reply.text("Sorry, something went wrong. Please try again later.")
        outcome = await self.sender.deliver(
            chat_id, reply, chat_kind="group" if group else "private"
        )
        if outcome.gone is not None:
            store.deactivate_chat(self.commands.db, NAME, chat_id, outcome.gone)
        if outcome.status != "sent":
            log.warning(
                "discord: reply to channel %s %s: %s", chat_id, outcome.status, outcome.error
            )
        self.commands.remember(context, reply, Sent(outcome.message_ids))


class DiscordAdapter:
    """What ``digestbot run`` starts and stops, and the sender it hands to the fan-out."""

    def __init__(self, bot: DiscordBot) -> None:
        self.bot = bot
        self.sender = bot.sender
        self.platform = bot.platform

    async def start(self) -> None:
        await self.bot.start_bot()

    async def stop(self) -> None:
        await self.bot.stop_bot()


def discord_adapter(
    config: DiscordConfig, token: str, commands: Commands, *, timeout_s: float = 15.0
) -> DiscordAdapter:
    """The whole Discord side: endpoints, client, platform, paced sender, message handling."""
    use_endpoints(config.api_base_url, config.gateway_url)
    bot = DiscordBot(commands, timeout_s=timeout_s)
    bot.use_token(token)
    return DiscordAdapter(bot)
