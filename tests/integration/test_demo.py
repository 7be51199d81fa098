"""`bellbar demo` starts a hub, seeds it, and both demo accounts go live."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

# Streams where the hub offers one; Notify is polled, as against GOV.UK Notify itself.
ACCOUNTS = ("demo: live", "demo-magicbell: live", "demo-belltastic: live", "demo-notify: polling")


def test_demo_runs_every_account_live_and_quits_cleanly(app_dirs: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    demo = subprocess.Popen(
        [sys.executable, "-m", "bellbar", "--debug", "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = app_dirs / "state/bellbar/log/demo/bellbar.log"
    try:
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline and demo.poll() is None:
            text = log.read_text() if log.exists() else ""
            if all(f"account {a}" in text for a in ACCOUNTS):
                break
            time.sleep(0.2)
        assert all(f"account {a}" in text for a in ACCOUNTS), text[-2000:]
        hub_url = re.search(r"demo hub at (http://\S+)", text)
        assert hub_url is not None
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(20) == 0
        output = demo.stdout.read() if demo.stdout else ""
        assert "ut_" not in output.replace("ut_***", "") and "sk_" not in output
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        if demo.stdout:
            demo.stdout.close()
    assert subprocess.run(["pgrep", "-f", str(app_dirs)], capture_output=True).stdout == b""
