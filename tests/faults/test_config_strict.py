"""Bad configs through the real CLI: exit 2, no traceback, and one line per problem that
names the key, the value found and what belongs there. Nothing is coerced: "yes" and 1
are not booleans, true is not a number, "24" is not a number."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import EXAMPLE_CONFIG, ROOT

# (what the example says, what the bad config says instead, the line the error must hold)
BAD_CONFIGS = [
    (
        "allow_private_networks = false",
        'allow_private_networks = "yes"',
        'fetch.allow_private_networks = "yes": expected true or false',
    ),
    (
        "allow_private_networks = false",
        "allow_private_networks = 1",
        "fetch.allow_private_networks = 1: expected true or false",
    ),
    ("max_stories = 6", "max_stories = true", "topics[0].max_stories = true: expected a whole"),
    (
        "window_hours = 24",
        'window_hours = "24"',
        'topics[0].window_hours = "24": expected a whole number',
    ),
    ("window_hours = 24", "window_hours = 24.5", "topics[0].window_hours = 24.5: expected a whole"),
    ("timeout_s = 20", 'timeout_s = "20"', 'fetch.timeout_s = "20": expected a valid number'),
    ("deadline_s = 60", "deadline_s = true", "fetch.deadline_s = true: expected a valid number"),
    (
        "questions_per_hour = 20",
        'questions_per_hour = "20"',
        'qa.questions_per_hour = "20": expected a whole number',
    ),
    (
        "messages_per_second = 30",
        "messages_per_second = false",
        "telegram.messages_per_second = false: expected a valid number",
    ),
    ('path = "digestbot.db"', "path = 1", "storage.path = 1: expected a string in quotes"),
    (
        'delivery_time = "08:00"',
        "delivery_time = 08:00:00",
        "topics[0].delivery_time = 08:00:00: expected a string in quotes",
    ),
    ('name = "Mistral AI"', "name = 5", "topics[0].name = 5: expected a string in quotes"),
    (
        "exclude = []",
        'exclude = "spam"',
        'topics[0].exclude = "spam": expected a list',
    ),
    (
        'slug = "mistral"',
        'slug = "Mistral AI"',
        'topics[0].slug = "Mistral AI": expected lower-case letters',
    ),
    (
        "retries = 2 ",
        "retries = -1 ",
        "fetch.retries = -1: expected greater than or equal to 0",
    ),
    ("[fetch]", "[fetch]\ntimeout = 5", "fetch.timeout: unknown key"),
]


def _write_bad(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    assert old in text, f"the example no longer says {old!r}"
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "line"), BAD_CONFIGS, ids=[b[1] for b in BAD_CONFIGS])
def test_a_bad_value_is_exit_2_with_one_line_naming_key_value_and_expectation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, line: str
) -> None:
    code = main(["--config", str(_write_bad(tmp_path, old, new)), "doctor"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    problems = err.splitlines()[1:]
    assert len(problems) == 1, err
    assert problems[0].strip().startswith(line), err


def test_a_duplicate_slug_names_the_duplicate_not_the_whole_topics_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    topic = text[text.index("[[topics]]") :]
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n" + topic, encoding="utf-8")
    code = main(["--config", str(path), "doctor"])
    err = capsys.readouterr().err
    assert code == 2
    (problem,) = err.splitlines()[1:]
    assert problem.strip().startswith('topics[1].slug = "mistral": expected a slug of its own')
    assert "TopicConfig" not in err and len(problem) < 160


def test_every_problem_of_a_config_is_reported_each_on_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for old, new, _ in BAD_CONFIGS[:4]:
        text = text.replace(old, new, 1)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["--config", str(path), "doctor"]) == 2
    problems = capsys.readouterr().err.splitlines()[1:]
    assert [p.split(" = ")[0].strip() for p in problems] == [
        "fetch.allow_private_networks",
        "topics[0].window_hours",
        "topics[0].max_stories",
    ]


def test_a_long_or_multiline_value_stays_on_one_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_bad(
        tmp_path, 'timezone = "Asia/Taipei"', 'timezone = """Asia/\n' + "x" * 300 + '"""'
    )
    assert main(["--config", str(path), "doctor"]) == 2
    (problem,) = capsys.readouterr().err.splitlines()[1:]
    assert problem.strip().startswith('topics[0].timezone = "Asia/\\nxxx')
    assert len(problem) < 200


def test_the_installed_entry_point_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = _write_bad(tmp_path, *BAD_CONFIGS[0][:2])
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    done = subprocess.run(
        [sys.executable, "-m", "app", "--config", str(path), "doctor"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert 'fetch.allow_private_networks = "yes": expected true or false' in done.stderr
