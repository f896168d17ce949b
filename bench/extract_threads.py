"""How often extraction in threads (as digestbot did before issue 17) kills the process.

    python bench/extract_threads.py PAGES_DIR [--runs 20] [--threads 6]

Each run is a fresh process that extracts every saved ``.html`` page of PAGES_DIR with
``extract_page`` from a thread pool, the way ``asyncio.to_thread`` did. Measured on 2
cores with 410 real pages: 2 of 23 runs died (SIGABRT, "double free or corruption"). The
same pages through ``bot.extract_pool`` never kill the caller: see ``--part soak`` of
``bench/collect.py``. Nothing here is run by the tests.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, pathlib
from concurrent.futures import ThreadPoolExecutor
from bot.errors import ExtractError
from bot.extract import extract_page
files = sorted(p for p in pathlib.Path(sys.argv[1]).iterdir() if p.suffix in {".html", ".htm"})
pages = [p.read_bytes() for p in files]
def one(content):
    try:
        extract_page(content, "https://example.org/story")
    except ExtractError:
        pass
with ThreadPoolExecutor(int(sys.argv[2])) as pool:
    list(pool.map(one, pages))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=6)
    args = parser.parse_args()
    codes: Counter[int] = Counter()
    started = time.perf_counter()
    for run in range(args.runs):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", CHILD, args.pages, str(args.threads)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )
        codes[done.returncode] += 1
        if done.returncode:
            print(f"run {run}: exit {done.returncode}: {done.stderr.strip()[-120:]}", flush=True)
    deaths = args.runs - codes[0]
    print(
        f"{deaths} of {args.runs} runs died ({dict(codes)}), {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
