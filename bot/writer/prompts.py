"""Prompts for the two stages. Pure: stories and memory in, (system, user) strings out.

Tokens are bounded by construction. Stage 1 sees, per story cluster, the title, the opening
sentences and the sentence richest in names and figures, never the full article; stage 2
sees only the stage-1 summaries plus a few lines of memory. The test fake and the benchmark
read the ``[n]`` lines, so their shape is part of this module's contract.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose import body_sentences, clip, key_fact, story_title
from bot.models import Story, host
from bot.writer.memory import Memory, StoryStatus
from bot.writer.schemas import ClusterSummary

LEAD_SENTENCES = 2
STORY_CHARS = 480
STAGE1_MARK = "TASK: summarise story clusters"
STAGE2_MARK = "TASK: compose the digest"

LANGUAGE_NAMES = {
    "en": "English",
    "zh-TW": "Traditional Chinese as used in Taiwan (繁體中文，台灣用語)",
}

STAGE1_SYSTEM = f"""{STAGE1_MARK}
You write short factual summaries for a daily news digest about {{topic}}.
Write in {{language}}. Keep product and company names as they are.
Use only the text given for each story; never add facts.
Return one JSON object: {{{{"summaries": [{{{{"n": <story number>, "headline": "<=12 words",
"summary": "1-2 sentences", "facts": ["up to 3 short facts, each with its names/numbers"]}}}}]}}}}
One entry per story, same n."""

STAGE2_SYSTEM = f"""{STAGE2_MARK}
You are the editor of a daily digest about {{topic}} for {{day}}. Write in {{language}}.
Use only the numbered story summaries given. Return one JSON object:
{{{{"summary": "2-3 sentences for the page description",
"trend": {{{{"text": "one paragraph: the main thread of the last days", "citations": [n]}}}},
"highlights": [{{{{"headline": "...", "text": "2-3 sentences", "citations": [n],
"changed": "for an UPDATE story: what is new since the earlier day; else empty"}}}}],
"analysis": [{{{{"label": "industry meaning | competition | market impact", "text": "...",
"citations": [n]}}}}],
"key_points": [{{{{"text": "one line", "citations": [n]}}}}],
"thoughts": [{{{{"label": "for developers | for everyday users", "text": "..."}}}}]}}}}
Rules:
- 3 to 6 highlights (fewer if fewer stories), 2-3 analysis points, 5-7 key points.
- Every trend, highlight, analysis point and key point cites the numbers [n] of the stories
  whose summary states it, in "citations". Cite only listed numbers. Repeat the names and
  figures from the cited summary, so a reader can check the claim.
- A story marked UPDATE was covered on an earlier day: do not present it as new; say what
  changed.
- {{week_rule}}
- {{size_rule}}
- Never write Markdown; plain sentences only."""

STRICT_LANGUAGE = {
    "en": "IMPORTANT: the previous answer was not in English. Write every value in English.",
    "zh-TW": (
        "重要：上一次的回答不是繁體中文。所有文字都必須使用繁體中文（台灣用語），"
        "只有產品與公司名稱可保留原文。"
    ),
}

QUIET_STORIES = 2
SIZE_RULES = {
    False: "Tell each story once; do not pad with older news.",
    True: (
        "It is a quiet day with only {n} story/stories: say so plainly in the trend and the "
        "summary, one highlight per story, at most 1 analysis point and 2 key points; "
        "do not pad with older news."
    ),
}

WEEK_RULES = {
    True: "There is a week of history: you may speak of this week.",
    False: (
        'There is less than a week of history: do not write "this week" (or 本週); '
        "speak of today or recent days."
    ),
}


def story_brief(story: Story, keywords: Sequence[str]) -> str:
    """The bounded text stage 1 sees for one cluster."""
    body = body_sentences(story)
    lead = body[:LEAD_SENTENCES]
    fact = key_fact(body, lead, keywords)
    # The fact-richest sentence goes second so that clipping drops colour, not figures.
    return clip([*lead[:1], *([fact] if fact else []), *lead[1:]], STORY_CHARS)


def stage1(
    topic_name: str, language: str, numbered: Sequence[tuple[int, Story]], keywords: Sequence[str]
) -> tuple[str, str]:
    system = STAGE1_SYSTEM.format(topic=topic_name, language=LANGUAGE_NAMES[language])
    blocks = [
        f"[{n}] {story_title(story)} ({host(story.lead.url)}, {story.outlets} outlet(s))\n"
        f"{story_brief(story, keywords)}"
        for n, story in numbered
    ]
    return system, "\n\n".join(blocks)


def stage2(
    topic_name: str,
    day: str,
    language: str,
    summaries: Sequence[ClusterSummary],
    statuses: dict[int, StoryStatus],
    memory: Memory,
    *,
    strict: bool = False,
) -> tuple[str, str]:
    system = STAGE2_SYSTEM.format(
        topic=topic_name,
        day=day,
        language=LANGUAGE_NAMES[language],
        week_rule=WEEK_RULES[memory.has_week],
        size_rule=SIZE_RULES[len(summaries) <= QUIET_STORIES].format(n=len(summaries)),
    )
    if strict:
        system += "\n" + STRICT_LANGUAGE[language]
    lines = ["Stories today:"]
    for item in summaries:
        facts = "; ".join(item.facts)
        extra = f" ({facts})" if facts else ""
        lines.append(f"[{item.n}] {item.headline}: {item.summary}{extra}")
        status = statuses.get(item.n)
        if status is not None and status.kind == "update" and status.earlier is not None:
            lines.append(
                f"    UPDATE of a story covered on {status.earlier.day.isoformat()} "
                f'("{status.earlier.title}"); new: ' + " ".join(status.new_facts)
            )
    if memory.earlier_headlines:
        lines.append("Earlier digests (context for the trend; do not cite):")
        lines += [f"- {d.isoformat()}: {h}" for d, h in memory.earlier_headlines]
    return system, "\n".join(lines)


def naive(topic_name: str, language: str, stories: Sequence[Story]) -> tuple[str, str]:
    """The one-shot prompt the two stages replace: every article in full. For the benchmark."""
    system = STAGE2_SYSTEM.format(
        topic=topic_name, day="", language=LANGUAGE_NAMES[language], week_rule="", size_rule=""
    )
    user = "\n\n".join(
        f"[{n}] {s.lead.title}\n{s.lead.text}" for n, s in enumerate(stories, start=1)
    )
    return system, user
