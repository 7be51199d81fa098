"""Checked reads of untrusted wire values, shared by the adapters.

Each raises TypeError or ValueError on a value of the wrong shape; the
adapters turn those into `BadResponse`, so nothing half-parsed reaches the cache.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bellbar.core.timefmt import from_unix

# Unix seconds beyond this are not a date any provider means (year 2514).
MAX_UNIX = 2**34


def text(value: Any) -> str:
    """A string, with None as ""."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def required_text(raw: dict[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} must be a non-empty string")
    return value


def timestamp(value: Any) -> datetime | None:
    """Unix seconds (a number) or ISO 8601 (a string, `Z` allowed), as aware UTC."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a timestamp cannot be a boolean")
    if isinstance(value, int | float):
        if not 0 <= value < MAX_UNIX:
            raise ValueError("timestamp out of range")
        return from_unix(float(value))
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise TypeError(f"expected a timestamp, got {type(value).__name__}")


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("counts must be non-negative integers")
    return value
