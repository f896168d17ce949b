"""Tokens per digest: the two-stage writer against a naive one-shot prompt holding every
article in full, over the bundled sample corpus, in one run.

    .venv/bin/python bench/tokens.py

Both go through the real mistralai SDK to the local fake API (tests/fakes/mistral.py), which
counts tokens the way it reports ``usage``: a tokenizer-free estimate of one token per 4
characters of each message. The naive prompt asks for the same JSON digest, so its system
prompt is the composition prompt. Its reply would be the same digest as stage 2's, so the
total line charges the naive prompt stage 2's completion; the two-stage total also pays for
stage 1's completion. No network, no key.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.collect import collect  # noqa: E402
from bot.config import MistralConfig, parse_config  # noqa: E402
from bot.digest import build_digest_async  # noqa: E402
from bot.fetch import Fetcher  # noqa: E402
from bot.llm import MistralModel  # noqa: E402
from bot.select import rank_stories  # noqa: E402
from bot.window import digest_window  # noqa: E402
from bot.writer import prompts  # noqa: E402
from storage import articles as article_store  # noqa: E402
from storage import open_database  # noqa: E402
from tests.fakes.mistral import FakeMistral  # noqa: E402
from tests.writer_support import Script  # noqa: E402

DAY = date(2026, 11, 21)


async def main() -> None:
    data = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        data["storage"]["path"] = str(Path(tmp) / "bench.db")
        config = parse_config(data)
        topic = config.topics[0]
        db = open_database(config.storage.path)
        async with Fetcher(config.fetch) as fetcher:
            await collect(db, topic, DAY, fetcher)
        articles = article_store.articles_in(db, topic.slug, digest_window(topic, DAY))
        everything = rank_stories(articles, {}, len(articles))
        print(
            f"sample corpus, {DAY}: {len(articles)} articles in the window, "
            f"{sum(len(a.text) for a in articles)} characters of article text"
        )
        print("tokens: the fake API's estimate, 1 token per 4 characters of each message")
        print(f"{'language':9} {'tokens compared':>22} {'two-stage':>10} {'naive':>8} {'ratio':>6}")
        for language in ("en", "zh-TW"):
            compose_replies: list[str] = []
            with FakeMistral() as fake:
                fake.reply_with(_recording(Script(language), compose_replies))
                model = MistralModel(MistralConfig(server_url=fake.url), fake.api_key)
                async with model:
                    built = await build_digest_async(db, topic, DAY, language, model=model)
                    cited = len(built.digest.sources)
                    told = everything[: topic.max_stories]
                    rows = []
                    for label, stories in (
                        (f"prompt, all {len(everything)} articles", everything),
                        (f"prompt, same {len(told)} stories", told),
                    ):
                        system, user = prompts.naive(topic.name, language, stories)
                        reply = await model.chat_json(system, user)
                        rows.append((label, reply.usage.prompt_tokens))
            two = built.usage.prompt_tokens
            for label, naive in rows:
                print(f"{language:9} {label:>22} {two:>10} {naive:>8} {two / naive:>5.2f}x")
            # Stage 2's reply is the digest a naive call would also have to write; the fake
            # counts a reply the same way, 1 token per 4 characters.
            digest_reply = max(1, len(compose_replies[0]) // 4)
            total_two = two + built.usage.completion_tokens
            total_naive = rows[0][1] + digest_reply
            print(
                f"{language:9} {'total, all articles':>22} {total_two:>10} {total_naive:>8} "
                f"{total_two / total_naive:>5.2f}x  (prompt + completion; "
                f"mode={built.digest.mode}, {cited} sources cited)"
            )


def _recording(script: Script, sink: list[str]) -> Callable[[dict[str, Any]], str]:
    """The scripted model, keeping its composition replies (the first is stage 2's)."""

    def reply(request: dict[str, Any]) -> str:
        content = script(request)
        if request["messages"][0]["content"].startswith(prompts.STAGE2_MARK):
            sink.append(content)
        return content

    return reply


if __name__ == "__main__":
    asyncio.run(main())
