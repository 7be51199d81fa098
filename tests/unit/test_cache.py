"""The local cache: merge rules, cursors, the outbox and its overlay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bellbar.core.cache import Cache
from bellbar.core.model import Action, ActionKind, Notification, Reply
from bellbar.providers.base import Page

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def note(nid: str, minutes_ago: int = 0, **changes: object) -> Notification:
    base = Notification(
        account="a",
        id=nid,
        title=f"t{nid}",
        body="b",
        sent_at=NOW - timedelta(minutes=minutes_ago),
        sender="bot",
        actions=(Action("ok", "OK"), Action("why", "Why?", ActionKind.INPUT, "reason")),
    )
    return Notification(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})  # type: ignore[arg-type]


def page(*items: Notification, cursor: str | None = None, **extra: Any) -> Page:
    return Page(tuple(items), cursor, **extra)


def test_apply_page_reports_only_fresh_items_and_moves_the_cursor(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    assert [n.id for n in cache.apply_page("a", page(note("1"), note("2", 5), cursor="7"))] == [
        "1",
        "2",
    ]
    assert [n.id for n in cache.apply_page("a", page(note("2", 5), note("3", 1), cursor="9"))] == [
        "3"
    ]
    assert cache.cursor("a") == "9"
    assert [n.id for n in cache.newest(0, 10)] == ["1", "3", "2"]
    assert cache.count() == 3 and cache.count_unseen() == 3


def test_local_changes_stand_until_acknowledged(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1"), cursor=None))
    cache.record_read("a", "1")
    cache.apply_page("a", page(note("1"), cursor=None))  # a late event from before the read
    item = cache.get("a", "1")
    assert item is not None and item.is_read and item.is_seen


def test_a_queued_reply_shows_as_pending_until_acknowledged(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1"), cursor=None))
    queued = cache.record_reply("a", "1", action="why", content="because")
    pending = cache.get("a", "1")
    assert pending is not None and pending.reply == Reply("because", "why", pending=True)
    assert pending.is_read and not pending.awaits_answer
    assert [i.idempotency_key for i in cache.pending("a")] == [queued.idempotency_key]
    cache.outbox_done(queued, note("1", reply=Reply("because", "why")))
    done = cache.get("a", "1")
    assert done is not None and done.reply == Reply("because", "why")
    assert cache.pending("a") == []


def test_a_dropped_reply_brings_the_buttons_back(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1"), cursor=None))
    cache.outbox_drop(cache.record_reply("a", "1", action="ok", content="OK"))
    item = cache.get("a", "1")
    assert item is not None and item.awaits_answer


def test_outbox_survives_a_restart(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1"), cursor=None))
    key = cache.record_reply("a", "1", action="ok", content="OK").idempotency_key
    cache.close()
    reopened = Cache(tmp_path / "c.db")
    assert [(i.kind, i.idempotency_key) for i in reopened.pending("a")] == [("reply", key)]


def test_read_all_and_forget(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1"), note("2"), cursor="5"))
    cache.record_read_all("a")
    assert cache.count_unread() == 0 and cache.count_unseen() == 0
    cache.forget_account("a")
    assert cache.count() == 0 and cache.cursor("a") is None and cache.pending("a") == []


def test_the_server_is_the_authority_once_nothing_is_pending(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1", read_at=NOW, seen_at=NOW)))
    cache.apply_page("a", page(note("1")))  # marked unread on another device
    item = cache.get("a", "1")
    assert item is not None and not item.is_read and not item.is_seen


def test_a_pending_unread_survives_a_stale_event(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1", read_at=NOW, seen_at=NOW)))
    cache.record_unread("a", "1")
    cache.apply_page("a", page(note("1", read_at=NOW, seen_at=NOW)))
    item = cache.get("a", "1")
    assert item is not None and not item.is_read and item.is_seen


def test_snapshots_remove_what_vanished_and_count_what_lies_beyond(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("old", 60), note("mid", 30), note("new", 1)))
    cache.apply_page(
        "a",
        page(
            note("new", 1),
            complete_from=NOW - timedelta(minutes=40),
            unseen_beyond=7,
            unread_beyond=9,
        ),
    )
    assert [n.id for n in cache.newest(0, 10)] == ["new", "old"]  # "mid" went elsewhere
    assert cache.count_unseen() == 2 + 7 and cache.count_unread() == 2 + 9
    cache.apply_page("a", page(removed=("old",)))
    assert [n.id for n in cache.newest(0, 10)] == ["new"]
    cache.record_seen("a", ["new"])
    assert cache.count_unseen() == 0


def test_archive_and_delete_leave_at_once_and_are_queued(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1"), note("2")))
    cache.record_removal("a", "1", "archive")
    cache.record_removal("a", "2", "delete")
    assert cache.count() == 0
    assert [(i.kind, i.target) for i in cache.pending("a")] == [("archive", "1"), ("delete", "2")]


def test_categories_filter_the_inbox(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    cache.apply_page("a", page(note("1", category="billing"), note("2"), note("3", category="ops")))
    assert cache.categories() == ["billing", "ops"]
    assert [n.id for n in cache.newest(0, 10, category="billing")] == ["1"]
    assert cache.count(category="ops") == 1


def test_an_older_cache_layout_is_rebuilt_and_the_outbox_kept(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "c.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE notifications (account TEXT, id TEXT, title TEXT);"
        "INSERT INTO notifications VALUES ('a', '1', 'old layout');"
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, "
        "kind TEXT NOT NULL, target TEXT NOT NULL, payload TEXT NOT NULL, "
        "idempotency_key TEXT NOT NULL UNIQUE, attempts INTEGER NOT NULL DEFAULT 0, "
        "not_before REAL NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');"
        "INSERT INTO outbox (account, kind, target, payload, idempotency_key) "
        "VALUES ('a', 'read', '1', '{}', 'k1');"
    )
    old.commit()
    old.close()
    cache = Cache(path)
    assert cache.count() == 0
    assert [i.idempotency_key for i in cache.pending("a")] == ["k1"]
    cache.apply_page("a", page(note("2", icon_url="https://cdn.example/i.png")))
    assert cache.get("a", "2") == note("2", icon_url="https://cdn.example/i.png")


def test_a_status_turning_into_an_alert_is_fresh_once_and_wants_attention(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.db")
    quiet = note("1", status="sending", popup=False, seen_at=NOW, read_at=NOW)
    assert [n.id for n in cache.apply_page("a", page(quiet, local_state=True))] == ["1"]
    assert cache.apply_page("a", page(quiet, local_state=True)) == []
    failed = note("1", status="permanent-failure", popup=True)
    [alert] = cache.apply_page("a", page(failed, local_state=True))
    assert alert.popup and not alert.is_seen and not alert.is_read
    assert cache.apply_page("a", page(failed, local_state=True)) == []  # once
    assert cache.count_unseen() == 1
