"""Every hub route refuses a caller without credentials, or with someone else's."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from starlette.routing import Mount, Route

from bellbar.hub.app import create_app
from tests.helpers.hub import HubProcess

PUBLIC = {"/health", "/demo/shop.png"}
ID = "00000000-0000-4000-8000-000000000000"


def route_table(tmp_path: Any) -> list[tuple[str, str]]:
    """(method, path with its parameters filled) for every route the hub serves."""
    app = create_app(tmp_path / "walk.sqlite3")
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(list(route.routes or getattr(route.app, "routes", [])), prefix + route.path)
            elif isinstance(route, Route):
                path = re.sub(r"\{project(:int)?\}", "1", prefix + route.path)
                path = re.sub(r"\{version(:int)?\}", "1", path)
                path = re.sub(r"\{[a-z_]+(:[a-z]+)?\}", ID, path)
                for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                    found.append((method, path))

    walk(list(app.routes), "")
    return [(m, p) for m, p in found if p not in PUBLIC]


def test_the_route_table_is_walked_whole(tmp_path: Any) -> None:
    table = route_table(tmp_path)
    prefixes = {p.split("/")[1] for _, p in table}
    assert prefixes == {"botbell", "magicbell", "belltastic", "v2", "notify"}
    assert len(table) > 60


def test_no_route_answers_without_credentials(tmp_path: Any, hub: HubProcess) -> None:
    leaks = []
    for method, path in route_table(tmp_path):
        if path.startswith("/botbell/v1/push/"):
            continue  # the token is the path; a wrong one is checked below
        answer = httpx.request(method, f"{hub.url}{path}", content=b"{}", timeout=10)
        if answer.status_code not in (401, 403, 404):
            leaks.append((method, path, answer.status_code))
    assert leaks == []
    wrong_token = httpx.post(f"{hub.url}/botbell/v1/push/bt_wrong", json={"message": "x"})
    assert wrong_token.status_code == 401


def test_no_route_answers_with_someone_elses_credentials(tmp_path: Any, hub: HubProcess) -> None:
    """Credentials that are valid, but for another user or project, reach nothing
    of the owner's: the owner's ids in the path give 401/403/404."""
    owner, stranger = hub.create_user("owner"), hub.create_user("stranger")
    bot = hub.create_bot(owner)
    message_id = hub.push(bot, message="private")["message_id"]
    mb_owner, mb_stranger = hub.create_magicbell_project(), hub.create_magicbell_project()
    bt_owner, bt_stranger = hub.create_belltastic_project(), hub.create_belltastic_project()
    httpx.post(
        f"{hub.url}/magicbell/notifications",
        json={"notification": {"title": "private", "recipients": [{"external_id": "owner"}]}},
        headers={
            "X-MAGICBELL-API-KEY": mb_owner["api_key"],
            "X-MAGICBELL-API-SECRET": mb_owner["api_secret"],
        },
    ).raise_for_status()
    httpx.post(
        f"{hub.url}/belltastic/api/v1/project/{bt_owner['project_id']}/user/owner/notifications",
        json={"title": "private"},
        headers={"Authorization": f"Bearer {bt_owner['project_token']}"},
    ).raise_for_status()
    headers = {
        "botbell": {"Authorization": f"Bearer {stranger.pat}", "X-Bot-Token": "bt_not_theirs"},
        "botbell/v1/app": {"Authorization": f"Bearer {stranger.user_token}"},
        "magicbell": {"X-MAGICBELL-API-KEY": mb_stranger["api_key"],
                      "X-MAGICBELL-API-SECRET": mb_stranger["api_secret"],
                      "X-MAGICBELL-USER-EXTERNAL-ID": "owner"},
        "belltastic": {"Authorization": f"Bearer {bt_stranger['project_token']}"},
    }  # fmt: skip
    answers = []
    for method, path in route_table(tmp_path):
        if path.startswith(("/v2", "/notify", "/botbell/v1/push/")) or path.endswith(
            ("/events", "/app/test")
        ):
            # Notify: a token names its one service, no path can name another; an
            # event stream and a test message are always the caller's own (their
            # refusal without credentials is tested above).
            continue
        path = path.replace(ID, message_id).replace(
            "/project/1/", f"/project/{bt_owner['project_id']}/"
        )
        kind = next(
            k for k in ("botbell/v1/app", "botbell", "magicbell", "belltastic") if f"/{k}" in path
        )
        answer = httpx.request(method, f"{hub.url}{path}", headers=headers[kind], content=b"{}")
        answers.append((method, path, answer.status_code, answer.text[:80]))
    allowed_own_data = (
        "GET /botbell/v1/bots",
        "GET /botbell/v1/account/quota",
        "POST /botbell/v1/bots",
        "GET /botbell/v1/app/",
        "POST /botbell/v1/app/messages/",
        "/magicbell/",
    )
    leaked = [a for a in answers if a[2] < 400 and "private" in a[3]]
    assert leaked == []
    for method, path, status, _ in answers:
        if not any(
            f"{method} {path}".startswith(own) or path.startswith(own) for own in allowed_own_data
        ):
            assert status in (401, 403, 404), (method, path, status)
    assert mb_owner["api_key"] != mb_stranger["api_key"]


@pytest.mark.parametrize("mount", ["botbell/v1", "magicbell", "belltastic/api/v1/project/1", "v2"])
def test_sql_metacharacters_are_inert(hub: HubProcess, mount: str) -> None:
    hostile = "x' OR '1'='1; DROP TABLE messages; --"
    answer = httpx.get(
        f"{hub.url}/{mount}/notifications",
        params={"older_than": hostile, "since": hostile, "cursor": hostile, "category": hostile},
    )
    assert answer.status_code in (400, 401, 403, 404, 422)
    assert httpx.get(f"{hub.url}/health").json()["status"] == "ok"
