"""`InboxDelegate`: paints one inbox row; no widget per row.

Row layout (computed once by `RowLayout`, used by painting and hit-testing
alike): unread dot · sender and relative time · title · body (two lines) ·
either the question's action chips or "You replied: …".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from bellbar.core.html import body_text
from bellbar.core.model import Action, Notification
from bellbar.core.text import display_text
from bellbar.core.timefmt import relative_time
from bellbar.ui.icon_loader import ICON_SIZE, IconLoader
from bellbar.ui.inbox_model import NotificationRole

PAD = 10
DOT = 8
CHIP_H = 24
CHIP_GAP = 6
# Delivery statuses (GOV.UK Notify): green arrived, amber may still, red will not.
STATUS_COLOURS = {
    "delivered": "#1e8e3e",
    "temporary-failure": "#e37400",
    "permanent-failure": "#d93025",
    "technical-failure": "#d93025",
    "failed": "#d93025",
}
ICON = ICON_SIZE
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class RowLayout:
    """Where each part of a row goes, for a given rect and font."""

    header: QRect
    title: QRect
    body: QRect
    footer: QRect
    chips: tuple[tuple[Action, QRect], ...]

    @classmethod
    def compute(cls, rect: QRect, item: Notification, font: QFont) -> RowLayout:
        line = QFontMetrics(font).height()
        left = rect.left() + PAD + DOT + PAD + (ICON + PAD if item.icon_url else 0)
        width = rect.right() - PAD - left
        top = rect.top() + PAD
        header = QRect(left, top, width, line)
        title = QRect(left, header.bottom() + 2, width, line)
        body = QRect(left, title.bottom() + 2, width, line * body_lines(item, font, width))
        footer = QRect(left, body.bottom() + 6, width, CHIP_H)
        chips: list[tuple[Action, QRect]] = []
        if item.awaits_answer:
            metrics = QFontMetrics(font)
            x = left
            for action in item.actions:
                label = display_text(action.label, 64, single_line=True)
                chip_w = metrics.horizontalAdvance(label) + 24
                chips.append((action, QRect(x, footer.top(), chip_w, CHIP_H)))
                x += chip_w + CHIP_GAP
        return cls(header, title, body, footer, tuple(chips))

    @staticmethod
    def height(item: Notification, font: QFont, row_width: int) -> int:
        line = QFontMetrics(font).height()
        width = row_width - 3 * PAD - DOT - (ICON + PAD if item.icon_url else 0)
        footer = CHIP_H + 6 if item.awaits_answer or item.reply else 0
        return PAD + line * (2 + body_lines(item, font, width)) + 4 + footer + PAD


def body_lines(item: Notification, font: QFont, width: int) -> int:
    """0 when the title stands alone, else 1 or 2 lines of body text."""
    if not item.title or not item.body:
        return 0
    text = display_text(body_text(item, 400), 400, single_line=True)
    return 1 if QFontMetrics(font).horizontalAdvance(text) <= width else 2


class InboxDelegate(QStyledItemDelegate):
    """Paints rows and reports clicks on action chips.

    Signals:
        action_clicked(notification, action)
    """

    action_clicked = Signal(object, object)

    def __init__(self, parent: QObject | None = None, icons: IconLoader | None = None) -> None:
        super().__init__(parent)
        self._icons = icons

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        item: Notification = index.data(NotificationRole)
        width = option.rect.width()
        view = option.widget
        if view is not None and hasattr(view, "viewport"):
            width = view.viewport().width()
        return QSize(width, RowLayout.height(item, option.font, width))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: Notification = index.data(NotificationRole)
        palette: QPalette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.highlight())
        elif not item.is_read:
            painter.fillRect(
                option.rect, _tint(palette.base().color(), palette.highlight().color())
            )
        text_color = palette.highlightedText().color() if selected else palette.text().color()
        muted = QColor(text_color)
        muted.setAlphaF(0.65)
        layout = RowLayout.compute(option.rect, item, option.font)
        icon = self._icons.pixmap(item.icon_url) if self._icons and item.icon_url else None
        if icon is not None:
            painter.drawPixmap(option.rect.left() + 2 * PAD + DOT, layout.header.top(), icon)
        if not item.is_read:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.highlight() if not selected else palette.highlightedText())
            painter.drawEllipse(
                option.rect.left() + PAD, layout.title.center().y() - DOT // 2, DOT, DOT
            )
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.9)
        painter.setFont(small)
        painter.setPen(muted)
        when = relative_time(item.sent_at)
        painter.drawText(layout.header, Qt.AlignmentFlag.AlignRight, when)
        taken = QFontMetrics(small).horizontalAdvance(when) + PAD
        if item.status:
            taken += self._paint_status(painter, layout.header, taken, item.status, small)
            painter.setPen(muted)
        sender_rect = layout.header.adjusted(0, 0, -taken, 0)
        _draw_elided(painter, sender_rect, display_text(item.sender, 80, single_line=True))
        title_font = QFont(option.font)
        title_font.setBold(not item.is_read)
        painter.setFont(title_font)
        painter.setPen(text_color)
        _draw_elided(
            painter,
            layout.title,
            display_text(item.title or body_text(item, 200), 200, single_line=True),
        )
        painter.setFont(option.font)
        painter.setPen(muted)
        body = display_text(body_text(item, 400), 400, single_line=True) if item.title else ""
        painter.drawText(
            layout.body, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), body
        )
        self._paint_footer(painter, layout, item, option, selected)
        painter.setPen(QColor(palette.mid().color()))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        painter.restore()

    @staticmethod
    def _paint_status(
        painter: QPainter, header: QRect, right: int, status: str, font: QFont
    ) -> int:
        """A coloured delivery-status pill left of the time; returns its width."""
        label = status.replace("-", " ")
        width = QFontMetrics(font).horizontalAdvance(label) + 12
        rect = QRect(header.right() - right - width, header.top(), width, header.height())
        colour = QColor(STATUS_COLOURS.get(status, "#5f6368"))
        painter.setPen(Qt.PenStyle.NoPen)
        fill = QColor(colour)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        return width + PAD

    def _paint_footer(
        self,
        painter: QPainter,
        layout: RowLayout,
        item: Notification,
        option: QStyleOptionViewItem,
        selected: bool,
    ) -> None:
        palette: QPalette = option.palette
        for action, rect in layout.chips:
            painter.setPen(
                palette.highlight().color() if not selected else palette.highlightedText().color()
            )
            painter.setBrush(palette.button())
            painter.drawRoundedRect(rect, CHIP_H / 2, CHIP_H / 2)
            painter.setPen(palette.buttonText().color())
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter, display_text(action.label, 64, single_line=True)
            )
        if item.reply is not None:
            answer = display_text(item.reply.content, 120, single_line=True)
            text = (
                self.tr("Sending: %s…") % answer
                if item.reply.pending
                else self.tr("✓ You replied: %s") % answer
            )
            painter.setPen(QColor("#1e8e3e") if not selected else palette.highlightedText().color())
            _draw_elided(painter, layout.footer, text)

    def editorEvent(
        self, event: QEvent, model: object, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            item: Notification = index.data(NotificationRole)
            layout = RowLayout.compute(option.rect, item, option.font)
            for action, rect in layout.chips:
                if rect.contains(event.position().toPoint()):
                    self.action_clicked.emit(item, action)
                    return True
        return False


def chip_rect(rect: QRect, item: Notification, font: QFont, key: str) -> QRect:
    """Where the chip for action `key` is painted in a row at `rect`."""
    for action, chip in RowLayout.compute(rect, item, font).chips:
        if action.key == key:
            return chip
    raise KeyError(key)


def _draw_elided(painter: QPainter, rect: QRect, text: str) -> None:
    metrics = painter.fontMetrics()
    painter.drawText(
        rect,
        Qt.AlignmentFlag.AlignLeft,
        metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()),
    )


def _tint(base: QColor, accent: QColor) -> QColor:
    """`base` with a hint of `accent`, for unread rows."""
    return QColor(
        (base.red() * 92 + accent.red() * 8) // 100,
        (base.green() * 92 + accent.green() * 8) // 100,
        (base.blue() * 92 + accent.blue() * 8) // 100,
    )
