"""A core Reply as Telegram messages: HTML parse mode, every web string escaped, split at
paragraph boundaries under 4096 characters with citations kept with their sentence. Pure."""

from __future__ import annotations

import html

from bot.delivery.platform import Part
from bot.delivery.split import pack, sentence_pieces, utf16_length
from bot.delivery.types import Paragraph, Reply

MAX_LENGTH = 4096
length = utf16_length  # Telegram counts UTF-16 code units


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _block(paragraph: Paragraph) -> tuple[str, str]:
    if paragraph.heading:
        return (
            f"<b>{_esc(paragraph.heading)}</b>\n{_esc(paragraph.text)}".rstrip(),
            f"{paragraph.heading}\n{paragraph.text}".rstrip(),
        )
    return _esc(paragraph.text), paragraph.text


def _blocks(reply: Reply, limit: int) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    if reply.title:
        blocks.append((f"<b>{_esc(reply.title)}</b>", reply.title))
    for paragraph in reply.paragraphs:
        html_text, plain = _block(paragraph)
        if length(html_text) <= limit:
            blocks.append((html_text, plain))
            continue
        # Too long for one message: its text goes in sentence pieces, escaped per piece, so
        # no entity or tag is ever cut in half.
        room = limit - length(_esc(paragraph.heading)) - 16
        for index, piece in enumerate(sentence_pieces(paragraph.text, room // 2)):
            head = Paragraph(piece, paragraph.heading if index == 0 else "")
            blocks.append(_block(head))
    return blocks


def sources_blocks(reply: Reply) -> list[tuple[str, str]]:
    lines = [
        (
            f'[{s.n}] <a href="{html.escape(s.url, quote=True)}">{_esc(s.title)}</a>',
            f"[{s.n}] {s.title} {s.url}",
        )
        for s in reply.sources
    ]
    return [("<b>Sources</b>", "Sources"), *lines]


def render(reply: Reply, limit: int = MAX_LENGTH) -> list[Part]:
    """The body in as few messages as fit, then the sources list as its own message(s)."""
    parts = pack(_blocks(reply, limit), limit, "\n\n") if (reply.title or reply.paragraphs) else []
    if reply.sources:
        parts.extend(pack(sources_blocks(reply), limit, "\n"))
    return parts
