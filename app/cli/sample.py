"""The bundled sample, replayed so that its last day is the newest closed one."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.cli.output import err
from bot.config import BUNDLED_CORPUS, BUNDLED_REPLAY, Config
from bot.sample_clock import CORPUS_LAST_DAY, shift_for, shifted_corpus


@contextmanager
def current_sample(config: Config, now: datetime | None = None) -> Iterator[Config]:
    """``config`` replaying a copy of the bundled corpus moved to the present, for as long
    as the command runs; any other config unchanged. Says on stderr how far it moved."""
    days = shift_for(now or datetime.now(UTC))
    if config.fetch.replay_dir != BUNDLED_REPLAY:
        yield config
        return
    start_afresh(Path(config.storage.path), CORPUS_LAST_DAY + timedelta(days=days))
    if days == 0:
        yield config
        return
    with tempfile.TemporaryDirectory(prefix="digestbot-sample-") as folder:
        shift = shifted_corpus(BUNDLED_CORPUS, days, Path(folder) / "corpus")
        err.print(shift.describe(), markup=False)
        fetch = config.fetch.model_copy(update={"replay_dir": str(shift.corpus)})
        yield config.model_copy(update={"fetch": fetch})


def start_afresh(db_path: Path, last_day: date) -> None:
    """A database that holds the sample as moved to another day is set aside (renamed,
    not deleted) so this day's replay starts from nothing: the same stories moved again
    would otherwise be already known or copies of stored ones, and the new day's digest
    quiet. The day a database's sample was moved to is kept beside it."""
    marker = db_path.with_name(db_path.name + ".sample-day")
    earlier = marker.read_text(encoding="utf-8").strip() if marker.exists() else ""
    if db_path.exists() and earlier and earlier != last_day.isoformat():
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            # Open elsewhere (a running `digestbot run`), or left by a crash: not ours to move.
            err.print(
                f"note: {db_path} holds the sample as of {earlier} and is in use; this "
                f"day's ({last_day}) digest may be quiet until it is closed",
                markup=False,
            )
            return
        kept = db_path.with_name(f"{db_path.name}.sample-{earlier}")
        db_path.rename(kept)
        shm = db_path.with_name(db_path.name + "-shm")
        if shm.exists():
            shm.unlink()
        err.print(
            f"the sample now ends on {last_day}: {db_path} (its {earlier} replay) was "
            f"kept as {kept}, and a fresh database is used",
            markup=False,
        )
    marker.write_text(last_day.isoformat() + "\n", encoding="utf-8")
