"""One Bellbar per user profile: a second start asks the first to show its inbox.

A QLocalServer named after the profile's config directory; a new instance
that can connect to it sends "show" and exits instead of adding a second
tray icon. `claim_instance` takes the name before anything else starts, so
two Bellbars started in the same instant cannot both run: the one that
loses the race finds the other and steps aside.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 500


def server_name(config_dir: Path) -> str:
    digest = hashlib.sha256(str(config_dir.resolve()).encode()).hexdigest()[:16]
    return f"bellbar-{os.getuid() if hasattr(os, 'getuid') else 0}-{digest}"


def notify_running(name: str) -> bool:
    """True if an instance is already listening (it was told to show itself)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


def claim_instance(name: str) -> InstanceServer | None:
    """This process's InstanceServer, or None when another Bellbar already
    runs for this profile (it has been asked to show its inbox)."""
    if notify_running(name):
        return None
    server = InstanceServer(name)
    if server.listening:
        return server
    if notify_running(name):  # another one started in between: it won
        return None
    QLocalServer.removeServer(name)  # a stale socket from a crashed instance
    server.listen()
    return server


class InstanceServer(QObject):
    """Listens for later starts. Signals: show_requested()."""

    show_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self.listen()

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> None:
        self._server.listen(self._name)

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(self.show_requested)
            connection.disconnected.connect(connection.deleteLater)
