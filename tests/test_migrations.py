"""Upgrading a database written by an older digestbot: its rows survive and read back
through today's typed storage API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlite_utils

from adapters.jekyll import post_front_matter
from bot.delivery.compose import digest_reply
from bot.delivery.types import Reply, Section
from bot.models import Digest, Highlight, Point, Reason, Rejection, SourceRef, Window
from bot.render import render_markdown, title_of, to_json
from storage import articles as article_store
from storage import digests as digest_store
from storage import open_database, schema_status
from storage import sources as source_store
from storage.migrations import migrations

DAY = date(2026, 11, 21)
PUBLISHED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _database_at(path: Path, first_missing: str) -> sqlite_utils.Database:
    """A database as the app left it when ``first_missing`` was not written yet."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before=first_missing)
    return db


def _article_row(n: int, **extra: object) -> dict[str, object]:
    return {
        "id": n,
        "topic": "mistral",
        "url": f"https://news{n}.example/story?utm_source=x",
        "canonical_url": f"https://news{n}.example/story",
        "link": f"https://feed.example/r/{n}",
        "title": f"Mistral Large 4 story {n}",
        "text": f"Mistral AI released Mistral Large 4, article {n}.",
        "author": None,
        "published": (PUBLISHED + timedelta(minutes=n)).isoformat(),
        "fetched": PUBLISHED.isoformat(),
        "language": "en",
        "content_hash": f"hash{n}",
        "source_url": "https://feed.example/rss",
        "relevance": 0.5,
        "cluster": n,
        **extra,
    }


