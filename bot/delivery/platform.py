"""What the delivery engine needs from a chat platform (Telegram, Discord, the terminal).

A platform renders a core :class:`Reply` into message parts in its own markup and sends one
part at a time; the engine paces the parts with one rate limiter per platform. Platforms
raise only errors of :mod:`bot.errors` (``DeliveryError`` and its subclasses).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.delivery.types import Action, Reply


@dataclass(frozen=True)
class Limits:
    """Published sending limits. ``0`` switches a limit off."""

    per_second: float = 30.0
    """Messages per second, all chats together."""
    per_chat_per_second: float = 1.0
    group_per_minute: float = 20.0


@dataclass(frozen=True)
class Card:
    """A titled block of a message, for platforms that draw them (Discord embeds)."""

    title: str
    body: str
    plain: str = ""
    """Title and body as plain text."""


@dataclass(frozen=True)
class Part:
    """One platform message: ``text`` in the platform's markup, ``fallback`` as plain text
    (sent instead when the platform rejects the markup), the ``cards`` it carries, the
    ``actions`` (buttons) under it, and whether it prompts the reader to reply."""

    text: str
    fallback: str
    cards: tuple[Card, ...] = ()
    actions: tuple[Action, ...] = ()
    expects_reply: bool = False


PartSender = Callable[[Part, bool], Awaitable[str]]
"""Sends one part (``True``: in markup, ``False``: its plain fallback); returns its id."""


class Platform(Protocol):
    name: str
    limits: Limits

    def render(self, reply: Reply) -> list[Part]:
        """The messages that carry ``reply``, each within the platform's length limit."""
        ...

    async def send_part(self, chat_id: str, part: Part, *, markup: bool = True) -> str:
        """Send one part; return its message id. ``markup=False`` sends ``part.fallback``."""
        ...

    async def identity(self) -> str:
        """The bot's own name on the platform."""
        ...
