"""Cutting a reply into chat messages under a platform's length limit. Pure.

Shared by every adapter's renderer: each escapes in its own markup, then uses these to cut
at sentence ends (a sentence keeps its trailing ``[n]`` citations) and to pack blocks into
as few messages as fit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.delivery.platform import Part

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])((?:\s*\[\d+\])*)\s+")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram and Discord count it."""
    return len(text.encode("utf-16-le")) // 2


def sentence_pieces(text: str, limit: int) -> list[str]:
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
        units = [sentence] if utf16_length(sentence) <= limit else sentence.split(" ")
        for unit in units:
            while utf16_length(unit) > limit:  # one enormous word: cut it
                pieces.extend([current] if current else [])
                current = ""
                pieces.append(unit[: limit // 2])
                unit = unit[limit // 2 :]
            joiner = " " if current else ""
            if utf16_length(current + joiner + unit) <= limit:
                current += joiner + unit
            else:
                pieces.append(current)
                current = unit
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def pack(blocks: Sequence[tuple[str, str]], limit: int, joiner: str) -> list[Part]:
    """(markup, plain) blocks joined into as few parts as fit under ``limit``."""
    parts: list[Part] = []
    text, plain = "", ""
    for block_text, block_plain in blocks:
        if text and utf16_length(text + joiner + block_text) > limit:
            parts.append(Part(text, plain))
            text, plain = "", ""
        text = f"{text}{joiner}{block_text}" if text else block_text
        plain = f"{plain}{joiner}{block_plain}" if plain else block_plain
    if text:
        parts.append(Part(text, plain))
    return parts
