"""Keyless answer accuracy on the 80 labelled questions of tests/grounding/questions.json
and the 60 of questions-blind.json (each written blind, over the claim set's articles):
the figures bench/ask.py reaches are held as floors, so a change to ranking that answers
from the wrong passage more often fails."""

from __future__ import annotations

from bench.ask_accuracy import BLIND_QUESTIONS, ask_all

RIGHT_PASSAGE_FLOOR = 0.77  # reached 0.79; 0.69 before this session's rules; 0.52 before
GROUNDED_RIGHT_FLOOR = 0.68  # reached 0.70; 0.60 before; 0.45 before that
BLIND_RIGHT_PASSAGE_FLOOR = 0.36  # reached 0.38 (0.35 with the code before it was written)
BLIND_GROUNDED_RIGHT_FLOOR = 0.28  # reached 0.30 (0.27)


def test_keyless_answers_hold_their_floors() -> None:
    outcomes = ask_all(None)
    answerable = [o for o in outcomes if o.answerable]
    right = sum(o.right_passage for o in answerable) / len(answerable)
    grounded = sum(o.grounded_right for o in outcomes) / len(outcomes)
    assert right >= RIGHT_PASSAGE_FLOOR
    assert grounded >= GROUNDED_RIGHT_FLOOR
    # Chinese questions find Chinese (and English) passages: none did before.
    chinese = [o for o in answerable if o.question["language"] == "zh-TW"]
    assert sum(o.right_passage for o in chinese) / len(chinese) >= 0.6


def test_keyless_answers_hold_their_floors_on_the_second_authors_questions() -> None:
    outcomes = ask_all(None, questions_path=BLIND_QUESTIONS)
    answerable = [o for o in outcomes if o.answerable]
    right = sum(o.right_passage for o in answerable) / len(answerable)
    grounded = sum(o.grounded_right for o in outcomes) / len(outcomes)
    assert right >= BLIND_RIGHT_PASSAGE_FLOOR
    assert grounded >= BLIND_GROUNDED_RIGHT_FLOOR
