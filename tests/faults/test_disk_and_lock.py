"""The database locked by another writer, a full disk under it, and a full disk under the
output: each is one line saying what and what to do, exit code 1, no traceback, no partial
digest stored, and the next run succeeds."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT, SAMPLE_DATE

DIGEST = ["digest", "--date", SAMPLE_DATE, "--no-collect"]


def _digestbot(
    cwd: Path, *args: str, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    env.pop("DIGESTBOT_CONFIG", None)
    env.pop("MISTRAL_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec,  # only sets a limit; the child has no threads yet
        check=False,
    )


def _digests(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("select count(*) from digests").fetchone()[0])


def _one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("digestbot: error:")]
    assert len(errors) == 1, result.stderr
    for text in expected:
        assert text.lower() in errors[0].lower(), errors[0]
    return errors[0]


def test_database_locked_by_another_writer_is_one_line_and_the_next_run_succeeds(
    collected_config_file: Path,
) -> None:
    folder = collected_config_file.parent
    other = sqlite3.connect(folder / "digestbot.db", isolation_level=None)
    other.execute("begin immediate")  # another writer, holding the write lock
    try:
        locked = _digestbot(folder, *DIGEST)
    finally:
        other.execute("rollback")
        other.close()
    _one_line_error(locked, "digestbot.db is locked by another process", "run again")
    assert _digests(folder / "digestbot.db") == 0, "no digest stored"

    again = _digestbot(folder, *DIGEST)
    assert again.returncode == 0, again.stderr
    assert _digests(folder / "digestbot.db") == 1


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_full_disk_under_the_database_is_one_line_no_partial_digest_and_the_next_run_succeeds(
    collected_config_file: Path,
) -> None:
    folder = collected_config_file.parent
    full = _digestbot(folder, *DIGEST, preexec=_file_size_limit(16_384))
    _one_line_error(full, "database digestbot.db", "free some space")
    assert _digests(folder / "digestbot.db") == 0, "no digest stored"

    again = _digestbot(folder, *DIGEST)
    assert again.returncode == 0, again.stderr
    assert _digests(folder / "digestbot.db") == 1


def test_full_disk_under_out_is_one_line_and_the_next_run_succeeds(
    collected_config_file: Path,
) -> None:
    folder = collected_config_file.parent
    full = _digestbot(folder, *DIGEST, "--out", "/dev/full")
    _one_line_error(full, "cannot write /dev/full", "No space left on device", "try again")
    assert Path("/dev/full").is_char_device(), "written to, never replaced"

    with open("/dev/full", "w") as stdout:  # noqa: PTH123 (a device, not a path to build)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("DIGESTBOT_CONFIG", None)
        piped = subprocess.run(
            [sys.executable, "-m", "app", *DIGEST],
            cwd=folder,
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    _one_line_error(piped, "cannot write the output", "No space left on device")

    again = _digestbot(folder, *DIGEST, "--out", str(folder / "digest.md"))
    assert again.returncode == 0, again.stderr
    assert (folder / "digest.md").read_text(encoding="utf-8").startswith("---")
