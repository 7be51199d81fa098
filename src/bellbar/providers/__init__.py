"""One adapter per provider: wire format in, core model out, typed errors."""

from __future__ import annotations

from bellbar.core.model import Account
from bellbar.providers.base import Provider


def make_provider(account: Account, token: str) -> Provider:
    """The adapter for an account's provider."""
    if account.provider == "botbell":
        from bellbar.providers.botbell import BotBellApp

        return BotBellApp(account.url, token, account_id=account.id)
    if account.provider == "magicbell":
        from bellbar.providers.magicbell import MagicBellUser, user_hmac

        options = account.options
        identity = options.get("external_id") or options.get("email", "").lower()
        # The keyring holds either the user's HMAC or the project's API secret;
        # the secret itself never goes over the wire, only the HMAC made from it.
        hmac_value = (
            user_hmac(token, identity) if options.get("secret_kind") == "api_secret" else token
        )
        return MagicBellUser(
            account.url,
            api_key=options.get("api_key", ""),
            user_hmac=hmac_value,
            external_id=options.get("external_id", ""),
            email=options.get("email", ""),
            account_id=account.id,
            sender=account.name,
        )
    if account.provider == "belltastic":
        from bellbar.providers.belltastic import BelltasticUser

        return BelltasticUser(
            account.url,
            project_id=account.options.get("project_id", ""),
            user_id=account.options.get("user_id", ""),
            token=token,
            account_id=account.id,
            sender=account.name,
        )
    if account.provider == "notify":
        from bellbar.providers.notify import DEFAULT_ALERTS, NotifyService

        alerts = account.options.get("alert_statuses", "")
        return NotifyService(
            account.url,
            api_key=token,
            alert_statuses=tuple(s.strip() for s in alerts.split(",") if s.strip())
            or DEFAULT_ALERTS,
            reply_template_id=account.options.get("reply_template_id", ""),
            account_id=account.id,
            sender=account.name,
        )
    raise ValueError(f"unknown provider {account.provider!r}")
