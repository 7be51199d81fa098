"""Do not disturb: when pop-ups hold back, and what may break through.

Quiet comes from four places, any of which is enough: the user's switch
(on until turned off), a timed pause ("for 1 hour", "until tomorrow"), a
daily schedule (22:00 to 07:00, across midnight), and the desktop's own
do-not-disturb where the desktop exposes it. Only pop-ups are held back: the
badge and the inbox keep counting, and when quiet ends the user gets one
summary of what came meanwhile instead of a flood.

Times of day are the user's local wall-clock time; instants are aware
datetimes, so a schedule follows the clock across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bellbar.core.model import Notification

URGENT_STATUSES = frozenset({"permanent-failure"})  # GOV.UK Notify: the message is lost
MORNING = time(8, 0)  # "until tomorrow" ends at this local time


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily quiet window; `start` after `end` crosses midnight."""

    start: time
    end: time

    def contains(self, moment: datetime) -> bool:
        now = moment.astimezone().time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def next_edge(self, moment: datetime) -> datetime:
        """The next instant after `moment` at which the window opens or closes."""
        today = moment.astimezone().date()
        candidates = []
        for edge in (self.start, self.end):
            at = _local_instant(today, edge)
            if at <= moment:
                at = _local_instant(today + timedelta(days=1), edge)
            candidates.append(at)
        return min(candidates)

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours:
        """From "HH:MM" strings, as the settings file keeps them."""
        return cls(time.fromisoformat(start), time.fromisoformat(end))


@dataclass(frozen=True, slots=True)
class DoNotDisturb:
    """Every source of quiet, and the rule that combines them."""

    switched_on: bool = False
    until: datetime | None = None
    schedule: QuietHours | None = None
    follow_desktop: bool = True
    urgent_breaks_through: bool = True
    urgent_categories: frozenset[str] = frozenset()

    def reason(self, now: datetime, *, desktop_quiet: bool = False) -> str | None:
        """Why it is quiet now (for the tray's tooltip), or None when it is not."""
        if self.switched_on:
            return "on"
        if self.until is not None and now < self.until:
            return f"until {self.until.astimezone():%H:%M}"
        if self.schedule is not None and self.schedule.contains(now):
            return f"scheduled until {self.schedule.end:%H:%M}"
        if self.follow_desktop and desktop_quiet:
            return "the desktop's do not disturb"
        return None

    def active(self, now: datetime, *, desktop_quiet: bool = False) -> bool:
        return self.reason(now, desktop_quiet=desktop_quiet) is not None

    def next_change(self, now: datetime) -> datetime | None:
        """When the answer of `active` may change without anyone touching it:
        a timed pause running out, or a schedule edge. None: only by hand."""
        edges = []
        if self.until is not None and now < self.until:
            edges.append(self.until)
        if self.schedule is not None and self.schedule.start != self.schedule.end:
            edges.append(self.schedule.next_edge(now))
        return min(edges) if edges else None

    def breaks_through(self, item: Notification) -> bool:
        """Whether `item` pops up even while it is quiet."""
        if not self.urgent_breaks_through:
            return False
        return item.status in URGENT_STATUSES or (
            bool(item.category) and item.category in self.urgent_categories
        )


def for_one_hour(now: datetime) -> datetime:
    return now + timedelta(hours=1)


def until_tomorrow(now: datetime) -> datetime:
    """Tomorrow at 08:00 local time."""
    return _local_instant(now.astimezone().date() + timedelta(days=1), MORNING)


def _local_instant(day: date, at: time) -> datetime:
    """`at` on `day` by the local wall clock, with that day's UTC offset (not
    today's: the two differ across a daylight-saving change)."""
    return datetime.combine(day, at).astimezone()
