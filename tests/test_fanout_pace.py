"""Fan-out of multi-part digests on a simulated clock: what the platform would see, message
by message. Each send takes a round trip of 20-300 ms and arrives somewhere inside it, as
over a real network; the outbox is real SQLite. No real waiting, no timing assertions: the
figures are simulated seconds."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from adapters.telegram.render import render as telegram_render
from bot.delivery.fanout import Fanout
from bot.delivery.limiter import RateLimiter
from bot.delivery.platform import Limits, Part
from bot.delivery.sender import Sender
from bot.delivery.types import Paragraph, Reply, Section, SourceLink, Subscription
from bot.models import Digest
from storage import delivery as store
from storage import digests as digest_store
from storage import open_database
from tests.test_delivery_limiter import SimClock

TELEGRAM = Limits(per_second=30, per_chat_per_second=1, group_per_minute=20)


@dataclass
class Arrival:
    chat: str
    at: float
    text: str


@dataclass
class SimPlatform:
    """The Telegram renderer; sends that take a simulated round trip. A message *arrives*
    (and is counted by the platform) at a random moment inside its round trip."""

    clock: SimClock
    name: str = "telegram"
    limits: Limits = TELEGRAM
    rng: random.Random = field(default_factory=lambda: random.Random(16))  # noqa: S311
    arrivals: list[Arrival] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def render(self, reply: Reply) -> list[Part]:
        return telegram_render(reply)

    async def send_part(self, chat_id: str, part: Part, *, markup: bool = True) -> str:
        trip = self.rng.uniform(0.02, 0.3)
        arrives = self.rng.uniform(0.0, trip)
        await self.clock.sleep(arrives)
        self.arrivals.append(Arrival(chat_id, self.clock.now, part.text))
        await self.clock.sleep(trip - arrives)
        return str(next(self._ids))

    async def identity(self) -> str:
        return "@sim"


def _digest(parts: int) -> Reply:
    """A digest that the Telegram renderer cuts into ``parts`` messages: sections of about
    3,400 characters, then the sources."""
    sentence = "A sentence of the digest that tells the story of the day in a few words. "
    sections = tuple(Section(f"Section {n}", (Paragraph(sentence * 45),)) for n in range(parts - 1))
    sources = (SourceLink(1, "A source", "https://example.com/a"),)
    reply = Reply(paragraphs=(), title="Digest", sections=sections, sources=sources)
    assert len(telegram_render(reply)) == parts
    return reply


def _empty_digest(db: sqlite_utils.Database) -> int:
    digest = Digest(
        topic="mistral",
        topic_name="Mistral",
        date=date(2026, 11, 21),
        language="en",
        mode="extractive",
        trend=None,
        highlights=(),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=(),
        summary="",
    )
    return digest_store.save_digest(db, digest, title="t", markdown="", public_json={})


def _subscribe(db: sqlite_utils.Database, chats: int, groups: int) -> list[Subscription]:
    db.table("subscriptions").insert_all(
        {
            "platform": "telegram",
            "chat_id": str(-n - 1 if n < groups else n + 1),
            "chat_kind": "group" if n < groups else "private",
            "topic": "mistral",
            "time": "08:00",
            "timezone": "UTC",
            "language": "en",
            "include": "[]",
            "exclude": "[]",
            "active": 1,
        }
        for n in range(chats)
    )
    return store.active_subscriptions(db)


def _bucket_refuses(times: list[float], per_second: float) -> int:
    """How many arrivals a bucket of one second's worth of messages, refilled at
    ``per_second`` (the fake Bot API's overall limit), would refuse."""
    tokens, last, refused = per_second, 0.0, 0
    for at in sorted(times):
        tokens = min(per_second, tokens + (at - last) * per_second)
        last = at
        if tokens < 1 - 1e-6:
            refused += 1
        else:
            tokens -= 1
    return refused


@pytest.mark.parametrize("parts", [2, 3])
async def test_multi_part_digests_fill_the_pace_and_keep_every_limit(
    tmp_path: Path, parts: int
) -> None:
    chats, groups = 450, 30
    db = open_database(tmp_path / "db.sqlite")
    db.execute("PRAGMA synchronous = OFF")  # pacing is tested here, not durability
    subs = _subscribe(db, chats, groups)
    digest_id = _empty_digest(db)
    clock = SimClock()
    platform = SimPlatform(clock)
    sender = Sender(platform, RateLimiter(TELEGRAM, clock=clock, sleep=clock.sleep))
    fanout = Fanout(db, [sender])  # as many deliveries in flight as the pace needs
    fanout.outbox.gather_s = 0
    reply = _digest(parts)
    texts = [part.text for part in telegram_render(reply)]

    counts: dict[str, int] = {}

    async def run() -> None:
        counts.update(await fanout.deliver(digest_id, subs, lambda _: reply))

    await clock.run(run())

    assert counts == {"sent": chats}
    assert sender.rate_limited == 0
    arrivals = platform.arrivals
    assert len(arrivals) == chats * parts
    by_chat: dict[str, list[Arrival]] = defaultdict(list)
    for arrival in arrivals:
        by_chat[arrival.chat].append(arrival)
    for chat, got in by_chat.items():
        assert [a.text for a in got] == texts, chat  # in order, each once
        gaps = [b.at - a.at for a, b in itertools.pairwise(got)]
        assert min(gaps) >= 1.0, chat  # 1 message a second per chat, counted on arrival
        assert max(gaps) < 2.2, chat  # and its parts close together
    assert _bucket_refuses([a.at for a in arrivals], TELEGRAM.per_second) == 0
    # The whole fan-out at the overall pace: no time lost waiting between parts.
    ideal = chats * parts / TELEGRAM.per_second
    elapsed = max(a.at for a in arrivals)
    assert ideal / elapsed >= 0.95, (ideal, elapsed)


async def test_a_second_reply_to_a_chat_waits_behind_the_first(tmp_path: Path) -> None:
    clock = SimClock()
    platform = SimPlatform(clock)
    limiter = RateLimiter(TELEGRAM, clock=clock, sleep=clock.sleep)
    sender = Sender(platform, limiter)
    reply = _digest(2)

    async def both() -> None:
        await sender.deliver("5", reply)

    await clock.run(both(), both())

    got = [a for a in platform.arrivals if a.chat == "5"]
    assert len(got) == 4
    assert all(b.at - a.at >= 1.0 for a, b in itertools.pairwise(got))
