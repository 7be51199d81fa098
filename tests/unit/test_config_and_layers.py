"""Settings file, and the layering rule: core, providers and hub never load Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bellbar.core.config import Config, Preferences, load_config, save_config
from bellbar.core.errors import ConfigError
from bellbar.core.model import Account


def test_config_round_trips_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    account = Account(id="x1", name="Work hub", provider="botbell", url="https://hub.example")
    config = Config(accounts=(account,), preferences=Preferences(do_not_disturb=True))
    save_config(path, config)
    assert load_config(path) == config
    assert set(json.loads(path.read_text())["accounts"][0]) == {
        "id",
        "name",
        "provider",
        "url",
        "options",
        "enabled",
    }
    assert path.stat().st_mode & 0o077 == 0


def test_every_preference_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    preferences = Preferences(
        dnd_until=datetime(2026, 5, 5, 8, tzinfo=UTC),
        quiet_hours=("22:00", "07:00"),
        dnd_follows_desktop=False,
        urgent_breaks_through=False,
        urgent_categories=("ops", "billing"),
        badge_counts="unread",
        popup_seconds=12,
        popup_corner="top-left",
        popup_sound=True,
        native_notifications=True,
    )
    save_config(path, Config(preferences=preferences))
    loaded = load_config(path).preferences
    assert loaded == preferences
    assert loaded.quiet().schedule is not None and loaded.quiet().urgent_categories == {
        "ops",
        "billing",
    }


@pytest.mark.parametrize(
    "preferences",
    [{"quiet_hours": ["22:00", "25:99"]}, {"dnd_until": "2026-05-05T08:00"}, []],
)
def test_a_bad_preference_is_a_clear_error(tmp_path: Path, preferences: object) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"accounts": [], "preferences": preferences}))
    with pytest.raises(ConfigError, match="malformed"):
        load_config(path)


def test_missing_and_broken_config(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.json") == Config()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(broken)
    broken.write_text('{"accounts": [{"provider": "aol"}]}')
    with pytest.raises(ConfigError, match="malformed"):
        load_config(broken)


def test_core_providers_and_hub_import_without_qt() -> None:
    code = (
        "import sys, bellbar.core.inbox, bellbar.core.sync, bellbar.providers.botbell, "
        "bellbar.hub.app, bellbar.hub.demo, bellbar.cli; "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_core_and_ui_never_import_the_hub() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "bellbar"
    for layer in ("core", "ui", "providers"):
        for module in (src / layer).rglob("*.py"):
            assert "bellbar.hub" not in module.read_text(), module


def test_update_config_keeps_what_another_writer_saved(tmp_path: Path) -> None:
    from dataclasses import replace

    from bellbar.core.config import update_config

    path = tmp_path / "config.json"
    account = Account(id="x1", name="Added by the CLI", provider="botbell", url="https://h")
    save_config(path, Config(accounts=(account,)))
    updated = update_config(
        path, lambda config: replace(config, preferences=Preferences(popup_seconds=9))
    )
    assert load_config(path) == updated
    assert updated.accounts == (account,) and updated.preferences.popup_seconds == 9
