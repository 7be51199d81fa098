"""A minimal observer, so the Qt-free core can announce events.

The UI connects its slots here; the core never imports Qt. Callbacks run
synchronously on the caller's thread (the one asyncio loop).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")
log = logging.getLogger(__name__)


class Signal(Generic[P]):
    """A list of callbacks called in order by `emit`."""

    def __init__(self) -> None:
        self._slots: list[Callable[P, object]] = []

    def connect(self, slot: Callable[P, object]) -> None:
        self._slots.append(slot)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every slot; one failing slot is logged and does not stop the rest."""
        for slot in list(self._slots):
            try:
                slot(*args, **kwargs)
            except Exception:
                log.exception("a listener of %r failed", slot)
