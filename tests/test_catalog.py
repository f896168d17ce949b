"""The one string catalog (bot/i18n.py): every language has every key, with the same
placeholders, and no reader-facing English is written anywhere else in the chat code."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.config import LANGUAGES
from bot.i18n import CATALOG, DEFAULT_LANGUAGE, has
from tests.conftest import ROOT

CHAT_CODE = ("bot/commands", "bot/chat", "bot/delivery")
_PROSE = re.compile(r"[A-Za-z]{2,}[,.:;!?'’]* +[A-Za-z]{2,}")
"""Two words of Latin letters: something a reader would read, not a key or a format."""
_LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
OPERATOR_TEXT = {"internal error", " part(s) sent, then "}
"""Why a delivery failed, as stored for the operator (``deliveries.error``): never sent to
a chat."""


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    assert set(CATALOG) == set(LANGUAGES)
    keys = set(CATALOG[DEFAULT_LANGUAGE])
    for language, strings in CATALOG.items():
        assert set(strings) == keys, (language, set(strings) ^ keys)
        for key, template in strings.items():
            assert template.strip(), (language, key)
            expected = _placeholders(CATALOG[DEFAULT_LANGUAGE][key])
            assert _placeholders(template) == expected, (language, key)


def test_the_chinese_catalog_is_chinese() -> None:
    # Every zh-TW chat string holds Chinese (usage lines may keep the command syntax).
    for key, template in CATALOG["zh-TW"].items():
        if key.startswith(("chat.", "usage.", "action.", "arg.")) or key.endswith(".summary"):
            assert re.search(r"[\u4e00-\u9fff]", template), key


def _modules() -> list[Path]:
    return sorted(p for folder in CHAT_CODE for p in (ROOT / folder).glob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for statement in body:  # module, class and function docstrings, attribute notes
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    ids.add(id(statement.value))
    return ids


def _exempt(tree: ast.AST) -> set[int]:
    """String nodes that no reader sees: docstrings, log lines, exception messages."""
    ids = _docstrings(tree)
    for node in ast.walk(tree):
        logged = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LOGGING
        )
        if logged or isinstance(node, ast.Raise):
            ids.update(id(inner) for inner in ast.walk(node))
    return ids


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    return []


def test_no_reader_facing_english_outside_the_catalog() -> None:
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text())
        exempt = _exempt(tree)
        for node in ast.walk(tree):
            if id(node) in exempt:
                continue
            for text in _strings(node):
                if _PROSE.search(text) and text not in OPERATOR_TEXT:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]!r}")
    assert found == []


def _catalog_keys_used() -> list[tuple[str, str]]:
    """Catalog keys the chat code names: the first string of ``text(language, KEY)``,
    ``chat.text(KEY)``, ``UsageProblem(KEY)`` and ``_problem(KEY)``."""
    used = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            constants = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if name in ("text", "UsageProblem", "_problem") and constants:
                key = constants[0]
                if isinstance(key, str) and re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", key):
                    used.append((f"{path.relative_to(ROOT)}:{node.lineno}", key))
    return used


def test_every_key_the_chat_code_names_is_in_the_catalog() -> None:
    used = _catalog_keys_used()
    assert len(used) > 40  # the scan sees the calls
    assert [(where, key) for where, key in used if not has(key)] == []


def test_the_scan_finds_english_where_it_should_not_be(tmp_path: Path) -> None:
    tree = ast.parse('def f(chat):\n    return Reply.text(f"Sorry, that failed: {chat}")\n')
    strings = [s for node in ast.walk(tree) for s in _strings(node)]
    assert any(_PROSE.search(s) for s in strings)
