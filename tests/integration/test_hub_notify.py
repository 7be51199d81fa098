"""The hub's GOV.UK Notify v2 API, driven by the official notifications-python-client."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from bellbar.hub import admin
from tests.helpers.hub import HubProcess
from tests.helpers.webhook import WebhookReceiver


class Service:
    def __init__(self, hub: HubProcess, **options: Any) -> None:
        made = hub.create_notify_service(**options)
        self.id, self.api_key = made["service_id"], made["api_key"]
        self.client = NotificationsAPIClient(self.api_key, base_url=hub.url)
        self.sms = hub.create_notify_template(
            self.id, "sms", "Hello ((name)), your code is ((code))"
        )
        self.email = hub.create_notify_template(
            self.id, "email", "Dear ((name))", "About ((topic))"
        )
        self.letter = hub.create_notify_template(self.id, "letter", "Dear resident", "Bins")
        self.reply = hub.create_notify_template(self.id, "sms", "((message))")

    def token(self, iat: float) -> str:
        secret = self.api_key[-36:]
        return jwt.encode(
            {"iss": self.id, "iat": int(iat)}, secret, headers={"typ": "JWT", "alg": "HS256"}
        )


def wait_status(
    service: Service, notification_id: str, wanted: str, timeout: float = 10
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = service.client.get_notification_by_id(notification_id)
        if found["status"] == wanted or time.monotonic() > deadline:
            return dict(found)
        time.sleep(0.2)


def test_sms_with_the_official_client_and_its_delivery(hub: HubProcess) -> None:
    service = Service(hub)
    sent = service.client.send_sms_notification(
        phone_number="+447700900000", template_id=service.sms,
        personalisation={"name": "Ann", "code": "1234"}, reference="ref-1",
    )  # fmt: skip
    assert sent["content"] == {"body": "Hello Ann, your code is 1234", "from_number": "07700900999"}
    assert sent["reference"] == "ref-1" and sent["uri"].endswith(sent["id"])
    assert sent["template"] == {
        "id": service.sms,
        "version": 1,
        "uri": f"/v2/template/{service.sms}/version/1",
    }
    first = service.client.get_notification_by_id(sent["id"])
    assert first["status"] in ("created", "sending") and first["type"] == "sms"
    done = wait_status(service, sent["id"], "delivered")
    assert done["status"] == "delivered" and done["completed_at"].endswith("Z")
    failed = service.client.send_sms_notification(
        "07700 900 002", service.sms, {"name": "x", "code": "y"}
    )
    assert wait_status(service, failed["id"], "permanent-failure")["status"] == "permanent-failure"


def test_email_letter_lists_and_iterators(hub: HubProcess) -> None:
    service = Service(hub)
    email = service.client.send_email_notification(
        "temp-fail@simulator.notify", service.email, {"name": "Bo", "topic": "tax"}
    )
    assert email["content"]["subject"] == "About tax" and email["content"]["from_email"]
    letter = service.client.send_letter_notification(
        service.letter,
        {"address_line_1": "1 High St", "address_line_2": "Town", "postcode": "SW1A 1AA"},
    )
    assert letter["postage"] == "second"
    ids = [
        service.client.send_sms_notification(
            "07700900111", service.sms, {"name": "n", "code": str(i)}
        )["id"]
        for i in range(3)
    ]
    sms = service.client.get_all_notifications(template_type="sms")
    assert [n["id"] for n in sms["notifications"]] == list(reversed(ids))
    assert "older_than" in sms["links"]["next"]
    everything = list(service.client.get_all_notifications_iterator())
    assert [n["id"] for n in everything] == [*reversed(ids), letter["id"], email["id"]]
    assert wait_status(service, email["id"], "temporary-failure")["status"] == "temporary-failure"
    failures = service.client.get_all_notifications(status="temporary-failure")["notifications"]
    assert [n["id"] for n in failures] == [email["id"]]
    older = service.client.get_all_notifications(older_than=ids[1])["notifications"]
    assert [n["id"] for n in older] == [ids[0], letter["id"], email["id"]]


def test_received_texts_templates_and_preview(hub: HubProcess) -> None:
    service = Service(hub)
    texts = [
        admin.notify_inbound(hub.db_path, service.id, "07700900123", f"hi {i}")["id"]
        for i in range(3)
    ]
    received = service.client.get_received_texts()["received_text_messages"]
    assert [t["id"] for t in received] == list(reversed(texts))
    assert received[0]["user_number"] == "07700900123" and received[0]["content"] == "hi 2"
    assert [t["id"] for t in service.client.get_received_texts_iterator()] == list(reversed(texts))
    assert [
        t["id"]
        for t in service.client.get_received_texts(older_than=texts[2])["received_text_messages"]
    ] == [texts[1], texts[0]]
    template = service.client.get_template(service.sms)
    assert template["personalisation"] == {"name": {"required": True}, "code": {"required": True}}
    assert service.client.get_template_version(service.sms, 1)["body"] == template["body"]
    assert {t["id"] for t in service.client.get_all_templates("sms")["templates"]} == {
        service.sms,
        service.reply,
    }
    assert len(service.client.get_all_templates()["templates"]) == 4
    preview = service.client.post_template_preview(
        service.email, {"name": "Cy", "topic": "<b>x</b>"}
    )
    assert preview["subject"] == "About <b>x</b>" and preview["body"] == "Dear Cy"


@pytest.mark.parametrize(
    ("call", "status", "error", "message"),
    [
        (
            lambda s: s.client.send_sms_notification("12345", s.sms, {"name": "a", "code": "b"}),
            400,
            "ValidationError",
            "phone_number Not a UK mobile number",
        ),
        (
            lambda s: s.client.send_sms_notification("07700900000", s.sms, {"name": "a"}),
            400,
            "BadRequestError",
            "Missing personalisation: code",
        ),
        (
            lambda s: s.client.send_sms_notification("07700900000", s.email, {}),
            400,
            "BadRequestError",
            "email template is not suitable for sms notification",
        ),
        (
            lambda s: s.client.send_email_notification("not-an-email", s.email, {}),
            400,
            "ValidationError",
            "email_address Not a valid email address",
        ),
        (
            lambda s: s.client.send_sms_notification(
                "07700900000", "5e2c6f4a-0000-4000-8000-000000000000", {}
            ),
            400,
            "BadRequestError",
            "Template not found",
        ),
        (
            lambda s: s.client.get_notification_by_id("5e2c6f4a-0000-4000-8000-000000000000"),
            404,
            "NoResultFound",
            "No result found",
        ),
    ],
)
def test_errors_reach_the_client_as_notify_sends_them(
    hub: HubProcess, call: Any, status: int, error: str, message: str
) -> None:
    service = Service(hub)
    with pytest.raises(HTTPError) as caught:
        call(service)
    assert caught.value.status_code == status
    assert caught.value.message == [{"error": error, "message": message}]


def test_jwt_clock_skew_and_auth_errors(hub: HubProcess) -> None:
    service = Service(hub)
    url = f"{hub.url}/v2/templates"

    def get(headers: dict[str, str]) -> httpx.Response:
        return httpx.get(url, headers=headers)

    def aged(seconds: int) -> str:
        """A token issued `seconds` ago (negative: in the future). `iat` is whole
        seconds, so round towards now for an edge inside the 30 s and away from
        now for one outside it: the edge then holds whatever the clock's fraction."""
        now = time.time()
        towards_now = math.ceil(now) if seconds > 0 else math.floor(now)
        away = math.floor(now) if seconds > 0 else math.ceil(now)
        return f"Bearer {service.token((towards_now if abs(seconds) < 30 else away) - seconds)}"

    assert get({"Authorization": aged(29)}).status_code == 200
    assert get({"Authorization": aged(-29)}).status_code == 200
    for seconds in (31, -31):
        late = get({"Authorization": aged(seconds)})
        assert late.status_code == 403
        assert late.json() == {
            "status_code": 403,
            "errors": [
                {
                    "error": "AuthError",
                    "message": "Error: Your system clock must be accurate to within 30 seconds",
                }
            ],
        }
    missing = get({})
    assert missing.json() == {
        "status_code": 401,
        "errors": [
            {"error": "AuthError", "message": "Unauthorized: authentication token must be provided"}
        ],
    }
    assert get({"Authorization": aged(0).replace("Bearer", "Basic")}).status_code == 401
    wrong_secret = "00000000-0000-4000-8000-000000000000"
    forged = jwt.encode(
        {"iss": service.id, "iat": int(time.time())}, wrong_secret, algorithm="HS256"
    )
    assert get({"Authorization": f"Bearer {forged}"}).json()["errors"][0]["message"] == (
        "Invalid token: API key not found"
    )
    assert "message" not in missing.json()
    prefixed = httpx.get(f"{hub.url}/notify/v2/templates", headers={"Authorization": aged(0)})
    assert prefixed.status_code == 200 and len(prefixed.json()["templates"]) == 4


