""" "Test connection": one request with an account's settings, answered in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from bellbar.core.model import Account
from bellbar.core.timefmt import utc_now
from bellbar.providers import make_provider
from bellbar.providers.base import (
    AuthError,
    BadResponse,
    NetworkError,
    ProviderError,
    RateLimited,
    ServerError,
)


@dataclass(frozen=True, slots=True)
class AccountCheck:
    ok: bool
    message: str


async def check_account(account: Account, secret: str) -> AccountCheck:
    """Fetch the account's newest notifications once and say how it went."""
    try:
        provider = make_provider(account, secret)
    except ValueError as exc:
        return AccountCheck(False, f"The settings are incomplete: {exc}.")
    try:
        page = await provider.changes(None)
    except AuthError as exc:
        return AccountCheck(False, f"The server refused these credentials: {_reason(exc)}.")
    except RateLimited as exc:
        seconds = max(1, round((exc.retry_at - utc_now()).total_seconds()))
        return AccountCheck(False, f"The server is rate limiting; try again in {seconds} s.")
    except NetworkError as exc:
        return AccountCheck(False, f"The server is unreachable ({_reason(exc)}).")
    except ServerError as exc:
        return AccountCheck(False, f"The server had an error: {_reason(exc)}.")
    except BadResponse as exc:
        return AccountCheck(False, f"That does not look like the right server: {_reason(exc)}.")
    except ProviderError as exc:
        return AccountCheck(False, f"The server refused the request: {_reason(exc)}.")
    finally:
        await provider.aclose()
    count = page.total if page.total is not None else len(page.notifications)
    noun = "notification" if count == 1 else "notifications"
    return AccountCheck(True, f"Connected: {count} {noun}.")


def _reason(error: Exception) -> str:
    """The server's own words, without the request line in front."""
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text
