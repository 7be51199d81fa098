"""The hub's MagicBell tables: projects, users, notifications, an event log.

Shares the hub's SQLite connection and thread (see `store.Store`). Unlike
the BotBell side, MagicBell's realtime names bulk changes
(`notifications/read/all`), so changes are kept as an event log rather
than per-row versions: the stream replays the log after `Last-Event-ID`.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bellbar.hub.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS mb_projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    api_key TEXT NOT NULL UNIQUE,
    api_secret TEXT NOT NULL,
    hmac_required INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS mb_users (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    external_id TEXT,
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    preferences TEXT,
    created_at REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS mb_users_external ON mb_users (project_id, external_id);
CREATE UNIQUE INDEX IF NOT EXISTS mb_users_email ON mb_users (project_id, email);
CREATE TABLE IF NOT EXISTS mb_notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT,
    category TEXT,
    topic TEXT,
    action_url TEXT,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    sent_at REAL NOT NULL,
    seen_at REAL,
    read_at REAL,
    archived_at REAL,
    deleted_at REAL
);
CREATE INDEX IF NOT EXISTS mb_notifications_inbox
    ON mb_notifications (user_id, sent_at DESC, seq DESC);
CREATE TABLE IF NOT EXISTS mb_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    notification_id TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS mb_events_feed ON mb_events (user_id, seq);
CREATE TABLE IF NOT EXISTS mb_idempotency (
    api_key TEXT NOT NULL,
    key TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (api_key, key)
);
"""

IDEMPOTENCY_SECONDS = 24 * 3600

# The filters MagicBell's list and mark-all routes take, and their columns.
BOOLEAN_FILTERS = {"read": "read_at", "seen": "seen_at", "archived": "archived_at"}

DEFAULT_PREFERENCES = {
    "categories": [
        {
            "slug": "default",
            "label": "Default",
            "channels": [
                {"slug": "in_app", "label": "In app", "enabled": True},
                {"slug": "email", "label": "Email", "enabled": False},
            ],
        }
    ]
}


