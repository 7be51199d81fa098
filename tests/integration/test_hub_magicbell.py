"""The hub's MagicBell v1 mount over real HTTP, with requests built as the docs write them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from bellbar.providers.magicbell import user_hmac
from tests.helpers.hub import HubProcess


class Project:
    """A MagicBell project on the test hub, and request helpers for it."""

    def __init__(self, hub: HubProcess, *, hmac_required: bool = False) -> None:
        made = hub.create_magicbell_project(hmac_required=hmac_required)
        self.base = f"{hub.url}/magicbell"
        self.key, self.secret = made["api_key"], made["api_secret"]

    def admin(self, path: str, body: Any, **headers: str) -> httpx.Response:
        return httpx.post(
            f"{self.base}{path}",
            json=body,
            headers={
                "X-MAGICBELL-API-KEY": self.key,
                "X-MAGICBELL-API-SECRET": self.secret,
                **headers,
            },
        )

    def notify(self, *recipients: dict[str, str], **fields: Any) -> httpx.Response:
        return self.admin(
            "/notifications",
            {"notification": {"title": "Hi", **fields, "recipients": list(recipients)}},
        )

    def user(self, external_id: str) -> dict[str, str]:
        return {
            "X-MAGICBELL-API-KEY": self.key,
            "X-MAGICBELL-USER-EXTERNAL-ID": external_id,
            "X-MAGICBELL-USER-HMAC": user_hmac(self.secret, external_id),
        }

    def get(self, path: str, headers: dict[str, str], **params: Any) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", headers=headers, params=params)

    def post(self, path: str, headers: dict[str, str], **params: Any) -> httpx.Response:
        return httpx.post(f"{self.base}{path}", headers=headers, params=params)

    def inbox(self, external_id: str, **params: Any) -> dict[str, Any]:
        answer = self.get("/notifications", self.user(external_id), **params)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


def error_code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def test_the_docs_broadcast_and_email_user_example(hub: HubProcess) -> None:
    project = Project(hub)
    created = httpx.post(
        f"{project.base}/broadcasts",
        headers={"X-MAGICBELL-API-KEY": project.key, "X-MAGICBELL-API-SECRET": project.secret},
        content=json.dumps(
            {
                "broadcast": {
                    "title": "Ticket assigned to you: Do you offer demos?",
                    "recipients": [{"email": "richard@example.com"}],
                }
            }
        ),
    )
    assert created.status_code == 201
    assert created.json()["broadcast"]["title"] == "Ticket assigned to you: Do you offer demos?"
    listed = httpx.get(
        f"{project.base}/notifications",
        headers={
            "X-MAGICBELL-API-KEY": project.key,
            "X-MAGICBELL-USER-EMAIL": "Richard@Example.com",
            "X-MAGICBELL-USER-HMAC": user_hmac(project.secret, "richard@example.com"),
        },
    ).json()
    assert (listed["total"], listed["unseen_count"], listed["unread_count"]) == (1, 1, 1)
    [item] = listed["notifications"]
    assert item["title"] == "Ticket assigned to you: Do you offer demos?"
    assert isinstance(item["sent_at"], int | float) and item["read_at"] is None
    assert item["recipient"]["email"] == "richard@example.com"
    lower = {k.lower(): v for k, v in project.user("nobody").items()}
    assert httpx.get(f"{project.base}/notifications", headers=lower).status_code == 200


def test_auth_errors_use_the_documented_codes(hub: HubProcess) -> None:
    project = Project(hub)
    strict = Project(hub, hmac_required=True)
    base = project.base
    body = {"notification": {"title": "x", "recipients": [{"external_id": "a"}]}}
    assert error_code(httpx.post(f"{base}/notifications", json=body)) == (
        401,
        "api_key_not_provided",
    )
    assert error_code(
        httpx.get(f"{base}/notifications", headers={"X-MAGICBELL-API-KEY": "pk_no"})
    ) == (401, "incorrect_api_key")
    assert error_code(
        httpx.post(f"{base}/notifications", json=body, headers={"X-MAGICBELL-API-KEY": project.key})
    ) == (401, "api_secret_not_provided")
    assert error_code(
        project.admin("/notifications", body, **{"X-MAGICBELL-API-SECRET": "sk_no"})
    ) == (401, "api_secret_is_incorrect")
    assert error_code(project.get("/notifications", {"X-MAGICBELL-API-KEY": project.key})) == (
        401,
        "user_email_not_provided",
    )
    wrong_hmac = {
        **project.user("alice"),
        "X-MAGICBELL-USER-HMAC": user_hmac(project.secret, "bob"),
    }
    assert error_code(project.get("/notifications", wrong_hmac)) == (403, "forbidden")
    bare = {"X-MAGICBELL-API-KEY": strict.key, "X-MAGICBELL-USER-EXTERNAL-ID": "alice"}
    assert error_code(strict.get("/notifications", bare)) == (
        401,
        "neither_user_hmac_nor_api_secret_provided",
    )
    assert (
        strict.get("/notifications", {**bare, "X-MAGICBELL-API-SECRET": strict.secret}).status_code
        == 200
    )
    assert strict.get("/notifications", strict.user("alice")).status_code == 200
    # without HMAC required, a bare user is accepted (MagicBell's behaviour before HMAC is on)
    assert (
        project.get(
            "/notifications",
            {"X-MAGICBELL-API-KEY": project.key, "X-MAGICBELL-USER-EXTERNAL-ID": "alice"},
        ).status_code
        == 200
    )


def test_external_id_wins_over_email(hub: HubProcess) -> None:
    project = Project(hub)
    project.notify({"external_id": "u-1"}, title="for the id")
    project.notify({"email": "u1@example.com"}, title="for the email")
    both = {**project.user("u-1"), "X-MAGICBELL-USER-EMAIL": "u1@example.com"}
    titles = [n["title"] for n in project.get("/notifications", both).json()["notifications"]]
    assert titles == ["for the id"]


def test_mutations_answer_204_and_change_state(hub: HubProcess) -> None:
    project = Project(hub)
    for title in ("one", "two", "three"):
        project.notify(
            {"external_id": "amy"}, title=title, category="billing" if title == "one" else None
        )
    amy = project.user("amy")
    ids = {n["title"]: n["id"] for n in project.inbox("amy")["notifications"]}
    read = project.post(f"/notifications/{ids['one']}/read", amy)
    assert (read.status_code, read.content) == (204, b"")
    one = project.get(f"/notifications/{ids['one']}", amy).json()["notification"]
    assert one["read_at"] and one["seen_at"]
    assert project.post(f"/notifications/{ids['one']}/unread", amy).status_code == 204
    assert (
        project.get(f"/notifications/{ids['one']}", amy).json()["notification"]["read_at"] is None
    )
    assert project.post(f"/notifications/{ids['two']}/archive", amy).status_code == 204
    assert [n["title"] for n in project.inbox("amy")["notifications"]] == ["three", "one"]
    assert [n["title"] for n in project.inbox("amy", archived="true")["notifications"]] == ["two"]
    assert (
        httpx.delete(f"{project.base}/notifications/{ids['two']}/archive", headers=amy).status_code
        == 204
    )
    assert project.post(f"/notifications/{ids['two']}/archive", amy).status_code == 204
    assert project.post(f"/notifications/{ids['two']}/unarchive", amy).status_code == 204
    assert project.inbox("amy")["total"] == 3
    assert project.post("/notifications/read", amy, category="billing").status_code == 204
    counts = project.inbox("amy")
    assert (counts["unread_count"], counts["unseen_count"]) == (2, 2)
    assert project.post("/notifications/seen", amy).status_code == 204
    assert project.inbox("amy")["unseen_count"] == 0
    assert (
        httpx.delete(f"{project.base}/notifications/{ids['three']}", headers=amy).status_code == 204
    )
    assert project.get(f"/notifications/{ids['three']}", amy).status_code == 404
    assert project.inbox("amy", category="billing")["total"] == 1
    assert project.inbox("amy", category="uncategorized")["total"] == 1


def test_cross_user_isolation(hub: HubProcess) -> None:
    project = Project(hub)
    project.notify({"external_id": "alice"}, title="alice's")
    [mine] = project.inbox("alice")["notifications"]
    bob = project.user("bob")
    nid = mine["id"]
    attempts = [
        project.get(f"/notifications/{nid}", bob),
        *(
            project.post(f"/notifications/{nid}/{verb}", bob)
            for verb in ("read", "unread", "archive", "unarchive")
        ),
        httpx.delete(f"{project.base}/notifications/{nid}/archive", headers=bob),
        httpx.delete(f"{project.base}/notifications/{nid}", headers=bob),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    assert all(a.json()["errors"][0]["code"] == "not_found" for a in attempts)
    other_project = Project(hub)
    assert (
        other_project.get(f"/notifications/{nid}", other_project.user("alice")).status_code == 404
    )
    assert project.inbox("alice")["notifications"] == [mine]


def test_idempotent_replay_on_every_post(hub: HubProcess) -> None:
    project = Project(hub)
    body = {"notification": {"title": "once", "recipients": [{"external_id": "zoe"}]}}
    first = project.admin("/notifications", body, **{"idempotency-key": "k-1"})
    again = project.admin("/notifications", body, **{"idempotency-key": "k-1"})
    assert (
        (first.status_code, first.content)
        == (again.status_code, again.content)
        == (201, first.content)
    )
    assert project.inbox("zoe")["total"] == 1
    [item] = project.inbox("zoe")["notifications"]
    headers = {**project.user("zoe"), "Idempotency-Key": "k-2"}
    assert project.post(f"/notifications/{item['id']}/read", headers).status_code == 204
    assert (
        project.post(f"/notifications/{item['id']}/unread", project.user("zoe")).status_code == 204
    )
    assert project.post(f"/notifications/{item['id']}/read", headers).status_code == 204  # replayed
    assert project.inbox("zoe")["unread_count"] == 1


def test_pagination_edges(hub: HubProcess) -> None:
    project = Project(hub)
    for i in range(5):
        project.notify({"external_id": "pat"}, title=f"n{i}")
    pat = project.user("pat")
    assert error_code(project.get("/notifications", pat, per_page=0))[0] == 422
    assert error_code(project.get("/notifications", pat, per_page=101))[0] == 422
    assert error_code(project.get("/notifications", pat, page=0))[0] == 422
    pages = [project.inbox("pat", per_page=2, page=p) for p in (1, 2, 3, 4)]
    assert [[n["title"] for n in p["notifications"]] for p in pages] == [
        ["n4", "n3"],
        ["n2", "n1"],
        ["n0"],
        [],
    ]
    assert {(p["total"], p["total_pages"], p["per_page"]) for p in pages} == {(5, 3, 2)}
    assert [p["current_page"] for p in pages] == [1, 2, 3, 4]
    assert project.inbox("pat")["per_page"] == 15


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "t" * 256),
        ("action_url", "https://e.com/" + "a" * 2040),
        ("category", "c" * 101),
        ("topic", "t" * 101),
        ("title", ""),
        ("custom_attributes", "nope"),
    ],
)
def test_limits_answer_422_with_an_errors_array(hub: HubProcess, field: str, value: str) -> None:
    project = Project(hub)
    answer = project.notify({"external_id": "x"}, **{field: value})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["message"]


def test_rate_limits_answer_429_with_retry_after(tmp_path: Path) -> None:
    limited = HubProcess(
        tmp_path / "hub.sqlite3", ("--magicbell-reads", "3", "--magicbell-writes", "2")
    ).start()
    try:
        project = Project(limited)
        reads = [project.get("/notifications", project.user("r")).status_code for _ in range(4)]
        assert reads == [200, 200, 200, 429]
        writes = [project.notify({"external_id": "r"}).status_code for _ in range(3)]
        assert writes == [201, 201, 429]
        limited_answer = project.get("/notifications", project.user("r"))
        assert error_code(limited_answer) == (429, "rate_limit_exceeded")
        assert 1 <= int(limited_answer.headers["Retry-After"]) <= 60
    finally:
        limited.stop()


def test_event_stream_uses_magicbell_names(hub: HubProcess) -> None:
    project = Project(hub)
    project.notify({"external_id": "eve"}, title="a")
    project.notify({"external_id": "eve"}, title="b")
    eve = project.user("eve")
    a, b = (n["id"] for n in reversed(project.inbox("eve")["notifications"]))
    project.post(f"/notifications/{a}/read", eve)
    project.post(f"/notifications/{a}/unread", eve)
    project.post(f"/notifications/{a}/archive", eve)
    project.post(f"/notifications/{a}/unarchive", eve)
    project.post("/notifications/read", eve)
    project.post("/notifications/seen", eve)
    httpx.delete(f"{project.base}/notifications/{b}", headers=eve)
    frames = []
    with httpx.stream("GET", f"{project.base}/events", headers=eve, timeout=5) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: ") and line != "data: {}":
                frames.append(json.loads(line[6:]))
            if len(frames) == 9:
                break
    assert [f["name"] for f in frames] == [
        "notifications/new",
        "notifications/new",
        "notifications/read",
        "notifications/unread",
        "notifications/archived",
        "notifications/unarchived",
        "notifications/read/all",
        "notifications/seen/all",
        "notifications/delete",
    ]
    assert frames[2]["data"]["id"] == a and frames[2]["data"]["notification"]["id"] == a
    assert "notification" not in frames[8]["data"]  # deleted
    assert frames[6]["data"] == {}


def test_preferences_and_config(hub: HubProcess) -> None:
    project = Project(hub)
    kim = project.user("kim")
    prefs = project.get("/notification_preferences", {**kim, "accept-version": "v2"}).json()
    assert prefs["notification_preferences"]["categories"][0]["channels"]
    changed = {
        "notification_preferences": {
            "categories": [{"slug": "billing", "label": "Billing", "channels": []}]
        }
    }
    put = httpx.put(f"{project.base}/notification_preferences", headers=kim, json=changed)
    assert put.json() == changed
    assert project.get("/notification_preferences", kim).json() == changed
    config = project.get("/config", kim).json()
    assert config["ws"]["auth_url"] == "/ws/auth" and config["ws"]["channel"]
