"""Judgement on topics and pages nobody here wrote (tests/corpus_topics, see its README).

Each topic goes through the real collection (replay transport, extraction, every filter,
the run's profile of the topic, clustering). Issue 11's targets are 0.95 for reject
precision and recall, real stories kept and one story per syndicated group, and no junk
among the kept pages. Where a figure does not reach its target yet, the figure reached
is asserted as a floor, so that a regression fails; FLOORS says which, and the table is
printed on every run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus_topics.judge import Figures, corpus_names, run_topic, topics

TARGET = 0.95

# (reject precision, reject recall, real stories kept, one story per group, junk kept):
# measured on this branch; raise them as the judgement improves, never lower them.
FLOORS: dict[str, tuple[float, float, float, float, int]] = {
    # arsenal and ozempic were held out at first; their misjudged pages were read later.
    "arsenal": (0.90, 0.94, 0.91, 1.00, 0),
    "artemis": (1.00, 0.95, 1.00, 1.00, 1),
    "mistral": (1.00, 0.96, 1.00, 1.00, 1),
    "ozempic": (1.00, 1.00, 1.00, 1.00, 0),
    "python": (1.00, 1.00, 1.00, 1.00, 0),
    # Written later by another author, and first measured blind (dark-matter .56/.66/.58,
    # inter-milan .85/.80/.83, shell .59/.80/.41, tim-cook .83/.47/.84 with 11 junk); raised
    # after general rules were written from their misjudged pages (issue 11, branch filters).
    "dark-matter": (0.75, 0.94, 0.57, 1.00, 0),
    "inter-milan": (0.94, 0.94, 0.91, 1.00, 1),
    "shell": (0.82, 0.94, 0.74, 1.00, 0),
    "tim-cook": (0.94, 0.94, 0.91, 1.00, 1),
    # A third blind author (README.md); first measured on main: amazon .62/.62/.75 with 3 junk,
    # liverpool-fc .69/.55/.82 with 6, taylor-swift .40/.30/.83 with 7, crispr .75/.75/.69 with 4.
    "amazon": (0.69, 0.75, 0.74, 0.95, 1),
    "crispr": (0.89, 0.94, 0.84, 0.95, 1),
    "liverpool-fc": (0.79, 0.79, 0.81, 0.66, 2),
    "taylor-swift": (0.99, 0.94, 1.00, 1.00, 1),
    # A fourth blind author (README.md), measured on main as this session began: black-holes
    # .72/.59/.75 with 7 junk, chelsea-fc .79/.86/.67 with 2, lewis-hamilton .67/.57/.83 with
    # 5, mistral-unseen .74/.81/.75 with 1, oracle .72/.82/.67 with 1. Rules were then written
    # from black-holes' and mistral-unseen's misjudged pages; the other three stayed unread,
    # except lewis-hamilton's verdicts and headlines, seen while the surname rule was written.
    "black-holes": (0.78, 0.85, 0.74, 1.00, 1),
    "chelsea-fc": (0.85, 0.85, 0.82, 1.00, 2),
    "lewis-hamilton": (0.89, 0.89, 0.82, 1.00, 2),
    "mistral-unseen": (0.76, 0.80, 0.82, 1.00, 1),
    "oracle": (0.71, 0.81, 0.66, 0.66, 1),
    # A fifth blind author (README.md), measured unread as stop 27 began (jaguar .68/.71/.75
    # with 2 junk). Jaguar's misjudged pages were then read (the dev topic); the other three
    # stay unread.
    "graphene": (0.76, 0.80, 0.74, 0.66, 2),
    "jaguar": (0.89, 0.89, 0.91, 0.95, 1),
    "real-madrid": (0.89, 0.85, 0.91, 0.66, 2),
    "serena-williams": (0.80, 0.76, 0.82, 0.66, 3),
    # A sixth blind author (README.md), measured unread as stop 28 ended (boston-celtics
    # .52/.57/.62 with 3 junk, puma .59/.73/.54 with 1). In stop 29 boston-celtics'
    # misjudged pages were read (the dev topic) and puma's verdicts and three homonyms'
    # headlines seen; michael-jordan and fusion-energy stay unread. The pages then began to
    # show an author's line breaks and "- " lines as lines and list items (they had been run
    # into one paragraph, which no site does), which moved all four.
    "boston-celtics": (0.82, 0.89, 0.84, 0.95, 0),
    "fusion-energy": (0.89, 0.81, 0.91, 1.00, 3),
    "michael-jordan": (0.88, 0.80, 0.91, 1.00, 3),
    "puma": (0.67, 0.85, 0.53, 1.00, 0),
}


def test_the_corpora_are_the_ones_issue_11_asks_for() -> None:
    names = corpus_names()
    assert len(names) >= 5 and set(names) == set(topics())
    assert set(FLOORS) == set(names)


@pytest.mark.parametrize("slug", sorted(FLOORS))
def test_topic_judgement_reaches_its_target_or_its_floor(
    slug: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures: Figures = run_topic(slug, tmp_path)
    with capsys.disabled():  # the table is the point of this test: always show it
        print("\n" + figures.table())
    precision, recall, kept, grouped, junk = FLOORS[slug]
    assert figures.precision >= min(precision, TARGET), figures.table()
    assert figures.recall >= min(recall, TARGET), figures.table()
    assert figures.kept_real >= min(kept, TARGET), figures.table()
    assert figures.one_per_group >= min(grouped, TARGET), figures.table()
    assert len(figures.junk_kept) <= junk, figures.table()
    assert not [v for v in figures.verdicts if v.actual == "missing"], figures.table()
