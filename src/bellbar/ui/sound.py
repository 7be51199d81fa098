"""The "new message" sound, played the way the desktop plays its own.

On Linux, libcanberra's `canberra-gtk-play` plays the sound theme's
"message-new-instant" (so it follows the user's theme and volume); where it
is missing, and on other systems, Qt's beep stands in. The player runs as a
separate process, so a slow sound server never blocks the tray.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from PySide6.QtWidgets import QApplication

SOUND_ID = "message-new-instant"


def play_new_message() -> None:
    player = shutil.which("canberra-gtk-play") if sys.platform.startswith("linux") else None
    if player is None:
        QApplication.beep()
        return
    try:
        subprocess.Popen(  # noqa: S603 - a fixed program and arguments
            [player, "--id", SOUND_ID, "--description", "Bellbar"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        QApplication.beep()
