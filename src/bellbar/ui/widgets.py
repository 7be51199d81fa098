"""Small widget helpers shared by the pop-up and the inbox window."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from bellbar.core.html import sanitize_html
from bellbar.core.text import display_text, is_safe_link


def plain_label(
    text: str, limit: int, *, bold: bool = False, muted: bool = False, parent: QWidget | None = None
) -> QLabel:
    """A QLabel that can only ever show `text` as inert plain text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(display_text(text, limit))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    font = label.font()
    if bold:
        font.setBold(True)
    if muted:
        font.setPointSizeF(font.pointSizeF() * 0.9)
        palette = label.palette()  # a palette, not a style sheet: those are slow to apply
        palette.setColor(
            QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
        )
        label.setPalette(palette)
    label.setFont(font)
    return label


def rich_label(html: str, limit: int, *, parent: QWidget | None = None) -> QLabel:
    """A QLabel showing provider HTML after `sanitize_html`: formatting and
    safe links only; a link opens in the browser on a click, through the
    same scheme check as every other link."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
    # Our own markup after sanitising: paragraphs without Qt's default margins.
    label.setText(sanitize_html(html, limit).replace("<p>", '<p style="margin:0">'))
    label.linkActivated.connect(open_link)
    return label


def open_link(url: str) -> bool:
    """Open `url` in the user's browser or mail client, only if it is http(s)/mailto."""
    if not is_safe_link(url):
        return False
    return QDesktopServices.openUrl(QUrl(url.strip()))


def center_on_screen(window: QWidget) -> None:
    """Place a first-time window in the middle of the screen (window
    managers that place windows themselves move it anyway)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    frame = window.frameGeometry()
    frame.moveCenter(screen.availableGeometry().center())
    window.move(frame.topLeft())
