"""Guards against a PySide6 regression that aborts Bellbar at exit.

PySide6 6.12.0 drops one reference to `True` on every emission of a
Python-declared signal; after enough emissions the interpreter aborts in
`bool_dealloc` while finalizing. Bellbar pins PySide6 below 6.12; this
test fails if an installed PySide6 has the bug.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    fired = Signal()

    def on_fired(self) -> None:
        self.count += 1

    count = 0


def test_signal_emission_keeps_refcounts_of_true(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = Emitter()
    emitter.fired.connect(emitter.on_fired)
    before = sys.getrefcount(True)
    for _ in range(500):
        emitter.fired.emit()
    assert emitter.count == 500
    assert sys.getrefcount(True) >= before - 5
