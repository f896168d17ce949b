"""Queries for subscriptions, the delivery outbox and digest messages (tables of m004)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.delivery.types import ChatKind, Delivery, Status, Subscription
from storage.sql import in_list, now_iso, to_iso


def _subscription(row: dict[str, Any]) -> Subscription:
    kind: ChatKind = "group" if row["chat_kind"] == "group" else "private"
    return Subscription(
        id=int(row["id"]),
        platform=row["platform"],
        chat_id=row["chat_id"],
        chat_kind=kind,
        topic=row["topic"],
        time=row["time"],
        timezone=row["timezone"],
        language=row["language"],
        include=tuple(json.loads(row["include"] or "[]")),
        exclude=tuple(json.loads(row["exclude"] or "[]")),
        active=bool(row["active"]),
        deactivated_reason=row["deactivated_reason"],
    )


def _delivery(row: dict[str, Any]) -> Delivery:
    status: Status = row["status"]
    return Delivery(
        id=int(row["id"]),
        subscription_id=int(row["subscription_id"]),
        digest_id=int(row["digest_id"]),
        platform=row["platform"],
        chat_id=row["chat_id"],
        status=status,
        message_ids=tuple(json.loads(row["message_ids"] or "[]")),
        attempts=int(row["attempts"] or 0),
        error=row["error"],
    )


# --- subscriptions -------------------------------------------------------------------------


def subscribe(
    db: sqlite_utils.Database,
    *,
    platform: str,
    chat_id: str,
    chat_kind: ChatKind,
    topic: str,
    time: str,
    timezone: str,
    language: str,
) -> Subscription:
    """Create or reactivate the subscription of a chat to a topic (keeping its keywords)."""
    stamp = now_iso()
    values = {
        "chat_kind": chat_kind,
        "time": time,
        "timezone": timezone,
        "language": language,
        "active": 1,
        "deactivated_reason": None,
        "updated": stamp,
    }
    with db.atomic():
        existing = find_subscription(db, platform, chat_id, topic)
        if existing is None:
            db.table("subscriptions").insert(
                {
                    "platform": platform,
                    "chat_id": chat_id,
                    "topic": topic,
                    "include": "[]",
                    "exclude": "[]",
                    "created": stamp,
                    **values,
                }
            )
        else:
            db.table("subscriptions").update(existing.id, values)
    found = find_subscription(db, platform, chat_id, topic)
    assert found is not None
    return found


def find_subscription(
    db: sqlite_utils.Database, platform: str, chat_id: str, topic: str
) -> Subscription | None:
    rows = db.query(
        "select * from subscriptions where platform = ? and chat_id = ? and topic = ?",
        [platform, chat_id, topic],
    )
    for row in rows:
        return _subscription(row)
    return None


def get_subscription(db: sqlite_utils.Database, subscription_id: int) -> Subscription:
    return _subscription(db.table("subscriptions").get(subscription_id))


def find_subscription_by_id(db: sqlite_utils.Database, subscription_id: int) -> Subscription | None:
    for row in db.query("select * from subscriptions where id = ?", [subscription_id]):
        return _subscription(row)
    return None


def slot_subscriptions(
    db: sqlite_utils.Database, topic: str, time: str, timezone: str, platforms: Iterable[str]
) -> list[Subscription]:
    """The active subscriptions of one delivery slot (topic, ``HH:MM``, timezone)."""
    wanted = list(platforms)
    if not wanted:
        return []
    sql = (
        "select * from subscriptions where active = 1 and topic = ? and time = ? "
        f"and timezone = ? and platform in {in_list(wanted)} order by id"
    )
    return [_subscription(row) for row in db.query(sql, [topic, time, timezone, *wanted])]


def chat_subscriptions(
    db: sqlite_utils.Database, platform: str, chat_id: str, *, active_only: bool = True
) -> list[Subscription]:
    sql = "select * from subscriptions where platform = ? and chat_id = ?"
    if active_only:
        sql += " and active = 1"
    rows = db.query(sql + " order by topic", [platform, chat_id])
    return [_subscription(row) for row in rows]


def active_subscriptions(
    db: sqlite_utils.Database, *, topic: str | None = None, platforms: Iterable[str] = ()
) -> list[Subscription]:
    sql, params = "select * from subscriptions where active = 1", []
    if topic is not None:
        sql += " and topic = ?"
        params.append(topic)
    wanted = list(platforms)
    if wanted:
        sql += f" and platform in {in_list(wanted)}"
        params.extend(wanted)
    return [_subscription(row) for row in db.query(sql + " order by id", params)]


def update_subscription(
    db: sqlite_utils.Database, subscription_id: int, **changes: str | tuple[str, ...]
) -> Subscription:
    """Change ``time``, ``timezone``, ``language``, ``include`` or ``exclude``."""
    allowed = {"time", "timezone", "language", "include", "exclude"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    values: dict[str, Any] = {
        key: json.dumps(list(value), ensure_ascii=False) if isinstance(value, tuple) else value
        for key, value in changes.items()
    }
    db.table("subscriptions").update(subscription_id, {**values, "updated": now_iso()})
    return get_subscription(db, subscription_id)


def deactivate(db: sqlite_utils.Database, subscription_id: int, reason: str) -> None:
    db.table("subscriptions").update(
        subscription_id, {"active": 0, "deactivated_reason": reason, "updated": now_iso()}
    )


def deactivate_chat(db: sqlite_utils.Database, platform: str, chat_id: str, reason: str) -> int:
    """Deactivate every subscription of a chat the bot can no longer write to."""
    with db.atomic():
        cursor = db.execute(
            "update subscriptions set active = 0, deactivated_reason = ?, updated = ? "
            "where platform = ? and chat_id = ? and active = 1",
            [reason, now_iso(), platform, chat_id],
        )
    return int(cursor.rowcount)


def move_chat(db: sqlite_utils.Database, platform: str, old_chat_id: str, new_chat_id: str) -> None:
    """A chat got a new id: its subscriptions and outbox rows follow it."""
    with db.atomic():
        db.execute(
            "update subscriptions set chat_id = ?, updated = ? where platform = ? and chat_id = ?",
            [new_chat_id, now_iso(), platform, old_chat_id],
        )
        db.execute(
            "update deliveries set chat_id = ? where platform = ? and chat_id = ?",
            [new_chat_id, platform, old_chat_id],
        )


# --- the outbox ----------------------------------------------------------------------------


def enqueue(
    db: sqlite_utils.Database, digest_id: int, subscriptions: Iterable[Subscription]
) -> int:
    """One ``pending`` row per (subscription, digest) unless there already is one.

    Returns how many rows were created; existing rows, whatever their status, are kept.
    """
    stamp = now_iso()
    created = 0
    with db.atomic():
        for sub in subscriptions:
            cursor = db.execute(
                "insert or ignore into deliveries (subscription_id, digest_id, platform, chat_id,"
                " status, message_ids, attempts, created, updated)"
                " values (?, ?, ?, ?, 'pending', '[]', 0, ?, ?)",
                [sub.id, digest_id, sub.platform, sub.chat_id, stamp, stamp],
            )
            created += cursor.rowcount
    return created


def deliveries_for(
    db: sqlite_utils.Database, digest_id: int, *, status: Status | None = None
) -> list[Delivery]:
    sql = "select * from deliveries where digest_id = ?"
    params: list[Any] = [digest_id]
    if status is not None:
        sql += " and status = ?"
        params.append(status)
    return [_delivery(row) for row in db.query(sql + " order by id", params)]


def deliveries_with_status(
    db: sqlite_utils.Database, status: Status, platform: str | None = None
) -> list[Delivery]:
    sql = "select * from deliveries where status = ?"
    params: list[Any] = [status]
    if platform is not None:
        sql += " and platform = ?"
        params.append(platform)
    return [_delivery(row) for row in db.query(sql + " order by id", params)]


def mark(
    db: sqlite_utils.Database,
    delivery_id: int,
    status: Status,
    *,
    message_ids: tuple[str, ...] | None = None,
    error: str | None = None,
    attempt: bool = False,
) -> None:
    """Move a delivery to ``status``; committed before this returns (the outbox's promise)."""
    values: dict[str, Any] = {"status": status, "updated": now_iso(), "error": error}
    if message_ids is not None:
        values["message_ids"] = json.dumps(list(message_ids))
    sets = ", ".join(f"{key} = ?" for key in values)
    if attempt:
        sets += ", attempts = attempts + 1"
    with db.atomic():
        db.execute(f"update deliveries set {sets} where id = ?", [*values.values(), delivery_id])


def digests_with_pending(db: sqlite_utils.Database, since: datetime) -> list[int]:
    rows = db.query(
        "select distinct digest_id from deliveries where status = 'pending' and created >= ?",
        [to_iso(since)],
    )
    return [int(row["digest_id"]) for row in rows]


def delivery_status(db: sqlite_utils.Database, delivery_id: int) -> Status:
    status: Status = db.execute(
        "select status from deliveries where id = ?", [delivery_id]
    ).fetchone()[0]
    return status


def recover_in_flight(db: sqlite_utils.Database, platform: str | None = None) -> int:
    """After a crash, a ``sending`` row may or may not have reached the chat: ``uncertain``."""
    sql = (
        "update deliveries set status = 'uncertain', updated = ?, "
        "error = 'interrupted while sending' where status = 'sending'"
    )
    params: list[Any] = [now_iso()]
    if platform is not None:
        sql += " and platform = ?"
        params.append(platform)
    with db.atomic():
        cursor = db.execute(sql, params)
    return int(cursor.rowcount)


def count_by_status(db: sqlite_utils.Database, digest_id: int | None = None) -> dict[str, int]:
    sql, params = "select status, count(*) as n from deliveries", []
    if digest_id is not None:
        sql += " where digest_id = ?"
        params.append(digest_id)
    return {row["status"]: int(row["n"]) for row in db.query(sql + " group by status", params)}


# --- which message carries which digest ----------------------------------------------------


def remember_messages(
    db: sqlite_utils.Database,
    platform: str,
    chat_id: str,
    message_ids: Iterable[str],
    digest_id: int,
) -> None:
    with db.atomic():
        for message_id in message_ids:
            db.execute(
                "insert or replace into message_digests (platform, chat_id, message_id, digest_id)"
                " values (?, ?, ?, ?)",
                [platform, chat_id, message_id, digest_id],
            )


def digest_of_message(
    db: sqlite_utils.Database, platform: str, chat_id: str, message_id: str
) -> int | None:
    rows = db.query(
        "select digest_id from message_digests where platform = ? and chat_id = ? "
        "and message_id = ?",
        [platform, chat_id, message_id],
    )
    for row in rows:
        return int(row["digest_id"])
    return None


def latest_digest_for_chat(db: sqlite_utils.Database, platform: str, chat_id: str) -> int | None:
    """The digest this chat received (or asked for) most recently."""
    rows = db.query(
        "select digest_id from message_digests where platform = ? and chat_id = ? "
        "order by rowid desc limit 1",
        [platform, chat_id],
    )
    for row in rows:
        return int(row["digest_id"])
    return None
