"""The first-run window: what Bellbar is, and the two ways to begin.

Shown when there is no account yet. "Add an account" opens the account
dialog (provider picker, fields with help, Test connection); "Try the demo"
starts `bellbar demo` as its own process, with its own throwaway profile, so
nothing of the demo lands in the user's settings or keyring.
"""

from __future__ import annotations

import subprocess

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from bellbar.core.autostart import launch_command
from bellbar.ui.icons import bell_pixmap
from bellbar.ui.widgets import center_on_screen

TEXT_WIDTH = 420


class WelcomeWindow(QWidget):
    """Signals: add_account_requested(), demo_started()."""

    add_account_requested = Signal()
    demo_started = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Welcome to Bellbar"))
        self.demo_process: subprocess.Popen[bytes] | None = None
        icon = QLabel()
        icon.setPixmap(bell_pixmap(64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("Welcome to Bellbar"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            self.tr(
                "Bellbar collects the notifications of your bots and services in one inbox "
                "in the system tray, and lets you answer them from a pop-up.\n\n"
                "Connect a Bellbar hub, MagicBell, Belltastic or GOV.UK Notify account, or "
                "try it first with a demo hub and a bot that asks questions."
            )
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setFixedWidth(TEXT_WIDTH)  # a fixed width lets the layout size the wrapped text
        self.add_button = QPushButton(self.tr("Add an account…"))
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_account_requested)
        self.demo_button = QPushButton(self.tr("Try the demo"))
        self.demo_button.clicked.connect(self.start_demo)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        for widget in (icon, title, text):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def start_demo(self) -> None:
        """Run the demo next to this app: its own hub, tray and profile."""
        if self.demo_process is None or self.demo_process.poll() is not None:
            command = [*launch_command(), "demo"]  # this very program, nothing from outside
            self.demo_process = subprocess.Popen(command)  # noqa: S603
        self.demo_started.emit()
        self.close()

    def present(self) -> None:
        self.adjustSize()
        center_on_screen(self)
        self.show()
        self.raise_()
        self.activateWindow()
