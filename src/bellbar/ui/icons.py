"""The bell icon, with the unseen count drawn on it as a badge.

Rendered from the SVG at several sizes so the tray picks a crisp one on
any DPI.
"""

from __future__ import annotations

import functools
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64)
_renderer: QSvgRenderer | None = None


def _bell() -> QSvgRenderer:
    global _renderer
    if _renderer is None:
        svg = resources.files("bellbar.assets").joinpath("bell.svg").read_bytes()
        _renderer = QSvgRenderer(QByteArray(svg))
    return _renderer


def badge_text(count: int) -> str:
    return "" if count <= 0 else ("99+" if count > 99 else str(count))


def bell_pixmap(size: int, count: int = 0, *, muted: bool = False) -> QPixmap:
    """The bell at `size` px, with a red badge for `count` > 0."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if muted:
        painter.setOpacity(0.55)
    _bell().render(painter, QRectF(0, 0, size, size))
    painter.setOpacity(1.0)
    text = badge_text(count)
    if text:
        diameter = size * (0.62 if len(text) < 3 else 0.72)
        rect = QRectF(size - diameter, 0, diameter, diameter * 0.9)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#d93025"))
        painter.drawRoundedRect(rect, diameter * 0.45, diameter * 0.45)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(diameter * (0.62 if len(text) == 1 else 0.46))))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


def bell_icon(count: int = 0, *, muted: bool = False) -> QIcon:
    """The tray's icon at every size; rendered once per badge text, since a
    burst changes the count hundreds of times a second."""
    return _bell_icon(badge_text(count), muted)


@functools.lru_cache(maxsize=16)
def _bell_icon(text: str, muted: bool) -> QIcon:
    count = 100 if text == "99+" else int(text or 0)
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(bell_pixmap(size, count, muted=muted))
    return icon