def test_callbacks_carry_the_bearer_token(hub: HubProcess, receiver: WebhookReceiver) -> None:
    service = Service(hub, callback_url=receiver.url, callback_token="callback-token-123")
    sent = service.client.send_sms_notification(
        "07700900003", service.sms, {"name": "a", "code": "b"}
    )
    admin.notify_inbound(hub.db_path, service.id, "07700900456", "STOP")
    hooks = receiver.wait_for(2, timeout=15)
    bodies = [json.loads(h.body) for h in hooks]
    assert all(h.headers["authorization"] == "Bearer callback-token-123" for h in hooks)
    inbound = next(b for b in bodies if "source_number" in b)
    assert (inbound["source_number"], inbound["message"]) == ("07700900456", "STOP")
    receipt = next(b for b in bodies if "status" in b)
    assert (receipt["id"], receipt["status"], receipt["notification_type"]) == (
        sent["id"],
        "temporary-failure",
        "sms",
    )
    assert receipt["template_version"] == 1


def test_failed_callbacks_are_kept_for_a_retry(tmp_path: Path) -> None:
    down = WebhookReceiver(status=500).start()
    hub = HubProcess(tmp_path / "hub.sqlite3", ("--allow-private-webhooks",)).start()
    try:
        service = Service(hub, callback_url=down.url, callback_token="t" * 12)
        admin.notify_inbound(hub.db_path, service.id, "07700900456", "hello")
        down.wait_for(1, timeout=10)
        from bellbar.hub.store import Store

        deadline = time.monotonic() + 5
        while True:
            store = Store(hub.db_path)
            queued = [dict(r) for r in store.connection.execute("SELECT * FROM nt_callbacks")]
            store.close()
            if (queued and queued[0]["attempts"] == 1) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert len(queued) == 1 and queued[0]["attempts"] == 1
        assert queued[0]["next_at"] > time.time()
    finally:
        hub.stop()
        down.stop()


def test_rate_and_daily_limits(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub.sqlite3", ("--notify-rate", "3")).start()
    try:
        service = Service(hub)
        service.client.get_all_templates()
        service.client.get_all_templates()
        service.client.get_all_templates()
        with pytest.raises(HTTPError) as caught:
            service.client.get_all_templates()
        assert caught.value.status_code == 429
        assert caught.value.message[0]["error"] == "RateLimitError"
        tight = Service(hub, daily_limit=1)
        tight.client.send_sms_notification("07700900000", tight.reply, {"message": "one"})
        with pytest.raises(HTTPError) as daily:
            tight.client.send_sms_notification("07700900000", tight.reply, {"message": "two"})
        assert daily.value.status_code == 429
        assert daily.value.message == [
            {"error": "TooManyRequestsError", "message": "Exceeded send limits (1) for today"}
        ]
    finally:
        hub.stop()
