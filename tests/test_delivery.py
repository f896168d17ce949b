"""The outbox fan-out through the real python-telegram-bot against the fake Bot API: every
subscriber gets one copy; blocked, moved, failing, slow chats are handled as users expect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.telegram.platform import TelegramPlatform
from bot.delivery.compose import digest_reply
from bot.delivery.limiter import NoLimit, RateLimiter
from bot.delivery.platform import Limits, Part
from bot.delivery.sender import Sender
from bot.delivery.types import Paragraph, Reply, SourceLink, Subscription
from storage import delivery as store
from storage import digests as digest_store
from tests.delivery_support import DAY
from tests.fakes.telegram import Limits as FakeLimits

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]


async def _digest(stack: TelegramStack) -> int:
    return await stack.commands.build(stack.commands.config.topics[0], DAY, "en")


def _subscribe(stack: TelegramStack, chat_id: int, kind: str = "private") -> Subscription:
    return store.subscribe(
        stack.commands.db,
        platform="telegram",
        chat_id=str(chat_id),
        chat_kind="group" if kind == "group" else "private",
        topic="mistral",
        time="08:00",
        timezone="Asia/Taipei",
        language="en",
    )


def _reply_for(stack: TelegramStack, digest_id: int) -> object:
    stored = digest_store.stored_digest(stack.commands.db, digest_id)
    assert stored is not None
    return lambda sub: digest_reply(stored.digest, digest_id, sub.include, sub.exclude)


async def test_fan_out_reaches_everyone_once_and_handles_broken_chats(
    stack: TelegramStack,
) -> None:
    fake, db = stack.fake, stack.commands.db
    digest_id = await _digest(stack)
    healthy = [1001, 1002, 1003, 1004]
    for chat in [*healthy, 2001, 2002]:
        _subscribe(stack, chat)
    _subscribe(stack, -3001, "group")
    fake.blocked[2001] = "bot was blocked by the user"
    fake.fail_5xx[2002] = 2  # a 502 twice, then it works
    fake.migrated[-3001] = -1003001  # the group became a supergroup
    subs = store.active_subscriptions(db)
    reply_for = _reply_for(stack, digest_id)

    counts = await stack.fanout.deliver(digest_id, subs, reply_for)  # type: ignore[arg-type]

    assert counts == {"sent": 6, "failed": 1}
    for chat in [*healthy, 2002, -1003001]:
        texts = [m.text for m in fake.to(chat)]
        assert len(texts) == 2, chat  # the digest and its sources, once
        assert texts[0].startswith("Mistral AI daily updates - 2026-11-21")
        assert texts[1].startswith("🔗 Sources\n[1] ")
    assert fake.to(2001) == [] and fake.to(-3001) == []
    (gone,) = store.chat_subscriptions(db, "telegram", "2001", active_only=False)
    assert not gone.active and gone.deactivated_reason == "Forbidden: bot was blocked by the user"
    assert store.find_subscription(db, "telegram", "-1003001", "mistral") is not None
    # Replying to the delivered digest asks about it.
    first = fake.to(1001)[0].message_id
    assert store.digest_of_message(db, "telegram", "1001", str(first)) == digest_id

    # Delivering the same digest again sends nothing: the outbox remembers.
    again = await stack.fanout.deliver(digest_id, store.active_subscriptions(db), reply_for)  # type: ignore[arg-type]
    assert sum(again.values()) == 0
    assert all(len(fake.to(chat)) == 2 for chat in healthy)


async def test_a_send_with_no_reply_in_time_is_uncertain_and_never_resent(
    stack: TelegramStack,
) -> None:
    fake, db = stack.fake, stack.commands.db
    digest_id = await _digest(stack)
    _subscribe(stack, 4001)
    fake.slow[4001] = 3.0  # longer than read_timeout_s = 2: stored, but the reply is late
    reply_for = _reply_for(stack, digest_id)
    counts = await stack.fanout.deliver(digest_id, store.active_subscriptions(db), reply_for)  # type: ignore[arg-type]
    assert counts == {"uncertain": 1}
    (row,) = store.deliveries_for(db, digest_id)
    assert row.status == "uncertain" and "no reply from Telegram" in (row.error or "")
    fake.slow.clear()
    again = await stack.fanout.deliver(digest_id, store.active_subscriptions(db), reply_for)  # type: ignore[arg-type]
    assert sum(again.values()) == 0
    assert len(fake.to(4001)) == 1  # the first part arrived; nothing was sent twice


class _BrokenMarkup(TelegramPlatform):
    """A rendering bug: unbalanced HTML. The plain-text fallback must still get through."""

    def render(self, reply: Reply) -> list[Part]:
        return [Part(f"<b>{reply.plain()}", reply.plain())]


async def test_markup_the_platform_cannot_parse_falls_back_to_plain_text(
    stack: TelegramStack,
) -> None:
    platform = _BrokenMarkup(stack.platform.bot, stack.platform.limits)
    sender = Sender(platform, RateLimiter(platform.limits))
    outcome = await sender.deliver("5001", Reply.text("Tom & Jerry <3"))
    assert outcome.status == "sent"
    (message,) = stack.fake.to(5001)
    assert message.text == "Tom & Jerry <3" and message.parse_mode is None


async def test_429_pauses_the_queue_and_retries_without_duplicates(stack: TelegramStack) -> None:
    # No limiter: the bot floods one chat, the fake answers 429 with retry_after.
    sender = Sender(stack.platform, NoLimit())
    outcomes = [await sender.deliver("6001", Reply.text(f"message {n}")) for n in range(3)]
    assert [o.status for o in outcomes] == ["sent"] * 3
    assert [m.text for m in stack.fake.to(6001)] == ["message 0", "message 1", "message 2"]
    assert stack.fake.rate_limited >= 1
    assert sender.rate_limited == stack.fake.rate_limited
    assert sender.limiter.pauses == stack.fake.rate_limited


async def test_the_limiter_stays_under_every_limit(stack: TelegramStack) -> None:
    for n in range(3):
        await stack.sender.deliver("7001", Reply.text(f"private {n}"))
        await stack.sender.deliver("-7002", Reply.text(f"group {n}"), chat_kind="group")
    assert len(stack.fake.to(7001)) == 3 and len(stack.fake.to(-7002)) == 3
    assert stack.fake.rate_limited == 0


async def test_long_replies_split_under_4096_with_citations_and_escaping_intact(
    stack: TelegramStack,
) -> None:
    sentence = "Mistral & partners shipped <model> updates to La Plateforme today"
    paragraphs = tuple(
        Paragraph(f"{sentence} number {i}. " * 12 + f"[{i}]", heading=f"<Story {i}> & more")
        for i in range(1, 12)
    )
    huge = Paragraph(" ".join(f"{sentence} part {i}. [{i % 11 + 1}]" for i in range(150)))
    sources = tuple(
        SourceLink(i, f"Title <{i}>", f"https://x.example/{i}?a=1&b=2") for i in range(1, 12)
    )
    reply = Reply(
        title="Big <digest>",
        paragraphs=(*paragraphs, huge),
        sources=sources,
        sources_title="Sources",
    )
    stack.fake.limits = FakeLimits(per_chat_per_second=1000)
    sender = Sender(stack.platform, RateLimiter(Limits(30, 1000, 20)))
    outcome = await sender.deliver("8001", reply)
    assert outcome.status == "sent"
    assert stack.fake.rate_limited == 0
    messages = stack.fake.to(8001)
    assert all(m.parse_mode == "HTML" for m in messages)  # the markup was valid everywhere
    assert len(messages) >= 4
    assert all(len(m.text) <= 4096 for m in messages)
    joined = "\n".join(m.text for m in messages)
    assert "<Story 3> & more" in joined and "Big <digest>" in joined
    assert joined.count(f"{sentence} part 149. [") == 1
    for i in range(150):
        # Each sentence keeps its citation in the same message.
        assert any(f"part {i}. [{i % 11 + 1}]" in m.text for m in messages), i
    assert messages[-1].text.startswith("Sources\n[1] Title <1>")
    assert 'href="https://x.example/1?a=1&amp;b=2"' in messages[-1].raw


async def test_one_broken_delivery_never_stops_the_others(stack: TelegramStack) -> None:
    digest_id = await _digest(stack)
    for chat in (9001, 9002, 9003):
        _subscribe(stack, chat)

    def reply_for(sub: Subscription) -> Reply:
        if sub.chat_id == "9002":
            raise RuntimeError("a bug in rendering")
        return Reply((Paragraph("today's digest"),), digest_id=digest_id)

    counts = await stack.fanout.deliver(
        digest_id, store.active_subscriptions(stack.commands.db), reply_for
    )
    assert counts == {"sent": 2, "failed": 1}
    assert [len(stack.fake.to(chat)) for chat in (9001, 9002, 9003)] == [1, 0, 1]
    statuses = {d.chat_id: d.status for d in store.deliveries_for(stack.commands.db, digest_id)}
    assert statuses == {"9001": "sent", "9002": "failed", "9003": "sent"}
