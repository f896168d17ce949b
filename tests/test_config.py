from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from bot.config import BUNDLED_CONFIG, load_config, parse_config, resolve_config_path
from bot.errors import ConfigError
from tests.conftest import EXAMPLE_CONFIG, example_data


def test_example_config_is_valid_and_is_the_bundled_demo_config() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert config.topics[0].slug == "mistral"
    assert config.fetch.replay_path() is not None
    # The config used when none is given must be the documented example, byte for byte.
    assert BUNDLED_CONFIG.read_bytes() == EXAMPLE_CONFIG.read_bytes()


def _error_for(mutate: object) -> str:
    data = example_data()
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ConfigError) as caught:
        parse_config(data, source="config.toml")
    return str(caught.value)


def test_bad_timezone_names_key_value_and_expectation() -> None:
    message = _error_for(lambda d: d["topics"][0].update(timezone="Mars/Olympus"))
    assert 'topics[0].timezone = "Mars/Olympus"' in message
    assert "IANA timezone" in message


def test_bad_delivery_time_names_the_format() -> None:
    message = _error_for(lambda d: d["topics"][0].update(delivery_time="8am"))
    assert 'topics[0].delivery_time = "8am"' in message
    assert "HH:MM" in message


def test_wrong_type_names_expected_type() -> None:
    message = _error_for(lambda d: d["fetch"].update(timeout_s="fast"))
    assert 'fetch.timeout_s = "fast"' in message
    assert "expected a valid number" in message


def test_unknown_key_is_an_error() -> None:
    message = _error_for(lambda d: d["fetch"].update(timeout=5))
    assert "fetch.timeout: unknown key" in message


def test_unknown_language_lists_the_choices() -> None:
    message = _error_for(lambda d: d["topics"][0].update(language="fr"))
    assert 'topics[0].language = "fr"' in message
    assert "'en' or 'zh-TW'" in message


def test_source_kind_and_url_are_checked() -> None:
    message = _error_for(
        lambda d: d["topics"][0]["sources"][0].update(kind="podcast", url="ftp://x")
    )
    assert "topics[0].sources[0].kind" in message
    assert "topics[0].sources[0].url" in message


def test_duplicate_topic_slugs_rejected() -> None:
    message = _error_for(lambda d: d["topics"].append(dict(d["topics"][0])))
    assert "appears twice" in message


def test_missing_required_key() -> None:
    message = _error_for(lambda d: d["topics"][0].pop("keywords"))
    assert "topics[0].keywords: required key is missing" in message


def test_toml_syntax_error_is_reported_with_position(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[storage]\npath = "unterminated\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 2"):
        load_config(path)


def test_cli_reports_config_error_with_exit_2_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        EXAMPLE_CONFIG.read_text(encoding="utf-8").replace(
            'timezone = "Asia/Taipei"', 'timezone = "Nowhere/Land"'
        ),
        encoding="utf-8",
    )
    code = main(["--config", str(path), "sources"])
    captured = capsys.readouterr()
    assert code == 2
    assert 'topics[0].timezone = "Nowhere/Land"' in captured.err
    assert "Traceback" not in captured.err


def test_cli_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--config", str(tmp_path / "nope.toml"), "doctor"])
    assert code == 2
    assert "config file not found" in capsys.readouterr().err


def test_config_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_config_path(None, {}) == BUNDLED_CONFIG
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    assert resolve_config_path(None, {}) == Path("config.toml")
    assert resolve_config_path(None, {"DIGESTBOT_CONFIG": "/x.toml"}) == Path("/x.toml")
    assert resolve_config_path("/y.toml", {"DIGESTBOT_CONFIG": "/x.toml"}) == Path("/y.toml")


def test_secrets_come_from_environment_only() -> None:
    from bot.config import Secrets

    secrets = Secrets.from_env({"MISTRAL_API_KEY": "k", "TELEGRAM_BOT_TOKEN": ""})
    assert secrets.mistral_api_key == "k"
    assert secrets.telegram_bot_token is None
    assert "api_key" not in EXAMPLE_CONFIG.read_text(encoding="utf-8").lower().replace(
        "mistral_api_key", ""
    )
