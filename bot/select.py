"""Selection: which stories a digest tells, in which order. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.models import Article, Story

ECHO_WEIGHT = 1.5


def rank_stories(
    articles: Sequence[Article], copies: Mapping[str, Sequence[str]], limit: int
) -> list[Story]:
    """Stories ordered by how strongly they are about the topic and how many outlets
    carried them; ties go to the earlier story."""
    stories = [Story(lead=a, copies=tuple(copies.get(a.url, ()))) for a in articles]
    stories.sort(
        key=lambda s: (-(s.lead.relevance + ECHO_WEIGHT * (s.outlets - 1)), s.lead.published)
    )
    return stories[:limit]
