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


@dataclass(frozen=True)
class Paragraph:
    """One block of plain text. ``heading`` is shown in bold before ``text``."""

    text: str
    heading: str = ""


@dataclass(frozen=True)
class Reply:
    """A message for a chat, in the core's terms. ``digest_id`` marks a digest (or an answer
    about one): replying to it asks about that digest."""

    paragraphs: tuple[Paragraph, ...]
    title: str = ""
    sources: tuple[SourceLink, ...] = ()
    digest_id: int | None = None

    @classmethod
    def text(cls, line: str) -> Reply:
        return cls(paragraphs=(Paragraph(line),))

    def plain(self) -> str:
        """The whole reply as plain text (terminal, and the fallback of every platform)."""
        blocks = [self.title] if self.title else []
        for paragraph in self.paragraphs:
            if paragraph.heading:
                blocks.append(f"{paragraph.heading}\n{paragraph.text}".rstrip())
            else:
                blocks.append(paragraph.text)
        if self.sources:
            blocks.append("\n".join(f"[{s.n}] {s.title} {s.url}" for s in self.sources))
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
