"""Relative times for the inbox ("just now", "5 min ago", "yesterday")."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def from_unix(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def seconds_until(moment: datetime, now: datetime | None = None) -> int:
    """Whole seconds from now until `moment`, 0 once it has passed ("next try in N s")."""
    return max(0, round((moment - (now or utc_now())).total_seconds()))


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """A short human phrase for how long ago `moment` was."""
    now = now or utc_now()
    seconds = (now - moment).total_seconds()
    if seconds < 45:
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"{hours} h ago"
    days = round(seconds / 86400)
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return moment.astimezone().strftime("%d %b %Y")
