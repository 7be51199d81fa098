"""The local SQLite cache: notifications per account, sync cursors, outbox.

It lets the inbox appear at once on start and work offline, and it is the
durable half of every user action: a reply or a state change is written to
the outbox here (in the same transaction as its optimistic effect) before any
request is sent, so a crash or a dead network never loses it.

The server is the authority on read and seen state, except for an item
with a local change still in the outbox: there the local state stands until
the server has acknowledged it, so a late event cannot undo a click.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bellbar.core.model import Action, ActionKind, Notification, Reply
from bellbar.core.timefmt import from_unix, utc_now
from bellbar.providers.base import Page

SCHEMA_VERSION = 3
SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    sent_at REAL NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sender TEXT NOT NULL,
    url TEXT NOT NULL,
    actions TEXT NOT NULL,
    actions_description TEXT NOT NULL,
    seen_at REAL,
    read_at REAL,
    reply_content TEXT,
    reply_action TEXT,
    category TEXT NOT NULL DEFAULT '',
    body_is_html INTEGER NOT NULL DEFAULT 0,
    icon_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account, id)
);
CREATE INDEX IF NOT EXISTS notifications_newest ON notifications (sent_at DESC, id);
CREATE INDEX IF NOT EXISTS notifications_unseen ON notifications (account) WHERE seen_at IS NULL;
CREATE INDEX IF NOT EXISTS notifications_unread ON notifications (account) WHERE read_at IS NULL;
CREATE TABLE IF NOT EXISTS cursors (
    account TEXT PRIMARY KEY,
    cursor TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS beyond (
    account TEXT PRIMARY KEY,
    unseen INTEGER NOT NULL,
    unread INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_by_account ON outbox (account, id);
"""

_COLUMNS = (
    "n.account, n.id, n.sent_at, n.title, n.body, n.sender, n.url, n.actions, "
    "n.actions_description, n.seen_at, n.read_at, n.reply_content, n.reply_action, "
    "n.category, n.body_is_html, n.icon_url, n.status, "
    "(SELECT o.payload FROM outbox o WHERE o.account = n.account AND o.target = n.id "
    " AND o.kind = 'reply' ORDER BY o.id LIMIT 1)"
)


_ACCOUNT_WIDE = frozenset({"seen", "read_all"})

