"""A digest as a chat :class:`Reply`: every section the Markdown post has, in its order and
language, filtered by one subscription's keywords. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from bot.delivery.types import Action, ActionKind, Paragraph, Reply, Section, SourceLink
from bot.i18n import REASONS, text
from bot.models import Digest, Point
from bot.render import title_of

BULLET = "• "
_MARKDOWN_ONLY = re.compile(r"^> |`")  # the post's quote marker and code spans


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


def _cite(citations: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in citations)


def _cited(body: str, citations: tuple[int, ...]) -> str:
    return f"{body} {_cite(citations)}".rstrip()


def chat_text(markdown_string: str) -> str:
    """One of the post's fixed strings without its Markdown (``> `` quote, backticks)."""
    return _MARKDOWN_ONLY.sub("", markdown_string).strip("*")


def mode_notice(digest: Digest) -> str:
    """Why the text is quoted rather than written, for an extractive digest; else ""."""
    if digest.mode != "extractive" or digest.quiet:
        return ""
    language = digest.language
    if digest.mode_reason in ("", "no_key"):
        return chat_text(text(language, "extractive_notice"))
    reason = REASONS.get(language, {}).get(digest.mode_reason, digest.mode_reason)
    return chat_text(text(language, "extractive_notice_failed", reason=reason))


class _Filter:
    """Which stories a subscription's words keep, and so which sources and points go."""

    def __init__(self, digest: Digest, include: tuple[str, ...], exclude: tuple[str, ...]):
        self.active = bool(include or exclude)
        self.include, self.exclude = include, exclude
        self.stories = tuple(
            item
            for item in digest.highlights
            if keep_story(f"{item.headline}\n{item.text}", include, exclude)
        )
        self.cited = {n for item in self.stories for n in item.citations}
        """The sources the kept text cites (grows as points are kept)."""
        self.dropped = {n for item in digest.highlights for n in item.citations} - self.cited

    def point(self, point: Point) -> bool:
        """A point stays unless it cites a story that was dropped or names an excluded word."""
        if self.active and (
            set(point.citations) & self.dropped
            or not keep_story(f"{point.label}\n{point.text}", (), self.exclude)
        ):
            return False
        self.cited.update(point.citations)
        return True


def _points(points: Iterable[Point], bullet: bool) -> tuple[Paragraph, ...]:
    paragraphs = []
    for point in points:
        body = _cited(point.text, point.citations)
        if point.label:
            paragraphs.append(Paragraph(body, heading=point.label))
        else:
            paragraphs.append(Paragraph(f"{BULLET}{body}" if bullet else body))
    return tuple(paragraphs)


def _fallback_notice(digest: Digest, key: str) -> tuple[Paragraph, ...]:
    if key not in digest.fallback_sections:
        return ()
    notice = "analysis_fallback" if key == "analysis" else "section_fallback"
    return (Paragraph(chat_text(text(digest.language, notice))),)


def _sections(digest: Digest, keep: _Filter) -> list[Section]:
    language = digest.language
    sections: list[Section] = []
    if digest.trend is not None and keep.point(digest.trend):
        body = _fallback_notice(digest, "trend") + _points([digest.trend], bullet=False)
        sections.append(Section(text(language, "trend"), body))
    if keep.stories:
        stories = tuple(
            Paragraph(_cited(item.text, item.citations), heading=item.headline)
            for item in keep.stories
        )
        body = _fallback_notice(digest, "highlights") + stories
        sections.append(Section(text(language, "highlights"), body))
    for key, points, bullet in (
        ("analysis", digest.analysis, False),
        ("key_points", digest.key_points, True),
        ("thoughts", digest.thoughts, False),
    ):
        kept = [p for p in points if keep.point(p)]
        if kept or (key in digest.fallback_sections and not keep.active):
            body = _fallback_notice(digest, key) + _points(kept, bullet)
            sections.append(Section(text(language, key), body))
    return sections


def digest_actions(digest: Digest, digest_id: int) -> tuple[Action, ...]:
    """The buttons under a digest: its sources, a question about it, the day before; each
    with the command a reader without buttons types instead."""
    language = digest.language
    commands: dict[ActionKind, str] = {
        "sources": "sources",
        "ask": text(language, "command.ask.usage"),
        "previous": f"digest {digest.topic} {digest.date - timedelta(days=1):%Y-%m-%d}",
    }
    return tuple(
        Action(kind, digest_id, text(language, f"action.{kind}"), command)
        for kind, command in commands.items()
    )


def digest_reply(
    digest: Digest,
    digest_id: int,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> Reply:
    """The whole digest: the extractive-mode notice, then trend, highlights, deep analysis,
    key points and further thoughts, each with its ``[n]`` citations, then the sources.

    Stories are kept when they match an ``include`` word (if any) and no ``exclude`` word.
    The other sections keep the points that cite no dropped story; the sources list holds
    only the sources the kept text cites, with their numbers.
    """
    keep = _Filter(digest, tuple(include), tuple(exclude))
    sections = _sections(digest, keep)
    intro: list[Paragraph] = []
    if notice := mode_notice(digest):
        intro.append(Paragraph(notice))
    if not keep.stories and not digest.quiet:
        note = "chat.no_match" if keep.active else "chat.no_stories"
        intro.append(Paragraph(text(digest.language, note)))
    sources = tuple(
        SourceLink(n=s.n, title=s.title, url=s.url)
        for s in digest.sources
        if not keep.active or s.n in keep.cited
    )
    return Reply(
        title=title_of(digest),
        paragraphs=tuple(intro),
        sections=tuple(sections),
        sources=sources,
        sources_title=text(digest.language, "sources"),
        digest_id=digest_id,
        actions=digest_actions(digest, digest_id),
    )
