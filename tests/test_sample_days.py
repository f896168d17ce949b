"""The moving sample on a database kept from an earlier day: the new day's digest is as
full as the first one, and the earlier replay is kept aside, not lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.sample import current_sample
from bot.config import Config, Secrets
from bot.pipeline import build_day_digest, collect_day
from bot.window import latest_closed_day
from storage import open_database

NO_KEYS = Secrets(None, None, None)


def _digest_sources(config: Config, now: datetime) -> tuple[int, str]:
    with current_sample(config, now) as current:
        topic = current.topic(None)
        day = latest_closed_day(topic, now)
        db = open_database(current.storage.path)

        async def run() -> int:
            await collect_day(db, topic, day, current.fetch)
            built = await build_day_digest(db, topic, day, topic.language, current.mistral, NO_KEYS)
            return len(built.digest.sources)

        try:
            return asyncio.run(run()), day.isoformat()
        finally:
            db.close()  # as a command's exit does: a database in use is never moved


def test_the_next_day_of_the_sample_is_as_full_as_the_first(
    sample_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    # Digests are built only for closed windows: yesterday as seen a day ago, then today.
    now = datetime.now(UTC)
    first, first_day = _digest_sources(sample_config, now - timedelta(days=1))
    second, second_day = _digest_sources(sample_config, now)

    assert first >= 5 and second == first and second_day > first_day
    db_path = Path(sample_config.storage.path)
    kept = db_path.with_name(f"{db_path.name}.sample-{first_day}")
    assert kept.exists(), "the earlier replay is set aside, not deleted"
    assert f"kept as {kept}" in capsys.readouterr().err

    # The same day again reuses what is stored: nothing is set aside.
    again, _ = _digest_sources(sample_config, now)
    assert again == second
    assert sorted(p.name for p in db_path.parent.glob("*.sample-2*")) == [kept.name]
