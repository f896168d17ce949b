"""``digestbot --help`` and a command's ``--help`` start without the libraries only the
commands' work needs (nor pydantic and rich, which the config and output need): they took
the help from 2.6 s to about the cost of argparse."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "trafilatura",
    "lxml",
    "numpy",
    "mistralai",
    "PIL",
    "feedparser",
    "httpx",
    "sqlite_utils",
    "rich",
    "pydantic",
)

PROBE = """
import sys
from app.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sys.argv[0].split(",")
print("LOADED:" + ",".join(name for name in heavy if name in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["--help"], ["sources", "--help"], ["digest", "--help"]])
def test_help_loads_no_heavy_library(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("sys.argv[0]", repr(",".join(HEAVY))), *argv],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "usage: digestbot" in result.stdout
    loaded = result.stderr.strip().splitlines()[-1]
    assert loaded == "LOADED:", f"{' '.join(argv)} imported {loaded.removeprefix('LOADED:')}"


def test_python_m_app_help_prints_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for command in ("collect", "digest", "sources", "ask", "chat", "export", "run", "mcp"):
        assert command in result.stdout
