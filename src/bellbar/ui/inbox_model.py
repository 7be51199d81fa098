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
        """Re-read from the cache, keeping as many rows as are loaded now.

        The usual change is new items on top (or, during a first sync, below)
        and states changed in place: those become row insertions and one
        dataChanged, so the view keeps its selection, scroll position and any
        open editor. Anything else (a removal, a reorder) resets the model.
        """
        self._total = self._cache.count(self._category)
        old = self._rows
        fresh = self._cache.newest(0, max(PAGE, len(old)), self._category)
        top = _rows_added_on_top(old, fresh)
        if top is not None:
            cut_off = len(old) - (len(fresh) - top)  # old rows the page no longer reaches
            if cut_off > 0:
                fresh += self._cache.newest(len(fresh), cut_off, self._category)
            if _keys(fresh[top : top + len(old)]) != _keys(old):
                top = None
        if top is None:
            self.beginResetModel()
            self._rows = fresh
            self.endResetModel()
            return
        if top:
            self.beginInsertRows(QModelIndex(), 0, top - 1)
            self._rows = fresh[:top] + old
            self.endInsertRows()
        if len(fresh) > len(self._rows):
            self.beginInsertRows(QModelIndex(), len(self._rows), len(fresh) - 1)
            self._rows = fresh
            self.endInsertRows()
        self._rows = fresh
        if fresh:
            self.dataChanged.emit(self.index(0), self.index(len(fresh) - 1))

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


def _keys(items: list[Notification]) -> list[tuple[str, str]]:
    return [(n.account, n.id) for n in items]


def _rows_added_on_top(old: list[Notification], fresh: list[Notification]) -> int | None:
    """Where the first old row sits in `fresh`: the number of rows added on
    top (None when it is gone)."""
    if not old:
        return 0
    try:
        return _keys(fresh).index((old[0].account, old[0].id))
    except ValueError:
        return None
