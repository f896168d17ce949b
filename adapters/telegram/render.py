"""A core Reply as Telegram messages: HTML parse mode, every web string escaped, split at
paragraph boundaries under 4096 characters with citations kept with their sentence. Pure."""

from __future__ import annotations

import html
import re

from bot.delivery.platform import Part
from bot.delivery.types import Paragraph, Reply

MAX_LENGTH = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])((?:\s*\[\d+\])*)\s+")


def length(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _block(paragraph: Paragraph) -> tuple[str, str]:
    if paragraph.heading:
        return (
            f"<b>{_esc(paragraph.heading)}</b>\n{_esc(paragraph.text)}".rstrip(),
            f"{paragraph.heading}\n{paragraph.text}".rstrip(),
        )
    return _esc(paragraph.text), paragraph.text


def _pieces(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` at sentence ends (a sentence keeps its
    trailing ``[n]`` citations), else at spaces, else hard."""
    sentences: list[str] = []
    last = 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[last : match.start()] + match.group(1))
        last = match.end()
    sentences.append(text[last:])
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        units = [sentence] if length(sentence) <= limit else sentence.split(" ")
        for unit in units:
            while length(unit) > limit:  # one enormous word: cut it
                pieces.extend([current] if current else [])
                current = ""
                pieces.append(unit[: limit // 2])
                unit = unit[limit // 2 :]
            joiner = " " if current else ""
            if length(current + joiner + unit) <= limit:
                current += joiner + unit
            else:
                pieces.append(current)
                current = unit
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


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
        for index, piece in enumerate(_pieces(paragraph.text, room // 2)):
            head = Paragraph(piece, paragraph.heading if index == 0 else "")
            blocks.append(_block(head))
    return blocks


def _pack(blocks: list[tuple[str, str]], limit: int) -> list[Part]:
    parts: list[Part] = []
    text, plain = "", ""
    for block_html, block_plain in blocks:
        if text and length(text + "\n\n" + block_html) > limit:
            parts.append(Part(text, plain))
            text, plain = "", ""
        text = f"{text}\n\n{block_html}" if text else block_html
        plain = f"{plain}\n\n{block_plain}" if plain else block_plain
    if text:
        parts.append(Part(text, plain))
    return parts


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
    parts = _pack(_blocks(reply, limit), limit) if (reply.title or reply.paragraphs) else []
    if reply.sources:
        lines = sources_blocks(reply)
        packed: list[Part] = []
        text, plain = "", ""
        for line_html, line_plain in lines:
            if text and length(text + "\n" + line_html) > limit:
                packed.append(Part(text, plain))
                text, plain = "", ""
            text = f"{text}\n{line_html}" if text else line_html
            plain = f"{plain}\n{line_plain}" if plain else line_plain
        packed.append(Part(text, plain))
        parts.extend(packed)
    return parts
