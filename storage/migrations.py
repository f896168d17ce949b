"""Ordered schema migrations, applied at start-up and recorded in ``_sqlite_migrations``.

Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

import sqlite_utils

migrations = sqlite_utils.Migrations("digestbot")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("topics").create(
        {"slug": str, "name": str, "language": str, "timezone": str, "updated": str},
        pk="slug",
    )
    db.table("sources").create(
        {
            "id": int,
            "topic": str,
            "kind": str,
            "url": str,
            "name": str,
            "etag": str,
            "last_modified": str,
            "last_success": str,
            "last_error": str,
            "consecutive_failures": int,
        },
        pk="id",
        not_null={"topic", "kind", "url"},
        defaults={"consecutive_failures": 0},
    )
    db.table("sources").create_index(["topic", "url"], unique=True)
    db.table("articles").create(
        {
            "id": int,
            "topic": str,
            "url": str,
            "canonical_url": str,
            "link": str,
            "title": str,
            "text": str,
            "author": str,
            "published": str,
            "fetched": str,
            "language": str,
            "content_hash": str,
            "source_url": str,
            "relevance": float,
            "cluster": int,
        },
        pk="id",
        not_null={"topic", "url", "canonical_url", "title", "text", "published", "fetched"},
    )
    db.table("articles").create_index(["topic", "canonical_url"], unique=True)
    db.table("articles").create_index(["topic", "published"])
    db.table("articles").create_index(["topic", "content_hash"])
    db.table("rejections").create(
        {
            "id": int,
            "topic": str,
            "date": str,
            "url": str,
            "reason": str,
            "detail": str,
            "title": str,
            "published": str,
            "duplicate_of": str,
            "rejected_at": str,
        },
        pk="id",
        not_null={"topic", "date", "url", "reason", "rejected_at"},
    )
    db.table("rejections").create_index(["topic", "date", "url"], unique=True)
    db.table("digests").create(
        {
            "id": int,
            "topic": str,
            "date": str,
            "language": str,
            "mode": str,
            "title": str,
            "markdown": str,
            "json": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"topic", "date", "language", "mode", "markdown", "json"},
    )
    db.table("digests").create_index(["topic", "date", "language"], unique=True)
    db.table("digest_sources").create(
        {"digest_id": int, "n": int, "article_id": int},
        pk=("digest_id", "n"),
        foreign_keys=[("digest_id", "digests", "id"), ("article_id", "articles", "id")],
    )


@migrations()
def m002_collection(db: sqlite_utils.Database) -> None:
    """Source health (pausing), OPML-imported sources, and story clusters of duplicates."""
    sources = db.table("sources")
    sources.add_column("paused_until", str)
    sources.add_column("paused_reason", str)
    # "config" for sources in config.toml, "opml" for ones imported with `sources import`.
    sources.add_column("origin", str)
    db.execute("update sources set origin = 'config' where origin is null")
    rejections = db.table("rejections")
    rejections.add_column("cluster", int)
    rejections.create_index(["topic", "cluster"])
    # Copies find their story's cluster by the lead's URL or by the link that led to it.
    db.table("articles").create_index(["topic", "link"])
    # The outlet a news-search result names (its link is a redirect through the service).
    db.table("articles").add_column("publisher", str)


@migrations()
def m003_writer(db: sqlite_utils.Database) -> None:
    """The digest writer: which model wrote a digest and the tokens it spent, and each story
    cluster's stage-1 summary, so rebuilding a digest does not pay for them twice."""
    digests = db.table("digests")
    for column, kind in (("model", str), ("prompt_tokens", int), ("completion_tokens", int)):
        if column not in digests.columns_dict:
            digests.add_column(column, kind)
    db.table("cluster_summaries").create(
        {"article_id": int, "language": str, "model": str, "json": str, "created": str},
        pk=("article_id", "language", "model"),
        foreign_keys=[("article_id", "articles", "id")],
        if_not_exists=True,
    )