def test_a_first_release_database_keeps_its_articles_sources_and_rejections(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = _database_at(path, "m002_collection")
    # As m001's app wrote them: no origin, no pause columns, no clusters on rejections.
    old.table("topics").insert(
        {"slug": "mistral", "name": "Mistral AI", "language": "en", "timezone": "UTC"}
    )
    old.table("sources").insert(
        {
            "topic": "mistral",
            "kind": "rss",
            "url": "https://feed.example/rss",
            "name": "Feed",
            "etag": '"v1"',
            "last_success": PUBLISHED.isoformat(),
            "last_error": "fetch_error: HTTP 500",
            "consecutive_failures": 2,
        }
    )
    old.table("articles").insert_all([_article_row(1), _article_row(2)])
    old.table("rejections").insert(
        {
            "topic": "mistral",
            "date": DAY.isoformat(),
            "url": "https://copy.example/story",
            "reason": "duplicate",
            "detail": "near-copy",
            "title": "A copy",
            "published": PUBLISHED.isoformat(),
            "duplicate_of": "https://news1.example/story?utm_source=x",
            "rejected_at": PUBLISHED.isoformat(),
        }
    )
    old.conn.commit()
    assert schema_status(old).version == 1
    old.close()

    db = open_database(path)

    status = schema_status(db)
    assert status.pending == () and status.version == len(status.applied) >= 6
    assert status.applied[:2] == ("m001_initial", "m002_collection")
    (health,) = source_store.source_health(db, "mistral")
    assert health.origin == "config" and health.etag == '"v1"'
    assert health.consecutive_failures == 2 and health.last_success == PUBLISHED
    assert health.paused_until is None and not health.paused_at(datetime.now(UTC))
    window = Window(PUBLISHED - timedelta(hours=1), PUBLISHED + timedelta(hours=1))
    articles = article_store.articles_in(db, "mistral", window)
    assert [a.title for a in articles] == ["Mistral Large 4 story 1", "Mistral Large 4 story 2"]
    assert articles[0].published == PUBLISHED + timedelta(minutes=1)
    assert articles[0].kept_because == ""  # kept before the filters said why (m014)
    (rejection,) = article_store.rejections_on(db, "mistral", DAY)
    assert rejection.reason is Reason.DUPLICATE and rejection.published == PUBLISHED
    copies = article_store.copies_by_lead(db, "mistral", [a.url for a in articles])
    assert copies == {"https://news1.example/story?utm_source=x": ["https://copy.example/story"]}
    assert article_store.cluster_of(db, "mistral", "https://news2.example/story", "") == 2


def _digest() -> Digest:
    return Digest(
        topic="mistral",
        topic_name="Mistral AI",
        date=DAY,
        language="en",
        mode="extractive",
        trend=Point("Mistral Large 4 led the day [1].", (1,)),
        highlights=(
            Highlight("Mistral Large 4 ships", "Open weights and a 256k context.", (1,)),
            Highlight("Le Chat adds memory", "Chats can now remember [2].", (2,)),
        ),
        analysis=(Point("Open weights pressure rivals.", (1,), "Industry"),),
        key_points=(Point("256k context.", (1,)),),
        thoughts=(Point("Try it locally.", (), "Developers"),),
        sources=(
            SourceRef(1, "Mistral Large 4 story 1", "https://news1.example/story", PUBLISHED, 1),
            SourceRef(2, "Mistral Large 4 story 2", "https://news2.example/story", PUBLISHED, 2),
        ),
        summary='Mistral Large 4 shipped with "open" weights.',
        tags=("Mixtral", "MoE"),
        rejected=(Rejection("https://copy.example/story", Reason.DUPLICATE, "near-copy"),),
    )


def test_digests_stored_before_the_digest_record_still_reply_and_export_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = _database_at(path, "m006_digest_record")
    original = _digest()
    markdown = render_markdown(original)
    # As the app of m005 saved a digest: the public JSON, the Markdown, the cited articles.
    old.table("topics").insert(
        {"slug": "mistral", "name": "Mistral AI", "language": "en", "timezone": "UTC"}
    )
    old.table("articles").insert_all([_article_row(1), _article_row(2)])
    old.table("digests").insert(
        {
            "id": 7,
            "topic": "mistral",
            "date": DAY.isoformat(),
            "language": "en",
            "mode": "extractive",
            "title": title_of(original),
            "markdown": markdown,
            "json": json.dumps(to_json(original, markdown), ensure_ascii=False),
            "created": PUBLISHED.isoformat(),
            "updated": PUBLISHED.isoformat(),
            "model": "",
            "prompt_tokens": 0,
            "completion_tokens": 0,
        }
    )
    old.table("digest_sources").insert_all(
        [{"digest_id": 7, "n": 1, "article_id": 1}, {"digest_id": 7, "n": 2, "article_id": 2}]
    )
    old.conn.commit()
    assert schema_status(old).pending[0] == "m006_digest_record"
    old.close()

    db = open_database(path)

    stored = digest_store.stored_digest(db, 7)
    assert stored is not None and stored.markdown == markdown and stored.updated == PUBLISHED
    rebuilt = stored.digest
    for kept in ("topic", "topic_name", "date", "language", "mode", "highlights", "sources"):
        assert getattr(rebuilt, kept) == getattr(original, kept), kept
    assert (rebuilt.summary, rebuilt.tags) == (
        original.summary,
        (*original.tags, original.topic_name, "Digest"),
    )
    assert rebuilt.rejected[0].url == original.rejected[0].url
    # What a reader sees of what the old row kept is unchanged: the chat reply's stories and
    # sources, and the exported post's front matter. (The old JSON had no other section.)
    chat_then = digest_reply(original, 7, exclude=("memory",))
    chat_now = digest_reply(rebuilt, 7, exclude=("memory",))

    def stories(reply: Reply) -> list[Section]:
        return [s for s in reply.sections if s.title == "📰 News highlights"]

    assert stories(chat_now) == stories(chat_then) and stories(chat_now)
    assert chat_now.sources == chat_then.sources and chat_now.title == chat_then.title
    image = "/assets/img/posts/x.png"
    assert post_front_matter(rebuilt, "", image) == post_front_matter(original, "", image)
    assert digest_store.find_digest(db, "mistral", DAY, "en") == stored
    memory = digest_store.memory_before(db, "mistral", DAY + timedelta(days=1), "en")
    assert memory.digest_days == 1 and [t for _, t in memory.earlier_headlines] == [
        "Mistral Large 4 ships",
        "Le Chat adds memory",
    ]


def test_a_digest_stored_now_comes_back_exactly(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    db.table("articles").insert_all([_article_row(1), _article_row(2)])
    original = _digest()
    markdown = render_markdown(original)
    digest_id = digest_store.save_digest(
        db,
        original,
        title=title_of(original),
        markdown=markdown,
        public_json=to_json(original, markdown),
        model="mistral-small-latest",
        prompt_tokens=120,
        completion_tokens=30,
    )
    stored = digest_store.stored_digest(db, digest_id)
    assert stored is not None and stored.digest == original
    assert (stored.model, stored.prompt_tokens, stored.completion_tokens) == (
        "mistral-small-latest",
        120,
        30,
    )
    # Saving the day again replaces the one row and its cited sources.
    again = digest_store.save_digest(db, original, title="t", markdown=markdown, public_json={})
    assert again == digest_id
    assert db.execute("select count(*) from digest_sources").fetchone()[0] == 2


def test_a_rejection_is_looked_up_by_url_without_scanning_them_all(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.db")
    plan = " ".join(
        str(row[-1])
        for row in db.execute(
            "explain query plan select * from rejections where url in (?, ?)", ["a", "b"]
        ).fetchall()
    )
    assert "USING INDEX" in plan and "SCAN" not in plan
