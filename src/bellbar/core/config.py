"""The settings file: accounts (without secrets) and preferences.

JSON in the platform config dir, written atomically (temp file + rename) so
a crash mid-write never leaves half a file. Secrets never pass through here;
`secrets.py` owns them.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bellbar.core.errors import ConfigError
from bellbar.core.model import Account

PROVIDERS = ("botbell", "magicbell", "belltastic", "notify")


@dataclass(frozen=True, slots=True)
class Preferences:
    """User preferences shown in the tray menu."""

    do_not_disturb: bool = False
    badge_counts: str = "unseen"  # or "unread"
    popup_seconds: int = 6


@dataclass(frozen=True, slots=True)
class Config:
    """Everything in config.json."""

    accounts: tuple[Account, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)

    def with_account(self, account: Account) -> Config:
        """A copy with `account` added, or replacing the one with its name."""
        others = tuple(a for a in self.accounts if a.name != account.name)
        return replace(self, accounts=(*others, account))

    def without_account(self, name: str) -> Config:
        return replace(self, accounts=tuple(a for a in self.accounts if a.name != name))

    def account_named(self, name: str) -> Account | None:
        return next((a for a in self.accounts if a.name == name), None)


def load_config(path: Path) -> Config:
    """Read the settings file; a missing file is an empty config."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
    try:
        return _config_from_json(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"settings file {path} is malformed: {exc}") from exc


def save_config(path: Path, config: Config) -> None:
    """Write the settings file atomically, readable by the user only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(_config_to_json(config), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _config_from_json(raw: Any) -> Config:
    accounts = []
    for item in raw.get("accounts", []):
        provider = str(item["provider"])
        if provider not in PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}")
        accounts.append(
            Account(
                id=str(item["id"]),
                name=str(item["name"]),
                provider=provider,
                url=str(item["url"]),
                options={str(k): str(v) for k, v in dict(item.get("options", {})).items()},
                enabled=bool(item.get("enabled", True)),
            )
        )
    prefs = raw.get("preferences", {})
    defaults = Preferences()
    preferences = Preferences(
        do_not_disturb=bool(prefs.get("do_not_disturb", defaults.do_not_disturb)),
        badge_counts="unread" if prefs.get("badge_counts") == "unread" else "unseen",
        popup_seconds=int(prefs.get("popup_seconds", defaults.popup_seconds)),
    )
    return Config(accounts=tuple(accounts), preferences=preferences)


def _config_to_json(config: Config) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": a.id,
                "name": a.name,
                "provider": a.provider,
                "url": a.url,
                "options": dict(a.options),
                "enabled": a.enabled,
            }
            for a in config.accounts
        ],
        "preferences": {
            "do_not_disturb": config.preferences.do_not_disturb,
            "badge_counts": config.preferences.badge_counts,
            "popup_seconds": config.preferences.popup_seconds,
        },
    }
