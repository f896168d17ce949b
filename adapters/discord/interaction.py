"""Answering a Discord interaction (a slash command, a button pressed) within its deadline.

Discord forgets an interaction that is not acknowledged within 3 s. The reply's first part
is the interaction's own response when the reply is ready within :data:`ACK_WITHIN_S`;
when it takes longer (building a digest can), the interaction is deferred ("thinking...")
at that moment and the first part follows as its follow-up. Either way the reply goes
through the core's chat flow like any other message: paced and retried by the sender, the
other parts sent as the sender's own messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.platform import DiscordPlatform, convert_errors, message_fields
from bot.chat import ChatFlow, Inbound
from bot.delivery.platform import Part
from bot.errors import DeliveryError

log = logging.getLogger(__name__)
Interaction = discord.Interaction[discord.Client]
ACK_WITHIN_S = 2.0
"""Answer or defer by then: a margin under Discord's 3 s for the network and the loop."""


def _manages(interaction: Interaction) -> bool:
    # The member's permissions in this channel, as Discord computed them for the interaction.
    permissions = interaction.permissions
    return permissions.administrator or permissions.manage_guild


class InteractionReply:
    """The one response an interaction gets: a message, or a deferral then a follow-up."""

    def __init__(self, platform: DiscordPlatform, interaction: Interaction) -> None:
        self.platform = platform
        self.interaction = interaction
        self._acknowledged = False
        self._lock = asyncio.Lock()

    async def defer(self) -> None:
        """Acknowledge now ("thinking..."), unless the response went out already."""
        async with self._lock:
            if self._acknowledged:
                return
            await convert_errors(
                lambda: self.interaction.response.defer(thinking=True),
                timeout_s=self.platform.timeout_s,
            )
            self._acknowledged = True

    async def defer_after(self, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        try:
            await self.defer()
        except DeliveryError as exc:
            log.warning("discord: cannot defer interaction: %s", exc)

    async def send(self, part: Part, markup: bool) -> str:
        """Send ``part`` as the response (or, once deferred, as its follow-up)."""
        fields = message_fields(part, markup)
        async with self._lock:
            if not self._acknowledged:
                response = await convert_errors(
                    lambda: self.interaction.response.send_message(**fields),
                    timeout_s=self.platform.timeout_s,
                )
                self._acknowledged = True
                if response.message_id is not None:
                    return str(response.message_id)
                message = await convert_errors(
                    self.interaction.original_response, timeout_s=self.platform.timeout_s
                )
                return str(message.id)
        sent = await convert_errors(
            lambda: self.interaction.followup.send(wait=True, **fields),
            timeout_s=self.platform.timeout_s,
        )
        return str(sent.id)


async def answer(
    flow: ChatFlow,
    platform: DiscordPlatform,
    interaction: Interaction,
    *,
    text: str = "",
    action: str = "",
) -> None:
    """Answer a slash command (``text``) or a button (``action``, its token) through the
    chat's queue, acknowledging the interaction in time (however long the queue)."""
    chat_id = str(interaction.channel_id)
    admin = _manages(interaction)

    async def is_admin() -> bool:
        return admin

    inbound = Inbound(
        chat_id,
        text,
        "group" if interaction.guild_id is not None else "private",
        is_admin=is_admin,
        action=action,
        user_id=str(interaction.user.id),
    )
    reply = InteractionReply(platform, interaction)
    deadline = asyncio.create_task(reply.defer_after(ACK_WITHIN_S))
    try:
        await flow.submit(inbound, first=reply.send)
    finally:
        deadline.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await deadline
