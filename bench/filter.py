"""Filter judgement on the blind topic corpora, and its cost.

    python bench/filter.py            # every topic in tests/corpus_topics
    python bench/filter.py python     # one topic
    python bench/filter.py --corpus DIR   # another folder of TOPIC.txt items + topics.toml

For each topic: reject precision and recall, per reason; real stories kept; one story per
syndicated group; junk pages kept. Then the offline cost per 1,000 candidates (the whole
collection through the replay transport: parsing, extraction, screening, the topic's
profile, clustering).

Then the model judge (``mistral.judge_pages``) against the local fake Mistral server: its
calls and tokens per 1,000 candidates, and what an always-right judge of the same doubtful
pages would change (the fake answers with each page's label). That is the ceiling the
judge's choice of pages allows, not the accuracy of a real model.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.filters.urls import canonical_url  # noqa: E402
from tests.corpus.load import load_items  # noqa: E402
from tests.corpus_topics.judge import (  # noqa: E402
    FOLDER,
    Figures,
    corpus_names,
    run_topic,
    topics,
)
from tests.fakes.mistral import FakeMistral  # noqa: E402

VERDICT_OF_LABEL = {"homonym": "namesake", "spam": "promo", "off_topic": "not_article"}


def oracle(slug: str, corpus: Path = FOLDER) -> Any:
    """A judge that answers with the corpus's own label of the page in the prompt."""
    items = load_items(datetime.now(UTC).replace(microsecond=0), corpus / f"{slug}.txt")
    labels = {canonical_url(item.url): item.expect for item in items}

    def answer(request: dict[str, Any]) -> str:
        prompt = request["messages"][-1]["content"]
        if "Page URL: " not in prompt:
            # The topic's names in other languages: the corpus does not say, so none.
            return json.dumps({"names": []})
        url = next(line for line in prompt.splitlines() if line.startswith("Page URL: "))
        label = labels.get(canonical_url(url.removeprefix("Page URL: ")), "keep")
        verdict = VERDICT_OF_LABEL.get(label, "on_topic")
        return json.dumps({"verdict": verdict, "reason": f"labelled {label}"})

    return answer


def _judged(slug: str, plain: Figures, corpus: Path = FOLDER) -> tuple[Figures, int]:
    with FakeMistral() as fake, tempfile.TemporaryDirectory() as folder:
        fake.reply_with(oracle(slug, corpus))
        figures = run_topic(slug, Path(folder), judge_server=fake.url, corpus=corpus)
        return figures, len(fake.chat_requests())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "topics", nargs="*", metavar="TOPIC", help="topics to run (default: every one)"
    )
    parser.add_argument("--no-judge", action="store_true", help="offline figures only")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=FOLDER,
        metavar="DIR",
        help="a folder of TOPIC.txt items and a topics.toml (default: tests/corpus_topics)",
    )
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "topics.toml").is_file():
        parser.error(f"{corpus} has no topics.toml")
    names = corpus_names(corpus)
    slugs = args.topics or names
    unknown = sorted(set(slugs) - set(names))
    if unknown:
        parser.error(f"no corpus for {', '.join(unknown)} in {corpus}")
    missing = sorted(set(slugs) - set(topics(corpus)))
    if missing:
        parser.error(f"{corpus / 'topics.toml'} has no topic {', '.join(missing)}")
    candidates = 0
    seconds = 0.0
    calls = tokens = 0
    ceiling: list[str] = []
    for slug in slugs:
        with tempfile.TemporaryDirectory() as folder:
            figures = run_topic(slug, Path(folder), corpus=corpus)
        print(figures.table(), "\n")
        candidates += len(figures.verdicts)
        seconds += figures.seconds
        if args.no_judge:
            continue
        judged, asked = _judged(slug, figures, corpus)
        calls += asked
        report = judged.report
        tokens += report.judge.tokens if report and report.judge else 0
        ceiling.append(
            f"  {slug}: reject precision {figures.precision:.2f} -> {judged.precision:.2f}, "
            f"recall {figures.recall:.2f} -> {judged.recall:.2f}, kept {figures.kept_real:.2f} "
            f"-> {judged.kept_real:.2f}, junk kept {len(figures.junk_kept)} -> "
            f"{len(judged.junk_kept)} ({asked} calls)"
        )
    per_thousand = seconds / candidates * 1000 if candidates else 0.0
    print(
        f"offline: {candidates} candidates in {seconds:.1f} s, {per_thousand:.1f} s per "
        "1,000 candidates"
    )
    if not args.no_judge and candidates:
        print(
            f"model judge (judge_pages = 20, local fake): {calls} calls, {tokens} tokens; "
            f"{calls / candidates * 1000:.0f} calls and {tokens / candidates * 1000:.0f} "
            "tokens per 1,000 candidates"
        )
        print("an always-right judge of the same doubtful pages (offline -> judged):")
        print("\n".join(ceiling))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