_UPSERT = """
    INSERT INTO notifications VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT (account, id) DO UPDATE SET
        title = excluded.title, body = excluded.body, sender = excluded.sender,
        url = excluded.url, actions = excluded.actions,
        actions_description = excluded.actions_description,
        category = excluded.category, body_is_html = excluded.body_is_html,
        icon_url = excluded.icon_url, status = excluded.status,
        reply_content = COALESCE(excluded.reply_content, notifications.reply_content),
        reply_action = COALESCE(excluded.reply_action, notifications.reply_action),
"""
_MERGE_FROM_SERVER = "seen_at = excluded.seen_at, read_at = excluded.read_at"
_MERGE_KEEPING_LOCAL = (
    "seen_at = COALESCE(notifications.seen_at, excluded.seen_at), "
    "read_at = CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.account = excluded.account "
    "AND o.target = excluded.id AND o.kind = 'unread') THEN NULL "
    "ELSE COALESCE(notifications.read_at, excluded.read_at) END"
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A user action waiting for the server's acknowledgement."""

    id: int
    account: str
    kind: str  # reply | read | unread | seen | read_all | archive | delete
    target: str  # a notification id, or "" for account-wide actions
    payload: dict[str, Any]
    idempotency_key: str
    attempts: int


class Cache:
    """One SQLite file (WAL) for every account's notifications."""

    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def _migrate(self) -> None:
        """An older layout of the cached notifications is dropped and refetched
        from the servers (they hold the truth); the outbox, which holds the
        user's unsent actions, is kept."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if 0 < version < SCHEMA_VERSION or (version == 0 and self._has_table("notifications")):
            for table in ("notifications", "cursors", "beyond"):
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
        self._db.executescript(SCHEMA)
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _has_table(self, name: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
        return row.fetchone() is not None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ---- notifications -------------------------------------------------

    def apply_page(self, account: str, page: Page) -> list[Notification]:
        """Merge a page from the server and move the cursor, atomically.

        Returns the notifications this cache had not seen before, and those
        whose status just changed to one worth a pop-up, so the caller pops
        up only what is really new (once, however often it restarts).
        """
        fresh = []
        with self._transaction() as db:
            held = self._locally_changed(db, account)
            for item in page.notifications:
                known = db.execute(
                    "SELECT status FROM notifications WHERE account = ? AND id = ?",
                    (account, item.id),
                ).fetchone()
                keep = page.local_state or item.id in held
                merge = _MERGE_KEEPING_LOCAL if keep else _MERGE_FROM_SERVER
                db.execute(_UPSERT + merge, _row(account, item))
                if known is None:
                    fresh.append(item)
                elif item.popup and item.status and known[0] != item.status:
                    # A new alert about a known item: it wants attention again.
                    db.execute(
                        "UPDATE notifications SET seen_at = NULL, read_at = NULL "
                        "WHERE account = ? AND id = ?",
                        (account, item.id),
                    )
                    fresh.append(item)
            gone = set(page.removed)
            if page.complete_from is not None:
                listed = {item.id for item in page.notifications}
                rows = db.execute(
                    "SELECT id FROM notifications WHERE account = ? AND sent_at >= ?",
                    (account, page.complete_from.timestamp()),
                )
                gone |= {row[0] for row in rows if row[0] not in listed}
                db.execute(
                    "INSERT INTO beyond VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE "
                    "SET unseen = excluded.unseen, unread = excluded.unread",
                    (account, page.unseen_beyond, page.unread_beyond),
                )
            db.executemany(
                "DELETE FROM notifications WHERE account = ? AND id = ?",
                [(account, nid) for nid in gone - held],
            )
            if page.cursor is not None:
                db.execute(
                    "INSERT INTO cursors VALUES (?, ?) "
                    "ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor",
                    (account, page.cursor),
                )
        return [replace(self.get(account, item.id) or item, popup=item.popup) for item in fresh]

    @staticmethod
    def _locally_changed(db: sqlite3.Connection, account: str) -> set[str]:
        """Ids whose local state must not be overwritten yet: targets of
        queued actions, and everything while an account-wide one is queued."""
        rows = db.execute(
            "SELECT kind, target FROM outbox WHERE account = ?", (account,)
        ).fetchall()
        if any(kind in _ACCOUNT_WIDE for kind, _ in rows):
            return {
                r[0]
                for r in db.execute("SELECT id FROM notifications WHERE account = ?", (account,))
            }
        return {target for _, target in rows if target}

    def get(self, account: str, notification_id: str) -> Notification | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM notifications n WHERE n.account = ? AND n.id = ?",
            (account, notification_id),
        ).fetchone()
        return None if row is None else _notification(row)

    def newest(self, offset: int, limit: int, category: str | None = None) -> list[Notification]:
        """A window of the inbox, newest first, across accounts."""
        where, params = ("WHERE n.category = ?", (category,)) if category is not None else ("", ())
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM notifications n {where} "
            "ORDER BY n.sent_at DESC, n.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [_notification(row) for row in rows]

    def categories(self) -> list[str]:
        rows = self._db.execute(
            "SELECT DISTINCT category FROM notifications WHERE category != '' ORDER BY category"
        )
        return [row[0] for row in rows]

    def count(self, category: str | None = None) -> int:
        if category is None:
            return int(self._db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0])
        row = self._db.execute("SELECT COUNT(*) FROM notifications WHERE category = ?", (category,))
        return int(row.fetchone()[0])

    def count_unseen(self) -> int:
        """Unseen in the cache, plus what snapshots said lies beyond them."""
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM notifications WHERE seen_at IS NULL) "
            "+ (SELECT COALESCE(SUM(unseen), 0) FROM beyond)"
        )
        return int(row.fetchone()[0])

    def count_unread(self) -> int:
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM notifications WHERE read_at IS NULL) "
            "+ (SELECT COALESCE(SUM(unread), 0) FROM beyond)"
        )
        return int(row.fetchone()[0])

    def unseen_ids(self, account: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM notifications WHERE account = ? AND seen_at IS NULL", (account,)
        )
        return [row[0] for row in rows]

    def cursor(self, account: str) -> str | None:
        row = self._db.execute("SELECT cursor FROM cursors WHERE account = ?", (account,))
        found = row.fetchone()
        return None if found is None else str(found[0])

    def forget_account(self, account: str) -> None:
        """Drop everything cached for an account that was removed."""
        with self._transaction() as db:
            for table in ("notifications", "cursors", "outbox", "beyond"):
                db.execute(f"DELETE FROM {table} WHERE account = ?", (account,))

    # ---- optimistic changes + outbox -----------------------------------

    def record_reply(
        self, account: str, notification_id: str, *, action: str | None, content: str
    ) -> OutboxItem:
        """Queue a reply; the item reads as answered (pending) and read at once."""
        with self._transaction() as db:
            self._set_read(db, account, [notification_id])
            return self._enqueue(
                db, account, "reply", notification_id, {"action": action, "content": content}
            )

    def record_read(self, account: str, notification_id: str) -> OutboxItem:
        with self._transaction() as db:
            self._set_read(db, account, [notification_id])
            return self._enqueue(db, account, "read", notification_id, {})

    def record_seen(self, account: str, notification_ids: list[str]) -> OutboxItem:
        with self._transaction() as db:
            now = utc_now().timestamp()
            db.executemany(
                "UPDATE notifications SET seen_at = ? WHERE account = ? AND id = ? "
                "AND seen_at IS NULL",
                [(now, account, nid) for nid in notification_ids],
            )
            db.execute("UPDATE beyond SET unseen = 0 WHERE account = ?", (account,))
            return self._enqueue(db, account, "seen", "", {"ids": notification_ids})

    def record_read_all(self, account: str) -> OutboxItem:
        with self._transaction() as db:
            now = utc_now().timestamp()
            db.execute(
                "UPDATE notifications SET read_at = ?, seen_at = COALESCE(seen_at, ?) "
                "WHERE account = ? AND read_at IS NULL",
                (now, now, account),
            )
            db.execute("UPDATE beyond SET unseen = 0, unread = 0 WHERE account = ?", (account,))
            return self._enqueue(db, account, "read_all", "", {})

    def record_unread(self, account: str, notification_id: str) -> OutboxItem:
        with self._transaction() as db:
            db.execute(
                "UPDATE notifications SET read_at = NULL WHERE account = ? AND id = ?",
                (account, notification_id),
            )
            return self._enqueue(db, account, "unread", notification_id, {})

    def record_removal(self, account: str, notification_id: str, kind: str) -> OutboxItem:
        """Archive or delete: the item leaves the inbox at once."""
        if kind not in ("archive", "delete"):
            raise ValueError(kind)
        with self._transaction() as db:
            db.execute(
                "DELETE FROM notifications WHERE account = ? AND id = ?", (account, notification_id)
            )
            return self._enqueue(db, account, kind, notification_id, {})

    def pending(self, account: str) -> list[OutboxItem]:
        """The account's outbox, oldest first."""
        rows = self._db.execute(
            "SELECT id, account, kind, target, payload, idempotency_key, attempts "
            "FROM outbox WHERE account = ? ORDER BY id",
            (account,),
        ).fetchall()
        return [OutboxItem(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]

    def outbox_done(self, item: OutboxItem, confirmed: Notification | None = None) -> None:
        """The server acknowledged `item`; store what it answered, if anything."""
        with self._transaction() as db:
            if confirmed is not None:
                db.execute(
                    "UPDATE notifications SET reply_content = ?, reply_action = ?, "
                    "read_at = COALESCE(read_at, ?) WHERE account = ? AND id = ?",
                    (
                        confirmed.reply.content if confirmed.reply else None,
                        confirmed.reply.action if confirmed.reply else None,
                        _stamp(confirmed.read_at) or utc_now().timestamp(),
                        item.account,
                        item.target,
                    ),
                )
            db.execute("DELETE FROM outbox WHERE id = ?", (item.id,))

    def outbox_retry_later(self, item: OutboxItem, error: str) -> None:
        self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:500], item.id),
        )

    def outbox_drop(self, item: OutboxItem) -> None:
        """The server refused `item` for good; forget it (the UI shows why)."""
        self._db.execute("DELETE FROM outbox WHERE id = ?", (item.id,))

    @staticmethod
    def _set_read(db: sqlite3.Connection, account: str, ids: list[str]) -> None:
        now = utc_now().timestamp()
        db.executemany(
            "UPDATE notifications SET read_at = COALESCE(read_at, ?), "
            "seen_at = COALESCE(seen_at, ?) WHERE account = ? AND id = ?",
            [(now, now, account, nid) for nid in ids],
        )

    @staticmethod
    def _enqueue(
        db: sqlite3.Connection, account: str, kind: str, target: str, payload: dict[str, Any]
    ) -> OutboxItem:
        key = uuid.uuid4().hex
        cursor = db.execute(
            "INSERT INTO outbox (account, kind, target, payload, idempotency_key) "
            "VALUES (?, ?, ?, ?, ?)",
            (account, kind, target, json.dumps(payload), key),
        )
        assert cursor.lastrowid is not None
        return OutboxItem(cursor.lastrowid, account, kind, target, payload, key, 0)


