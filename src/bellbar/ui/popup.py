"""Desktop pop-ups: frameless toasts in the screen corner with quick replies.

A pop-up shows the sender, title and body as plain text, the question's
buttons, and for an input action an inline text field (Enter sends). It hides
after a few seconds unless the pointer is over it or the user is typing;
`PopupStack` stacks them upwards from the bottom-right corner.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QEnterEvent,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from bellbar.core.model import Action, ActionKind, Notification
from bellbar.core.text import display_text, is_safe_link
from bellbar.ui.icon_loader import ICON_SIZE, IconLoader
from bellbar.ui.widgets import open_link, plain_label, rich_label

if TYPE_CHECKING:
    from bellbar.ui.native_notifications import NativeNotifications

WIDTH = 360
MARGIN = 12
GAP = 8
MAX_VISIBLE = 5
FLOOD_SECONDS = 2.0  # more than MAX_VISIBLE arrivals within this is a flood
CONFIRM_MS = 1500
SUMMARY_ID = "bellbar:summary"


class Popup(QFrame):
    """One notification as a toast.

    Signals:
        reply_requested(notification, action_key, text)
        clicked(notification): the body was clicked (marks it read).
        closed(popup)
        resized(): it grew or shrank (an input field or a status line appeared).
        status_changed(text): "Sending…", "✓ You replied: …", "Not sent. Try again."
    """

    reply_requested = Signal(object, object, str)
    clicked = Signal(object)
    closed = Signal(object)
    resized = Signal()
    status_changed = Signal(str)

    def __init__(
        self, notification: Notification, seconds: int, icons: IconLoader | None = None
    ) -> None:
        super().__init__(None)
        self.notification = notification
        self.summarised = 0  # how many notifications a summary pop-up stands for
        self._icons = icons
        self.icon = QLabel(self)
        self.icon.setTextFormat(Qt.TextFormat.PlainText)  # it only ever holds a pixmap
        self.icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self.icon.setVisible(False)
        self._sending = False
        self.setObjectName("bellbarPopup")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFixedWidth(WIDTH)
        self.setAutoFillBackground(True)  # the palette's window colour; the border is painted
        self.setAccessibleName(self.tr("Notification from %s") % notification.sender)
        self._timer = QTimer(self, singleShot=True, interval=seconds * 1000)
        self._timer.timeout.connect(self.close)
        self._build(notification)

    def _build(self, n: Notification) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 12)
        layout.setSpacing(4)
        header = QHBoxLayout()
        if n.icon_url and self._icons is not None:
            header.addWidget(self.icon)
            self._icons.loaded.connect(self._show_icon)
            self._show_icon(n.icon_url)
        header.addWidget(plain_label(n.sender or n.account, 80, muted=True), 1)
        close = QPushButton("✕", self)
        close.setFlat(True)
        close.setFixedSize(22, 22)
        close.setAccessibleName(self.tr("Dismiss"))
        close.clicked.connect(self.close)
        header.addWidget(close)
        layout.addLayout(header)
        self.title_label = plain_label(n.title, 120, bold=True)
        self.title_label.setVisible(bool(n.title))
        layout.addWidget(self.title_label)
        self.body_label = rich_label(n.body, 1500) if n.body_is_html else plain_label(n.body, 300)
        layout.addWidget(self.body_label)
        if n.url and is_safe_link(n.url):
            link = QPushButton(self.tr("Open link"), self)
            link.setFlat(True)
            link.setToolTip(display_text(n.url, 200, single_line=True))
            link.clicked.connect(lambda: open_link(n.url))
            layout.addWidget(link, 0, Qt.AlignmentFlag.AlignLeft)
        if n.actions_description and n.awaits_answer:
            layout.addWidget(plain_label(n.actions_description, 200, muted=True))
        self.buttons: dict[str, QPushButton] = {}
        if n.awaits_answer:
            row = QHBoxLayout()
            for action in n.actions:
                button = QPushButton(display_text(action.label, 64, single_line=True), self)
                button.setAccessibleName(display_text(action.label, 64, single_line=True))
                button.clicked.connect(lambda _=False, a=action: self._on_action(a))
                button.installEventFilter(self)
                row.addWidget(button)
                self.buttons[action.key] = button
            row.addStretch(1)
            layout.addLayout(row)
        self.input = QLineEdit(self)
        self.input.setVisible(False)
        self.input.returnPressed.connect(self._send_input)
        self._input_action: Action | None = None
        layout.addWidget(self.input)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setVisible(False)
        layout.addWidget(self.status)

    def _show_icon(self, url: str) -> None:
        if self._icons is not None and url == self.notification.icon_url:
            pixmap = self._icons.pixmap(url)
            if pixmap is not None:
                self.icon.setPixmap(pixmap)
                self.icon.setVisible(True)

    # ---- behaviour ------------------------------------------------------

    def start_timer(self) -> None:
        self._timer.start()

    def enterEvent(self, event: QEnterEvent) -> None:
        self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: object) -> None:
        if not self.input.hasFocus() and not self._sending:
            self._timer.start()
        super().leaveEvent(event)  # type: ignore[arg-type]

    def mouseReleaseEvent(self, event: object) -> None:
        self.clicked.emit(self.notification)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter presses a focused answer button (outside a dialog, Qt's buttons
        take only Space); Tab moves between them."""
        if (
            isinstance(watched, QPushButton)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            watched.click()
            return True
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A 1 px border in the palette's mid colour (painted: a style sheet
        would cost every pop-up and its children a style-sheet style)."""
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def closeEvent(self, event: object) -> None:
        self._timer.stop()
        self.closed.emit(self)
        super().closeEvent(event)  # type: ignore[arg-type]

    def _on_action(self, action: Action) -> None:
        if action.kind is ActionKind.INPUT:
            self._timer.stop()
            self._input_action = action
            self.input.setPlaceholderText(display_text(action.placeholder, 128, single_line=True))
            self.input.setVisible(True)
            self.input.setFocus()
            self.activateWindow()
            self.adjustSize()
            return
        self._begin_send()
        self.reply_requested.emit(self.notification, action.key, "")

    def _send_input(self) -> None:
        text = self.input.text().strip()
        if not text or self._input_action is None:
            return
        self._begin_send()
        self.reply_requested.emit(self.notification, self._input_action.key, text)

    def _begin_send(self) -> None:
        self._sending = True
        self._timer.stop()
        for button in self.buttons.values():
            button.setEnabled(False)
        self.input.setEnabled(False)
        self._show_status(self.tr("Sending…"))

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(True)
        self.adjustSize()
        self.status_changed.emit(text)

    def update_from(self, n: Notification) -> None:
        """Reflect a change made here or elsewhere: confirm a reply, or close
        when the item was read or answered somewhere else."""
        self.notification = n
        if n.reply is not None and not n.reply.pending:
            answer = display_text(n.reply.content, 80, single_line=True)
            self._show_status(self.tr("✓ You replied: %s") % answer)
            for button in self.buttons.values():
                button.setEnabled(False)
            self.input.setEnabled(False)
            QTimer.singleShot(CONFIRM_MS if self._sending else 0, self.close)
        elif n.reply is None and self._sending:
            self._sending = False
            for button in self.buttons.values():
                button.setEnabled(True)
            self.input.setEnabled(True)
            self._show_status(self.tr("Not sent. Try again."))
        elif n.is_read and not self._sending and n.reply is None:
            self.close()


class PopupStack(QObject):
    """Places pop-ups bottom-right, newest at the bottom, at most five.

    Signals:
        reply_requested(notification, action_key, text)
        clicked(notification)
        summary_clicked(): the "and N more" pop-up was clicked.
    """

    reply_requested = Signal(object, object, str)
    clicked = Signal(object)
    summary_clicked = Signal()

    def __init__(
        self,
        seconds: int = 6,
        icons: IconLoader | None = None,
        parent: QObject | None = None,
        *,
        corner: str = "bottom-right",
    ) -> None:
        super().__init__(parent)
        self.native: NativeNotifications | None = None
        self._seconds = seconds
        self.icons = icons
        self.corner = corner
        self.popups: list[Popup] = []
        self._arrivals: deque[float] = deque()  # recent arrival times, for flood control
        self._native_summarised = 0

    @property
    def seconds(self) -> int:
        """How long a pop-up stays, Bellbar's or the desktop's."""
        return self._seconds

    @seconds.setter
    def seconds(self, seconds: int) -> None:
        self._seconds = seconds
        if self.native is not None:
            self.native.seconds = seconds

    def show_batch(self, items: list[Notification]) -> None:
        """Show what arrived together, and keep a flood from burying the screen.

        More than MAX_VISIBLE arrivals within FLOOD_SECONDS, whether in one
        batch or one by one from a stream, are coalesced: the newest that fit
        get pop-ups, the rest one summary ("and 37 more") that counts on in
        place and opens the inbox. A flood costs no widget per item.
        """
        if not items:
            return
        now = time.monotonic()
        while self._arrivals and self._arrivals[0] < now - FLOOD_SECONDS:
            self._arrivals.popleft()
        room = max(0, MAX_VISIBLE - len(self._arrivals))
        self._arrivals.extend([now] * min(len(items), MAX_VISIBLE + 1))
        ordered = sorted(items, key=lambda n: n.sent_at)
        if len(ordered) <= room:
            for item in ordered:
                self.show_notification(item)
            return
        newest = ordered[len(ordered) - room + 1 :] if room > 1 else []
        self.show_summary(len(ordered) - len(newest))
        for item in newest:
            self.show_notification(item)

    def set_corner(self, corner: str) -> None:
        self.corner = corner
        self._place()

    def use_native(self, native: NativeNotifications | None) -> None:
        """Show pop-ups through the desktop's own notifications (None: draw them)."""
        if self.native is not None:
            self.native.close_all()
            self.native.disconnect_bus()
        self.native = native
        self._native_summarised = 0
        if native is not None:
            native.seconds = self.seconds
            native.reply_requested.connect(self.reply_requested)
            native.clicked.connect(self.clicked)
            native.summary_clicked.connect(self.summary_clicked)

    def show_summary(self, count: int, title: str | None = None) -> Popup | None:
        """One pop-up standing for `count` more notifications that got none;
        an existing one counts them in. `title` replaces "and N more new"."""
        if self.native is not None:
            self._native_summarised += count
            title = title or self._summary_title(self._native_summarised)
            self.native.show(self._summary_item(title), summary=True)
            return None
        summary = self._summary()
        if summary is not None:
            summary.summarised += count
            title = title or self._summary_title(summary.summarised)
            summary.notification = replace(summary.notification, title=title)
            summary.title_label.setText(title)
            summary.start_timer()
            return summary
        popup = self._show_widget(self._summary_item(title or self._summary_title(count)))
        popup.summarised = count
        popup.clicked.disconnect(self.clicked)
        popup.clicked.connect(lambda _: self.summary_clicked.emit())
        return popup

    def _summary_item(self, title: str) -> Notification:
        return Notification(
            account="",
            id=SUMMARY_ID,
            title=title,
            body=self.tr("Open the inbox to see them all."),
            sent_at=datetime.now(UTC),
            sender="Bellbar",
        )

    def _summary_title(self, count: int) -> str:
        return self.tr("and %n more new", "", count)

    def _summary(self) -> Popup | None:
        return next((p for p in self.popups if p.notification.id == SUMMARY_ID), None)

    def show_notification(self, n: Notification) -> Popup | None:
        """A pop-up for `n`: the desktop's own when it can show all of `n`
        (None is returned then), else Bellbar's."""
        if self.native is not None and self.native.can_show(n):
            self.native.show(n)
            return None
        return self._show_widget(n)

    def _show_widget(self, n: Notification) -> Popup:
        while len(self.popups) >= MAX_VISIBLE:
            # The oldest goes, but not the summary: it stands for many.
            oldest = next((p for p in self.popups if p.notification.id != SUMMARY_ID), None)
            (oldest or self.popups[0]).close()
        popup = Popup(n, self.seconds, self.icons)
        popup.reply_requested.connect(self.reply_requested)
        popup.clicked.connect(self.clicked)
        popup.closed.connect(self._on_closed)
        popup.resized.connect(self._place)
        self.popups.append(popup)
        popup.adjustSize()
        self._place()
        popup.show()
        popup.start_timer()
        return popup

    def update_notification(self, n: Notification) -> None:
        settled = n.is_read or (n.reply is not None and not n.reply.pending)
        if self.native is not None and settled:
            self.native.close(n.account, n.id)
        for popup in list(self.popups):
            if popup.notification.account == n.account and popup.notification.id == n.id:
                popup.update_from(n)

    def close_gone(self, still_there: Callable[[str, str], bool]) -> None:
        """Close the pop-ups whose item (account, id) was archived or deleted,
        here or elsewhere."""
        for popup in list(self.popups):
            n = popup.notification
            if n.id != SUMMARY_ID and not still_there(n.account, n.id):
                popup.close()
        if self.native is not None:
            for account, notification_id in self.native.shown_keys():
                if notification_id != SUMMARY_ID and not still_there(account, notification_id):
                    self.native.close(account, notification_id)

    def close_all(self) -> None:
        if self.native is not None:
            self.native.close_all()
            self._native_summarised = 0
        for popup in list(self.popups):
            popup.close()

    def _on_closed(self, popup: Popup) -> None:
        if popup in self.popups:
            self.popups.remove(popup)
            self._place()

    def _place(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        left = self.corner.endswith("left")
        x = area.left() + MARGIN if left else area.right() - WIDTH - MARGIN
        if self.corner.startswith("top"):
            top = area.top() + MARGIN  # newest on top, older ones below it
            for popup in reversed(self.popups):
                popup.move(QPoint(x, top))
                top += max(popup.height(), popup.sizeHint().height()) + GAP
            return
        bottom = area.bottom() - MARGIN
        for popup in reversed(self.popups):
            height = max(popup.height(), popup.sizeHint().height())
            popup.move(QPoint(x, bottom - height))
            bottom -= height + GAP
