"""Smoke runs of what `make package` built, as a user would get it.

* the PyInstaller bundle: `dist/bellbar/bellbar --version` and `--self-test`
  (tray, inbox window, keyring, event loop), offscreen, on a real
  gnome-keyring in a private D-Bus session;
* the wheel: `pipx install` into a private PIPX_HOME, then the same two
  commands from the `bellbar` pipx put on the path;
* the .deb: its contents list the bundle, the launcher, the desktop entry
  and the icons.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import secret_service  # noqa: E402

DIST = ROOT / "dist"


def run(command: list[str], env: dict[str, str], *, echo: bool = True) -> str:
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if echo:
        print(result.stdout, end="", flush=True)
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def check_program(program: list[str], env: dict[str, str]) -> None:
    assert run([*program, "--version"], env).startswith("bellbar ")
    out = run([*program, "--self-test"], env)
    assert out.splitlines()[-1] == "self-test: ok", out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with secret_service.secret_service(tmp / "keyring") as keyring_env:
            env = {**os.environ, **keyring_env, "QT_QPA_PLATFORM": "offscreen"}
            for name in ("CONFIG", "DATA", "CACHE", "STATE"):
                env[f"XDG_{name}_HOME"] = str(tmp / name.lower())
            check_program([str(DIST / "bellbar" / "bellbar")], env)

            wheel = next(DIST.glob("bellbar-*.whl"))
            pipx_env = {**env, "PIPX_HOME": str(tmp / "pipx"), "PIPX_BIN_DIR": str(tmp / "bin")}
            run([sys.executable, "-m", "pipx", "install", "--python", sys.executable,
                 str(wheel)], pipx_env)  # fmt: skip
            check_program([str(tmp / "bin" / "bellbar")], pipx_env)

    deb = next((DIST / "deb").glob("bellbar_*.deb"))
    contents = run(["dpkg-deb", "--contents", str(deb)], dict(os.environ), echo=False)
    for path in (
        "./opt/bellbar/bellbar",
        "./usr/bin/bellbar",
        "./usr/share/applications/bellbar.desktop",
        "./usr/share/icons/hicolor/256x256/apps/bellbar.png",
    ):
        assert path in contents, f"{path} missing from {deb.name}"
    print("smoke tests passed: bundle, pipx install of the wheel, .deb contents")


if __name__ == "__main__":
    main()
