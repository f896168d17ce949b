"""The README documents every command and the example config documents every key."""

from __future__ import annotations

import argparse
import re
import tomllib
from typing import Any

from pydantic import BaseModel

from app.cli import build_parser
from bot.config import Config
from tests.conftest import EXAMPLE_CONFIG, ROOT


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)  # type: ignore[arg-type]


def _commands() -> list[str]:
    return list(_subparsers())


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in _commands():
        assert re.search(rf"^\s+{command}\b", readme, flags=re.MULTILINE), command


def _readme_commands_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("\ndigestbot [--config PATH] [-v] COMMAND\n", 1)[1].split("```", 1)[0]
    return " ".join(block.split())


def test_the_readme_commands_match_the_help() -> None:
    """Each command's one-line help is its description in the README, and every option
    the parser knows is listed there."""
    block = _readme_commands_block()
    commands = next(a for a in build_parser()._actions if a.dest == "command")
    one_liners = {choice.dest: str(choice.help) for choice in commands._get_subactions()}
    for name, sub in _subparsers().items():
        assert " ".join(one_liners[name].split()) in block, name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in block, f"digestbot {name} {option}"


def test_every_command_and_option_says_what_it_is_for() -> None:
    subparsers = _subparsers()
    for name, sub in subparsers.items():
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"digestbot {name} {action.option_strings or action.dest}"
    for name in ("chat", "export", "run", "doctor"):  # their -h explains more than the list
        assert subparsers[name].description, name
    ask_date = next(a for a in subparsers["ask"]._actions if a.dest == "date")
    assert "end of the search window" in str(ask_date.help)


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys |= _keys(annotation, f"{prefix}{name}.")
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            keys |= _keys(inner, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def _present(data: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(data, list):
        for item in data:
            found |= _present(item, prefix)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict) or (
                isinstance(value, list) and value and isinstance(value[0], dict)
            ):
                found |= _present(value, f"{prefix}{key}.")
            else:
                found.add(f"{prefix}{key}")
    return found


def test_example_config_sets_every_key() -> None:
    data = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    assert _keys(Config) == _present(data)
