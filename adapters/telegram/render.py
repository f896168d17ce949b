"""A core Reply as Telegram messages: HTML parse mode, every web string escaped, bold
section headings, split at section and paragraph boundaries under 4096 characters with
citations kept with their sentence; the sources as links in their own message(s), the
buttons under the last one. Pure."""

from __future__ import annotations

import html

from bot.delivery.platform import Part
from bot.delivery.split import pack, paragraph_blocks, utf16_length
from bot.delivery.types import Paragraph, Reply, SourceLink

MAX_LENGTH = 4096
length = utf16_length  # Telegram counts UTF-16 code units; markup only adds to it


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _bold(markup: str) -> str:
    return f"<b>{markup}</b>"


def _blocks(paragraph: Paragraph, limit: int) -> list[tuple[str, str]]:
    return paragraph_blocks(paragraph, limit, _esc, _bold, length)


def _heading(title: str, limit: int) -> list[tuple[str, str]]:
    """A heading alone (the reply's title, a section's): bold, cut if it must be."""
    return _blocks(Paragraph("", heading=title), limit)


def _body_blocks(reply: Reply, limit: int) -> list[tuple[str, str]]:
    blocks = _heading(reply.title, limit) if reply.title else []
    for paragraph in reply.paragraphs:
        blocks += _blocks(paragraph, limit)
    for section in reply.sections:
        heading = _heading(section.title, limit)
        body = [block for p in section.paragraphs for block in _blocks(p, limit)]
        if len(heading) == 1 and body:
            # The heading stays with the section's first block whenever both fit.
            (head, head_plain), (first, first_plain) = heading[0], body[0]
            if length(f"{head}\n{first}") <= limit:
                heading, body[0] = [], (f"{head}\n{first}", f"{head_plain}\n{first_plain}")
        blocks += heading + body
    return blocks


def _source_blocks(source: SourceLink, limit: int) -> list[tuple[str, str]]:
    # An over-long URL cannot be a link: it goes as text, cut like any paragraph.
    line = f'[{source.n}] <a href="{html.escape(source.url, quote=True)}">{_esc(source.title)}</a>'
    if length(line) <= limit:
        return [(line, source.plain())]
    return _blocks(Paragraph(source.plain()), limit)


def sources_blocks(reply: Reply, limit: int = MAX_LENGTH) -> list[tuple[str, str]]:
    lines = [block for s in reply.sources for block in _source_blocks(s, limit)]
    if reply.sources_title:
        return [*_heading(reply.sources_title, limit), *lines]
    return lines


def render(reply: Reply, limit: int = MAX_LENGTH) -> list[Part]:
    """The body in as few messages as fit, then the sources list as its own message(s);
    the reply's buttons (or its prompt to answer) go with the last message."""
    parts = pack(_body_blocks(reply, limit), limit, "\n\n")
    if reply.sources:
        parts.extend(pack(sources_blocks(reply, limit), limit, "\n"))
    if parts and (reply.actions or reply.expects_reply):
        last = parts[-1]
        parts[-1] = Part(
            last.text, last.fallback, actions=reply.actions, expects_reply=reply.expects_reply
        )
    return parts
