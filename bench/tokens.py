"""Tokens per digest: the two-stage writer against the one-shot prompts a user would
otherwise write, over the bundled sample corpus, in one run:

- a one-shot prompt over the articles' leads (title and first paragraph of each), what a
  user pasting "summarise today's news" would send;
- a one-shot prompt holding every article in full.

    .venv/bin/python bench/tokens.py

Every request goes through the real mistralai SDK to the local fake API
(tests/fakes/mistral.py). Tokens are counted with Mistral's own tokenizer (Tekken, from
``mistral-common``, installed by the ``bench`` extra: ``pip install -e '.[bench]'``) over the
chat request as the API would tokenize it; without it they are the fake's estimate of one
token per 4 characters, and the output says "estimated (chars/4)". The one-shot prompts ask
for the same JSON digest, so their system prompt is the composition prompt, and their reply
would be the same digest as stage 2's: the total lines charge them stage 2's completion; the
two-stage total also pays for stage 1's completion. No network, no key.
"""

from __future__ import annotations

import asyncio
import dataclasses
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
from bot.models import Story  # noqa: E402
from bot.select import rank_stories  # noqa: E402
from bot.window import digest_window  # noqa: E402
from bot.writer import prompts  # noqa: E402
from storage import articles as article_store  # noqa: E402
from storage import open_database  # noqa: E402
from tests.fakes.mistral import FakeMistral  # noqa: E402
from tests.writer_support import Script  # noqa: E402

DAY = date(2026, 11, 21)


Counter = Callable[[str, str], int]
"""Tokens of a chat request of one system and one user message."""


def tokenizer() -> tuple[str, Counter, Callable[[str], int]]:
    """Mistral's Tekken tokenizer if ``mistral-common`` is installed, else chars/4."""
    try:
        from mistral_common.protocol.instruct.messages import (
            SystemMessage,
            UserMessage,
        )
        from mistral_common.protocol.instruct.request import (
            ChatCompletionRequest,
        )
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer
    except ImportError:
        return (
            "estimated (chars/4): mistral-common is not installed",
            lambda system, user: (len(system) + len(user)) // 4,
            lambda text: max(1, len(text) // 4),
        )
    tekken = MistralTokenizer.v3(is_tekken=True)

    def request(system: str, user: str) -> int:
        messages = [SystemMessage(content=system), UserMessage(content=user)]
        chat = ChatCompletionRequest(messages=messages)  # type: ignore[arg-type]
        return len(tekken.encode_chat_completion(chat).tokens)

    def text(content: str) -> int:
        return len(tekken.instruct_tokenizer.tokenizer.encode(content, bos=False, eos=False))

    return "Mistral's Tekken tokenizer (mistral-common, offline)", request, text


def _leads(stories: list[Story]) -> list[Story]:
    """Each story with its article cut to its first paragraph (its lead)."""
    out = []
    for story in stories:
        paragraphs = [p for p in story.lead.text.split("\n") if p.strip()]
        lead = dataclasses.replace(story.lead, text=paragraphs[0] if paragraphs else "")
        out.append(dataclasses.replace(story, lead=lead))
    return out


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
        how, count_request, count_text = tokenizer()
        print(f"tokens: {how}")
        print(
            f"{'language':9} {'compared with a one-shot prompt over':>38} {'two-stage':>10} "
            f"{'one-shot':>9} {'ratio':>6}"
        )
        for language in ("en", "zh-TW"):
            calls: list[tuple[str, str, str]] = []
            with FakeMistral() as fake:
                fake.reply_with(_recording(Script(language), calls))
                model = MistralModel(MistralConfig(server_url=fake.url), fake.api_key)
                async with model:
                    built = await build_digest_async(db, topic, DAY, language, model=model)
            cited = len(built.digest.sources)
            two_stage_prompt = sum(count_request(system, user) for system, user, _ in calls)
            two_stage_completion = sum(count_text(reply) for _, _, reply in calls)
            stage2_reply = next(
                r for system, _, r in calls if system.startswith(prompts.STAGE2_MARK)
            )
            told = everything[: topic.max_stories]
            rows = []
            for label, stories in (
                (f"the leads of all {len(everything)} articles", _leads(everything)),
                (f"all {len(everything)} articles in full", everything),
                (f"the same {len(told)} stories in full", told),
            ):
                rows.append((label, count_request(*prompts.naive(topic.name, language, stories))))
            for label, one_shot in rows:
                print(
                    f"{language:9} {label:>38} {two_stage_prompt:>10} {one_shot:>9} "
                    f"{two_stage_prompt / one_shot:>5.2f}x"
                )
            # Stage 2's reply is the digest a one-shot call would also have to write.
            total_two = two_stage_prompt + two_stage_completion
            for label, one_shot in zip(
                ("total, over the leads", "total, over the articles"), rows, strict=False
            ):
                total_one = one_shot[1] + count_text(stage2_reply)
                print(
                    f"{language:9} {label + ' (+ completion)':>38} "
                    f"{total_two:>10} {total_one:>9} {total_two / total_one:>5.2f}x"
                )
            print(f"{language:9} mode={built.digest.mode}, {cited} sources cited")


def _recording(script: Script, sink: list[tuple[str, str, str]]) -> Callable[[dict[str, Any]], str]:
    """The scripted model, keeping every request's (system, user) and its reply."""

    def reply(request: dict[str, Any]) -> str:
        content = script(request)
        messages = request["messages"]
        system = next((m["content"] for m in messages if m["role"] == "system"), "")
        user = "\n".join(m["content"] for m in messages if m["role"] != "system")
        sink.append((system, user, content))
        return content

    return reply


if __name__ == "__main__":
    asyncio.run(main())
