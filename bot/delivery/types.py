"""Core types of chat delivery: what a reply holds, who subscribed, what was sent.

Platforms render a :class:`Reply` in their own markup; nothing here knows about any platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChatKind = Literal["private", "group"]
Status = Literal["pending", "sending", "sent", "uncertain", "failed"]


@dataclass(frozen=True)
class SourceLink:
    n: int
    title: str
    url: str

    def plain(self) -> str:
        return f"[{self.n}] {self.title} {self.url}"


@dataclass(frozen=True)
class Paragraph:
    """One block of plain text. ``heading`` is shown in bold before ``text``."""

    text: str
    heading: str = ""

    def plain(self) -> str:
        return f"{self.heading}\n{self.text}".rstrip() if self.heading else self.text


@dataclass(frozen=True)
class Section:
    """A titled part of a digest (trend, highlights, ...): platforms show ``title`` as a
    heading and cut messages only between sections or between their paragraphs."""

    title: str
    paragraphs: tuple[Paragraph, ...]


ActionKind = Literal["sources", "ask", "previous"]
ACTION_KINDS: tuple[ActionKind, ...] = ("sources", "ask", "previous")
_ACTION_PREFIX = "dg"


@dataclass(frozen=True)
class Action:
    """A button under a digest, in the core's terms; each platform draws it its own way
    (Telegram inline keyboard, Discord components) and hands its :meth:`token` back."""

    kind: ActionKind
    digest_id: int
    label: str
    command: str = ""
    """The chat command that does the same, for a chat without buttons (the terminal)."""

    @property
    def token(self) -> str:
        """What the platform carries back when the button is pressed (at most 64 bytes:
        Telegram's callback_data limit)."""
        return f"{_ACTION_PREFIX}:{self.kind}:{self.digest_id}"

    @staticmethod
    def parse(token: str) -> tuple[ActionKind, int] | None:
        """``(kind, digest_id)`` of a token that :attr:`token` made, else None."""
        prefix, _, rest = token.partition(":")
        kind, _, number = rest.partition(":")
        for known in ACTION_KINDS:
            if prefix == _ACTION_PREFIX and kind == known and number.isdigit():
                return known, int(number)
        return None


@dataclass(frozen=True)
class Reply:
    """A message for a chat, in the core's terms. ``digest_id`` marks a digest (or an answer
    about one): replying to it asks about that digest.

    ``paragraphs`` open the reply (a command's answer is only these); a digest adds its
    ``sections``. ``actions`` are the buttons under it; ``expects_reply`` asks the platform
    to prompt the reader for an answer (Telegram's force-reply)."""

    paragraphs: tuple[Paragraph, ...]
    title: str = ""
    sources: tuple[SourceLink, ...] = ()
    digest_id: int | None = None
    sections: tuple[Section, ...] = ()
    sources_title: str = ""
    """The heading over ``sources`` (none when empty)."""
    actions: tuple[Action, ...] = ()
    expects_reply: bool = False

    @classmethod
    def text(cls, line: str) -> Reply:
        return cls(paragraphs=(Paragraph(line),))

    def plain(self) -> str:
        """The whole reply as plain text (terminal, and the fallback of every platform)."""
        blocks = [self.title] if self.title else []
        blocks += [paragraph.plain() for paragraph in self.paragraphs]
        for section in self.sections:
            blocks.append(section.title)
            blocks += [paragraph.plain() for paragraph in section.paragraphs]
        if self.sources:
            blocks += [self.sources_title] if self.sources_title else []
            blocks.append("\n".join(source.plain() for source in self.sources))
        return "\n\n".join(blocks)


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    chat_id: str
    chat_kind: ChatKind
    topic: str
    time: str
    timezone: str
    language: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    active: bool = True
    deactivated_reason: str | None = None


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: int
    digest_id: int
    platform: str
    chat_id: str
    status: Status
    message_ids: tuple[str, ...] = ()
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True)
class Sent:
    """What a platform reports after sending one reply (possibly several messages)."""

    message_ids: tuple[str, ...] = field(default=())