def _stamp(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _row(account: str, item: Notification) -> tuple[Any, ...]:
    actions = [
        {"key": a.key, "label": a.label, "kind": a.kind.value, "placeholder": a.placeholder}
        for a in item.actions
    ]
    return (
        account,
        item.id,
        item.sent_at.timestamp(),
        item.title,
        item.body,
        item.sender,
        item.url,
        json.dumps(actions),
        item.actions_description,
        _stamp(item.seen_at),
        _stamp(item.read_at),
        item.reply.content if item.reply else None,
        item.reply.action if item.reply else None,
        item.category,
        int(item.body_is_html),
        item.icon_url,
        item.status,
    )


def _notification(row: tuple[Any, ...]) -> Notification:
    (account, nid, sent_at, title, body, sender, url, actions, description, seen_at,
     read_at, reply_content, reply_action, category, body_is_html, icon_url, status,
     pending) = row  # fmt: skip
    reply = None
    if reply_content is not None:
        reply = Reply(content=reply_content, action=reply_action)
    elif pending is not None:
        queued = json.loads(pending)
        reply = Reply(content=queued["content"], action=queued["action"], pending=True)
    return Notification(
        account=account,
        id=nid,
        title=title,
        body=body,
        sent_at=from_unix(sent_at),
        sender=sender,
        url=url,
        actions=tuple(
            Action(a["key"], a["label"], ActionKind(a["kind"]), a["placeholder"])
            for a in json.loads(actions)
        ),
        actions_description=description,
        seen_at=None if seen_at is None else from_unix(seen_at),
        read_at=None if read_at is None else from_unix(read_at),
        reply=reply,
        category=category,
        body_is_html=bool(body_is_html),
        icon_url=icon_url,
        status=status,
    )
