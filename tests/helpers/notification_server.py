"""A stand-in for the desktop's notification server, on a real D-Bus session bus.

Plasma, GNOME Shell or dunst cannot run in a test; this answers the calls
Bellbar makes of org.freedesktop.Notifications (server information,
capabilities, the `Inhibited` property, Notify) from a thread, over the real
bus, so Bellbar's Qt D-Bus code is exercised end to end.
"""

from __future__ import annotations

import threading
from typing import Any

from jeepney import HeaderFields, Message, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

INTERFACE = "org.freedesktop.Notifications"
INTROSPECTION = """<node><interface name="org.freedesktop.Notifications">
<method name="GetServerInformation"><arg type="s" direction="out"/><arg type="s" direction="out"/>
<arg type="s" direction="out"/><arg type="s" direction="out"/></method>
<method name="GetCapabilities"><arg type="as" direction="out"/></method>
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method>
<method name="CloseNotification"><arg type="u" direction="in"/></method>
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
        self.notified: list[tuple[Any, ...]] = []
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

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=0.1)
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
            self.notified.append(message.body)
            return new_method_return(message, "u", (len(self.notified),))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),))
