"""Start at login, the way each desktop does it.

* Linux and other XDG desktops: `~/.config/autostart/bellbar.desktop`.
* macOS: a LaunchAgent, `~/Library/LaunchAgents/org.bellbar.Bellbar.plist`.
* Windows: a value named "Bellbar" under HKCU\\...\\CurrentVersion\\Run.

The setting is never stored on its own: `is_enabled()` looks at what is
really there, so a user who deletes the entry by hand sees the toggle off.
Only an entry Bellbar wrote is removed; a file of the same name that does
not start Bellbar is left alone and reported as off.
"""

from __future__ import annotations

import importlib
import os
import plistlib
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

APP_ID = "bellbar"
LAUNCH_AGENT_LABEL = "org.bellbar.Bellbar"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
MARKER = "X-Bellbar-Autostart=true"


def launch_command() -> list[str]:
    """How to start this Bellbar again: the frozen bundle's executable, or
    this interpreter running the package (a venv or pipx install)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "bellbar"]


class Autostart(Protocol):
    def is_enabled(self) -> bool: ...
    def enable(self, command: list[str]) -> None: ...
    def disable(self) -> None: ...


@dataclass(frozen=True)
class XdgAutostart:
    """A desktop entry in $XDG_CONFIG_HOME/autostart (freedesktop.org spec)."""

    config_home: Path

    @property
    def path(self) -> Path:
        return self.config_home / "autostart" / f"{APP_ID}.desktop"

    def is_enabled(self) -> bool:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            return False
        return MARKER in text and "Hidden=true" not in text

    def enable(self, command: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        exec_line = " ".join(_desktop_quote(part) for part in command)
        _write_atomically(
            self.path,
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=Bellbar\n"
            "Comment=Notification inbox in the system tray\n"
            f"Exec={exec_line}\n"
            "Icon=bellbar\n"
            "Terminal=false\n"
            "Categories=Utility;\n"
            "X-GNOME-Autostart-enabled=true\n"
            f"{MARKER}\n",
        )

    def disable(self) -> None:
        if self.is_enabled():
            self.path.unlink()


@dataclass(frozen=True)
class LaunchAgent:
    """A per-user LaunchAgent that runs Bellbar at login (macOS)."""

    home: Path

    @property
    def path(self) -> Path:
        return self.home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"

    def is_enabled(self) -> bool:
        try:
            with self.path.open("rb") as handle:
                agent = plistlib.load(handle)
        except (FileNotFoundError, plistlib.InvalidFileException, ValueError):
            return False
        return bool(agent.get("Label") == LAUNCH_AGENT_LABEL and agent.get("RunAtLoad"))

    def enable(self, command: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": command,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }
        _write_atomically(self.path, plistlib.dumps(agent).decode())

    def disable(self) -> None:
        if self.is_enabled():
            self.path.unlink()


class RegistryRun:
    """The HKCU Run key (Windows). `winreg` is imported only here, on Windows."""

    def __init__(self, value_name: str = "Bellbar") -> None:
        self.value_name = value_name

    def is_enabled(self) -> bool:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, self.value_name)
        except OSError:
            return False
        return True

    def enable(self, command: list[str]) -> None:
        winreg = _winreg()
        line = " ".join(f'"{part}"' for part in command)
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.SetValueEx(key, self.value_name, 0, winreg.REG_SZ, line)

    def disable(self) -> None:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, self.value_name)
        except FileNotFoundError:
            pass


def for_this_platform(platform: str = sys.platform) -> Autostart:
    if platform == "win32":
        return RegistryRun()
    if platform == "darwin":
        return LaunchAgent(Path.home())
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return XdgAutostart(Path(config_home))


def _winreg() -> Any:
    """The Windows registry module; typed loosely, as its stubs exist only
    when type-checking for Windows."""
    return importlib.import_module("winreg")


def _desktop_quote(argument: str) -> str:
    """Quote an Exec argument as the Desktop Entry spec wants: double quotes
    around anything with reserved characters, `%` doubled."""
    argument = argument.replace("%", "%%")
    if argument and shlex.quote(argument) == argument:
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
