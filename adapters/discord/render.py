"""A core Reply as Discord messages: Markdown with every web string escaped, split at
paragraph boundaries under 2000 characters with citations kept with their sentence. Pure.

The sources go in their own message(s) as masked links in angle brackets (``[title](<url>)``),
so Discord shows no preview card for each of them.
"""

from __future__ import annotations

import re

from bot.delivery.platform import Part
from bot.delivery.types import Paragraph, Reply

MAX_LENGTH = 2000
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])((?:\s*\[\d+\])*)\s+")
# Discord Markdown: emphasis, code, spoilers and strikes anywhere; quotes, headings and lists
# only at the start of a line. Brackets are left alone so "[3]" reads as a citation.
_INLINE = re.compile(r"([\\*_~`|])")
_LINE_START = re.compile(r"^(\s*)([>#-])", re.MULTILINE)
_LINK_TEXT = re.compile(r"([\[\]])")


def length(text: str) -> int:
    """Counted in UTF-16 code units: never more than Discord's own count."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def _block(paragraph: Paragraph) -> tuple[str, str]:
    if paragraph.heading:
        return (
            f"**{escape(paragraph.heading)}**\n{escape(paragraph.text)}".rstrip(),
            f"{paragraph.heading}\n{paragraph.text}".rstrip(),
        )
    return escape(paragraph.text), paragraph.text


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
        blocks.append((f"**{escape(reply.title)}**", reply.title))
    for paragraph in reply.paragraphs:
        markdown, plain = _block(paragraph)
        if length(markdown) <= limit:
            blocks.append((markdown, plain))
            continue
        # Too long for one message: sentence pieces, escaped per piece. Escaping at most
        # doubles a piece, hence half the room.
        room = limit - length(escape(paragraph.heading)) - 8
        for index, piece in enumerate(_pieces(paragraph.text, room // 2)):
            blocks.append(_block(Paragraph(piece, paragraph.heading if index == 0 else "")))
    return blocks


def _pack(blocks: list[tuple[str, str]], limit: int, joiner: str) -> list[Part]:
    parts: list[Part] = []
    text, plain = "", ""
    for block_text, block_plain in blocks:
        if text and length(text + joiner + block_text) > limit:
            parts.append(Part(text, plain))
            text, plain = "", ""
        text = f"{text}{joiner}{block_text}" if text else block_text
        plain = f"{plain}{joiner}{block_plain}" if plain else block_plain
    if text:
        parts.append(Part(text, plain))
    return parts


def _source_line(n: int, title: str, url: str, limit: int) -> tuple[str, str]:
    # A title or URL long enough to break the limit is shortened, never the citation number.
    title = title[:300]
    label = _LINK_TEXT.sub(r"\\\1", escape(title))
    url = url.replace(">", "%3E").replace(" ", "%20")
    line = f"[{n}] [{label}](<{url}>)"
    if length(line) > limit:
        line = f"[{n}] {label}\n<{url[: limit - length(label) - 16]}>"
    return line, f"[{n}] {title} {url}"


def render(reply: Reply, limit: int = MAX_LENGTH) -> list[Part]:
    """The body in as few messages as fit, then the sources list as its own message(s)."""
    parts = _pack(_blocks(reply, limit), limit, "\n\n") if (reply.title or reply.paragraphs) else []
    if reply.sources:
        lines = [("**Sources**", "Sources")]
        lines += [_source_line(s.n, s.title, s.url, limit) for s in reply.sources]
        parts.extend(_pack(lines, limit, "\n"))
    return parts
