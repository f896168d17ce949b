"""``digestbot doctor``: config, database, each configured endpoint asked, each source's last
fetch; a table, then one line per problem saying what to do. Exit 0 only when all is well."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from app.cli.output import EXIT_FAILURE, EXIT_OK
from bot.config import Config, Secrets
from bot.doctor import Check, check_endpoints, delivery_checks, source_checks
from bot.errors import DigestbotError
from bot.health import gather
from storage import open_database, schema_status

_STYLE = {"ok": "green", "off": "dim", "note": "yellow", "problem": "bold red"}


def doctor_command(config: Config, config_path: Path) -> int:
    checks = diagnose(config, config_path, Secrets.from_env())
    out = Console(highlight=False, soft_wrap=True)
    table = Table(title="digestbot doctor", title_justify="left")
    for column in ("check", "status", "detail"):
        table.add_column(column, overflow="fold")
    for check in checks:
        table.add_row(
            Text(check.name), Text(check.status, style=_STYLE[check.status]), Text(check.detail)
        )
    out.print(table)
    problems = [c for c in checks if c.status == "problem"]
    for check in problems:
        out.print(f"PROBLEM {check.name.strip()}: {check.detail}", markup=False)
        out.print(f"  what to do: {check.advice}", markup=False)
    for check in checks:
        if check.status == "note" and check.advice:
            out.print(f"note {check.name.strip()}: {check.advice}", markup=False)
    if problems:
        out.print(f"{len(problems)} problem(s) found", markup=False)
        return EXIT_FAILURE
    out.print("all is well", markup=False)
    return EXIT_OK


def diagnose(config: Config, config_path: Path, secrets: Secrets) -> list[Check]:
    """Every check, in the order the table shows them."""
    checks = [Check("config", "ok", f"{config_path} ({len(config.topics)} topic(s))")]
    replay = config.fetch.replay_path()
    if replay is not None:
        checks.append(Check("fetch", "note", f"replaying recorded responses from {replay}"))
    checks += asyncio.run(check_endpoints(config, secrets))
    try:
        db = open_database(config.storage.path)
        version = schema_status(db).version
    except DigestbotError as exc:
        checks.append(
            Check(
                "database",
                "problem",
                f"{config.storage.path}: {exc}",
                "check storage.path, the file's permissions and the free disk space",
            )
        )
        return checks
    try:
        checks.append(Check("database", "ok", f"{config.storage.path} (schema version {version})"))
        facts = gather(db, config)
        checks += source_checks(facts)
        checks += delivery_checks(facts)
    finally:
        db.close()
    return checks