@migrations()
def m004_delivery(db: sqlite_utils.Database) -> None:
    """Chat subscriptions, the delivery outbox, and which sent message carries which digest."""
    db.table("subscriptions").create(
        {
            "id": int,
            "platform": str,
            "chat_id": str,
            "chat_kind": str,
            "topic": str,
            "time": str,
            "timezone": str,
            "language": str,
            "include": str,
            "exclude": str,
            "active": int,
            "deactivated_reason": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"platform", "chat_id", "chat_kind", "topic", "time", "timezone", "language"},
        defaults={"active": 1, "include": "[]", "exclude": "[]", "chat_kind": "private"},
    )
    db.table("subscriptions").create_index(["platform", "chat_id", "topic"], unique=True)
    db.table("subscriptions").create_index(["topic", "time", "timezone"])
    db.table("deliveries").create(
        {
            "id": int,
            "subscription_id": int,
            "digest_id": int,
            "platform": str,
            "chat_id": str,
            "status": str,
            "message_ids": str,
            "attempts": int,
            "error": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"subscription_id", "digest_id", "platform", "status"},
        defaults={"attempts": 0, "message_ids": "[]"},
        foreign_keys=[
            ("subscription_id", "subscriptions", "id"),
            ("digest_id", "digests", "id"),
        ],
    )
    db.table("deliveries").create_index(["subscription_id", "digest_id"], unique=True)
    db.table("deliveries").create_index(["platform", "status"])
    db.table("message_digests").create(
        {"platform": str, "chat_id": str, "message_id": str, "digest_id": int},
        pk=("platform", "chat_id", "message_id"),
        foreign_keys=[("digest_id", "digests", "id")],
    )


