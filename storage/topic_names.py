"""The topic's names in other languages that the model gave (``bot/topic_names.py``), and
which languages were asked about, so that a language is asked once."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from storage.sql import now_iso

# The offline hint a rejection carries when an unnamed page is in another language
# (bot.filters.relevance.TopicTerms.unnamed_hint): the language is between the quotes.
HINT_MARK = "; the page is in '"


def names_of(db: sqlite_utils.Database, topic: str) -> list[tuple[str, str, bool]]:
    """(language, name, shared) of every name learned for the topic, oldest first."""
    rows = db.execute(
        "select language, name, shared from topic_names where topic = ? order by rowid",
        [topic],
    ).fetchall()
    return [(str(language), str(name), bool(shared)) for language, name, shared in rows]


def asked_languages(db: sqlite_utils.Database, topic: str) -> set[str]:
    rows = db.execute("select language from topic_name_asks where topic = ?", [topic])
    return {str(language) for (language,) in rows.fetchall()}


def hinted_languages(db: sqlite_utils.Database, topic: str, since: date) -> list[str]:
    """The languages of the topic's pages rejected since ``since`` because they never named
    it in another language than its own, most rejected first."""
    rows = db.execute(
        "select detail from rejections where topic = ? and date >= ? and reason = 'off_topic' "
        "and instr(detail, ?) > 0",
        [topic, since.isoformat(), HINT_MARK],
    ).fetchall()
    counts: dict[str, int] = {}
    for (detail,) in rows:
        language = str(detail).split(HINT_MARK, 1)[1].split("'", 1)[0]
        counts[language] = counts.get(language, 0) + 1
    return sorted(counts, key=lambda language: -counts[language])


def save_names(
    db: sqlite_utils.Database,
    topic: str,
    languages: list[str],
    names: list[tuple[str, str, bool]],
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
) -> None:
    """The names one reply gave for ``languages`` (none for some is an answer too)."""
    asked = now_iso()
    with db.atomic():
        db.table("topic_name_asks").upsert_all(
            [
                {
                    "topic": topic,
                    "language": language,
                    "model": model,
                    "asked": asked,
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                }
                for language in languages
            ],
            pk=("topic", "language"),
        )
        db.table("topic_names").upsert_all(
            [
                {"topic": topic, "language": language, "name": name, "shared": int(shared)}
                for language, name, shared in names
            ],
            pk=("topic", "language", "name"),
        )
