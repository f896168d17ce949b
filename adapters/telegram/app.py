"""The Telegram bot: python-telegram-bot's Application, with every text message answered
through the core's chat flow, and so through the platform's paced sender."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.platform import ERRORS, NAME, TelegramPlatform
from bot.chat import ChatFlow, Inbound, Lifecycle
from bot.commands import Commands
from bot.commands.spec import DEFAULT_LANGUAGE
from bot.config import LANGUAGES, TelegramConfig
from bot.delivery.limiter import RateLimiter
from bot.delivery.platform import Limits
from bot.delivery.sender import Sender
from bot.errors import DeliveryError, PlatformError

log = logging.getLogger(__name__)

POLLING_TASK = "Updater:start_polling:polling_task"
"""The name python-telegram-bot gives its polling task: it ends (with ``InvalidToken``)
only when the Bot API refuses the token, while the process would otherwise go on."""


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


class TelegramBot(Lifecycle):
    """A :class:`~bot.chat.ChatAdapter`: receives updates (long polling), answers each
    through the core's chat flow, and shows the registry's commands as the bot's menu."""

    name = NAME

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
        self.flow = ChatFlow(commands, sender)
        platform.on_failure = self.fail  # a send refused for the token: the bot is done
        application.add_handler(MessageHandler(filters.TEXT, self._on_text))
        application.add_handler(CallbackQueryHandler(self._on_button))
        application.add_error_handler(self._on_error)

    async def _open(self) -> None:
        """Raises :class:`~bot.errors.DeliveryError` when the Bot API refuses us (bad token)."""
        self.flow.open()
        try:
            await self.platform.call(self.application.initialize)
        except DeliveryError:
            await self.application.bot.shutdown()  # close its connections
            raise
        try:
            await self._show_menu()
            await self.application.start()
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                timeout=10, drop_pending_updates=False, error_callback=self._polling_error
            )
            self._watch_polling()
        except BaseException:
            await self._close()
            raise
        log.info("telegram: polling as %s", await self.platform.identity())

    def _watch_polling(self) -> None:
        for task in asyncio.all_tasks():
            if task.get_name() == POLLING_TASK:
                task.add_done_callback(self._polling_ended)
                return
        log.warning("telegram: cannot watch polling: a revoked token would go unnoticed")

    def _polling_ended(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is None or not self.running:
            return  # stopped by us
        exc = task.exception()
        assert exc is not None
        error = ERRORS.convert(exc, self.platform.endpoint) or PlatformError(
            NAME, self.platform.endpoint.url, f"polling stopped ({exc!r})", "restart digestbot"
        )
        self.fail(error)

    def _polling_error(self, exc: Exception) -> None:
        """A failed getUpdates that python-telegram-bot retries: one line, no traceback."""
        log.warning(
            "telegram: polling failed, retrying: %s",
            ERRORS.convert(exc, self.platform.endpoint) or exc,
        )

    async def _close(self) -> None:
        updater = self.application.updater
        try:
            if updater is not None and updater.running:
                try:
                    await updater.stop()
                except Exception as exc:  # polling ended with an error (a revoked token)
                    log.info("telegram: polling had stopped: %s", self._described(exc))
            await self.flow.close()  # no update comes in now: drop the replies still queued
            if self.application.running:
                await self.application.stop()
        finally:
            await self.application.shutdown()  # closes its connections, whatever happened

    def _described(self, exc: BaseException) -> object:
        return ERRORS.convert(exc, self.platform.endpoint) or repr(exc)

    async def _show_menu(self) -> None:
        """The command menu, in every language the bot speaks (a user's Telegram language
        picks one; the default language is everyone else's). Commands work without it, so
        a refusal is only logged."""
        for language in LANGUAGES:
            menu = [
                BotCommand(command.name, command.text(language).summary)
                for command in self.commands.registry
            ]
            code = None if language == DEFAULT_LANGUAGE else language.split("-")[0].lower()
            try:
                await self.platform.call(
                    partial(self.application.bot.set_my_commands, menu, language_code=code)
                )
            except DeliveryError as exc:
                log.warning("telegram: command menu (%s) not set: %s", language, exc)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling an update: %r", context.error)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button under one of our digests. The query is answered at once (the reader's
        button stops spinning; Telegram wants it within seconds), then the reply follows as
        messages through the chat's queue, however long it takes."""
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None:
            return
        try:
            await self.platform.call(query.answer)
        except DeliveryError as exc:  # too late or refused: the reply still goes out
            log.warning("telegram: callback query not answered: %s", exc)
        if chat is None or not query.data:
            return
        chat_id, user_id = str(chat.id), user.id if user is not None else 0

        async def is_admin() -> bool:
            return await self.platform.is_admin(chat_id, user_id)

        group = chat.type in ("group", "supergroup")
        self.flow.submit(
            Inbound(
                chat_id,
                "",
                "group" if group else "private",
                is_admin=is_admin,
                action=query.data,
                user_id=str(user_id),
            )
        )

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hands the message to its chat's queue and returns at once: python-telegram-bot's
        concurrent update slots are never held by one chat's pace."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or message.text is None:
            return
        group = chat.type in ("group", "supergroup")
        chat_id = str(chat.id)
        original = message.reply_to_message
        ours = original is not None and original.from_user is not None
        replying_to = None
        if ours and original and original.from_user and original.from_user.id == context.bot.id:
            replying_to = str(original.message_id)
        user_id = user.id if user is not None else 0

        async def is_admin() -> bool:
            return await self.platform.is_admin(chat_id, user_id)

        self.flow.submit(
            Inbound(
                chat_id,
                message.text,
                "group" if group else "private",
                addressed=not group or message.text.startswith("/"),
                replying_to=replying_to,
                is_admin=is_admin,
                user_id=str(user_id),
            )
        )


def telegram_adapter(
    config: TelegramConfig, token: str, commands: Commands, *, workers: int = 16
) -> TelegramBot:
    """The whole Telegram side: Application, platform, paced sender, command handlers."""
    application = build_application(config, token, pool_size=workers + 8)
    platform = TelegramPlatform(application.bot, limits_of(config))
    sender = Sender(platform, RateLimiter(platform.limits))
    return TelegramBot(application, commands, sender, platform)
