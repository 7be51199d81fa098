"""The hub's Belltastic v1 mount over real HTTP, including the PHP client's habits."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.hub import HubProcess


class Project:
    def __init__(self, hub: HubProcess) -> None:
        made = hub.create_belltastic_project()
        self.id = made["project_id"]
        self.account_token, self.project_token = made["account_token"], made["project_token"]
        self.base = f"{hub.url}/belltastic/api/v1/project/{self.id}"

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token or self.project_token}",
            "Accept": "application/json",
        }

    def php(
        self, method: str, path: str, body: bytes = b"[]", token: str | None = None
    ) -> httpx.Response:
        """As belltastic/laravel sends every request: JSON content type, `[]` body."""
        headers = {**self.headers(token), "Content-Type": "application/json"}
        return httpx.request(method, f"{self.base}{path}", content=body, headers=headers)

    def create(self, user: str, **fields: Any) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.base}/user/{user}/notifications",
            json={"title": "t", **fields},
            headers=self.headers(),
        )
        assert answer.status_code == 201, answer.text
        return dict(answer.json()["data"])

    def follow(self, url: str, token: str | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        while next_url:
            page = httpx.get(next_url, headers=self.headers(token)).json()
            items += page["data"]
            next_url = page["links"]["next"]
        return items


def test_create_and_read_back_with_the_php_clients_habits(hub: HubProcess) -> None:
    project = Project(hub)
    escaped = b'{"title":"Deploy done","body":"v2","icon":"https:\\/\\/cdn.example\\/i.png",' \
              b'"category":"system","action_url":"https:\\/\\/ci.example\\/b\\/1"}'  # fmt: skip
    created = project.php("POST", "/user/u-1/notifications", escaped)
    assert created.status_code == 201
    assert created.json()["message"] == "Notification created."
    assert b"https:\\/\\/ci.example\\/b\\/1" in created.content  # Laravel escapes slashes too
    data = created.json()["data"]
    assert (
        data["action_url"] == "https://ci.example/b/1"
        and data["icon"] == "https://cdn.example/i.png"
    )
    assert data["project_id"] == project.id and data["user_id"] == "u-1"
    assert data["created_at"].endswith("+00:00") and data["deleted_at"] is None
    shown = project.php("GET", f"/user/u-1/notification/{data['id']}")
    assert shown.status_code == 200 and shown.json() == data  # a bare object, no wrapper
    assert project.php("GET", f"/notification/{data['id']}").json() == data
    listed = project.php("GET", "/user/u-1/notifications").json()
    assert [n["id"] for n in listed["data"]] == [data["id"]]
    assert listed["links"] == {"first": None, "last": None, "prev": None, "next": None}
    assert listed["meta"] == {"path": f"{project.base}/user/u-1/notifications", "per_page": 10}


def test_read_unread_seen_archive_and_delete(hub: HubProcess) -> None:
    project = Project(hub)
    nid = project.create("u-2")["id"]
    one = f"/user/u-2/notification/{nid}"
    read = project.php("POST", one + "/read").json()
    assert (
        read["message"] == "Notification updated."
        and read["data"]["read_at"]
        and read["data"]["seen_at"]
    )
    assert project.php("DELETE", one + "/read").json()["data"]["read_at"] is None
    assert project.php("POST", one + "/seen").json()["data"]["seen_at"]
    first = project.php("PUT", one + "/archive").json()
    assert first["message"] == "Notification archived." and first["data"]["deleted_at"]
    time.sleep(1.1)
    second = project.php("PUT", f"/notification/{nid}/archive").json()
    assert (
        second["data"]["deleted_at"] == first["data"]["deleted_at"]
    )  # archiving twice changes nothing
    assert project.php("GET", "/user/u-2/notifications").json()["data"] == []
    assert project.php("GET", one).json()["deleted_at"] == first["data"]["deleted_at"]
    gone = project.php("DELETE", one)
    assert gone.json() == {"message": "Notification deleted."}
    assert (project.php("GET", one).status_code, project.php("GET", one).json()) == (
        404,
        {"message": "Model not found."},
    )


def test_token_scoping(hub: HubProcess) -> None:
    mine, theirs = Project(hub), Project(hub)
    nid = mine.create("u-3")["id"]
    path = f"/user/u-3/notification/{nid}"
    assert mine.php("GET", path, token=mine.account_token).status_code == 200
    assert mine.php("GET", path, token=mine.project_token).status_code == 200
    foreign = mine.php("GET", path, token=theirs.project_token)
    assert (foreign.status_code, foreign.json()) == (
        403,
        {"message": "This action is unauthorized."},
    )
    assert mine.php("GET", path, token=theirs.account_token).status_code == 404
    bad = mine.php("GET", path, token="proj_nope")
    assert (bad.status_code, bad.json()) == (401, {"message": "Unauthenticated."})
    assert httpx.get(f"{mine.base}/notifications").status_code == 401
    assert mine.php("GET", f"/user/someone-else/notification/{nid}").status_code == 404


def test_cursor_pages_and_their_edges(hub: HubProcess) -> None:
    project = Project(hub)
    ids = [project.create("u-4", title=f"n{i}")["id"] for i in range(7)]
    for bad in ("0", "101", "x"):
        answer = project.php("GET", f"/user/u-4/notifications?per_page={bad}")
        assert answer.status_code == 422
        assert answer.json() == {
            "message": "The given data was invalid.",
            "errors": {"per_page": ["The per page must be between 1 and 100."]},
        }
    assert project.php("GET", "/notifications?cursor=!!").status_code == 422
    first = project.php("GET", "/user/u-4/notifications?per_page=3").json()
    assert first["links"]["next"].startswith(
        f"{project.base}/user/u-4/notifications?per_page=3&cursor="
    )
    second = httpx.get(first["links"]["next"], headers=project.headers()).json()
    assert second["links"]["prev"] is not None
    back = httpx.get(second["links"]["prev"], headers=project.headers()).json()
    assert [n["id"] for n in back["data"]] == [n["id"] for n in first["data"]]
    everything = project.follow(f"{project.base}/user/u-4/notifications?per_page=3")
    assert [n["id"] for n in everything] == list(reversed(ids))


def test_paging_under_concurrent_inserts_finds_each_exactly_once(hub: HubProcess) -> None:
    project = Project(hub)
    before = {project.create("u-5", title=f"old {i}")["id"] for i in range(9)}
    seen: list[str] = []
    next_url: str | None = f"{project.base}/user/u-5/notifications?per_page=2"
    while next_url:
        page = httpx.get(next_url, headers=project.headers()).json()
        seen += [n["id"] for n in page["data"]]
        project.create("u-5", title="inserted while paging")
        next_url = page["links"]["next"]
    assert len(seen) == len(set(seen)) == 9 and set(seen) == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "title", "The title field is required."),
        ({"title": "t" * 256}, "title", "The title may not be greater than 255 characters."),
        (
            {"title": "t", "action_url": "javascript:alert(1)"},
            "action_url",
            "The action url format is invalid.",
        ),
        ({"title": "t", "icon": 5}, "icon", "The icon must be a string."),
    ],
)
def test_validation_answers_in_laravels_shape(
    hub: HubProcess, body: dict[str, Any], field: str, message: str
) -> None:
    project = Project(hub)
    answer = project.php("POST", "/user/u-6/notifications", json.dumps(body).encode())
    assert answer.status_code == 422
    assert answer.json() == {"message": "The given data was invalid.", "errors": {field: [message]}}


def test_users(hub: HubProcess) -> None:
    project = Project(hub)
    put = project.php(
        "PUT", "/user/ann", json.dumps({"email": "ann@example.com", "name": "Ann"}).encode()
    )
    assert put.status_code == 200 and put.json()["data"]["email"] == "ann@example.com"
    project.create("ann")
    project.create("ann")
    user = project.php("GET", "/user/ann").json()
    assert (user["id"], user["name"], user["unread_notifications_count"]) == ("ann", "Ann", 2)
    assert isinstance(user["belltastic_id"], int) and user["project_id"] == project.id
    project.php("PUT", "/user/bob", b'{"name":"Bob"}')
    names = [u["id"] for u in project.follow(f"{project.base}/users?per_page=1")]
    assert names == ["bob", "ann"]
    assert project.php("DELETE", "/user/bob").json() == {"message": "User deleted."}
    assert project.php("GET", "/user/bob").status_code == 404


def test_rate_limit_headers(tmp_path: Path) -> None:
    limited = HubProcess(tmp_path / "hub.sqlite3", ("--belltastic-rate", "2")).start()
    try:
        project = Project(limited)
        answers = [project.php("GET", "/notifications") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[0].headers["X-RateLimit-Limit"] == "2"
        assert answers[0].headers["X-RateLimit-Remaining"] == "1"
        refused = answers[2]
        assert refused.json() == {"message": "Too Many Attempts."}
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert (
            abs(
                int(refused.headers["X-RateLimit-Reset"])
                - time.time()
                - int(refused.headers["Retry-After"])
            )
            <= 2
        )
    finally:
        limited.stop()


def test_event_stream(hub: HubProcess) -> None:
    project = Project(hub)
    nid = project.create("u-7")["id"]
    one = f"/user/u-7/notification/{nid}"
    for method, path in (
        ("POST", "/read"),
        ("DELETE", "/read"),
        ("POST", "/seen"),
        ("PUT", "/archive"),
    ):
        project.php(method, one + path)
    project.php("DELETE", one)
    names = []
    with httpx.stream(
        "GET", f"{project.base}/user/u-7/events", headers=project.headers(), timeout=5
    ) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: ") and line != "data: {}":
                names.append(json.loads(line[6:])["name"])
            if len(names) == 6:
                break
    assert names == [
        "notifications/new",
        "notifications/read",
        "notifications/unread",
        "notifications/seen",
        "notifications/archived",
        "notifications/delete",
    ]
