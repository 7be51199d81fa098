"""The hub's Belltastic tables: owners, projects, users, notifications, events.

Shares the hub's SQLite connection and thread (see `store.Store`). Pages are
ordered by an insertion sequence, newest first, and cursors point at a
sequence number: a notification inserted while a client pages can only land
before its first page, so no item is skipped or repeated.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bellbar.hub.tokens import new_token, token_hash

if TYPE_CHECKING:
    from bellbar.hub.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS bt_owners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bt_projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bt_users (
    belltastic_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    email TEXT,
    name TEXT,
    avatar_url TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    deleted_at REAL,
    UNIQUE (project_id, id)
);
CREATE TABLE IF NOT EXISTS bt_notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    icon TEXT,
    title TEXT NOT NULL,
    body TEXT,
    category TEXT,
    action_url TEXT,
    seen_at REAL,
    read_at REAL,
    created_at REAL NOT NULL,
    deleted_at REAL
);
CREATE INDEX IF NOT EXISTS bt_notifications_user ON bt_notifications (project_id, user_id, seq);
CREATE TABLE IF NOT EXISTS bt_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    notification_id TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS bt_events_feed ON bt_events (project_id, user_id, seq);
"""

NOTIFICATION_FIELDS = ("icon", "title", "body", "category", "action_url")
USER_FIELDS = ("email", "name", "avatar_url")


