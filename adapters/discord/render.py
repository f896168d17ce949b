"""A core Reply as Discord messages, with every web string escaped. Pure.

A digest (a reply with sections) becomes embeds: one card for the title and the opening
notes, one per section (continued in more cards past 4096 characters), at most 10 cards and
6000 characters per message; then the sources as masked links in their own message(s),
with the buttons under the last one. Any other reply is message content under 2000
characters, split at paragraph boundaries with citations kept with their sentence, its
sources in their own message(s) as masked links in angle brackets (``[title](<url>)``) so
Discord shows no preview cards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.delivery.platform import Card, Part
from bot.delivery.split import pack, paragraph_blocks, utf16_length
from bot.delivery.types import Paragraph, Reply, SourceLink

MAX_LENGTH = 2000
"""Message content."""
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
"""All the embeds of one message together."""
# Discord Markdown: emphasis, code, spoilers and strikes anywhere; quotes, headings and lists
# only at the start of a line; masked links from brackets. A citation "[3]" is left as it is.
_INLINE = re.compile(r"([\\*_~`|])")
_LINE_START = re.compile(r"^(\s*)([>#-])", re.MULTILINE)
_BRACKET = re.compile(r"\[\d+\]|[\[\]]")
_LINK_TEXT = re.compile(r"([\[\]])")


length = utf16_length  # never more than Discord's own count


def _formatting(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def escape(text: str) -> str:
    """Web text made inert: no formatting, and no masked link (``[x](url)``) from a title;
    a citation ``[3]`` stays as it is."""
    text = _formatting(text)
    return _BRACKET.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else "\\" + m.group(0), text)


def _bold(markdown: str) -> str:
    return f"**{markdown}**"


def _blocks(paragraph: Paragraph, limit: int) -> list[tuple[str, str]]:
    return paragraph_blocks(paragraph, limit, escape, _bold, length)


def _source_line(source: SourceLink, limit: int, *, brackets: bool) -> list[tuple[str, str]]:
    # The label is cut before the citation number ever is; a URL too long for any link
    # goes as text.
    label = _LINK_TEXT.sub(r"\\\1", _formatting(source.title[:300]))
    url = source.url.replace(">", "%3E").replace(" ", "%20").replace(")", "%29")
    target = f"<{url}>" if brackets else url
    line = f"[{source.n}] [{label}]({target})"
    if length(line) <= limit:
        return [(line, source.plain())]
    return _blocks(Paragraph(source.plain()), limit)


def _attach(parts: list[Part], reply: Reply) -> list[Part]:
    if parts and reply.actions:
        last = parts[-1]
        parts[-1] = Part(last.text, last.fallback, cards=last.cards, actions=reply.actions)
    return parts


def _content(reply: Reply, limit: int) -> list[Part]:
    blocks = [] if not reply.title else _blocks(Paragraph("", heading=reply.title), limit)
    for paragraph in reply.paragraphs:
        blocks += _blocks(paragraph, limit)
    parts = pack(blocks, limit, "\n\n")
    if reply.sources:
        lines = _blocks(Paragraph("", heading=reply.sources_title), limit)
        lines = lines if reply.sources_title else []
        lines += [b for s in reply.sources for b in _source_line(s, limit, brackets=True)]
        parts.extend(pack(lines, limit, "\n"))
    return parts


def _cards(title: str, blocks: Sequence[tuple[str, str]], joiner: str) -> list[Card]:
    """One card per description's worth of blocks; the first carries ``title``."""
    heading = escape(title)
    if length(heading) > MAX_TITLE:  # too long for a title: it opens the description
        blocks = [*_blocks(Paragraph("", heading=title), MAX_DESCRIPTION), *blocks]
        heading = ""
    bodies = pack(blocks, MAX_DESCRIPTION, joiner) or [Part("", "")]
    cards = []
    for index, body in enumerate(bodies):
        if index == 0 and heading:
            cards.append(Card(heading, body.text, f"{title}\n{body.fallback}".rstrip()))
        elif body.text:
            cards.append(Card("", body.text, body.fallback))
    return cards


def _card_length(card: Card) -> int:
    return length(card.title) + length(card.body)


def digest_cards(reply: Reply) -> list[Card]:
    """The title and opening notes, then one card (or more) per section."""
    intro = [b for p in reply.paragraphs for b in _blocks(p, MAX_DESCRIPTION)]
    cards = _cards(reply.title, intro, "\n\n") if (reply.title or intro) else []
    for section in reply.sections:
        body = [b for p in section.paragraphs for b in _blocks(p, MAX_DESCRIPTION)]
        cards += _cards(section.title, body, "\n\n")
    return cards


def source_cards(reply: Reply) -> list[Card]:
    lines = [b for s in reply.sources for b in _source_line(s, MAX_DESCRIPTION, brackets=False)]
    return _cards(reply.sources_title, lines, "\n") if lines else []


def _messages(cards: Sequence[Card]) -> list[Part]:
    """Cards packed into messages: at most 10 and 6000 characters in each."""
    messages: list[list[Card]] = []
    for card in cards:
        current = messages[-1] if messages else None
        if (
            current is None
            or len(current) >= MAX_EMBEDS
            or sum(map(_card_length, current)) + _card_length(card) > MAX_EMBED_TOTAL
        ):
            messages.append([card])
        else:
            current.append(card)
    return [Part("", "\n\n".join(c.plain for c in group), cards=tuple(group)) for group in messages]


def render(reply: Reply, limit: int = MAX_LENGTH) -> list[Part]:
    """A digest as embeds, anything else as content; the buttons under the last message."""
    if reply.sections:  # the sources in their own message, as on Telegram
        return _attach(_messages(digest_cards(reply)) + _messages(source_cards(reply)), reply)
    return _attach(_content(reply, limit), reply)
