"""The inbox window: every message newest first, answerable in place.

Buttons of unanswered questions are painted in their rows (see
`InboxDelegate`); an input action opens the reply bar at the bottom.
Clicking a row marks it read and opens its link, if it has a safe one; the
context menu offers what the item's provider supports (unread, archive,
delete); a category filter appears once there are categories.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bellbar.core.model import Action, ActionKind, Capabilities, Notification
from bellbar.core.text import display_text, is_safe_link
from bellbar.ui.icon_loader import IconLoader
from bellbar.ui.inbox_delegate import InboxDelegate
from bellbar.ui.inbox_model import InboxModel, NotificationRole
from bellbar.ui.widgets import open_link


class InboxWindow(QWidget):
    """The list, a status line, "Mark all read", and a reply bar.

    Signals:
        reply_requested(notification, action_key, text)
        read_requested(notification), unread_requested(notification),
        archive_requested(notification), delete_requested(notification)
        mark_all_read_requested()
        shown(): the window became visible (everything in it is now seen).
    """

    reply_requested = Signal(object, object, str)
    read_requested = Signal(object)
    unread_requested = Signal(object)
    archive_requested = Signal(object)
    delete_requested = Signal(object)
    mark_all_read_requested = Signal()
    shown = Signal()

    def __init__(
        self,
        model: InboxModel,
        capabilities: Callable[[str], Capabilities] = lambda account_id: Capabilities(),
        icons: IconLoader | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Bellbar inbox"))
        self.resize(440, 620)
        self.model = model
        self._capabilities = capabilities
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QHBoxLayout()
        header.setContentsMargins(12, 8, 8, 8)
        title = QLabel(self.tr("Inbox"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        header.addWidget(title)
        header.addStretch(1)
        self.category_filter = QComboBox()
        self.category_filter.setAccessibleName(self.tr("Category"))
        self.category_filter.currentIndexChanged.connect(self._on_category)
        self.category_filter.setVisible(False)
        header.addWidget(self.category_filter)
        self.mark_all_button = QPushButton(self.tr("Mark all read"))
        self.mark_all_button.clicked.connect(self.mark_all_read_requested)
        header.addWidget(self.mark_all_button)
        layout.addLayout(header)

        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setContentsMargins(12, 0, 12, 6)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Connection status"))
        layout.addWidget(self.status)

        self.view = QListView()
        self.view.setModel(model)
        self.delegate = InboxDelegate(self.view, icons)
        if icons is not None:
            icons.loaded.connect(self.view.viewport().update)
        self.view.setItemDelegate(self.delegate)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setMouseTracking(True)
        self.view.setAccessibleName(self.tr("Messages"))
        self.delegate.action_clicked.connect(self._on_action)
        self.view.clicked.connect(self._on_clicked)
        open_current = QShortcut(QKeySequence(Qt.Key.Key_Return), self.view)
        open_current.activated.connect(lambda: self._on_clicked(self.view.currentIndex()))
        self._add_keyboard_shortcuts()
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        layout.addWidget(self.view, 1)

        self.empty = QLabel(self.tr("No messages yet. Bots that push to your hub show up here."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty, 1)

        self.reply_bar = QWidget()
        bar = QHBoxLayout(self.reply_bar)
        bar.setContentsMargins(8, 6, 8, 8)
        self.reply_label = QLabel()
        self.reply_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reply_input = QLineEdit()
        self.reply_input.returnPressed.connect(self._send_reply)
        send = QPushButton(self.tr("Send"))
        send.clicked.connect(self._send_reply)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.hide_reply_bar)
        bar.addWidget(self.reply_label)
        bar.addWidget(self.reply_input, 1)
        bar.addWidget(send)
        bar.addWidget(cancel)
        self.reply_bar.setVisible(False)
        layout.addWidget(self.reply_bar)
        self._reply_target: tuple[Notification, Action] | None = None
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._on_escape)
        model.modelReset.connect(self._update_empty)
        model.rowsInserted.connect(self._update_empty)
        self._update_empty()

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window only hides it; the app lives in the tray.
        event.ignore()
        self.hide()

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def _update_empty(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.view.setVisible(has_rows)
        self.empty.setVisible(not has_rows)

    def _on_action(self, item: Notification, action: Action) -> None:
        if action.kind is ActionKind.INPUT:
            self._reply_target = (item, action)
            self.reply_label.setText(display_text(action.label, 64, single_line=True))
            self.reply_input.setPlaceholderText(
                display_text(action.placeholder, 128, single_line=True)
            )
            self.reply_input.clear()
            self.reply_bar.setVisible(True)
            self.reply_input.setFocus()
            return
        self.reply_requested.emit(item, action.key, "")

    def _send_reply(self) -> None:
        text = self.reply_input.text().strip()
        if self._reply_target is None or not text:
            return
        item, action = self._reply_target
        self.reply_requested.emit(item, action.key, text)
        self.hide_reply_bar()

    def hide_reply_bar(self) -> None:
        self._reply_target = None
        self.reply_bar.setVisible(False)

    def _add_keyboard_shortcuts(self) -> None:
        """The list without a mouse: Enter opens, M toggles read, Delete archives
        (Shift+Delete deletes), 1-9 press a question's buttons, the Menu key
        (or Shift+F10) opens the item's menu, Esc closes."""
        keys: dict[QKeySequence, Callable[[], None]] = {
            QKeySequence(Qt.Key.Key_M): self._toggle_read_current,
            QKeySequence(Qt.Key.Key_Delete): lambda: self._remove_current(archive=True),
            QKeySequence("Shift+Delete"): lambda: self._remove_current(archive=False),
            QKeySequence(Qt.Key.Key_Menu): self._menu_for_current,
            QKeySequence("Shift+F10"): self._menu_for_current,
        }
        for number in range(1, 10):
            keys[QKeySequence(str(number))] = functools.partial(self._press_action, number - 1)
        for sequence, slot in keys.items():
            QShortcut(sequence, self.view, slot)

    def _current(self) -> Notification | None:
        item = self.view.currentIndex().data(NotificationRole)
        return item if isinstance(item, Notification) else None

    def _toggle_read_current(self) -> None:
        item = self._current()
        if item is None:
            return
        if not item.is_read:
            self.read_requested.emit(item)
        elif self._capabilities(item.account).unread:
            self.unread_requested.emit(item)

    def _remove_current(self, *, archive: bool) -> None:
        item = self._current()
        if item is None:
            return
        can = self._capabilities(item.account)
        if archive and can.archive:
            self.archive_requested.emit(item)
        elif can.delete:
            self.delete_requested.emit(item)

    def _press_action(self, position: int) -> None:
        item = self._current()
        if item is not None and item.awaits_answer and position < len(item.actions):
            self._on_action(item, item.actions[position])

    def _menu_for_current(self) -> None:
        item = self._current()
        if item is not None:
            rect = self.view.visualRect(self.view.currentIndex())
            position = self.view.viewport().mapToGlobal(rect.center())
            self.context_menu_for(item).exec(position)

    def _on_escape(self) -> None:
        if self.reply_bar.isVisible():
            self.hide_reply_bar()
        else:
            self.hide()

    def set_categories(self, categories: list[str]) -> None:
        """Offer a filter once there is something to filter by."""
        wanted = [self.tr("All categories"), *categories]
        current = [self.category_filter.itemText(i) for i in range(self.category_filter.count())]
        if wanted != current:
            selected = self.model.category
            self.category_filter.blockSignals(True)
            self.category_filter.clear()
            self.category_filter.addItems(wanted)
            if selected in categories:
                self.category_filter.setCurrentIndex(categories.index(selected) + 1)
            self.category_filter.blockSignals(False)
        self.category_filter.setVisible(bool(categories))

    def _on_category(self, index: int) -> None:
        self.model.set_category(None if index <= 0 else self.category_filter.itemText(index))

    def _on_clicked(self, index: QModelIndex) -> None:
        item = index.data(NotificationRole)
        if isinstance(item, Notification):
            self.read_requested.emit(item)
            if item.url:
                open_link(item.url)

    def context_menu_for(self, item: Notification) -> QMenu:
        """The actions this item's provider supports, as a menu."""
        menu = QMenu(self)
        can = self._capabilities(item.account)
        if item.is_read and can.unread:
            menu.addAction(self.tr("Mark unread"), lambda: self.unread_requested.emit(item))
        elif not item.is_read:
            menu.addAction(self.tr("Mark read"), lambda: self.read_requested.emit(item))
        if item.url and is_safe_link(item.url):
            menu.addAction(self.tr("Open link"), lambda: open_link(item.url))
        if can.archive:
            menu.addAction(self.tr("Archive"), lambda: self.archive_requested.emit(item))
        if can.delete:
            menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(item))
        return menu

    def _on_context_menu(self, position: QPoint) -> None:
        item = self.view.indexAt(position).data(NotificationRole)
        if isinstance(item, Notification):
            self.context_menu_for(item).exec(self.view.viewport().mapToGlobal(position))
