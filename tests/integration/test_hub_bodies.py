"""Every mount refuses an oversized body with 413, and malformed JSON with its own
validation error, in its provider's shape; never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bellbar.providers.notify import jwt_token, split_api_key
from tests.helpers.hub import HubProcess


def targets(hub: HubProcess) -> dict[str, tuple[str, dict[str, str]]]:
    bot = hub.create_bot(hub.create_user())
    mb = hub.create_magicbell_project()
    bt = hub.create_belltastic_project()
    nt = hub.create_notify_service()
    service_id, secret = split_api_key(nt["api_key"])
    return {
        "botbell": (f"{hub.api}/push/{bot.token}", {}),
        "magicbell": (
            f"{hub.url}/magicbell/notifications",
            {"X-MAGICBELL-API-KEY": mb["api_key"], "X-MAGICBELL-API-SECRET": mb["api_secret"]},
        ),
        "belltastic": (
            f"{hub.url}/belltastic/api/v1/project/{bt['project_id']}/user/u/notifications",
            {"Authorization": f"Bearer {bt['project_token']}"},
        ),
        "notify": (
            f"{hub.url}/v2/notifications/sms",
            {"Authorization": f"Bearer {jwt_token(service_id, secret)}"},
        ),
    }


def shape(provider: str, body: Any) -> bool:
    """The answer is in the provider's own error shape."""
    return {
        "botbell": lambda b: set(b) == {"code", "message"} and b["code"] == 40010,
        "magicbell": lambda b: isinstance(b.get("errors"), list) and "code" in b["errors"][0],
        "belltastic": lambda b: isinstance(b.get("message"), str),
        "notify": lambda b: isinstance(b.get("errors"), list) and "message" not in b,
    }[provider](body)


@pytest.mark.parametrize("provider", ["botbell", "magicbell", "belltastic", "notify"])
def test_oversized_and_malformed_bodies(hub: HubProcess, provider: str) -> None:
    url, headers = targets(hub)[provider]
    huge = httpx.post(
        url,
        content=b'{"x": "' + b"a" * (4 * 1024 * 1024) + b'"}',
        headers={**headers, "Content-Type": "application/json"},
        timeout=30,
    )
    assert huge.status_code == 413 and shape(provider, huge.json())
    if provider == "notify":  # a fresh token: Notify wants one per request
        url, headers = targets(hub)[provider]
    broken = httpx.post(
        url,
        content=b'{"title": "unterminated',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert 400 <= broken.status_code < 500 and shape(provider, broken.json())
