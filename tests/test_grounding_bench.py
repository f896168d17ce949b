"""The one support test on the labelled claim set in tests/grounding/ (written by someone
who had not read the check). The issue's targets are precision >= 0.97 and recall >= 0.90;
the lexical check does not reach them, so the figures it does reach are held as floors and
any regression fails (see bench/grounding.py for the table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.grounding import score

CLAIMS = Path(__file__).parent / "grounding" / "claims.json"
PRECISION_FLOOR = 0.92  # reached 0.926 (0.920 before dates were tied to their acts)
RECALL_FLOOR = 0.90  # reached 0.902 (0.882 before clause-by-clause alignment)
# A second set by another author (200 claims over 20 new articles), measured before anyone
# had read it: the check's honest figures on unseen text.
BLIND = Path(__file__).parent / "grounding" / "claims-blind.json"
BLIND_PRECISION_FLOOR = 0.895  # reached 0.900 (0.839 when first measured, unread)
BLIND_RECALL_FLOOR = 0.815  # reached 0.818 (0.709 when first measured)
# A third, by a third author (200 claims over 20 more articles), added after the rules of the
# two sets above were written: 0.807/0.800 before them, 0.804/0.818 after. The gains on the
# first two sets did not carry over, which is why they stay floors and not the targets.
BLIND3 = Path(__file__).parent / "grounding" / "claims-blind3.json"
BLIND3_PRECISION_FLOOR = 0.84  # reached 0.847 (0.839 before dates were tied to their acts)
BLIND3_RECALL_FLOOR = 0.85  # reached 0.855 (0.818 before the hedge and clause readings)
# A fourth, by a fourth author (200 claims over 20 more articles): 0.714/0.727 as first
# measured; rules then written from its dev half only (held-out 0.750/0.737 -> 0.754/0.754).
BLIND4 = Path(__file__).parent / "grounding" / "claims-blind4.json"
BLIND4_PRECISION_FLOOR = 0.77  # reached 0.774 (0.767 before dates were tied to their acts)
BLIND4_RECALL_FLOOR = 0.80  # reached 0.809
# A fifth, by a fifth author (200 claims over 20 more articles), measured unread: 0.699/0.591.
BLIND5 = Path(__file__).parent / "grounding" / "claims-blind5.json"
BLIND5_PRECISION_FLOOR = 0.75  # reached 0.755 (0.699 unread)
BLIND5_RECALL_FLOOR = 0.72  # reached 0.727 (0.591 unread)
# A sixth, by a sixth author (212 claims over 22 articles), measured unread: 0.721/0.752
# (held-out 0.678/0.727); rules since written from its dev half only.
BLIND6 = Path(__file__).parent / "grounding" / "claims-blind6.json"
BLIND6_PRECISION_FLOOR = 0.735  # reached 0.738 (ratio words, points, shares, shared acts)
BLIND6_RECALL_FLOOR = 0.765  # reached 0.769


@pytest.mark.parametrize(
    ("claims", "precision", "recall"),
    [
        (CLAIMS, PRECISION_FLOOR, RECALL_FLOOR),
        (BLIND, BLIND_PRECISION_FLOOR, BLIND_RECALL_FLOOR),
        (BLIND3, BLIND3_PRECISION_FLOOR, BLIND3_RECALL_FLOOR),
        (BLIND4, BLIND4_PRECISION_FLOOR, BLIND4_RECALL_FLOOR),
        (BLIND5, BLIND5_PRECISION_FLOOR, BLIND5_RECALL_FLOOR),
        (BLIND6, BLIND6_PRECISION_FLOOR, BLIND6_RECALL_FLOOR),
    ],
    ids=["claims", "blind", "blind3", "blind4", "blind5", "blind6"],
)
def test_each_claim_set_holds_its_floors(claims: Path, precision: float, recall: float) -> None:
    scores = score(json.loads(claims.read_text(encoding="utf-8")))
    assert scores.precision >= precision
    assert scores.recall >= recall


def test_claims_citing_the_wrong_source_or_figure_are_dropped() -> None:
    per_kind = score(json.loads(CLAIMS.read_text(encoding="utf-8"))).per_kind
    assert per_kind["wrong_source"][0] == 1.0
    # "dix" is ten: a French figure now read may stand where the claim changed one.
    assert per_kind["changed_figure"][0] >= 0.85
    # A date or a "first" that belongs to something else in the same article.
    assert per_kind["wrong_date"][0] >= 0.7
    assert per_kind["superlative"][0] >= 0.85
    # A zh-TW claim citing an English article is checked by names and figures only.
    assert per_kind["translation"][0] >= 0.8
