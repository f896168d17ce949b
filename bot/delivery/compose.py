"""A digest as a chat :class:`Reply`, filtered by one subscription's keywords. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.delivery.types import Paragraph, Reply, SourceLink
from bot.models import Digest
from bot.render import title_of


def _matcher(words: Iterable[str]) -> re.Pattern[str] | None:
    """Plain words, matched whole and case-insensitively. Users never supply a regex: every
    word is escaped, so no pattern can be slow (no ReDoS)."""
    parts = []
    for word in words:
        escaped = re.escape(word.strip())
        if not escaped:
            continue
        # Whole words; word boundaries mean nothing inside CJK text, so those match anywhere.
        parts.append(escaped if not word.isascii() else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def keep_story(text: str, include: Iterable[str], exclude: Iterable[str]) -> bool:
    wanted, unwanted = _matcher(include), _matcher(exclude)
    if unwanted is not None and unwanted.search(text):
        return False
    return wanted is None or wanted.search(text) is not None


def digest_reply(
    digest: Digest,
    digest_id: int,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> Reply:
    """Headline stories (each with its ``[n]`` citations) and the sources they cite.

    Stories are kept when they match an ``include`` word (if any) and no ``exclude`` word;
    the sources list holds only the sources the kept stories cite, with their numbers.
    """
    include, exclude = tuple(include), tuple(exclude)
    paragraphs: list[Paragraph] = []
    cited: set[int] = set()
    for item in digest.highlights:
        if not keep_story(f"{item.headline}\n{item.text}", include, exclude):
            continue
        marks = "".join(f"[{n}]" for n in item.citations if f"[{n}]" not in item.text)
        paragraphs.append(Paragraph(text=f"{item.text} {marks}".rstrip(), heading=item.headline))
        cited.update(item.citations)
    if not paragraphs:
        note = "No stories today." if not (include or exclude) else "No stories match your words."
        paragraphs.append(Paragraph(note))
    sources = tuple(
        SourceLink(n=s.n, title=s.title, url=s.url) for s in digest.sources if s.n in cited
    )
    return Reply(
        title=title_of(digest), paragraphs=tuple(paragraphs), sources=sources, digest_id=digest_id
    )
