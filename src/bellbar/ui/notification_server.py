"""The desktop's notification server (org.freedesktop.Notifications), over Qt's D-Bus.

Bellbar asks it two things: what it is and can do (`bellbar doctor`, and
whether the desktop's own pop-ups could carry buttons and inline replies),
and whether the desktop is in do-not-disturb (the `Inhibited` property,
which KDE Plasma exposes; GNOME does not).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage, QDBusVariant

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


def session_bus() -> QDBusConnection | None:
    """The desktop session's bus, or None outside a desktop session. Without
    DBUS_SESSION_BUS_ADDRESS libdbus would try to autolaunch a bus of its own
    (through X11), which can hang a headless start."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    bus = QDBusConnection.sessionBus()
    return bus if bus.isConnected() else None


def server_info() -> ServerInfo | str:
    """The running server's description, or why there is none (a sentence)."""
    bus = session_bus()
    if bus is None:
        return "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set or dead)"
    information = _call(bus, INTERFACE, "GetServerInformation")
    if isinstance(information, str):
        return f"no notification server is running ({information})"
    capabilities = _call(bus, INTERFACE, "GetCapabilities")
    if isinstance(capabilities, str):
        return capabilities
    name, vendor, version = (str(value) for value in information[:3])
    listed = capabilities[0] if capabilities else []
    names = tuple(str(c) for c in listed) if isinstance(listed, list) else ()
    return ServerInfo(name, vendor, version, names, desktop_inhibited())


def desktop_inhibited() -> bool | None:
    """The server's `Inhibited` property: the desktop's do-not-disturb.
    None when the server or the property is not there."""
    bus = session_bus()
    if bus is None:
        return None
    # Asking whether the desktop is quiet must not start a notification server.
    value = _call(
        bus, "org.freedesktop.DBus.Properties", "Get", INTERFACE, "Inhibited", autostart=False
    )
    if isinstance(value, str) or not value:
        return None
    inhibited = value[0]
    if isinstance(inhibited, QDBusVariant):
        inhibited = inhibited.variant()
    return inhibited if isinstance(inhibited, bool) else None


def _call(
    bus: QDBusConnection, interface: str, method: str, *args: object, autostart: bool = True
) -> list[object] | str:
    """One method call with a short timeout. A plain message, not a
    QDBusInterface: that one introspects first, with a 25 s timeout of its own,
    which a hung server would spend on the UI thread. Without `autostart` the
    bus does not launch a server that is not running."""
    message = QDBusMessage.createMethodCall(SERVICE, PATH, interface, method)
    message.setAutoStartService(autostart)
    if args:
        message.setArguments(list(args))
    return _answer(bus.call(message, QDBus.CallMode.Block, TIMEOUT_MS))


def _answer(message: QDBusMessage) -> list[object] | str:
    if message.type() == QDBusMessage.MessageType.ErrorMessage:
        return message.errorMessage() or message.errorName()
    return list(message.arguments())


class InhibitedWatcher(QObject):
    """Tells when the desktop's do-not-disturb (`Inhibited`) changes, from the
    server's PropertiesChanged signal: no polling, so an idle tray stays idle.

    Signals: changed(bool)
    """

    changed = Signal(bool)

    def __init__(self, bus: QDBusConnection) -> None:
        super().__init__()
        # PySide6's stub wants the slot as bytes, but only SLOT()'s string connects.
        self.listening = bus.connect(  # type: ignore[call-overload]
            SERVICE,
            PATH,
            "org.freedesktop.DBus.Properties",
            "PropertiesChanged",
            self,
            SLOT("_on_properties_changed(QString,QVariantMap,QStringList)"),
        )

    @Slot(str, "QVariantMap", "QStringList")
    def _on_properties_changed(
        self, interface: str, changed: dict[str, object], invalidated: list[str]
    ) -> None:
        if interface != INTERFACE:
            return
        value = changed.get("Inhibited")
        if isinstance(value, QDBusVariant):
            value = value.variant()
        if isinstance(value, bool):
            self.changed.emit(value)
        elif "Inhibited" in invalidated:
            self.changed.emit(bool(desktop_inhibited()))
