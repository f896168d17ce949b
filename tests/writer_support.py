"""Support for the writer's tests: a scripted "model" for the fake Mistral API, which reads
our prompts and answers the way a careful model would (citing the stories it restates) or,
when asked, the way a careless one does (it sits at the network edge: the real SDK sends the
request and parses the reply); and a copy of the collected sample database."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.collect import collect
from bot.config import Config, parse_config
from bot.fetch import Fetcher
from bot.writer.prompts import STAGE1_MARK, STAGE2_MARK
from storage import open_database
from tests.conftest import SAMPLE_DATE, example_data

_STORY = re.compile(r"^\[(\d+)\] (.+?) \([^()]*outlet\(s\)\)$", re.MULTILINE)
_SUMMARY = re.compile(r"^\[(\d+)\] (.+?): (.*)$", re.MULTILINE)
_UPDATE = re.compile(r"^\s+UPDATE of a story covered on (\S+) .*?; new: (.*)$", re.MULTILINE)


@dataclass
class Script:
    language: str = "en"
    """The language the fake writes in (set it to the wrong one to test the check)."""
    wrong_language_times: int = 0
    """Stage-2 replies written in the other language before the right one."""
    hallucinate: bool = False
    """Cite numbers that were never given, and a real source for another story's claim."""
    uncited_highlights: bool = False
    """Every highlight cites a source that does not support it."""
    explain_updates: bool = True
    inline_refs: bool = False
    """Write refs inside the prose ("... [2]") and as strings, as real models sometimes do."""
    trend: str = ""
    stage2_calls: int = field(default=0, init=False)

    def __call__(self, request: dict[str, Any]) -> str:
        system = request["messages"][0]["content"]
        user = request["messages"][1]["content"]
        if system.startswith(STAGE1_MARK):
            return json.dumps(self._stage1(user), ensure_ascii=False)
        assert system.startswith(STAGE2_MARK), system[:80]
        self.stage2_calls += 1
        language = self.language
        if self.stage2_calls <= self.wrong_language_times:
            language = "en" if language == "zh-TW" else "zh-TW"
        return json.dumps(self._stage2(user, language), ensure_ascii=False)

    def _stage1(self, user: str) -> dict[str, Any]:
        summaries = []
        for match in _STORY.finditer(user):
            n, title = int(match.group(1)), match.group(2)
            body = user[match.end() :].split("\n\n", 1)[0].strip()
            first = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
            summary = first if self.language == "en" else f"報導指出：{title}，相關細節值得關注。"
            summaries.append({"n": n, "headline": title, "summary": summary, "facts": []})
        return {"summaries": summaries}

    def _stage2(self, user: str, language: str) -> dict[str, Any]:
        # A careful model restates what each summary says (the summary quotes the article).
        stories: list[tuple[int, str]] = []
        said: dict[int, str] = {}
        updated: dict[int, str] = {}
        for line in user.splitlines():
            if (story := _SUMMARY.match(line)) is not None:
                n = int(story.group(1))
                stories.append((n, story.group(2)))
                said[n] = story.group(3)
            elif (update := _UPDATE.match(line)) and stories:
                updated[stories[-1][0]] = update.group(2)
        say: Callable[[int, str], str] = (
            (lambda n, h: said.get(n) or h)
            if language == "en"
            else (
                lambda n, h: f"{h}：報導整理了這則消息的重點，包括產品細節與業界反應，供讀者參考。"
            )
        )
        n_max = max((n for n, _ in stories), default=1)
        highlights = []
        for n, headline in stories[:6]:
            refs = [n]
            if self.hallucinate:
                refs = [n, n_max + 40]
            if self.uncited_highlights:
                refs = [n_max + 1]
            changed = ""
            if n in updated and self.explain_updates:
                changed = updated[n] if language == "en" else f"與先前報導相比的新進展：{headline}"
            highlights.append(
                {
                    "headline": headline,
                    "text": say(n, headline),
                    "citations": refs,
                    "changed": changed,
                }
            )
        if self.hallucinate and len(stories) > 1:
            # A true source number, for a claim it does not make.
            highlights.append(
                {
                    "headline": "Zorblax Quantum 9000 ships",
                    "text": "Zorblax shipped 9000 units to Quuxcorp.",
                    "citations": [1, 99],
                }
            )
        if self.inline_refs:
            for item in highlights:
                refs = item["citations"]
                item["text"] += "".join(f" [{n}]" for n in refs) + " [77]"
                item["headline"] += f" [{refs[0]}]"
                item["citations"] = [f"[{n}]" for n in refs]
        first = stories[0][1] if stories else ""
        second = min(2, n_max)
        trend = self.trend or (f"{first}." if language == "en" else f"{first} 是今日的焦點。")
        return {
            "summary": say(1, first),
            # The day's thread draws on every story, so it cites them all.
            "trend": {"text": trend, "citations": [n for n, _ in stories]},
            "highlights": highlights,
            "analysis": [
                {"label": "industry", "text": say(1, first), "citations": [1]},
                {
                    "label": "market",
                    "text": say(second, dict(stories).get(second, first)),
                    "citations": [second],
                },
            ],
            "key_points": [
                {"text": say(n, h), "citations": [n + (50 if self.hallucinate and n == 1 else 0)]}
                for n, h in stories[:7]
            ],
            "thoughts": [
                {"label": "developers", "text": say(1, first), "citations": []},
            ],
        }


def sample_database(template: Path, path: Path) -> sqlite_utils.Database:
    """A fresh copy of the sample day's collected database (collected once per session:
    collecting is the slow part, and the writer's tests do not change what it collects)."""
    if not template.exists():
        config = _sample_config(template)
        db = open_database(template)

        async def run() -> None:
            async with Fetcher(config.fetch) as fetcher:
                await collect(db, config.topics[0], date.fromisoformat(SAMPLE_DATE), fetcher)

        asyncio.run(run())
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
    source = sqlite3.connect(template)
    target = sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return open_database(path)


def _sample_config(db_path: Path) -> Config:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    return parse_config(data)
