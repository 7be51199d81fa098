"""Account secrets in the OS keyring, and nowhere else.

The only module that imports `keyring`. There is deliberately no plaintext
fallback: when no usable keyring exists, `KeyringUnavailable` says how to get
one. A locked or prompt-less Secret Service (a bare `dbus-run-session`) claims
to work but fails on first write, so `check()` does a real write.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Protocol

from bellbar.core.errors import KeyringUnavailable

SERVICE = "bellbar"
_PROBE_USER = "bellbar-probe"

_FIX = (
    "Bellbar keeps tokens only in the OS keyring. Start or unlock your desktop's "
    "keyring (GNOME Keyring, KWallet, KeePassXC's Secret Service) and try again; "
    "on a bare session run gnome-keyring-daemon --unlock inside a D-Bus session."
)

log = logging.getLogger(__name__)


def _keyring() -> ModuleType:
    """keyring, imported on first use: its backends take tens of milliseconds
    to load, which the tray icon should not wait for."""
    import keyring
    import keyring.errors

    return keyring


class SecretStore(Protocol):
    """Where account tokens live: the keyring, or memory for a throwaway demo."""

    def check(self) -> None: ...
    def get(self, account_id: str) -> str | None: ...
    def set(self, account_id: str, secret: str) -> None: ...
    def delete(self, account_id: str) -> None: ...


class KeyringSecrets:
    """Tokens in the OS keyring, service "bellbar", one entry per account id."""

    def check(self) -> None:
        """Raise `KeyringUnavailable` unless the keyring can really store a secret."""
        keyring = _keyring()
        backend = keyring.get_keyring()
        if backend.priority <= 0 or "fail" in type(backend).__module__:
            raise KeyringUnavailable(
                f"No usable keyring backend ({type(backend).__name__}). {_FIX}"
            )
        try:
            keyring.set_password(SERVICE, _PROBE_USER, "probe")
            keyring.delete_password(SERVICE, _PROBE_USER)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(
                f"The keyring refused to store a secret ({exc}). {_FIX}"
            ) from exc

    def get(self, account_id: str) -> str | None:
        keyring = _keyring()
        try:
            secret: str | None = keyring.get_password(SERVICE, account_id)
            return secret
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"Cannot read from the keyring ({exc}). {_FIX}") from exc

    def set(self, account_id: str, secret: str) -> None:
        keyring = _keyring()
        try:
            keyring.set_password(SERVICE, account_id, secret)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"Cannot write to the keyring ({exc}). {_FIX}") from exc

    def delete(self, account_id: str) -> None:
        keyring = _keyring()
        try:
            keyring.delete_password(SERVICE, account_id)
        except keyring.errors.PasswordDeleteError:
            log.debug("no keyring entry to delete for account %s", account_id)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"Cannot delete from the keyring ({exc}). {_FIX}") from exc


class MemorySecrets:
    """Secrets held in memory only: for `bellbar demo`'s throwaway tokens when
    no keyring is usable. Never used for a real account."""

    def __init__(self) -> None:
        self._secrets: dict[str, str] = {}

    def check(self) -> None:
        """Memory always works."""

    def get(self, account_id: str) -> str | None:
        return self._secrets.get(account_id)

    def set(self, account_id: str, secret: str) -> None:
        self._secrets[account_id] = secret

    def delete(self, account_id: str) -> None:
        self._secrets.pop(account_id, None)
