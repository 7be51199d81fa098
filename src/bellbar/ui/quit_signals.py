"""SIGINT/SIGTERM end the tray app cleanly (children stopped, cache closed).

Qt's event loop runs in C++, so a Python signal handler would only run at
the next Python callback. `signal.set_wakeup_fd` writes to a socket that a
QSocketNotifier watches instead: the handler runs at once, and an idle app
pays no timer wake-ups for it.
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, Signal

QUIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class QuitSignals(QObject):
    """Emits `received` when SIGINT or SIGTERM arrives."""

    received = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        for number in QUIT_SIGNALS:
            signal.signal(number, lambda *_: None)  # the wake-up fd does the work
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)

    def _on_wakeup(self) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        if any(byte in (int(s) for s in QUIT_SIGNALS) for byte in data):
            self.received.emit()

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for number in QUIT_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        self._reader.close()
        self._writer.close()
