"""Filter judgement on the blind topic corpora, and its cost.

    python bench/filter.py            # every topic in tests/corpus_topics
    python bench/filter.py python     # one topic

For each topic: reject precision and recall, per reason; real stories kept; one story per
syndicated group; junk pages kept. Then the offline cost per 1,000 candidates (the whole
collection through the replay transport: parsing, extraction, screening, the topic's
profile, clustering). The model judge of issue 11 is not built yet, so there are no
model calls or tokens to count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus_topics.judge import corpus_names, run_topic  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "topics", nargs="*", metavar="TOPIC", help=f"one of {', '.join(corpus_names())}"
    )
    slugs = parser.parse_args(argv).topics or corpus_names()
    unknown = sorted(set(slugs) - set(corpus_names()))
    if unknown:
        parser.error(f"no corpus for {', '.join(unknown)}")
    candidates = 0
    seconds = 0.0
    for slug in slugs:
        with tempfile.TemporaryDirectory() as folder:
            figures = run_topic(slug, Path(folder))
        print(figures.table(), "\n")
        candidates += len(figures.verdicts)
        seconds += figures.seconds
    per_thousand = seconds / candidates * 1000 if candidates else 0.0
    print(
        f"offline: {candidates} candidates in {seconds:.1f} s, {per_thousand:.1f} s per "
        "1,000 candidates; model judge: not built (0 calls, 0 tokens)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
