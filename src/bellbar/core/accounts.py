"""Adding and removing accounts: one place for the CLI and the account dialog.

An account's settings go to the config file, its secret to the keyring; a
removed account leaves nothing behind in either.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from urllib.parse import urlsplit

from bellbar.core.config import load_config, save_config
from bellbar.core.errors import ConfigError
from bellbar.core.model import Account
from bellbar.core.paths import AppPaths
from bellbar.core.secrets import SecretStore

DEFAULT_URLS = {
    "magicbell": "https://api.magicbell.com",
    "belltastic": "https://belltastic.com/api/v1",
    "notify": "https://api.notifications.service.gov.uk",
}
SECRET_KINDS = ("hmac", "api_secret")
# The settings each provider keeps (besides name, URL and the secret).
OPTION_FIELDS: dict[str, tuple[str, ...]] = {
    "botbell": (),
    "magicbell": ("api_key", "external_id", "email", "secret_kind"),
    "belltastic": ("project_id", "user_id"),
    "notify": ("alert_statuses", "reply_template_id"),
}


def build_account(
    provider: str,
    name: str,
    url: str,
    options: dict[str, str],
    account_id: str | None = None,
) -> Account:
    """A checked Account; `ConfigError` says what is missing or wrong."""
    name = name.strip()
    if not name:
        raise ConfigError("the account needs a name")
    url = (url.strip() or DEFAULT_URLS.get(provider, "")).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url or 'the URL'} is not an http(s) URL")
    if provider not in OPTION_FIELDS:
        raise ConfigError(f"unknown provider {provider!r}")
    wanted = OPTION_FIELDS[provider]
    clean = {k: v.strip() for k, v in options.items() if k in wanted and v and v.strip()}
    if provider == "magicbell":
        if not clean.get("api_key"):
            raise ConfigError("a MagicBell account needs the project's API key")
        if not clean.get("external_id") and not clean.get("email"):
            raise ConfigError("a MagicBell account needs the user's external id or email")
        clean.setdefault("secret_kind", "hmac")
        if clean["secret_kind"] not in SECRET_KINDS:
            raise ConfigError("the secret is either the user HMAC or the API secret")
    if provider == "belltastic" and not (clean.get("project_id") and clean.get("user_id")):
        raise ConfigError("a Belltastic account needs the project id and the user id")
    return Account(
        id=account_id or uuid.uuid4().hex, name=name, provider=provider, url=url, options=clean
    )


def save_account(paths: AppPaths, secrets: SecretStore, account: Account, secret: str) -> Account:
    """Store the secret in the keyring, then the account (replacing one of that name)."""
    if not secret.strip():
        raise ConfigError("the secret is empty")
    config = load_config(paths.config_file)
    existing = config.account_named(account.name)
    if existing is not None:
        account = replace(account, id=existing.id)  # same name: same keyring entry
    secrets.check()
    secrets.set(account.id, secret.strip())
    save_config(paths.config_file, config.with_account(account))
    return account


def remove_account(paths: AppPaths, secrets: SecretStore, name: str) -> Account:
    """Forget the account and delete its keyring entry."""
    config = load_config(paths.config_file)
    account = config.account_named(name)
    if account is None:
        raise ConfigError(f"no account named {name!r}")
    secrets.delete(account.id)
    save_config(paths.config_file, config.without_account(name))
    return account