@migrations()
def m005_qa(db: sqlite_utils.Database) -> None:
    """Question answering: article passages with FTS5, their embeddings, and a question log."""
    db.table("passages").create(
        {
            "id": int,
            "article_id": int,
            "topic": str,
            "published": str,
            "seq": int,
            "title": str,
            "text": str,
        },
        pk="id",
        not_null={"article_id", "topic", "published", "seq", "title", "text"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("passages").create_index(["article_id", "seq"], unique=True)
    db.table("passages").create_index(["topic", "published"])
    db.table("passages").create_index(["topic", "article_id"])
    # BM25 over title and text; triggers keep the index in step with the table.
    db.table("passages").enable_fts(
        ["title", "text"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )
    # Document frequency per term, for the relevance check of a question's words.
    db.execute("create virtual table passages_vocab using fts5vocab(passages_fts, 'row')")
    db.table("passage_vectors").create(
        {"passage_id": int, "model": str, "vector": bytes},
        pk=("passage_id", "model"),
        foreign_keys=[("passage_id", "passages", "id")],
    )
    db.table("qa_questions").create(
        {"id": int, "chat_key": str, "topic": str, "asked": str, "mode": str, "grounded": int},
        pk="id",
        not_null={"chat_key", "topic", "asked"},
    )
    db.table("qa_questions").create_index(["chat_key", "asked"])


@migrations()
def m006_digest_record(db: sqlite_utils.Database) -> None:
    """The whole core Digest of each digest (``storage/digest_record.py``), so that chat
    replies and exports are built from it rather than from the public JSON. Rows stored
    before stay null and are read back best-effort from that JSON."""
    db.table("digests").add_column("digest", str)


@migrations()
def m007_cjk_index(db: sqlite_utils.Database) -> None:
    """Chinese (and Japanese) passages searchable: FTS5's ``unicode61`` indexes a run of CJK
    characters as one token, so a Chinese question never matched. A second FTS5 table
    indexes each CJK passage as overlapping character pairs (``storage.passages.cjk_grams``,
    the classic segmenter-free CJK index; most Chinese words are two characters, which a
    ``trigram`` index cannot match), with its vocabulary for term weights. Passages already
    stored are indexed here."""
    db.execute(
        "create virtual table passages_cjk using fts5(grams, content='', tokenize='unicode61')"
    )
    db.execute("create virtual table passages_cjk_vocab using fts5vocab(passages_cjk, 'row')")
    from storage.passages import index_cjk

    index_cjk(db, after=0)


@migrations()
def m008_pending_pages(db: sqlite_utils.Database) -> None:
    """Pages that passed every rule a page is judged by alone and wait for their run's
    settlement (``storage/pending.py``): a killed collect keeps them, so the next run
    settles them without fetching or extracting them again."""
    db.table("pending_pages").create(
        {"topic": str, "day": str, "url": str, "page": str},
        pk=("topic", "day", "url"),
    )


@migrations()
def m009_seen_pages(db: sqlite_utils.Database) -> None:
    """Every candidate URL a collect judged, kept or rejected (``storage/seen.py``): a later
    run skips it before any fetch, so a page that stays in its feed is fetched and extracted
    once, not once per run. The verdict itself stays where it was stored (``articles`` or
    that day's ``rejections``). Pages judged before this migration are remembered from those
    tables (all but failed fetches, which are retried)."""
    db.table("seen_pages").create(
        {
            "topic": str,
            "url": str,
            "verdict": str,
            "announced": str,
            "body_hash": str,
            "etag": str,
            "last_modified": str,
            "judged": str,
            "last_seen": str,
        },
        pk=("topic", "url"),
        not_null={"topic", "url", "verdict", "judged", "last_seen"},
    )
    db.table("seen_pages").create_index(["topic", "last_seen"])
    db.execute(
        "insert or ignore into seen_pages (topic, url, verdict, judged, last_seen) "
        "select topic, canonical_url, 'kept', substr(fetched, 1, 10), substr(fetched, 1, 10) "
        "from articles"
    )
    db.execute(
        "insert or ignore into seen_pages (topic, url, verdict, judged, last_seen) "
        "select topic, url, reason, date, date from rejections where reason != 'fetch_error'"
    )


@migrations()
def m010_rejection_urls(db: sqlite_utils.Database) -> None:
    """The "why was this not in my digest?" views look a rejection up by its URL (web archive and
    MCP's ``explain_rejection``); without an index that scanned every rejection ever stored."""
    db.table("rejections").create_index(["url"], if_not_exists=True)


@migrations()
def m011_scoped_passage_index(db: sqlite_utils.Database) -> None:
    """Q&A search restricted to its scope before ranking: the keyword and CJK pair indexes
    are rebuilt with a row key that orders passages by topic, then publication day
    (``storage.passages.scope_key``), so a 30-day question reads the index entries of those
    30 days only instead of every match in history and filtering them afterwards. Both
    indexes are contentless (the text stays in ``passages``); passages are indexed by
    ``storage.passages.insert_passages``, no longer by triggers."""
    for trigger in ("passages_ai", "passages_ad", "passages_au"):
        db.execute(f"drop trigger if exists {trigger}")
    for table in ("passages_vocab", "passages_fts", "passages_cjk_vocab", "passages_cjk"):
        db.execute(f"drop table if exists {table}")
    db.execute("create table passage_topics (id integer primary key, slug text not null unique)")
    db.execute(
        "create virtual table passages_fts using fts5(title, text, content='', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("create virtual table passages_vocab using fts5vocab(passages_fts, 'row')")
    db.execute(
        "create virtual table passages_cjk using fts5(grams, content='', tokenize='unicode61')"
    )
    db.execute("create virtual table passages_cjk_vocab using fts5vocab(passages_cjk, 'row')")
    from storage.passages import index_passages

    index_passages(db, after=0)


@migrations()
def m012_page_judgements(db: sqlite_utils.Database) -> None:
    """The model judge's verdict on a page (``storage/judgements.py``), kept so that a page
    is judged once however many runs see it, with the tokens it cost."""
    db.table("page_judgements").create(
        {
            "topic": str,
            "canonical_url": str,
            "verdict": str,
            "reason": str,
            "model": str,
            "prompt_tokens": int,
            "completion_tokens": int,
            "judged": str,
        },
        pk=("topic", "canonical_url"),
    )


@migrations()
def m013_on_demand_builds(db: sqlite_utils.Database) -> None:
    """How many on-demand digests each chat and user had built on a day
    (``storage/allowance.py``), so that ``chat.collections_per_day`` survives a restart."""
    db.table("on_demand_builds").create({"key": str, "day": str, "used": int}, pk=("key", "day"))


@migrations()
def m014_kept_because(db: sqlite_utils.Database) -> None:
    """Why the filters kept each article, as they keep why they rejected a page: what the
    archive shows a reader who asks why a page is in a digest."""
    db.table("articles").add_column("kept_because", str, not_null_default="")


@migrations()
def m015_topic_names(db: sqlite_utils.Database) -> None:
    """The topic's names in other languages, given by the model once per language
    (``storage/topic_names.py``)."""
    db.table("topic_name_asks").create(
        {
            "topic": str,
            "language": str,
            "model": str,
            "asked": str,
            "prompt_tokens": int,
            "completion_tokens": int,
        },
        pk=("topic", "language"),
    )
    db.table("topic_names").create(
        {"topic": str, "language": str, "name": str, "shared": int},
        pk=("topic", "language", "name"),
    )
