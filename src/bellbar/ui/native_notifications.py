"""The desktop's own notifications (org.freedesktop.Notifications), through `desktop-notifier`.

When the user prefers them, `PopupStack` hands each pop-up here instead of
drawing its own: the buttons become notification actions, and a question
that wants typed text gets the server's inline reply field where it has one
(KDE Plasma). What the server cannot show (an input action without inline
reply) stays a Bellbar pop-up, so no question loses its answer.

`desktop-notifier` talks D-Bus with dbus-fast on the asyncio loop, which
qasync runs on Qt's loop; it is imported only when this option is on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from bellbar.core.model import ActionKind, Notification
from bellbar.core.text import display_text

if TYPE_CHECKING:
    from desktop_notifier import Capability, DesktopNotifier

log = logging.getLogger(__name__)


class NativeNotifications(QObject):
    """Signals: reply_requested(notification, action_key, text), clicked(notification),
    summary_clicked()."""

    reply_requested = Signal(object, object, str)
    clicked = Signal(object)
    summary_clicked = Signal()

    def __init__(
        self, notifier: DesktopNotifier, capabilities: frozenset[Capability], seconds: int = 6
    ) -> None:
        super().__init__()
        self._notifier = notifier
        self.capabilities = capabilities
        self.seconds = seconds
        self._shown: dict[tuple[str, str], str] = {}  # (account, id) → notification identifier
        self._tasks: set[asyncio.Future[Any]] = set()

    @classmethod
    async def for_desktop(cls, seconds: int) -> NativeNotifications | None:
        """Connect to the desktop's notification server; None when there is none
        (the caller keeps Bellbar's own pop-ups)."""
        try:
            from desktop_notifier import Capability, DesktopNotifier, Icon
        except ImportError:
            log.info("desktop-notifier is not installed: Bellbar draws its own pop-ups")
            return None
        icon = Icon(path=_app_icon_path())
        notifier = DesktopNotifier(app_name="Bellbar", app_icon=icon)
        try:
            capabilities = await notifier.get_capabilities()
        except Exception as exc:  # whatever D-Bus raises (no bus, no server) means "none"
            log.info("no desktop notification server (%s): Bellbar draws its own pop-ups", exc)
            _disconnect(notifier)
            return None
        if Capability.BUTTONS not in capabilities:
            log.info("the notification server shows no buttons: Bellbar draws its own pop-ups")
            _disconnect(notifier)
            return None
        return cls(notifier, capabilities, seconds)

    def can_show(self, item: Notification) -> bool:
        """Whether the desktop can show `item` with everything it needs."""
        from desktop_notifier import Capability

        wants_text = item.awaits_answer and any(a.kind is ActionKind.INPUT for a in item.actions)
        return not wants_text or Capability.REPLY_FIELD in self.capabilities

    def show(self, item: Notification, *, summary: bool = False) -> None:
        from desktop_notifier import Button, ReplyField
        from desktop_notifier import Notification as DesktopNotification

        buttons: list[Button] = []
        reply_field = None
        if item.awaits_answer:
            for action in item.actions:
                label = display_text(action.label, 64, single_line=True)
                if action.kind is ActionKind.INPUT:
                    on_replied = functools.partial(self._reply, item, action.key)
                    reply_field = ReplyField(title=label, on_replied=on_replied)
                else:
                    on_pressed = functools.partial(self._reply, item, action.key, "")
                    buttons.append(Button(title=label, on_pressed=on_pressed))
        sender = display_text(item.sender or item.account, 80, single_line=True)
        title = display_text(item.title, 120, single_line=True)
        message = display_text(item.body, 300) if not item.body_is_html else ""
        notification = DesktopNotification(
            title=f"{sender}: {title}" if sender and title else (title or sender),
            message=message,
            buttons=tuple(buttons),
            reply_field=reply_field,
            on_clicked=self.summary_clicked.emit if summary else (lambda: self.clicked.emit(item)),
            timeout=self.seconds,
        )
        self.close(item.account, item.id)
        self._shown[(item.account, item.id)] = notification.identifier
        self._run(self._notifier.send_notification(notification))

    def close(self, account: str, notification_id: str) -> None:
        identifier = self._shown.pop((account, notification_id), None)
        if identifier is not None:
            self._run(self._notifier.clear(identifier))

    def close_all(self) -> None:
        self._shown.clear()
        self._run(self._notifier.clear_all())

    def disconnect_bus(self) -> None:
        """Leave the session bus (when the user turns the option off)."""
        _disconnect(self._notifier)

    def shown_keys(self) -> list[tuple[str, str]]:
        return list(self._shown)

    def _reply(self, item: Notification, key: str, text: str) -> None:
        self._shown.pop((item.account, item.id), None)
        self.reply_requested.emit(item, key, text)

    def _run(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("desktop notification failed: %s", task.exception())


def _app_icon_path() -> Path:
    icon = resources.files("bellbar.assets").joinpath("icons/bellbar-128.png")
    return Path(str(icon))


def _disconnect(notifier: DesktopNotifier) -> None:
    """Close the D-Bus connection desktop-notifier opened; it offers no call
    for that, so reach its backend's dbus-fast bus where there is one."""
    bus = getattr(getattr(notifier, "_backend", None), "bus", None)
    if bus is not None:
        bus.disconnect()
