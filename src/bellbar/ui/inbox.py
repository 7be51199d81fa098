"""The inbox window: every message newest first, answerable in place.

Buttons of unanswered questions are painted in their rows (see
`InboxDelegate`); an input action opens the reply bar at the bottom.
Double-clicking a row opens its link, if it has a safe one.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bellbar.core.model import Action, ActionKind, Notification
from bellbar.core.text import display_text
from bellbar.ui.inbox_delegate import InboxDelegate
from bellbar.ui.inbox_model import InboxModel, NotificationRole
from bellbar.ui.widgets import open_link


class InboxWindow(QWidget):
    """The list, a status line, "Mark all read", and a reply bar.

    Signals:
        reply_requested(notification, action_key, text)
        read_requested(notification)
        mark_all_read_requested()
        shown(): the window became visible (everything in it is now seen).
    """

    reply_requested = Signal(object, object, str)
    read_requested = Signal(object)
    mark_all_read_requested = Signal()
    shown = Signal()

    def __init__(self, model: InboxModel) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Bellbar inbox"))
        self.resize(440, 620)
        self.model = model
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
        self.delegate = InboxDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setMouseTracking(True)
        self.view.setAccessibleName(self.tr("Messages"))
        self.delegate.action_clicked.connect(self._on_action)
        self.view.clicked.connect(self._on_clicked)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.activated.connect(self._on_clicked)
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

    def _on_escape(self) -> None:
        if self.reply_bar.isVisible():
            self.hide_reply_bar()
        else:
            self.hide()

    def _on_clicked(self, index: QModelIndex) -> None:
        item = index.data(NotificationRole)
        if isinstance(item, Notification):
            self.read_requested.emit(item)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        item = index.data(NotificationRole)
        if isinstance(item, Notification) and item.url:
            open_link(item.url)
