"""The settings file: accounts (without secrets) and preferences.

JSON in the platform config dir, written atomically (temp file + rename) so
a crash mid-write never leaves half a file. Secrets never pass through here;
`secrets.py` owns them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bellbar.core.errors import ConfigError
from bellbar.core.model import Account
from bellbar.core.quiet import DoNotDisturb, QuietHours

PROVIDERS = ("botbell", "magicbell", "belltastic", "notify")


POPUP_CORNERS = ("bottom-right", "bottom-left", "top-right", "top-left")


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the user chose in the tray menu and the settings window.

    Per-account choices (pop-ups on or off) live in the account's options.
    """

    do_not_disturb: bool = False
    dnd_until: datetime | None = None  # a timed pause: "for 1 hour", "until tomorrow"
    quiet_hours: tuple[str, str] | None = None  # daily ("22:00", "07:00"), local time
    dnd_follows_desktop: bool = True
    urgent_breaks_through: bool = True
    urgent_categories: tuple[str, ...] = ()
    badge_counts: str = "unseen"  # or "unread"
    popup_seconds: int = 6
    popup_corner: str = "bottom-right"
    popup_sound: bool = False
    native_notifications: bool = False  # the desktop's own pop-ups where it has them

    def quiet(self) -> DoNotDisturb:
        """These choices as the rule that decides whether it is quiet."""
        return DoNotDisturb(
            switched_on=self.do_not_disturb,
            until=self.dnd_until,
            schedule=QuietHours.parse(*self.quiet_hours) if self.quiet_hours else None,
            follow_desktop=self.dnd_follows_desktop,
            urgent_breaks_through=self.urgent_breaks_through,
            urgent_categories=frozenset(self.urgent_categories),
        )


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


def update_config(path: Path, change: Callable[[Config], Config]) -> Config:
    """Re-read the settings file, apply `change`, write it back: what another
    writer (the CLI, the tray menu, the settings window) saved meanwhile
    survives."""
    config = change(load_config(path))
    save_config(path, config)
    return config


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
    preferences = _preferences_from_json(raw.get("preferences", {}))
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
        "preferences": _preferences_to_json(config.preferences),
    }


def _preferences_from_json(raw: Any) -> Preferences:
    """Unknown or missing keys take their defaults; a wrong value is an error."""
    if not isinstance(raw, dict):
        raise TypeError("preferences must be an object")
    d = Preferences()
    until = raw.get("dnd_until")
    quiet_hours = raw.get("quiet_hours")
    if quiet_hours is not None:
        start, end = (str(t) for t in quiet_hours)
        QuietHours.parse(start, end)  # raises ValueError for a bad time
        quiet_hours = (start, end)
    corner = str(raw.get("popup_corner", d.popup_corner))
    return Preferences(
        do_not_disturb=bool(raw.get("do_not_disturb", d.do_not_disturb)),
        dnd_until=None if until is None else _aware(datetime.fromisoformat(str(until))),
        quiet_hours=quiet_hours,
        dnd_follows_desktop=bool(raw.get("dnd_follows_desktop", d.dnd_follows_desktop)),
        urgent_breaks_through=bool(raw.get("urgent_breaks_through", d.urgent_breaks_through)),
        urgent_categories=tuple(str(c) for c in raw.get("urgent_categories", ())),
        badge_counts="unread" if raw.get("badge_counts") == "unread" else "unseen",
        popup_seconds=max(1, int(raw.get("popup_seconds", d.popup_seconds))),
        popup_corner=corner if corner in POPUP_CORNERS else d.popup_corner,
        popup_sound=bool(raw.get("popup_sound", d.popup_sound)),
        native_notifications=bool(raw.get("native_notifications", d.native_notifications)),
    )


def _preferences_to_json(p: Preferences) -> dict[str, Any]:
    return {
        "do_not_disturb": p.do_not_disturb,
        "dnd_until": None if p.dnd_until is None else p.dnd_until.isoformat(),
        "quiet_hours": None if p.quiet_hours is None else list(p.quiet_hours),
        "dnd_follows_desktop": p.dnd_follows_desktop,
        "urgent_breaks_through": p.urgent_breaks_through,
        "urgent_categories": list(p.urgent_categories),
        "badge_counts": p.badge_counts,
        "popup_seconds": p.popup_seconds,
        "popup_corner": p.popup_corner,
        "popup_sound": p.popup_sound,
        "native_notifications": p.native_notifications,
    }


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no UTC offset")
    return moment
