"""The root of Bellbar's exception tree.

Every error Bellbar raises on purpose derives from `BellbarError`, so the
top-level handlers can tell a known failure (shown to the user as a status)
from a bug (logged with a traceback).
"""

from __future__ import annotations


class BellbarError(Exception):
    """Base class for every error Bellbar raises on purpose."""


class ConfigError(BellbarError):
    """The settings file or a command-line value is unusable."""


class KeyringUnavailable(BellbarError):
    """No usable OS keyring; the message says how to get one."""
