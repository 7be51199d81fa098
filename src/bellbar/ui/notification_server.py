"""The desktop's notification server (org.freedesktop.Notifications), over Qt's D-Bus.

Bellbar asks it two things: what it is and can do (`bellbar doctor`, and
whether the desktop's own pop-ups could carry buttons and inline replies),
and whether the desktop is in do-not-disturb (the `Inhibited` property,
which KDE Plasma exposes; GNOME does not).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage, QDBusVariant

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
TIMEOUT_MS = 2000


@dataclass(frozen=True, slots=True)
class ServerInfo:
    name: str
    vendor: str
    version: str
    capabilities: tuple[str, ...]
    inhibited: bool | None  # None: the server does not say

    @property
    def has_actions(self) -> bool:
        return "actions" in self.capabilities

    @property
    def has_inline_reply(self) -> bool:
        return "inline-reply" in self.capabilities


def server_info() -> ServerInfo | str:
    """The running server's description, or why there is none (a sentence)."""
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set or dead)"
    server = QDBusInterface(SERVICE, PATH, INTERFACE, bus)
    server.setTimeout(TIMEOUT_MS)
    if not server.isValid():
        return f"no notification server is running ({server.lastError().message()})"
    information = _answer(server.call("GetServerInformation"))
    capabilities = _answer(server.call("GetCapabilities"))
    if isinstance(information, str):
        return information
    if isinstance(capabilities, str):
        return capabilities
    name, vendor, version = (str(value) for value in information[:3])
    listed = capabilities[0] if capabilities else []
    names = tuple(str(c) for c in listed) if isinstance(listed, list) else ()
    return ServerInfo(name, vendor, version, names, desktop_inhibited())


def desktop_inhibited() -> bool | None:
    """The server's `Inhibited` property: the desktop's do-not-disturb.
    None when the server or the property is not there."""
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return None
    properties = QDBusInterface(SERVICE, PATH, "org.freedesktop.DBus.Properties", bus)
    properties.setTimeout(TIMEOUT_MS)
    if not properties.isValid():
        return None
    value = _answer(properties.call("Get", INTERFACE, "Inhibited"))
    if isinstance(value, str) or not value:
        return None
    inhibited = value[0]
    if isinstance(inhibited, QDBusVariant):
        inhibited = inhibited.variant()
    return inhibited if isinstance(inhibited, bool) else None


def _answer(message: QDBusMessage) -> list[object] | str:
    if message.type() == QDBusMessage.MessageType.ErrorMessage:
        return message.errorMessage() or message.errorName()
    return list(message.arguments())
