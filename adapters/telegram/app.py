"""The Telegram bot: python-telegram-bot's Application, with every text message handed to the
core command layer and every reply sent through the platform's paced sender."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from adapters.telegram.platform import NAME, TelegramPlatform, convert_errors
from bot.commands import ChatContext, Commands
from bot.config import TelegramConfig
from bot.delivery.limiter import RateLimiter
from bot.delivery.platform import Limits
from bot.delivery.sender import Sender
from bot.delivery.types import Reply, Sent
from bot.errors import DeliveryError
from storage import delivery as store

log = logging.getLogger(__name__)


def limits_of(config: TelegramConfig) -> Limits:
    return Limits(
        per_second=config.messages_per_second,
        per_chat_per_second=config.chat_messages_per_second,
        group_per_minute=config.group_messages_per_minute,
    )


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def build_application(config: TelegramConfig, token: str, *, pool_size: int = 24) -> AnyApplication:
    """python-telegram-bot's Application, pointed at ``telegram.api_base_url`` when set.

    ``pool_size``: connections to the Bot API. Keep it near the deliveries in flight: httpcore
    scans every pooled connection for each request, so a much larger pool costs CPU.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .read_timeout(config.read_timeout_s)
        .write_timeout(config.read_timeout_s)
        .connect_timeout(config.read_timeout_s)
        .pool_timeout(config.read_timeout_s)
        .connection_pool_size(pool_size)
        .concurrent_updates(True)
    )
    if config.api_base_url:
        root = config.api_base_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    return builder.build()


class TelegramBot:
    """Receives updates (long polling) and answers through the core command layer."""

    def __init__(
        self,
        application: AnyApplication,
        commands: Commands,
        sender: Sender,
        platform: TelegramPlatform,
    ) -> None:
        self.application = application
        self.commands = commands
        self.sender = sender
        self.platform = platform
        application.add_handler(MessageHandler(filters.TEXT, self._on_text))
        application.add_error_handler(self._on_error)

    async def start(self) -> None:
        """Raises :class:`~bot.errors.DeliveryError` when the Bot API refuses us (bad token)."""
        try:
            await convert_errors(self.application.initialize)
        except DeliveryError:
            await self.application.bot.shutdown()  # close its connections
            raise
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(timeout=10, drop_pending_updates=False)
        log.info("telegram: polling as %s", await self.platform.identity())

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling an update: %r", context.error)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or message.text is None:
            return
        group = chat.type in ("group", "supergroup")
        chat_id = str(chat.id)
        digest_id = None
        original = message.reply_to_message
        from_bot = original is not None and original.from_user is not None
        if from_bot and original and original.from_user and original.from_user.id == context.bot.id:
            digest_id = store.digest_of_message(
                self.commands.db, NAME, chat_id, str(original.message_id)
            )
        if group and not message.text.startswith("/") and digest_id is None:
            return  # chatter in a group is not for us
        user_id = user.id if user is not None else 0

        async def is_admin() -> bool:
            return await self.platform.is_admin(chat_id, user_id)

        context_ = ChatContext(NAME, chat_id, "group" if group else "private", is_admin=is_admin)
        try:
            reply = await self.commands.handle_text(
                message.text, context_, reply_to_digest=digest_id
            )
        except Exception:  # one broken command never takes the bot down, nor goes unanswered
            log.exception("telegram: command in chat %s failed", chat_id)
            reply = Reply.text("Sorry, something went wrong. Please try again later.")
        outcome = await self.sender.deliver(
            chat_id, reply, chat_kind="group" if group else "private"
        )
        if outcome.status != "sent":
            log.warning("telegram: reply to chat %s %s: %s", chat_id, outcome.status, outcome.error)
        self.commands.remember(context_, reply, Sent(outcome.message_ids))


def telegram_adapter(
    config: TelegramConfig, token: str, commands: Commands, *, workers: int = 16
) -> TelegramBot:
    """The whole Telegram side: Application, platform, paced sender, command handlers."""
    application = build_application(config, token, pool_size=workers + 8)
    platform = TelegramPlatform(application.bot, limits_of(config))
    sender = Sender(platform, RateLimiter(platform.limits))
    return TelegramBot(application, commands, sender, platform)
