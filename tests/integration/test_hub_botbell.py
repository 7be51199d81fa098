"""The hub's BotBell bot-side API over real HTTP: pushes, errors, polls, PAT."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers.hub import HubBot, HubProcess, HubUser


def post(url: str, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.post(url, json=body, headers=headers, timeout=10)


def test_push_three_ways_reaches_the_users_feed(
    hub: HubProcess, user: HubUser, bot: HubBot
) -> None:
    by_url = post(f"{hub.api}/push/{bot.token}", {"message": "one"})
    by_header = post(f"{hub.api}/messages/push", {"message": "two"}, **{"X-Bot-Token": bot.token})
    by_pat = post(
        f"{hub.api}/bots/{bot.bot_id}/push",
        {"message": "three"},
        Authorization=f"Bearer {user.pat}",
    )
    for response in (by_url, by_header, by_pat):
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == 0 and body["message"] == "success"
        assert body["data"]["message_id"].startswith("msg_")
        assert isinstance(body["data"]["delivered"], bool)
    feed = httpx.get(
        f"{hub.api}/app/messages", headers={"Authorization": f"Bearer {user.user_token}"}
    ).json()["data"]
    assert [m["message"] for m in feed["messages"]] == ["one", "two", "three"]
    assert {m["bot_name"] for m in feed["messages"]} == {"Test bot"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "message is required"),
        ({"message": ""}, "message is required"),
        ({"message": 5}, "message must be a string"),
        ({"message": "x" * 4097}, "at most 4096"),
        ({"message": "m", "title": "t" * 257}, "title must be at most 256"),
        ({"message": "m", "summary": "s" * 513}, "summary must be at most 512"),
        ({"message": "m", "url": "https://e.com/" + "u" * 2048}, "url must be at most 2048"),
        ({"message": "m", "url": "javascript:alert(1)"}, "http or https"),
        (
            {"message": "m", "actions": [{"key": f"k{i}", "label": "L"} for i in range(6)]},
            "at most 5",
        ),
        ({"message": "m", "actions": [{"key": "k" * 65, "label": "L"}]}, "key must be at most 64"),
        (
            {"message": "m", "actions": [{"key": "k", "label": "L" * 65}]},
            "label must be at most 64",
        ),
        ({"message": "m", "actions": [{"key": "k", "label": "L", "type": "slider"}]}, "type"),
        ({"message": "m", "actions": "approve"}, "actions must be an array"),
        ({"message": "m", "format": "html"}, "format must be one of"),
        ([1, 2], "JSON object"),
    ],
)
def test_validation_errors_answer_40010(
    hub: HubProcess, bot: HubBot, body: Any, fragment: str
) -> None:
    response = post(f"{hub.api}/push/{bot.token}", body)
    assert response.status_code == 400
    assert response.json()["code"] == 40010
    assert fragment in response.json()["message"]


def test_a_huge_body_is_refused_with_413_in_the_envelope(hub: HubProcess, bot: HubBot) -> None:
    huge = b'{"message": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = httpx.post(f"{hub.api}/push/{bot.token}", content=huge, timeout=30)
    assert (response.status_code, response.json()["code"]) == (413, 40010)
    assert "too large" in response.json()["message"]


def test_bad_json_and_bad_tokens(hub: HubProcess, bot: HubBot) -> None:
    raw = httpx.post(f"{hub.api}/push/{bot.token}", content=b"{nope", timeout=10)
    assert (raw.status_code, raw.json()["code"]) == (400, 40010)
    for response in (
        post(f"{hub.api}/push/bt_wrong", {"message": "m"}),
        post(f"{hub.api}/messages/push", {"message": "m"}),
        post(f"{hub.api}/messages/push", {"message": "m"}, **{"X-Bot-Token": "bt_wrong"}),
        httpx.get(f"{hub.api}/messages/poll"),
        httpx.get(f"{hub.api}/bots", headers={"Authorization": "Bearer pak_wrong"}),
        httpx.get(f"{hub.api}/app/messages", headers={"Authorization": "Bearer ut_wrong"}),
    ):
        assert response.status_code == 401
        assert response.json() == {"code": 40001, "message": response.json()["message"]}


def test_rate_limit_answers_40029_with_retry_after(tmp_path: Any) -> None:
    limited = HubProcess(tmp_path / "limited.sqlite3", ("--push-rate", "3")).start()
    try:
        bot = limited.create_bot(limited.create_user())
        codes = [post(f"{limited.api}/push/{bot.token}", {"message": "m"}) for _ in range(4)]
        assert [r.status_code for r in codes] == [200, 200, 200, 429]
        assert codes[-1].json()["code"] == 40029
        assert 1 <= int(codes[-1].headers["Retry-After"]) <= 60
    finally:
        limited.stop()


def test_quota_answers_40030(hub: HubProcess) -> None:
    user = hub.create_user(monthly_limit=2)
    bot = hub.create_bot(user)
    answers = [post(f"{hub.api}/push/{bot.token}", {"message": "m"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 403]
    assert answers[-1].json()["code"] == 40030
    quota = httpx.get(f"{hub.api}/account/quota", headers={"Authorization": f"Bearer {user.pat}"})
    assert quota.json()["data"] | {"reset_at": 0} == {
        "plan": "hub", "monthly_limit": 2, "used": 2, "remaining": 0, "reset_at": 0,
    }  # fmt: skip


def test_paused_bot_answers_40033(hub: HubProcess, user: HubUser, bot: HubBot) -> None:
    auth = {"Authorization": f"Bearer {user.pat}"}
    paused = httpx.patch(f"{hub.api}/bots/{bot.bot_id}", json={"status": "paused"}, headers=auth)
    assert paused.json()["data"]["status"] == "paused"
    refused = post(f"{hub.api}/push/{bot.token}", {"message": "m"})
    assert (refused.status_code, refused.json()["code"]) == (403, 40033)


def test_poll_is_destructive_and_pages(hub: HubProcess, user: HubUser, bot: HubBot) -> None:
    auth = {"Authorization": f"Bearer {user.user_token}"}
    ids = [hub.push(bot, message=f"q{i}")["message_id"] for i in range(3)]
    for message_id in ids:
        answer = post(f"{hub.api}/app/messages/{message_id}/reply", {"content": "ok"}, **auth)
        assert answer.status_code == 200
    headers = {"X-Bot-Token": bot.token}
    first = httpx.get(f"{hub.api}/messages/poll", params={"limit": 2}, headers=headers).json()[
        "data"
    ]
    second = httpx.get(f"{hub.api}/messages/poll", params={"limit": 2}, headers=headers).json()[
        "data"
    ]
    third = httpx.get(f"{hub.api}/messages/poll", headers=headers).json()["data"]
    assert (len(first["messages"]), first["has_more"]) == (2, True)
    assert (len(second["messages"]), second["has_more"]) == (1, False)
    assert third == {"messages": [], "has_more": False}
    items = first["messages"] + second["messages"]
    assert [i["reply_to"] for i in items] == ids
    assert all(
        set(i) == {"message_id", "reply_to", "content", "action", "timestamp"} for i in items
    )
    assert all(i["message_id"].startswith("rpl_") for i in items)
    too_many = httpx.get(f"{hub.api}/messages/poll", params={"limit": 101}, headers=headers)
    assert too_many.json()["code"] == 40010


def test_pat_bot_management(hub: HubProcess, user: HubUser) -> None:
    auth = {"Authorization": f"Bearer {user.pat}"}
    created = post(
        f"{hub.api}/bots", {"name": "Ops", "reply_url": "https://ops.example/hook"}, **auth
    )
    bot = created.json()["data"]
    assert bot["token"].startswith("bt_") and bot["webhook_secret"].startswith("whsec_")
    assert bot["push_url"].endswith(f"/botbell/v1/push/{bot['token']}")
    shown = httpx.get(f"{hub.api}/bots/{bot['bot_id']}", headers=auth).json()["data"]
    assert "token" not in shown and shown["reply_url"] == "https://ops.example/hook"
    listed = httpx.get(f"{hub.api}/bots", headers=auth).json()["data"]["bots"]
    assert bot["bot_id"] in [b["bot_id"] for b in listed]

    reset = post(f"{hub.api}/bots/{bot['bot_id']}/reset-token", **auth).json()["data"]
    assert post(f"{hub.api}/push/{bot['token']}", {"message": "m"}).status_code == 401
    assert post(f"{hub.api}/push/{reset['api_token']}", {"message": "m"}).status_code == 200
    secret = post(f"{hub.api}/bots/{bot['bot_id']}/reset-webhook-secret", **auth).json()["data"]
    assert secret["webhook_secret"] != bot["webhook_secret"]

    other = hub.create_user("mallory")
    stranger = httpx.get(
        f"{hub.api}/bots/{bot['bot_id']}", headers={"Authorization": f"Bearer {other.pat}"}
    )
    assert (stranger.status_code, stranger.json()["code"]) == (404, 40004)
    deleted = httpx.delete(f"{hub.api}/bots/{bot['bot_id']}", headers=auth)
    assert deleted.json()["code"] == 0
    assert httpx.get(f"{hub.api}/bots/{bot['bot_id']}", headers=auth).status_code == 404


def test_unknown_route_answers_in_the_envelope(hub: HubProcess) -> None:
    response = httpx.get(f"{hub.api}/no/such/route")
    assert (response.status_code, response.json()["code"]) == (404, 40004)


def test_another_users_message_is_not_found(hub: HubProcess, bot: HubBot) -> None:
    message_id = hub.push(bot, message="private")["message_id"]
    other = hub.create_user("eve")
    auth = {"Authorization": f"Bearer {other.user_token}"}
    for response in (
        post(f"{hub.api}/app/messages/{message_id}/reply", {"content": "x"}, **auth),
        post(f"{hub.api}/app/messages/{message_id}/read", **auth),
    ):
        assert (response.status_code, response.json()["code"]) == (404, 40004)
    feed = httpx.get(f"{hub.api}/app/messages", headers=auth).json()["data"]["messages"]
    assert feed == []


def test_concurrent_pushes_share_commits_but_keep_their_own_answers(hub: HubProcess) -> None:
    """Group commit: 40 pushes at once against a quota of 15 → exactly 15 stored."""
    import asyncio

    user = hub.create_user(monthly_limit=15)
    bot = hub.create_bot(user)

    async def burst() -> list[httpx.Response]:
        url = f"{hub.api}/push/{bot.token}"
        async with httpx.AsyncClient(timeout=30) as client:
            pushes = (client.post(url, json={"message": f"m{i}"}) for i in range(40))
            return list(await asyncio.gather(*pushes))

    answers = asyncio.run(burst())
    codes = sorted(a.json()["code"] for a in answers)
    assert codes == [0] * 15 + [40030] * 25
    ids = {a.json()["data"]["message_id"] for a in answers if a.json()["code"] == 0}
    feed = httpx.get(
        f"{hub.api}/app/messages", headers={"Authorization": f"Bearer {user.user_token}"}
    )
    assert {m["message_id"] for m in feed.json()["data"]["messages"]} == ids
