"""Start at login: the entry each platform reads, written, found and removed."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from bellbar.core import autostart
from bellbar.core.autostart import LaunchAgent, RegistryRun, XdgAutostart, for_this_platform

COMMAND = ["/opt/Bell bar/bin/python3", "-m", "bellbar", "--profile=100%"]


def test_xdg_entry_is_valid_and_runs_this_bellbar(tmp_path: Path) -> None:
    entry = XdgAutostart(tmp_path)
    assert not entry.is_enabled()
    entry.enable(COMMAND)
    assert entry.is_enabled()
    text = entry.path.read_text()
    assert 'Exec="/opt/Bell bar/bin/python3" -m bellbar --profile=100%%\n' in text
    validator = shutil.which("desktop-file-validate")
    if validator:  # installed by .ci/run; a machine without it still checks the rest
        result = subprocess.run([validator, str(entry.path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    entry.disable()
    assert not entry.path.exists() and not entry.is_enabled()


def test_xdg_entry_not_written_by_bellbar_is_left_alone(tmp_path: Path) -> None:
    entry = XdgAutostart(tmp_path)
    entry.path.parent.mkdir(parents=True)
    entry.path.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    assert not entry.is_enabled()
    entry.disable()
    assert entry.path.exists()


def test_xdg_entry_hidden_by_the_desktop_counts_as_off(tmp_path: Path) -> None:
    entry = XdgAutostart(tmp_path)
    entry.enable(COMMAND)
    entry.path.write_text(entry.path.read_text() + "Hidden=true\n")
    assert not entry.is_enabled()


def test_launch_agent_plist(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path)
    assert not agent.is_enabled()
    agent.enable(COMMAND)
    assert agent.path == tmp_path / "Library/LaunchAgents/org.bellbar.Bellbar.plist"
    written = plistlib.loads(agent.path.read_bytes())
    assert written["ProgramArguments"] == COMMAND and written["RunAtLoad"] is True
    assert agent.is_enabled()
    agent.disable()
    assert not agent.is_enabled()


class FakeWinreg(types.ModuleType):
    """The slice of `winreg` RegistryRun uses, over a dict: winreg itself exists
    only on Windows, and this checks the calls and the value written."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        super().__init__("winreg")
        self.values: dict[tuple[str, str], str] = {}

    class _Key:
        def __init__(self, path: str) -> None:
            self.path = path

        def __enter__(self) -> FakeWinreg._Key:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    def OpenKey(self, root: str, path: str, *rest: object) -> _Key:
        return self._Key(path)

    def CreateKey(self, root: str, path: str) -> _Key:
        return self._Key(path)

    def QueryValueEx(self, key: _Key, name: str) -> tuple[str, int]:
        if (key.path, name) not in self.values:
            raise FileNotFoundError(name)
        return self.values[(key.path, name)], self.REG_SZ

    def SetValueEx(self, key: _Key, name: str, _: int, kind: int, value: str) -> None:
        assert kind == self.REG_SZ
        self.values[(key.path, name)] = value

    def DeleteValue(self, key: _Key, name: str) -> None:
        if self.values.pop((key.path, name), None) is None:
            raise FileNotFoundError(name)


def test_windows_run_value(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = FakeWinreg()
    monkeypatch.setitem(sys.modules, "winreg", registry)
    run = RegistryRun()
    assert not run.is_enabled()
    run.enable([r"C:\Program Files\Bellbar\Bellbar.exe"])
    assert registry.values == {
        (autostart.RUN_KEY, "Bellbar"): r'"C:\Program Files\Bellbar\Bellbar.exe"'
    }
    assert run.is_enabled()
    run.disable()
    run.disable()  # already gone: no error
    assert not run.is_enabled()


def test_each_platform_gets_its_own_mechanism(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    linux = for_this_platform("linux")
    assert isinstance(linux, XdgAutostart) and linux.config_home == tmp_path
    assert isinstance(for_this_platform("darwin"), LaunchAgent)
    assert isinstance(for_this_platform("win32"), RegistryRun)


def test_the_launch_command_starts_this_interpreter() -> None:
    assert autostart.launch_command() == [sys.executable, "-m", "bellbar"]
