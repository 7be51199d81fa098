"""Render the app icon (src/bellbar/assets/bell.svg) to PNGs in the usual sizes.

The PNGs are committed (installers and the desktop entry use them), so this
runs only when the SVG changes: python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ASSETS = Path(__file__).resolve().parents[1] / "src" / "bellbar" / "assets"


def main() -> None:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter needs one
    renderer = QSvgRenderer(str(ASSETS / "bell.svg"))
    out = ASSETS / "icons"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        image.save(str(out / f"bellbar-{size}.png"))
        print(out / f"bellbar-{size}.png")


if __name__ == "__main__":
    main()
