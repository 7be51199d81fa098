"""The bell icon, with the unseen count drawn on it as a badge.

Rendered from the SVGs in `bellbar.assets` at several sizes, so the tray
picks a crisp one on any DPI: `bell.svg`, `bell-dark.svg` (a light outline
for dark panels, chosen when the desktop's colour scheme is dark) and
`bell-dnd.svg` (greyed and struck through, while it is quiet).
"""

from __future__ import annotations

import functools
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64)


@functools.cache
def _renderer(name: str) -> QSvgRenderer:
    svg = resources.files("bellbar.assets").joinpath(name).read_bytes()
    return QSvgRenderer(QByteArray(svg))


def _bell(*, muted: bool) -> QSvgRenderer:
    if muted:
        return _renderer("bell-dnd.svg")
    hints = QGuiApplication.styleHints()
    dark = hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark
    return _renderer("bell-dark.svg" if dark else "bell.svg")


def badge_text(count: int) -> str:
    return "" if count <= 0 else ("99+" if count > 99 else str(count))


def bell_pixmap(size: int, count: int = 0, *, muted: bool = False) -> QPixmap:
    """The bell at `size` px, with a red badge for `count` > 0."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _bell(muted=muted).render(painter, QRectF(0, 0, size, size))
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
    """The tray's icon at every size; rendered once per badge text and
    colour scheme, since a burst changes the count hundreds of times a second."""
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    return _bell_icon(badge_text(count), muted, scheme)


@functools.lru_cache(maxsize=32)
def _bell_icon(text: str, muted: bool, scheme: Qt.ColorScheme) -> QIcon:
    del scheme  # part of the cache key: _bell() reads it
    count = 100 if text == "99+" else int(text or 0)
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(bell_pixmap(size, count, muted=muted))
    return icon
