"""The bundled sample, replayed so that its last day is the newest closed one."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app.cli.output import err
from bot.config import BUNDLED_CORPUS, BUNDLED_REPLAY, Config
from bot.sample_clock import shift_for, shifted_corpus


@contextmanager
def current_sample(config: Config, now: datetime | None = None) -> Iterator[Config]:
    """``config`` replaying a copy of the bundled corpus moved to the present, for as long
    as the command runs; any other config unchanged. Says on stderr how far it moved."""
    days = shift_for(now or datetime.now(UTC))
    if config.fetch.replay_dir != BUNDLED_REPLAY or days == 0:
        yield config
        return
    with tempfile.TemporaryDirectory(prefix="digestbot-sample-") as folder:
        shift = shifted_corpus(BUNDLED_CORPUS, days, Path(folder) / "corpus")
        err.print(shift.describe(), markup=False)
        fetch = config.fetch.model_copy(update={"replay_dir": str(shift.corpus)})
        yield config.model_copy(update={"fetch": fetch})
