"""Provider icons as pixmaps: loaded in the background, kept in memory.

Views ask for a pixmap; a miss starts one fetch (through the core's
`IconCache`, which enforces the limits) and `loaded(url)` tells them to
repaint. A URL that fails stays without an icon.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPixmap

from bellbar.core.icons import IconCache

ICON_SIZE = 32


class IconLoader(QObject):
    """Signals: loaded(url)."""

    loaded = Signal(str)

    def __init__(self, cache: IconCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._pixmaps: dict[str, QPixmap] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}

    def pixmap(self, url: str) -> QPixmap | None:
        """The icon if it is ready; otherwise starts loading it and returns None."""
        if not url:
            return None
        found = self._pixmaps.get(url)
        if found is None and url not in self._pending:
            self._pending[url] = asyncio.ensure_future(self._load(url))
        return found

    async def _load(self, url: str) -> None:
        data = await self._cache.fetch(url)
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(data):
            self._pixmaps[url] = pixmap.scaled(
                ICON_SIZE,
                ICON_SIZE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.loaded.emit(url)

    async def aclose(self) -> None:
        for task in self._pending.values():
            task.cancel()
        await asyncio.gather(*self._pending.values(), return_exceptions=True)
        await self._cache.aclose()
