"""Cutting a reply into chat messages under a platform's length limit. Pure.

Shared by every adapter's renderer: each supplies its own escaping and bold markup, then uses
these to cut a paragraph at sentence ends (a sentence keeps its trailing ``[n]``
citations), measured *as escaped*, and to pack blocks into as few messages as fit. Every
cut makes progress, whatever the limit and however long a heading or a word is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.delivery.platform import Part
from bot.delivery.types import Paragraph

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])((?:\s*\[\d+\])*)\s+")
Measure = Callable[[str], int]
Markup = Callable[[str], str]


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram and Discord count it."""
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int, measure: Measure) -> int:
    """How many characters of ``text`` fit in ``limit`` (at least one: a cut always makes
    progress). ``measure`` grows with the prefix, so a binary search finds it."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def sentence_pieces(text: str, limit: int, measure: Measure = utf16_length) -> list[str]:
    """``text`` cut into pieces whose ``measure`` is at most ``limit``: at sentence ends (a
    sentence keeps its trailing ``[n]`` citations), else at spaces, else inside a word."""
    sentences: list[str] = []
    last = 0
    for match in _SENTENCE_END.finditer(text):
        sentences.append(text[last : match.start()] + match.group(1))
        last = match.end()
    sentences.append(text[last:])
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        units = [sentence] if measure(sentence) <= limit else sentence.split(" ")
        for unit in units:
            while measure(unit) > limit:  # one enormous word: cut it
                pieces.extend([current] if current else [])
                current = ""
                cut = _longest_prefix(unit, limit, measure)
                pieces.append(unit[:cut])
                unit = unit[cut:]
            joined = f"{current} {unit}" if current else unit
            if measure(joined) <= limit:
                current = joined
            else:
                pieces.append(current)
                current = unit
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def paragraph_blocks(
    paragraph: Paragraph, limit: int, escape: Markup, bold: Markup, measure: Measure = utf16_length
) -> list[tuple[str, str]]:
    """(markup, plain) blocks of one paragraph, each at most ``limit``: the whole paragraph
    when it fits; else its bold heading with the first sentences, then more sentences. A
    heading too long to share a block goes alone, cut like text if it must be."""
    heading, text = paragraph.heading, paragraph.text
    head = bold(escape(heading)) if heading else ""
    whole = f"{head}\n{escape(text)}".rstrip() if head else escape(text)
    if measure(whole) <= limit:
        return [(whole, paragraph.plain())]

    def escaped(piece: str) -> int:
        return measure(escape(piece))

    blocks: list[tuple[str, str]] = []
    room = limit
    if head and measure(head) <= limit // 2:
        room = limit - measure(head) - 1
    elif heading:
        overhead = measure(bold(""))
        for piece in sentence_pieces(heading, max(limit - overhead, 1), escaped):
            blocks.append((bold(escape(piece)), piece))
        head = ""
    for index, piece in enumerate(sentence_pieces(text, room, escaped)):
        if index == 0 and head:
            blocks.append((f"{head}\n{escape(piece)}", f"{heading}\n{piece}"))
        else:
            blocks.append((escape(piece), piece))
    if head and not blocks:
        blocks.append((head, heading))
    return blocks


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