class MagicBellStore:
    """MagicBell queries on the hub's connection (called on its store thread)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db: sqlite3.Connection = store.connection
        self._db.executescript(SCHEMA)

    # ---- projects and users ----------------------------------------------

    def create_project(self, name: str, *, hmac_required: bool = False) -> dict[str, Any]:
        api_key = f"pk_{secrets.token_hex(16)}"
        api_secret = f"sk_{secrets.token_hex(24)}"
        cursor = self._db.execute(
            "INSERT INTO mb_projects (name, api_key, api_secret, hmac_required, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, api_key, api_secret, int(hmac_required), time.time()),
        )
        return {"project_id": cursor.lastrowid, "api_key": api_key, "api_secret": api_secret}

    def project_by_key(self, api_key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT * FROM mb_projects WHERE api_key = ?", (api_key,)
        ).fetchone()
        return row

    def user(
        self, project_id: int, *, external_id: str | None, email: str | None, create: bool
    ) -> sqlite3.Row | None:
        """The user by external id (which wins) or lowercase email; made on demand."""
        column, value = ("external_id", external_id) if external_id else ("email", email)
        if not value:
            return None
        if column == "email":
            value = value.lower()
        row: sqlite3.Row | None = self._db.execute(
            f"SELECT * FROM mb_users WHERE project_id = ? AND {column} = ?", (project_id, value)
        ).fetchone()
        if row is None and create:
            self._db.execute(
                f"INSERT INTO mb_users (id, project_id, {column}, created_at) VALUES (?, ?, ?, ?)",
                (str(uuid.uuid4()), project_id, value, time.time()),
            )
            return self.user(project_id, external_id=external_id, email=email, create=False)
        return row

    def recipient_users(
        self, project_id: int, recipients: list[dict[str, str]]
    ) -> list[sqlite3.Row]:
        """Resolve recipients; unknown ones become users."""
        users: list[sqlite3.Row] = []
        for recipient in recipients:
            found = self.user(
                project_id,
                external_id=recipient.get("external_id"),
                email=recipient.get("email"),
                create=True,
            )
            if found is not None and found["id"] not in {u["id"] for u in users}:
                users.append(found)
        return users

    # ---- notifications ---------------------------------------------------

    def create(
        self,
        project_id: int,
        fields: dict[str, Any],
        recipients: list[dict[str, str]],
        *,
        at: float | None = None,
    ) -> list[str]:
        """One notification per recipient; returns the users to notify.

        `at` backdates it (demo data only)."""

        def write(db: sqlite3.Connection) -> list[str]:
            now = time.time() if at is None else at
            users = self.recipient_users(project_id, recipients)
            for user in users:
                notification_id = str(uuid.uuid4())
                db.execute(
                    "INSERT INTO mb_notifications (id, project_id, user_id, title, content, "
                    "category, topic, action_url, custom_attributes, sent_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        notification_id, project_id, user["id"], fields["title"],
                        fields.get("content"), fields.get("category"), fields.get("topic"),
                        fields.get("action_url"), json.dumps(fields.get("custom_attributes") or {}),
                        now,
                    ),
                )  # fmt: skip
                self._event(db, user["id"], "notifications/new", notification_id)
            return [u["id"] for u in users]

        return self._store.write(write)

    def page(
        self, user_id: str, filters: dict[str, Any], per_page: int, page: int
    ) -> tuple[list[dict[str, Any]], int, int, int]:
        """(notifications, total, unseen_count, unread_count) for one page."""
        where, params = self._where(user_id, filters)
        total = self._db.execute(
            f"SELECT COUNT(*) FROM mb_notifications WHERE {where}", params
        ).fetchone()[0]
        unseen = self._db.execute(
            f"SELECT COUNT(*) FROM mb_notifications WHERE {where} AND seen_at IS NULL", params
        ).fetchone()[0]
        unread = self._db.execute(
            f"SELECT COUNT(*) FROM mb_notifications WHERE {where} AND read_at IS NULL", params
        ).fetchone()[0]
        rows = self._db.execute(
            f"SELECT * FROM mb_notifications WHERE {where} ORDER BY sent_at DESC, seq DESC "
            "LIMIT ? OFFSET ?",
            (*params, per_page, (page - 1) * per_page),
        ).fetchall()
        recipient = self._recipient(user_id)
        return [self._json(r, recipient) for r in rows], int(total), int(unseen), int(unread)

    def get(self, user_id: str, notification_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT * FROM mb_notifications WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
            (notification_id, user_id),
        ).fetchone()
        return None if row is None else self._json(row, self._recipient(user_id))

    def mutate(self, user_id: str, notification_id: str, action: str) -> bool:
        """read | unread | archive | unarchive | delete one notification of this user.

        False when it is not this user's (the route answers 404)."""
        changes = {
            "read": ("read_at = ?, seen_at = COALESCE(seen_at, ?)", "notifications/read"),
            "unread": ("read_at = NULL", "notifications/unread"),
            "archive": ("archived_at = ?", "notifications/archived"),
            "unarchive": ("archived_at = NULL", "notifications/unarchived"),
            "delete": ("deleted_at = ?", "notifications/delete"),
        }
        assignment, event = changes[action]

        def write(db: sqlite3.Connection) -> bool:
            now = time.time()
            values = (now,) * assignment.count("?")
            cursor = db.execute(
                f"UPDATE mb_notifications SET {assignment} "
                "WHERE id = ? AND user_id = ? AND deleted_at IS NULL",
                (*values, notification_id, user_id),
            )
            if cursor.rowcount:
                self._event(db, user_id, event, notification_id)
            return cursor.rowcount > 0

        return self._store.write(write)

    def mark_all(self, user_id: str, column: str, filters: dict[str, Any]) -> int:
        """POST /notifications/read or /seen: every match, one bulk event."""
        event = "notifications/read/all" if column == "read_at" else "notifications/seen/all"

        def write(db: sqlite3.Connection) -> int:
            where, params = self._where(user_id, filters)
            now = time.time()
            extra = ", seen_at = COALESCE(seen_at, ?)" if column == "read_at" else ""
            values = (now, now) if extra else (now,)
            cursor = db.execute(
                f"UPDATE mb_notifications SET {column} = ?{extra} "
                f"WHERE {where} AND {column} IS NULL",
                (*values, *params),
            )
            self._event(db, user_id, event, None)
            return cursor.rowcount

        return self._store.write(write)

    def preferences(self, user_id: str) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT preferences FROM mb_users WHERE id = ?", (user_id,)
        ).fetchone()
        return json.loads(row[0]) if row and row[0] else DEFAULT_PREFERENCES

    def set_preferences(self, user_id: str, preferences: dict[str, Any]) -> None:
        self._db.execute(
            "UPDATE mb_users SET preferences = ? WHERE id = ?", (json.dumps(preferences), user_id)
        )

    # ---- the event log ---------------------------------------------------

    def events_after(self, user_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        """Events after `after`, each with the notification's current state (or
        none, when it is deleted or the event is a bulk one)."""
        rows = self._db.execute(
            "SELECT * FROM mb_events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (user_id, after, limit),
        ).fetchall()
        recipient = self._recipient(user_id) if rows else {}
        events = []
        for row in rows:
            data: dict[str, Any] = {}
            if row["notification_id"]:
                data["id"] = row["notification_id"]
                current = self._db.execute(
                    "SELECT * FROM mb_notifications WHERE id = ? AND deleted_at IS NULL",
                    (row["notification_id"],),
                ).fetchone()
                if current is not None:
                    data["notification"] = self._json(current, recipient)
            events.append({"seq": row["seq"], "name": row["name"], "data": data})
        return events

    def last_event(self, user_id: str) -> int:
        row = self._db.execute(
            "SELECT MAX(seq) FROM mb_events WHERE user_id = ?", (user_id,)
        ).fetchone()
        return int(row[0] or 0)

    # ---- idempotency -----------------------------------------------------

    def remembered(self, api_key: str, key: str) -> tuple[int, bytes] | None:
        row = self._db.execute(
            "SELECT status, body FROM mb_idempotency "
            "WHERE api_key = ? AND key = ? AND created_at > ?",
            (api_key, key, time.time() - IDEMPOTENCY_SECONDS),
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def remember(self, api_key: str, key: str, status: int, body: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO mb_idempotency VALUES (?, ?, ?, ?, ?)",
            (api_key, key, status, body, time.time()),
        )

    # ---- helpers ---------------------------------------------------------

    @staticmethod
    def _event(
        db: sqlite3.Connection, user_id: str, name: str, notification_id: str | None
    ) -> None:
        db.execute(
            "INSERT INTO mb_events (user_id, name, notification_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            (user_id, name, notification_id, time.time()),
        )

    @staticmethod
    def _where(user_id: str, filters: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        clauses = ["user_id = ?", "deleted_at IS NULL"]
        params: list[Any] = [user_id]
        for name, column in BOOLEAN_FILTERS.items():
            value = filters.get(name)
            if value is not None:
                clauses.append(f"{column} IS {'NOT NULL' if value else 'NULL'}")
        for name in ("category", "topic"):
            value = filters.get(name)
            if value == "uncategorized" and name == "category":
                clauses.append("category IS NULL")
            elif value is not None:
                clauses.append(f"{name} = ?")
                params.append(value)
        return " AND ".join(clauses), tuple(params)

    def _recipient(self, user_id: str) -> dict[str, Any]:
        user = self._db.execute("SELECT * FROM mb_users WHERE id = ?", (user_id,)).fetchone()
        return {
            "id": user["id"],
            "external_id": user["external_id"],
            "email": user["email"],
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "custom_attributes": json.loads(user["custom_attributes"]),
        }

    @staticmethod
    def _json(row: sqlite3.Row, recipient: dict[str, Any]) -> dict[str, Any]:
        def stamp(value: float | None) -> float | None:
            # Unix seconds as MagicBell sends them, kept to the millisecond so
            # that notifications created in the same second keep their order.
            return None if value is None else round(value, 3)

        return {
            "id": row["id"],
            "title": row["title"],
            "content": row["content"],
            "action_url": row["action_url"],
            "category": row["category"],
            "topic": row["topic"],
            "custom_attributes": json.loads(row["custom_attributes"]),
            "sent_at": stamp(row["sent_at"]),
            "seen_at": stamp(row["seen_at"]),
            "read_at": stamp(row["read_at"]),
            "archived_at": stamp(row["archived_at"]),
            "recipient": recipient,
        }
