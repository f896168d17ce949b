"""Citation precision and recall of the one support test on a labelled claim set.

    .venv/bin/python bench/grounding.py [--claims tests/grounding/claims.json] [--failures]
        [--split dev]

Each case is a sentence, the articles it cites and a label (supported or not) written by
someone who had not read the check. A case is *kept* when :func:`bot.grounding.support.
cited_refs` keeps at least one of its citations, as the digest and the answers do.

- precision: of the kept claims, the share labelled supported;
- recall: of the supported claims, the share kept.

Per kind, a supported kind prints the share kept and an unsupported kind the share
rejected (both: higher is better).

The cases are split by a fixed hash of their id into a *dev* half (rules may be tuned
while looking at it) and a *held-out* half (never looked at while tuning): a rule that
scores much better on dev than on held-out memorised the set, not the language.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.grounding.support import Evidence, cited_refs, evidence

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "grounding" / "claims.json"
TARGET_PRECISION = 0.97
TARGET_RECALL = 0.90


@dataclass(frozen=True)
class Outcome:
    case: dict[str, Any]
    kept: bool
    reason: str

    @property
    def supported(self) -> bool:
        return bool(self.case["label"] == "supported")


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    per_kind: dict[str, tuple[float, int]]
    """kind -> (share judged right, cases)."""
    outcomes: list[Outcome]


def judge(data: dict[str, Any]) -> list[Outcome]:
    articles = data["articles"]
    numbers = {key: n for n, key in enumerate(articles, start=1)}
    sources: dict[int, Evidence] = {
        numbers[key]: evidence(f"{a['title']}\n{a['text']}") for key, a in articles.items()
    }
    outcomes = []
    for case in data["cases"]:
        refs = [numbers[key] for key in case["cites"] if key in numbers]
        kept, verdict = cited_refs(refs, case["claim"], sources)
        outcomes.append(Outcome(case, bool(kept), verdict.reason))
    return outcomes


def half(case_id: str) -> str:
    """ "dev" or "held-out", fixed by the id's hash (about half each)."""
    return "dev" if hashlib.sha256(case_id.encode()).digest()[0] % 2 == 0 else "held-out"


def split(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The claim set with only the cases of one half ("all" keeps every case)."""
    cases = [c for c in data["cases"] if name == "all" or half(c["id"]) == name]
    return {**data, "cases": cases}


def score(data: dict[str, Any]) -> Scores:
    return tally(judge(data))


def tally(outcomes: list[Outcome]) -> Scores:
    kept = [o for o in outcomes if o.kept]
    supported = [o for o in outcomes if o.supported]
    precision = sum(o.supported for o in kept) / len(kept) if kept else 0.0
    recall = sum(o.kept for o in supported) / len(supported) if supported else 0.0
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.case["kind"]].append(o.kept == o.supported)
    per_kind = {k: (sum(v) / len(v), len(v)) for k, v in sorted(by_kind.items())}
    return Scores(precision, recall, per_kind, outcomes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=Path, default=DEFAULT)
    parser.add_argument("--failures", action="store_true", help="list the misjudged cases")
    parser.add_argument(
        "--split",
        "--half",
        dest="half",
        choices=("dev", "held-out", "all"),
        default="dev",
        help="whose failures --failures lists (tune rules on dev only)",
    )
    args = parser.parse_args()
    data = json.loads(args.claims.read_text(encoding="utf-8"))
    outcomes = judge(data)
    halves = {
        name: tally([o for o in outcomes if name == "all" or half(o.case["id"]) == name])
        for name in ("dev", "held-out", "all")
    }
    print(f"{len(outcomes)} claims over {len(data['articles'])} articles")
    print(f"{'kind':<18} {'label':<12} {'dev':>11} {'held-out':>11} {'all':>11}")
    labels = {o.case["kind"]: o.case["label"] for o in outcomes}
    for kind in halves["all"].per_kind:
        cells = []
        for name in halves:
            right, cases = halves[name].per_kind.get(kind, (0.0, 0))
            cells.append(f"{right:5.2f} ({cases:3d})")
        print(f"{kind:<18} {labels[kind]:<12} {' '.join(cells)}")
    for name, scores in halves.items():
        verdict = (
            "met"
            if scores.precision >= TARGET_PRECISION and scores.recall >= TARGET_RECALL
            else "MISSED"
        )
        print(
            f"{name:<8} citation precision {scores.precision:.3f} (target {TARGET_PRECISION}), "
            f"recall {scores.recall:.3f} (target {TARGET_RECALL}): {verdict}"
        )
    if args.failures:
        for o in halves[args.half].outcomes:
            if o.kept != o.supported:
                case = o.case
                print(f"\n{case['id']} {case['kind']} {case['label']} kept={o.kept} {o.reason}")
                print(f"  {case['claim']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
