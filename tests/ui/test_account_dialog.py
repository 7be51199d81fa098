"""The account dialog: fields per provider, Test connection in plain words, Save."""

from __future__ import annotations

from pathlib import Path

import httpx

from bellbar.core.config import load_config
from bellbar.core.paths import AppPaths
from bellbar.core.secrets import MemorySecrets
from bellbar.ui.accounts import AccountDialog
from tests.helpers.hub import HubProcess
from tests.helpers.qt import until


def test_magicbell_account_is_tested_and_saved(
    qtbot, qloop, hub: HubProcess, app_dirs: Path
) -> None:  # type: ignore[no-untyped-def]
    project = hub.create_magicbell_project(hmac_required=True)
    admin = {
        "X-MAGICBELL-API-KEY": project["api_key"],
        "X-MAGICBELL-API-SECRET": project["api_secret"],
    }
    body = {"notification": {"title": "hello", "recipients": [{"email": "ann@example.com"}]}}
    assert (
        httpx.post(f"{hub.url}/magicbell/notifications", json=body, headers=admin).status_code
        == 201
    )
    paths, secrets = AppPaths.for_profile(), MemorySecrets()
    dialog = AccountDialog(paths, secrets)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.api_key.isVisible()
    assert "user token" in dialog.help.text()
    dialog.provider.setCurrentIndex(1)
    assert dialog.api_key.isVisible() and dialog.secret_label.text() == "Secret"
    assert dialog.help.text().startswith("From your MagicBell project's settings")
    qtbot.keyClicks(dialog.name, "Acme")
    qtbot.keyClicks(dialog.url, f"{hub.url}/magicbell")
    qtbot.keyClicks(dialog.api_key, project["api_key"])
    qtbot.keyClicks(dialog.email, "Ann@Example.com")
    dialog.secret_kind.setCurrentIndex(1)

    async def scenario() -> None:
        qtbot.keyClicks(dialog.secret, "sk_wrong")
        await dialog.check()
        assert "user HMAC is incorrect" in dialog.outcome.text()
        dialog.secret.clear()
        qtbot.keyClicks(dialog.secret, project["api_secret"])
        dialog.test_button.click()
        await until(lambda: dialog.outcome.text() == "Connected: 1 notification.")

    qloop.run_until_complete(scenario())
    with qtbot.waitSignal(dialog.account_saved) as saved:
        dialog.save()
    account = saved.args[0]
    assert load_config(paths.config_file).accounts == (account,)
    assert account.options == {
        "api_key": project["api_key"],
        "email": "Ann@Example.com",
        "secret_kind": "api_secret",
    }
    assert secrets.get(account.id) == project["api_secret"]


def test_an_incomplete_form_says_what_is_missing(qtbot, app_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = AccountDialog(AppPaths.for_profile(), MemorySecrets())
    qtbot.addWidget(dialog)
    dialog.provider.setCurrentIndex(1)
    qtbot.keyClicks(dialog.name, "Acme")
    dialog.save()
    assert dialog.outcome.text() == "a MagicBell account needs the project's API key"
    assert dialog.result() == 0  # not accepted
    assert not AppPaths.for_profile().config_file.exists()
