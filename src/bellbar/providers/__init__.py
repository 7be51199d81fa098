"""One adapter per provider: wire format in, core model out, typed errors."""

from __future__ import annotations

from bellbar.core.model import Account
from bellbar.providers.base import Provider


def make_provider(account: Account, token: str) -> Provider:
    """The adapter for an account's provider."""
    if account.provider == "botbell":
        from bellbar.providers.botbell import BotBellApp

        return BotBellApp(account.url, token, account_id=account.id)
    raise ValueError(f"unknown provider {account.provider!r}")
