"""A core Reply as Discord messages: Markdown with every web string escaped, split at
paragraph boundaries under 2000 characters with citations kept with their sentence. Pure.

The sources go in their own message(s) as masked links in angle brackets (``[title](<url>)``),
so Discord shows no preview card for each of them.
"""

from __future__ import annotations

import re

from bot.delivery.platform import Part
from bot.delivery.split import pack, sentence_pieces, utf16_length
from bot.delivery.types import Paragraph, Reply

MAX_LENGTH = 2000
# Discord Markdown: emphasis, code, spoilers and strikes anywhere; quotes, headings and lists
# only at the start of a line. Brackets are left alone so "[3]" reads as a citation.
_INLINE = re.compile(r"([\\*_~`|])")
_LINE_START = re.compile(r"^(\s*)([>#-])", re.MULTILINE)
_LINK_TEXT = re.compile(r"([\[\]])")


length = utf16_length  # never more than Discord's own count


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
        for index, piece in enumerate(sentence_pieces(paragraph.text, room // 2)):
            blocks.append(_block(Paragraph(piece, paragraph.heading if index == 0 else "")))
    return blocks


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
    parts = pack(_blocks(reply, limit), limit, "\n\n") if (reply.title or reply.paragraphs) else []
    if reply.sources:
        lines = [("**Sources**", "Sources")]
        lines += [_source_line(s.n, s.title, s.url, limit) for s in reply.sources]
        parts.extend(pack(lines, limit, "\n"))
    return parts
