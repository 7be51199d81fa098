"""`InboxModel`: the cache as a lazily fetched list, newest first.

Rows come from the cache in pages (`canFetchMore`/`fetchMore`), so a big
inbox costs only what is on screen plus a page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from bellbar.core.cache import Cache
from bellbar.core.html import body_text
from bellbar.core.model import Notification
from bellbar.core.text import display_text

PAGE = 200
NotificationRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class InboxModel(QAbstractListModel):
    """A window onto `Cache.newest()`; `refresh()` re-reads the loaded rows."""

    def __init__(self, cache: Cache) -> None:
        super().__init__()
        self._cache = cache
        self._rows: list[Notification] = []
        self._total = 0
        self._category: str | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == NotificationRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            state = "" if item.is_read else "Unread. "
            return display_text(f"{state}{item.sender}: {item.title} {body_text(item, 300)}", 300)
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        more = self._cache.newest(len(self._rows), PAGE, self._category)
        if more:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def refresh(self) -> None:
        """Re-read from the cache, keeping as many rows as are loaded now."""
        self.beginResetModel()
        self._total = self._cache.count(self._category)
        self._rows = self._cache.newest(0, max(PAGE, len(self._rows)), self._category)
        self.endResetModel()

    @property
    def category(self) -> str | None:
        return self._category

    def set_category(self, category: str | None) -> None:
        """Show only `category` (None: everything)."""
        if category != self._category:
            self._category = category
            self._rows = []
            self.refresh()

    def notification(self, row: int) -> Notification | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, account: str, notification_id: str) -> int:
        for row, item in enumerate(self._rows):
            if item.account == account and item.id == notification_id:
                return row
        return -1
