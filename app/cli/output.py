"""What every command shares to speak to its user: exit codes, the two consoles, JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

err = Console(stderr=True, highlight=False, soft_wrap=True)
"""Progress, reports and notes: stderr, so that stdout stays the command's result."""


def out_console() -> Console:
    """A console on stdout, made per command so that it writes to the current sys.stdout."""
    return Console(highlight=False, soft_wrap=True)


def print_json(payload: Any) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2))
