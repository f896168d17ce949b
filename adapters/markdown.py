"""Markdown export: a rendered digest written to a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_markdown(markdown: str, path: Path) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a post. A path
    that is not a regular file (``/dev/stdout``, a pipe) is written to, never replaced."""
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8") as handle:
            handle.write(markdown)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(markdown)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path.resolve()
