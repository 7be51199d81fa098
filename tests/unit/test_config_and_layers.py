"""Settings file, and the layering rule: core, providers and hub never load Qt."""

from __future__ import annotations

import json
import subprocess
import sys
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
