"""The asyncio loop on Qt's event loop: qasync's, with timers that really stop.

qasync runs every asyncio timer as a Qt timer, but a cancelled asyncio
timer keeps its Qt timer: it still wakes the process at its due time, only
to be ignored. A stream re-arms a 90 s read timeout at every 30 s heartbeat,
so an idle tray woke once more every 30 s for timers nobody wanted. Here
cancelling a timer kills its Qt timer.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QCoreApplication, QObject, QTimerEvent


class _QtTimerHandle(asyncio.Handle):
    """An asyncio handle that tells its timer when it is cancelled."""

    __slots__ = ("_on_cancel",)

    def __init__(
        self,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        loop: asyncio.AbstractEventLoop,
        context: contextvars.Context | None,
        on_cancel: Callable[[asyncio.Handle], None],
    ) -> None:
        super().__init__(callback, args, loop, context=context)
        self._on_cancel = on_cancel

    def cancel(self) -> None:
        if not self.cancelled():
            super().cancel()
            self._on_cancel(self)


class _Timers(QObject):
    """One Qt timer per pending asyncio timer; killed when fired or cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[int, asyncio.Handle] = {}
        self._ids: dict[asyncio.Handle, int] = {}

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        timer_id = self.startTimer(max(0, round(delay * 1000)))
        self._handles[timer_id] = handle
        self._ids[handle] = timer_id
        return handle

    def cancel(self, handle: asyncio.Handle) -> None:
        timer_id = self._ids.pop(handle, None)
        if timer_id is not None:
            self.killTimer(timer_id)
            del self._handles[timer_id]

    def timerEvent(self, event: QTimerEvent) -> None:
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self._handles.pop(timer_id, None)
        if handle is None:
            return
        del self._ids[handle]
        if not handle.cancelled():
            handle._run()

    def stop(self) -> None:
        for timer_id in self._handles:
            self.killTimer(timer_id)
        self._handles.clear()
        self._ids.clear()

    def set_debug(self, enabled: bool) -> None:
        """qasync's loop passes its debug flag on; these timers log nothing."""


class BellbarEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's QEventLoop with `_Timers` in place of its own timer object."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._timer = _Timers()

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        handle = _QtTimerHandle(callback, args, self, context, self._timer.cancel)
        return self._timer.add_callback(handle, delay)
