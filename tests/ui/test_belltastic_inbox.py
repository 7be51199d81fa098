"""A Belltastic account in the tray: its icon shown, its item menu."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from bellbar.core.icons import IconCache
from bellbar.core.model import Account
from bellbar.ui.icon_loader import IconLoader
from tests.helpers.fixed_server import FixedResponseServer
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


def png_bytes() -> bytes:
    image = QImage(48, 48, QImage.Format.Format_ARGB32)
    image.fill(QColor("#1a73e8"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


@pytest.fixture
def icon_server(qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = FixedResponseServer(200, png_bytes(), "image/png")
    yield f"{server.url}/avatar.png"
    server.stop()


def test_belltastic_popup_shows_its_icon_and_menu(  # type: ignore[no-untyped-def]
    qtbot, qloop, hub: HubProcess, harness_for, icon_server: str, tmp_path: Path
) -> None:
    made = hub.create_belltastic_project()
    api = f"{hub.url}/belltastic/api/v1"
    account = Account(
        id="bt",
        name="Shop",
        provider="belltastic",
        url=api,
        options={"project_id": str(made["project_id"]), "user_id": "ann"},
    )
    icons = IconLoader(IconCache(tmp_path / "icons"))
    harness = harness_for(api, made["project_token"], account, icons)

    async def scenario() -> None:
        await harness.start_live(hide_window=True)
        async with httpx.AsyncClient() as client:
            await client.post(
                f"{api}/project/{made['project_id']}/user/ann/notifications",
                json={
                    "title": "Order shipped",
                    "body": "Parcel 42 is on its way",
                    "icon": icon_server,
                },
                headers={"Authorization": f"Bearer {made['project_token']}"},
            )
        popup = await until(lambda: harness.app.popups.popups and harness.app.popups.popups[-1])
        await until(lambda: popup.icon.isVisible(), what="icon shown")
        assert popup.icon.pixmap().width() == 32
        assert (tmp_path / "icons").exists()
        item = harness.cache.newest(0, 1)[0]
        labels = [a.text() for a in harness.app.window.context_menu_for(item).actions()]
        assert labels == ["Mark read", "Archive", "Delete"]
        await harness.stop()

    qloop.run_until_complete(scenario())
