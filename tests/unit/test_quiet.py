"""Do not disturb: switch, timed pause, daily schedule, the desktop's own, urgent items."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bellbar.core.model import Notification
from bellbar.core.quiet import DoNotDisturb, QuietHours, for_one_hour, until_tomorrow


@pytest.fixture(autouse=True)
def berlin(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zone with daylight saving, so wall-clock rules are really tested."""
    import time as time_module

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time_module.tzset()


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute).astimezone()


NIGHT = QuietHours(time(22, 0), time(7, 0))


def test_a_night_schedule_crosses_midnight() -> None:
    assert NIGHT.contains(local(2026, 3, 1, 23, 30))
    assert NIGHT.contains(local(2026, 3, 2, 6, 59))
    assert not NIGHT.contains(local(2026, 3, 2, 7, 0))
    assert not NIGHT.contains(local(2026, 3, 1, 21, 59))
    assert QuietHours(time(12, 0), time(13, 0)).contains(local(2026, 3, 1, 12, 30))
    assert not QuietHours(time(9, 0), time(9, 0)).contains(local(2026, 3, 1, 9, 0))


def test_the_schedule_follows_the_wall_clock_across_a_daylight_saving_change() -> None:
    # Clocks go forward on 2026-03-29 at 02:00 in Berlin; 07:00 is still 07:00.
    edge = NIGHT.next_edge(local(2026, 3, 29, 1, 0))
    assert edge.astimezone().hour == 7 and edge.astimezone().utcoffset() == timedelta(hours=2)


def test_each_source_of_quiet_and_its_reason() -> None:
    now = local(2026, 5, 4, 15, 0)
    assert DoNotDisturb().reason(now) is None
    assert DoNotDisturb(switched_on=True).reason(now) == "on"
    paused = DoNotDisturb(until=for_one_hour(now))
    assert paused.reason(now) == "until 16:00"
    assert not paused.active(now + timedelta(hours=1))
    assert DoNotDisturb(schedule=NIGHT).reason(local(2026, 5, 4, 23)) == "scheduled until 07:00"
    assert DoNotDisturb().active(now, desktop_quiet=True)
    assert not DoNotDisturb(follow_desktop=False).active(now, desktop_quiet=True)


def test_until_tomorrow_ends_at_eight_local_time() -> None:
    assert until_tomorrow(local(2026, 5, 4, 23, 50)) == local(2026, 5, 5, 8, 0)
    assert until_tomorrow(local(2026, 5, 5, 0, 10)) == local(2026, 5, 6, 8, 0)


def test_next_change_is_the_nearest_edge() -> None:
    now = local(2026, 5, 4, 21, 30)
    dnd = DoNotDisturb(until=local(2026, 5, 4, 21, 45), schedule=NIGHT)
    assert dnd.next_change(now) == local(2026, 5, 4, 21, 45)
    assert DoNotDisturb(schedule=NIGHT).next_change(now) == local(2026, 5, 4, 22, 0)
    assert DoNotDisturb(switched_on=True).next_change(now) is None


def test_urgent_items_break_through_unless_the_user_says_no() -> None:
    sent = datetime(2026, 5, 4, tzinfo=UTC)
    failed = Notification("n", "1", "Text to 07700900003", "", sent, status="permanent-failure")
    ops = Notification("m", "2", "Server down", "", sent, category="ops")
    chatter = Notification("m", "3", "Lunch?", "", sent, category="social")
    dnd = DoNotDisturb(switched_on=True, urgent_categories=frozenset({"ops"}))
    assert dnd.breaks_through(failed) and dnd.breaks_through(ops)
    assert not dnd.breaks_through(chatter)
    strict = DoNotDisturb(switched_on=True, urgent_breaks_through=False)
    assert not strict.breaks_through(failed)


@given(st.times(), st.times(), st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC)))
def test_the_next_edge_is_later_and_flips_nothing_before_it(
    start: time, end: time, moment: datetime
) -> None:
    hours = QuietHours(start.replace(microsecond=0), end.replace(microsecond=0))
    if hours.start == hours.end:
        return
    edge = hours.next_edge(moment)
    assert moment < edge <= moment + timedelta(days=1, hours=1)
    before = edge - timedelta(seconds=1)
    if before > moment:
        assert hours.contains(before) == hours.contains(moment)