def iso(moment: float | None) -> str | None:
    """Belltastic's timestamps: ISO 8601 in UTC with +00:00 (to the millisecond,
    so that notifications made in the same second keep their order)."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


class BelltasticStore:
    """Belltastic queries on the hub's connection (called on its store thread)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db: sqlite3.Connection = store.connection
        self._db.executescript(SCHEMA)

    # ---- owners, projects, tokens ------------------------------------------

    def create_project(self, name: str) -> dict[str, Any]:
        """A project with a new owner: an account token and a project token."""
        account_token, project_token = new_token("user"), new_token("proj")

        def write(db: sqlite3.Connection) -> dict[str, Any]:
            now = time.time()
            owner = db.execute(
                "INSERT INTO bt_owners (token_hash, created_at) VALUES (?, ?)",
                (token_hash(account_token), now),
            ).lastrowid
            project = db.execute(
                "INSERT INTO bt_projects (owner_id, name, token_hash, created_at) "
                "VALUES (?, ?, ?, ?)",
                (owner, name, token_hash(project_token), now),
            ).lastrowid
            return {
                "project_id": project,
                "account_token": account_token,
                "project_token": project_token,
            }

        return self._store.write(write)

    def access(self, token: str, project_id: int) -> str:
        """ "ok", "unauthenticated" (no such token), "forbidden" (a project token
        used elsewhere) or "missing" (the project is not the owner's)."""
        hashed = token_hash(token)
        project = self._db.execute(
            "SELECT id, owner_id FROM bt_projects WHERE token_hash = ?", (hashed,)
        ).fetchone()
        if project is not None:
            return "ok" if project["id"] == project_id else "forbidden"
        owner = self._db.execute(
            "SELECT id FROM bt_owners WHERE token_hash = ?", (hashed,)
        ).fetchone()
        if owner is None:
            return "unauthenticated"
        owned = self._db.execute(
            "SELECT 1 FROM bt_projects WHERE id = ? AND owner_id = ?", (project_id, owner["id"])
        ).fetchone()
        return "ok" if owned else "missing"

    # ---- users ---------------------------------------------------------------

    def upsert_user(self, project_id: int, user_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        def write(db: sqlite3.Connection) -> dict[str, Any]:
            self._ensure_user(db, project_id, user_id)
            for name in USER_FIELDS:
                if name in fields:
                    db.execute(
                        f"UPDATE bt_users SET {name} = ?, updated_at = ?, deleted_at = NULL "
                        "WHERE project_id = ? AND id = ?",
                        (fields[name], time.time(), project_id, user_id),
                    )
            return self.user(project_id, user_id) or {}

        return self._store.write(write)

    def user(self, project_id: int, user_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT * FROM bt_users WHERE project_id = ? AND id = ? AND deleted_at IS NULL",
            (project_id, user_id),
        ).fetchone()
        return None if row is None else self._user_json(row)

    def users_page(
        self, project_id: int, before: int | None, per_page: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        rows = self._db.execute(
            "SELECT * FROM bt_users WHERE project_id = ? AND deleted_at IS NULL "
            "AND belltastic_id < ? ORDER BY belltastic_id DESC LIMIT ?",
            (project_id, before if before is not None else 2**62, per_page + 1),
        ).fetchall()
        more = rows[per_page]["belltastic_id"] if len(rows) > per_page else None
        page = rows[:per_page]
        return [self._user_json(r) for r in page], page[-1]["belltastic_id"] if more else None

    def delete_user(self, project_id: int, user_id: str) -> bool:
        cursor = self._db.execute(
            "UPDATE bt_users SET deleted_at = ? "
            "WHERE project_id = ? AND id = ? AND deleted_at IS NULL",
            (time.time(), project_id, user_id),
        )
        return cursor.rowcount > 0

    # ---- notifications -------------------------------------------------------

    def create(
        self, project_id: int, user_id: str, fields: dict[str, Any], *, at: float | None = None
    ) -> dict[str, Any]:
        """A notification for a user (made on demand); `at` backdates it (demo data)."""

        def write(db: sqlite3.Connection) -> dict[str, Any]:
            self._ensure_user(db, project_id, user_id)
            notification_id = str(uuid.uuid4())
            values = [fields.get(name) for name in NOTIFICATION_FIELDS]
            db.execute(
                "INSERT INTO bt_notifications (id, project_id, user_id, icon, title, body, "
                "category, action_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (notification_id, project_id, user_id, *values, time.time() if at is None else at),
            )
            self._event(db, project_id, user_id, "notifications/new", notification_id)
            found = self.get(project_id, notification_id, None)
            assert found is not None
            return found

        return self._store.write(write)

    def page(
        self, project_id: int, user_id: str | None, cursor: tuple[int, bool] | None, per_page: int
    ) -> tuple[list[dict[str, Any]], int | None, int | None]:
        """Newest first. `cursor` is (seq, forward): forward pages go to older
        items. Returns the items, and the seqs for the next and previous cursors."""
        where = "project_id = ? AND deleted_at IS NULL"
        params: list[Any] = [project_id]
        if user_id is not None:
            where += " AND user_id = ?"
            params.append(user_id)
        if cursor is None or cursor[1]:
            bound = cursor[0] if cursor else 2**62
            rows = self._db.execute(
                f"SELECT * FROM bt_notifications WHERE {where} AND seq < ? "
                "ORDER BY seq DESC LIMIT ?",
                (*params, bound, per_page + 1),
            ).fetchall()
            page = rows[:per_page]
            next_seq = page[-1]["seq"] if len(rows) > per_page else None
            prev_seq = page[0]["seq"] if cursor is not None and page else None
        else:
            rows = self._db.execute(
                f"SELECT * FROM bt_notifications WHERE {where} AND seq > ? "
                "ORDER BY seq ASC LIMIT ?",
                (*params, cursor[0], per_page + 1),
            ).fetchall()
            page = list(reversed(rows[:per_page]))
            prev_seq = page[0]["seq"] if len(rows) > per_page else None
            next_seq = page[-1]["seq"] if page else None
        return [self._json(r) for r in page], next_seq, prev_seq

    def get(
        self, project_id: int, notification_id: str, user_id: str | None
    ) -> dict[str, Any] | None:
        """One notification of the project (and of `user_id`, when given),
        archived ones included: archiving is a soft delete you can still see."""
        row = self._db.execute(
            "SELECT * FROM bt_notifications WHERE id = ? AND project_id = ?",
            (notification_id, project_id),
        ).fetchone()
        if row is None or (user_id is not None and row["user_id"] != user_id):
            return None
        return self._json(row)

    def mutate(
        self, project_id: int, notification_id: str, user_id: str | None, action: str
    ) -> dict[str, Any] | None:
        """read | unread | seen | archive; None when not found (in that scope).
        A second archive keeps the first deleted_at."""
        assignment, event = {
            "read": (
                "read_at = COALESCE(read_at, ?), seen_at = COALESCE(seen_at, ?)",
                "notifications/read",
            ),
            "unread": ("read_at = NULL", "notifications/unread"),
            "seen": ("seen_at = COALESCE(seen_at, ?)", "notifications/seen"),
            "archive": ("deleted_at = COALESCE(deleted_at, ?)", "notifications/archived"),
        }[action]

        def write(db: sqlite3.Connection) -> dict[str, Any] | None:
            found = self.get(project_id, notification_id, user_id)
            if found is None:
                return None
            values = (time.time(),) * assignment.count("?")
            db.execute(
                f"UPDATE bt_notifications SET {assignment} WHERE id = ?", (*values, notification_id)
            )
            self._event(db, project_id, found["user_id"], event, notification_id)
            return self.get(project_id, notification_id, user_id)

        return self._store.write(write)

    def destroy(self, project_id: int, notification_id: str, user_id: str | None) -> bool:
        def write(db: sqlite3.Connection) -> bool:
            found = self.get(project_id, notification_id, user_id)
            if found is None:
                return False
            db.execute("DELETE FROM bt_notifications WHERE id = ?", (notification_id,))
            self._event(db, project_id, found["user_id"], "notifications/delete", notification_id)
            return True

        return self._store.write(write)

    # ---- the event log -------------------------------------------------------

    def events_after(
        self, project_id: int, user_id: str, after: int, limit: int
    ) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT * FROM bt_events WHERE project_id = ? AND user_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (project_id, user_id, after, limit),
        ).fetchall()
        events = []
        for row in rows:
            data: dict[str, Any] = {"id": row["notification_id"]}
            current = self.get(project_id, row["notification_id"], user_id)
            if current is not None and current["deleted_at"] is None:
                data["notification"] = current
            events.append({"seq": row["seq"], "name": row["name"], "data": data})
        return events

    def last_event(self, project_id: int, user_id: str) -> int:
        row = self._db.execute(
            "SELECT MAX(seq) FROM bt_events WHERE project_id = ? AND user_id = ?",
            (project_id, user_id),
        ).fetchone()
        return int(row[0] or 0)

    # ---- helpers -------------------------------------------------------------

    @staticmethod
    def _ensure_user(db: sqlite3.Connection, project_id: int, user_id: str) -> None:
        now = time.time()
        db.execute(
            "INSERT INTO bt_users (project_id, id, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (project_id, id) DO NOTHING",
            (project_id, user_id, now, now),
        )

    @staticmethod
    def _event(
        db: sqlite3.Connection, project_id: int, user_id: str, name: str, notification_id: str
    ) -> None:
        db.execute(
            "INSERT INTO bt_events (project_id, user_id, name, notification_id, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (project_id, user_id, name, notification_id, time.time()),
        )

    def _user_json(self, row: sqlite3.Row) -> dict[str, Any]:
        unread = self._db.execute(
            "SELECT COUNT(*) FROM bt_notifications WHERE project_id = ? AND user_id = ? "
            "AND read_at IS NULL AND deleted_at IS NULL",
            (row["project_id"], row["id"]),
        ).fetchone()[0]
        return {
            "id": row["id"],
            "belltastic_id": row["belltastic_id"],
            "email": row["email"],
            "name": row["name"],
            "avatar_url": row["avatar_url"],
            "project_id": row["project_id"],
            "unread_notifications_count": unread,
            "created_at": iso(row["created_at"]),
            "updated_at": iso(row["updated_at"]),
            "deleted_at": iso(row["deleted_at"]),
        }

    @staticmethod
    def _json(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "project_id": row["project_id"],
            "user_id": row["user_id"],
            **{name: row[name] for name in NOTIFICATION_FIELDS},
            "seen_at": iso(row["seen_at"]),
            "read_at": iso(row["read_at"]),
            "created_at": iso(row["created_at"]),
            "deleted_at": iso(row["deleted_at"]),
        }


def dumps(data: Any) -> str:
    """JSON as Laravel writes it: slashes escaped, which clients must accept."""
    return json.dumps(data).replace("/", "\\/")
