"""The deployment files hold what a safe deployment needs, and the README's backup and
restore commands work on a database that is being written. (deploy/check.sh performs the
Dockerfile's install steps; it is too slow for make test.)"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from storage import open_database
from storage.db import count_rows
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _instructions(path: str) -> list[str]:
    text = (ROOT / path).read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_dockerfile_is_multi_stage_non_root_and_keeps_the_database_on_a_volume() -> None:
    lines = _instructions("Dockerfile")
    stages = [n for n, line in enumerate(lines) if line.startswith("FROM ")]
    assert len(stages) >= 2
    runtime = lines[stages[-1] :]
    (user,) = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert user.split(":")[0] not in ("root", "0")
    assert 'VOLUME ["/data"]' in runtime
    assert "ENTRYPOINT" in " ".join(runtime) and 'CMD ["run"]' in runtime
    # The runtime stage takes only the built virtualenv from the build stage.
    assert [line for line in runtime if line.startswith("COPY")] == [
        "COPY --from=build /opt/digestbot /opt/digestbot"
    ]
    for line in lines[: stages[-1]]:
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), f"{source} is copied but not in the repository"
    assert not re.search(r"TOKEN|API_KEY", " ".join(lines))


def test_the_docker_context_leaves_secrets_and_databases_out() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ignore[1:2] == ["*"] or "*" in ignore, "everything is excluded unless listed"
    assert not any(line.startswith("!") and (".env" in line or ".db" in line) for line in ignore)


def test_compose_takes_tokens_from_env_and_mounts_data_and_config() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "env_file: .env" in compose
    assert "- digestbot-data:/data" in compose
    assert "./config.toml:/config/config.toml:ro" in compose
    assert "read_only: true" in compose and "no-new-privileges:true" in compose
    assert not re.search(r"(TOKEN|API_KEY)\s*[:=]", compose), "tokens only in .env"


def test_env_example_lists_every_secret_empty_and_env_is_git_ignored() -> None:
    lines = _instructions(".env.example")
    assert lines == ["MISTRAL_API_KEY=", "TELEGRAM_BOT_TOKEN=", "DISCORD_BOT_TOKEN="]
    git = shutil.which("git")
    assert git is not None
    ignored = subprocess.run([git, "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    example = subprocess.run([git, "check-ignore", "-q", ".env.example"], cwd=ROOT, check=False)
    assert ignored.returncode == 0, ".env must be git-ignored"
    assert example.returncode == 1, ".env.example must be committed"


def test_the_systemd_unit_runs_unprivileged_and_hardened() -> None:
    unit = dict(
        line.split("=", 1) for line in _instructions("deploy/digestbot.service") if "=" in line
    )
    assert unit["User"] == "digestbot" and unit["ExecStart"].endswith("digestbot run")
    assert unit["Restart"] == "on-failure"
    assert unit["EnvironmentFile"].startswith("/etc/digestbot/")
    for option, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "CapabilityBoundingSet": "",
        "RestrictSUIDSGID": "yes",
        "SystemCallFilter": "@system-service",
    }.items():
        assert unit.get(option) == value, option


def test_the_readme_explains_running_it_for_real() -> None:
    section = README[README.index("## Running it for real") :]
    section = section[: section.index("\n## ", 3)]
    for topic in ("### Tokens", "### Backups", "### Upgrades", "### Logs", "restore"):
        assert topic in section, topic
    assert "docs/operations.md" in section
    assert (ROOT / "docs" / "operations.md").exists()


def _readme_command(marker: str) -> str:
    """The python -c one-liner of the README line holding ``marker``."""
    line = next(line for line in README.splitlines() if marker in line and "python" in line)
    return re.search(r'-c "([^"]+)"', line).group(1)  # type: ignore[union-attr]


def test_the_readme_backup_and_restore_work_while_the_database_is_written(
    tmp_path: Path,
) -> None:
    live = tmp_path / "digestbot.db"
    db = open_database(live)
    db.conn.close()
    stop, writing = threading.Event(), threading.Event()

    def write() -> None:
        writer = sqlite3.connect(live)
        while not stop.is_set():
            with writer:
                writer.execute("INSERT INTO subscriptions_probe VALUES (1)")
            writing.set()
        writer.close()

    with sqlite3.connect(live) as setup:
        setup.execute("CREATE TABLE subscriptions_probe (n INTEGER)")
    writer = threading.Thread(target=write)
    writer.start()
    assert writing.wait(30), "the writer never committed"
    try:
        backup = _readme_command("backup(sqlite3.connect('backup.db'))")
        subprocess.run([sys.executable, "-c", backup], cwd=tmp_path, check=True, timeout=60)
    finally:
        stop.set()
        writer.join()
    copy = sqlite3.connect(tmp_path / "backup.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    saved = copy.execute("SELECT count(*) FROM subscriptions_probe").fetchone()[0]
    copy.close()
    assert saved > 0

    restore = _readme_command("backup(sqlite3.connect('digestbot.db'))")
    subprocess.run([sys.executable, "-c", restore], cwd=tmp_path, check=True, timeout=60)
    restored = open_database(live)
    assert count_rows(restored, "subscriptions_probe") == saved
    restored.conn.close()
