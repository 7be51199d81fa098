"""A stand-in for the desktop's notification server, on a real D-Bus session bus.

Plasma, GNOME Shell or dunst cannot run in a test; this answers the calls
Bellbar makes of org.freedesktop.Notifications (server information,
capabilities, the `Inhibited` property, Notify) from a thread, over the real
bus, so Bellbar's Qt D-Bus code is exercised end to end.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

INTERFACE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


@dataclass(frozen=True)
class Shown:
    """One Notify call as the server received it."""

    id: int
    app_name: str
    summary: str
    body: str
    actions: dict[str, str]  # action key → label
    hints: dict[str, Any]

    def key_of(self, label: str) -> str:
        return next(key for key, text in self.actions.items() if text == label)


INTROSPECTION = """<node><interface name="org.freedesktop.Notifications">
<method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
<arg type="s" direction="out"/><arg type="s" direction="out"/></method>
<method name="GetCapabilities"><arg type="as" direction="out"/></method>
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method>
<method name="CloseNotification"><arg type="u" direction="in"/></method>
<signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
<signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
<signal name="NotificationReplied"><arg type="u"/><arg type="s"/></signal>
<property name="Inhibited" type="b" access="read"/>
</interface><interface name="org.freedesktop.DBus.Properties">
<method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="v" direction="out"/></method></interface></node>"""


class FakeNotificationServer:
    def __init__(
        self,
        bus_address: str,
        *,
        capabilities: tuple[str, ...] = ("actions", "body"),
        inhibited: bool | None = None,
    ) -> None:
        self.capabilities = capabilities
        self.inhibited = inhibited
        self.shown: list[Shown] = []
        self.closed: list[int] = []
        self._outgoing: queue.Queue[Message] = queue.Queue()
        self._connection = open_dbus_connection(bus_address)
        self._connection.send_and_get_reply(message_bus.RequestName(INTERFACE))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakeNotificationServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._connection.close()

    def invoke(self, notification_id: int, action_key: str) -> None:
        """The user pressed a button (or, with "default", the notification)."""
        self._emit("ActionInvoked", "us", (notification_id, action_key))

    def reply(self, notification_id: int, text: str) -> None:
        """The user typed into the inline reply field and sent it (KDE Plasma)."""
        self._emit("NotificationReplied", "us", (notification_id, text))

    def set_inhibited(self, inhibited: bool) -> None:
        """The desktop's do-not-disturb switched, as Plasma announces it."""
        self.inhibited = inhibited
        properties = DBusAddress(PATH, interface="org.freedesktop.DBus.Properties")
        body = (INTERFACE, {"Inhibited": ("b", inhibited)}, [])
        self._outgoing.put(new_signal(properties, "PropertiesChanged", "sa{sv}as", body))

    def _emit(self, name: str, signature: str, body: tuple[Any, ...]) -> None:
        # Sent from the serving thread: one thread owns the connection.
        self._outgoing.put(
            new_signal(DBusAddress(PATH, interface=INTERFACE), name, signature, body)
        )

    def _serve(self) -> None:
        while not self._stop.is_set():
            while not self._outgoing.empty():
                self._connection.send(self._outgoing.get())
            try:
                message = self._connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            if message.header.message_type is MessageType.method_call:
                self._connection.send(self._answer(message))

    def _answer(self, message: Message) -> Message:
        member = message.header.fields.get(HeaderFields.member)
        if member == "Introspect":
            return new_method_return(message, "s", (INTROSPECTION,))
        if member == "GetServerInformation":
            return new_method_return(message, "ssss", ("fake", "Bellbar tests", "1.0", "1.2"))
        if member == "GetCapabilities":
            return new_method_return(message, "as", (list(self.capabilities),))
        if member == "Get" and message.body[1] == "Inhibited" and self.inhibited is not None:
            return new_method_return(message, "v", (("b", self.inhibited),))
        if member == "Notify":
            app_name, _, _, summary, body, actions, hints, _ = message.body
            pairs = dict(zip(actions[::2], actions[1::2], strict=True))
            self.shown.append(Shown(len(self.shown) + 1, app_name, summary, body, pairs, hints))
            return new_method_return(message, "u", (len(self.shown),))
        if member == "CloseNotification":
            self.closed.append(message.body[0])
            return new_method_return(message)
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),))
