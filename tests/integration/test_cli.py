"""`bellbar send` and `bellbar hub admin` as scripts use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from tests.helpers.hub import HubBot, HubProcess, HubUser


def bellbar(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bellbar", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_send_pushes_with_buttons_and_an_input(hub: HubProcess, user: HubUser, bot: HubBot) -> None:
    result = bellbar(
        "send",
        "--url",
        hub.url,
        "--token",
        bot.token,
        "Deploy?",
        "--title",
        "Deploy",
        "--action",
        "approve:Approve",
        "--input",
        "other:Other...:Your reason",
    )
    assert result.returncode == 0, result.stderr
    message_id = result.stdout.strip()
    feed = httpx.get(
        f"{hub.api}/app/messages", headers={"Authorization": f"Bearer {user.user_token}"}
    ).json()["data"]["messages"]
    [sent] = [m for m in feed if m["message_id"] == message_id]
    assert sent["title"] == "Deploy"
    assert sent["actions"] == [
        {"key": "approve", "label": "Approve", "type": "button"},
        {"key": "other", "label": "Other...", "type": "input", "placeholder": "Your reason"},
    ]


def test_send_failures_explain_themselves(hub: HubProcess, bot: HubBot) -> None:
    invalid = bellbar("send", "--url", hub.url, "--token", bot.token, "x" * 5000)
    assert invalid.returncode == 1 and "code 40010" in invalid.stderr and "4096" in invalid.stderr
    wrong = bellbar("send", "--url", hub.url, "--token", "bt_nope", "hi")
    assert wrong.returncode == 1 and "40001" in wrong.stderr
    down = bellbar("send", "--url", "http://127.0.0.1:9", "--token", bot.token, "hi")
    assert down.returncode == 1 and "cannot reach" in down.stderr
    usage = bellbar("send", "--url", hub.url, "--token", bot.token, "hi", "--action", "nolabel")
    assert usage.returncode == 2 and "KEY:LABEL" in usage.stderr


def test_hub_admin_prints_one_json_object(hub: HubProcess) -> None:
    made = bellbar("hub", "admin", "--db", str(hub.db_path), "user", "create", "carol")
    user = json.loads(made.stdout)
    assert set(user) == {"user_id", "user_token", "pat"}
    bot = json.loads(
        bellbar(
            "hub",
            "admin",
            "--db",
            str(hub.db_path),
            "bot",
            "create",
            "--user",
            user["user_id"],
            "Carol's bot",
        ).stdout
    )
    assert set(bot) == {"bot_id", "token", "push_url", "webhook_secret"}
    assert bot["push_url"] == f"{hub.url}/botbell/v1/push/{bot['token']}"
    assert httpx.post(bot["push_url"], json={"message": "hi"}).json()["code"] == 0
    unknown = bellbar(
        "hub", "admin", "--db", str(hub.db_path), "bot", "create", "--user", "usr_x", "b"
    )
    assert unknown.returncode == 1 and "no user" in unknown.stderr


def test_hub_log_holds_no_secret(hub: HubProcess, user: HubUser, bot: HubBot) -> None:
    httpx.post(f"{hub.api}/push/{bot.token}", json={"message": "hi"})
    log = Path(hub.log_path).read_text()
    assert bot.token not in log and user.user_token not in log and user.pat not in log


def test_notify_admin_commands(hub: HubProcess) -> None:
    db = str(hub.db_path)
    service = json.loads(
        bellbar("hub", "admin", "--db", db, "notify", "service", "create", "Council").stdout
    )
    assert set(service) == {"service_id", "api_key"} and service["api_key"].startswith("council-")
    template = json.loads(bellbar("hub", "admin", "--db", db, "notify", "template", "create",
                                  "--service", service["service_id"], "--type", "email",
                                  "--name", "Welcome", "--body", "Hi ((name))",
                                  "--subject", "Hello").stdout)  # fmt: skip
    assert set(template) == {"template_id"}
    inbound = ("hub", "admin", "--db", db, "notify", "inbound", "--service", service["service_id"])
    text = json.loads(bellbar(*inbound, "--from", "07700900123", "Hi there").stdout)
    assert set(text) == {"id"}
    missing = bellbar("hub", "admin", "--db", db, "notify", "inbound", "--service", "nope",
                      "--from", "0", "x")  # fmt: skip
    assert missing.returncode == 1 and "no service" in missing.stderr
