"""A ceiling on the collecting process's own memory (``fetch.max_memory_mb``).

Every input is bounded on its own (``fetch.max_bytes`` per body, pages in flight, a cap
per extraction worker), but a run is many inputs. This is the backstop: checked as the
run goes, it stops a run that has grown past the ceiling with an error that says so,
after what was judged is stored, instead of growing until the kernel kills the process.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from bot.errors import MemoryLimitExceeded


def resident_mb() -> float:
    """The memory this process holds now (its peak where /proc is not available)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        # ru_maxrss is in KiB on Linux, bytes on macOS; a peak, so an over-estimate.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if peak > 1 << 32 else peak / 1024
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


class MemoryCeiling:
    def __init__(self, limit_mb: int) -> None:
        self.limit_mb = limit_mb

    def check(self, doing: str) -> None:
        used = resident_mb()
        if used > self.limit_mb:
            raise MemoryLimitExceeded(
                f"collection stopped while {doing}: the process holds {used:.0f} MB, more "
                f"than fetch.max_memory_mb = {self.limit_mb}; what was judged is stored"
            )
