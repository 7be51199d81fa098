"""The hub's SQLite store (WAL): users, bots, messages, replies, idempotency.

Every method is synchronous and short; the ASGI side runs them one at a time
on a dedicated thread (`StoreRunner`) so the event loop never waits on disk
and SQLite sees a single writer. Admin commands open their own connection,
which WAL allows while the server runs.

Each message carries a `version` from one global counter, bumped on every
change (new, seen, read, replied, reply delivered). The app side's changes
feed and event stream are "messages of this user with version > cursor",
which makes catch-up after a disconnect exact.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bellbar.hub.belltastic_store import BelltasticStore
from bellbar.hub.magicbell_store import MagicBellStore
from bellbar.hub.notify_store import NotifyStore
from bellbar.hub.tokens import new_id, new_token, token_hash, token_hint

P = ParamSpec("P")
T = TypeVar("T")

REPLY_RETENTION_SECONDS = 24 * 3600
DEFAULT_MONTHLY_LIMIT = 100_000
TEST_BOT_NAME = "Bellbar"
TEST_MESSAGE = {
    "title": "Test from Bellbar",
    "message": "Notifications from this hub reach you. Press a button to try a reply.",
    "actions": [{"key": "works", "label": "It works"}, {"key": "later", "label": "Later"}],
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('version', 0);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    pat_hash TEXT NOT NULL UNIQUE,
    plan TEXT NOT NULL DEFAULT 'hub',
    monthly_limit INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bots (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    description TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    token_hint TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    reply_url TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    bot_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    seen_at REAL,
    read_at REAL,
    version INTEGER NOT NULL,
    last_event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_feed ON messages (user_id, version);
CREATE TABLE IF NOT EXISTS replies (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    bot_id TEXT NOT NULL,
    content TEXT NOT NULL,
    action TEXT,
    created_at REAL NOT NULL,
    delivery TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS replies_queue ON replies (bot_id, delivery, created_at);
CREATE INDEX IF NOT EXISTS replies_by_message ON replies (message_id, created_at);
CREATE TABLE IF NOT EXISTS idempotency (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE TABLE IF NOT EXISTS usage (
    user_id TEXT NOT NULL,
    month TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (user_id, month)
);
"""

# The message fields a push stores, as they appear on the wire.
PUSH_FIELDS = (
    "message", "title", "url", "image_url", "summary", "format",
    "actions_description", "actions", "reply_mode",
)  # fmt: skip


class QuotaExceeded(Exception):
    """The user's monthly message quota is used up."""


class Store:
    """Synchronous access to the hub database. One connection, one thread."""

    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        self.magicbell = MagicBellStore(self)
        self.belltastic = BelltasticStore(self)
        self.notify = NotifyStore(self)

    @property
    def connection(self) -> sqlite3.Connection:
        """The shared connection, for the other providers' stores."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in one IMMEDIATE transaction (shared by the providers' stores)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            result = fn(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return result

    def _one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
        return row

    def _next_version(self, db: sqlite3.Connection) -> int:
        row = db.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'version' RETURNING value"
        ).fetchone()
        return int(row[0])

    # ---- meta -----------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def meta(self, key: str, default: str = "") -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    # ---- users and bots -------------------------------------------------

    def create_user(self, name: str, monthly_limit: int = DEFAULT_MONTHLY_LIMIT) -> dict[str, str]:
        user_id, user_token, pat = new_id("usr"), new_token("ut"), new_token("pak")
        self._db.execute(
            "INSERT INTO users (id, name, token_hash, pat_hash, monthly_limit, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, name, token_hash(user_token), token_hash(pat), monthly_limit, time.time()),
        )
        return {"user_id": user_id, "user_token": user_token, "pat": pat}

    def user_by_token(self, token: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM users WHERE token_hash = ?", token_hash(token))

    def user_by_pat(self, pat: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM users WHERE pat_hash = ?", token_hash(pat))

    def user(self, user_id: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM users WHERE id = ?", user_id)

    def create_bot(
        self, user_id: str, name: str, description: str | None = None, reply_url: str | None = None
    ) -> tuple[sqlite3.Row, str]:
        """A new bot and its token (shown once; only its hash is kept)."""
        if self.user(user_id) is None:
            raise KeyError(f"no user {user_id}")
        bot_id, token = new_id("bot"), new_token("bt")
        self._db.execute(
            "INSERT INTO bots (id, user_id, name, description, token_hash, token_hint, "
            "webhook_secret, reply_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (bot_id, user_id, name, description, token_hash(token), token_hint(token),
             new_token("whsec"), reply_url or None, time.time()),
        )  # fmt: skip
        bot = self.bot(bot_id)
        assert bot is not None
        return bot, token

    def bot(self, bot_id: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM bots WHERE id = ?", bot_id)

    def bot_by_token(self, token: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM bots WHERE token_hash = ?", token_hash(token))

    def test_bot(self, user_id: str) -> sqlite3.Row:
        """The user's own "Bellbar" bot, which sends the settings window's test
        messages (made on first use; replies go to its poll queue)."""
        row = self._one(
            "SELECT * FROM bots WHERE user_id = ? AND name = ? ORDER BY created_at",
            user_id,
            TEST_BOT_NAME,
        )
        if row is not None:
            return row
        bot, _ = self.create_bot(user_id, TEST_BOT_NAME, "Test messages sent from Bellbar")
        return bot

    def bots_of(self, user_id: str) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT * FROM bots WHERE user_id = ? ORDER BY created_at", (user_id,)
        ).fetchall()

    def update_bot(self, bot_id: str, changes: dict[str, Any]) -> sqlite3.Row | None:
        allowed = {
            k: v for k, v in changes.items() if k in ("name", "description", "reply_url", "status")
        }
        for column, value in allowed.items():
            self._db.execute(f"UPDATE bots SET {column} = ? WHERE id = ?", (value, bot_id))
        return self.bot(bot_id)

    def delete_bot(self, bot_id: str) -> None:
        self._db.execute("DELETE FROM bots WHERE id = ?", (bot_id,))

    def reset_bot_token(self, bot_id: str) -> str:
        token = new_token("bt")
        self._db.execute(
            "UPDATE bots SET token_hash = ?, token_hint = ? WHERE id = ?",
            (token_hash(token), token_hint(token), bot_id),
        )
        return token

    def reset_webhook_secret(self, bot_id: str) -> str:
        secret = new_token("whsec")
        self._db.execute("UPDATE bots SET webhook_secret = ? WHERE id = ?", (secret, bot_id))
        return secret

    def quota(self, user_id: str) -> dict[str, Any]:
        user = self.user(user_id)
        assert user is not None
        used = self._used_this_month(self._db, user_id)
        limit = int(user["monthly_limit"])
        return {
            "plan": user["plan"],
            "monthly_limit": limit,
            "used": used,
            "remaining": max(0, limit - used),
            "reset_at": _next_month_start(),
        }

    @staticmethod
    def _used_this_month(db: sqlite3.Connection, user_id: str) -> int:
        row = db.execute(
            "SELECT count FROM usage WHERE user_id = ? AND month = ?", (user_id, _month())
        ).fetchone()
        return 0 if row is None else int(row[0])

    # ---- messages -------------------------------------------------------

    def push(
        self, bot: sqlite3.Row, fields: dict[str, Any], *, at: float | None = None
    ) -> dict[str, Any]:
        """Store a validated push; raises QuotaExceeded when the month is used up.

        `at` backdates the message (demo data only)."""
        [stored] = self.push_many([(bot, fields)], at=at)
        if isinstance(stored, QuotaExceeded):
            raise stored
        return stored

    def push_many(
        self, pushes: list[tuple[sqlite3.Row, dict[str, Any]]], *, at: float | None = None
    ) -> list[dict[str, Any] | QuotaExceeded]:
        """Store many validated pushes in one transaction (group commit), each
        answered on its own: the stored message, or QuotaExceeded for it."""

        def write(db: sqlite3.Connection) -> list[dict[str, Any] | QuotaExceeded]:
            results: list[dict[str, Any] | QuotaExceeded] = []
            for bot, fields in pushes:
                user_id = bot["user_id"]
                user = db.execute(
                    "SELECT monthly_limit FROM users WHERE id = ?", (user_id,)
                ).fetchone()
                if self._used_this_month(db, user_id) >= int(user["monthly_limit"]):
                    results.append(QuotaExceeded())
                    continue
                db.execute(
                    "INSERT INTO usage VALUES (?, ?, 1) ON CONFLICT (user_id, month) "
                    "DO UPDATE SET count = count + 1",
                    (user_id, _month()),
                )
                message_id = new_id("msg")
                now = time.time() if at is None else at
                body = {k: fields[k] for k in PUSH_FIELDS if k in fields}
                db.execute(
                    "INSERT INTO messages (id, bot_id, user_id, body, created_at, version, "
                    "last_event) VALUES (?, ?, ?, ?, ?, ?, 'notifications/new')",
                    (message_id, bot["id"], user_id, json.dumps(body), now, self._next_version(db)),
                )
                results.append({"message_id": message_id, "created_at": now, "user_id": user_id})
            return results

        return self.write(write)

    def message(self, user_id: str, message_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            f"{_MESSAGE_SELECT} WHERE m.user_id = ? AND m.id = ?", (user_id, message_id)
        ).fetchone()
        return None if row is None else self._message_json(row)

    def changes(self, user_id: str, after: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """The user's messages changed after version `after`, oldest change first."""
        rows = self._db.execute(
            f"{_MESSAGE_SELECT} WHERE m.user_id = ? AND m.version > ? ORDER BY m.version LIMIT ?",
            (user_id, after, limit + 1),
        ).fetchall()
        return [self._message_json(r) for r in rows[:limit]], len(rows) > limit

    def current_version(self) -> int:
        row = self._db.execute("SELECT value FROM counters WHERE name = 'version'").fetchone()
        return int(row[0])

    def mark_read(self, user_id: str, message_ids: list[str]) -> int:
        return self._touch(user_id, message_ids, "read_at", "notifications/read")

    def mark_seen(self, user_id: str, message_ids: list[str]) -> int:
        return self._touch(user_id, message_ids, "seen_at", "notifications/seen")

    def mark_all_read(self, user_id: str) -> int:
        ids = [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM messages WHERE user_id = ? AND read_at IS NULL", (user_id,)
            )
        ]
        return self.mark_read(user_id, ids)

    def _touch(self, user_id: str, message_ids: list[str], column: str, event: str) -> int:
        """Set `column` (and seen_at with read_at) where unset; bump versions."""

        def write(db: sqlite3.Connection) -> int:
            now, changed = time.time(), 0
            for message_id in message_ids:
                version = self._next_version(db)
                cursor = db.execute(
                    f"UPDATE messages SET {column} = ?, seen_at = COALESCE(seen_at, ?), "
                    "version = ?, last_event = ? "
                    f"WHERE user_id = ? AND id = ? AND {column} IS NULL",
                    (now, now, version, event, user_id, message_id),
                )
                changed += cursor.rowcount
            return changed

        return self.write(write)

    # ---- replies --------------------------------------------------------

    def add_reply(
        self,
        user_id: str,
        message_id: str,
        *,
        content: str,
        action: str | None,
        idempotency_key: str | None,
        respond: Callable[[dict[str, Any]], tuple[int, str]],
    ) -> tuple[int, str, str | None]:
        """Store a reply (once per idempotency key) and return (status, body, reply_id).

        `respond` renders the updated message into the HTTP answer, inside the
        same transaction, so a repeated key gets exactly the first answer and
        `reply_id` None (nothing new to deliver).
        """

        def write(db: sqlite3.Connection) -> tuple[int, str, str | None]:
            if idempotency_key:
                seen = db.execute(
                    "SELECT status, body FROM idempotency WHERE user_id = ? AND key = ? "
                    "AND created_at > ?",
                    (user_id, idempotency_key, time.time() - REPLY_RETENTION_SECONDS),
                ).fetchone()
                if seen is not None:
                    return int(seen[0]), str(seen[1]), None
            bot_id = db.execute(
                "SELECT bot_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()[0]
            reply_id, now = new_id("rpl"), time.time()
            db.execute(
                "INSERT INTO replies VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                (reply_id, message_id, bot_id, content, action, now),
            )
            db.execute(
                "UPDATE messages SET read_at = COALESCE(read_at, ?), "
                "seen_at = COALESCE(seen_at, ?), version = ?, "
                "last_event = 'notifications/replied' WHERE id = ?",
                (now, now, self._next_version(db), message_id),
            )
            message = self.message(user_id, message_id)
            assert message is not None
            status, body = respond(message)
            if idempotency_key:
                db.execute(
                    "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?)",
                    (user_id, idempotency_key, status, body, now),
                )
            return status, body, reply_id

        return self.write(write)

    def reply_for_delivery(self, reply_id: str) -> dict[str, Any] | None:
        """The reply joined with its bot's webhook settings."""
        row = self._db.execute(
            "SELECT r.*, b.reply_url, b.webhook_secret, m.user_id FROM replies r "
            "JOIN bots b ON b.id = r.bot_id JOIN messages m ON m.id = r.message_id "
            "WHERE r.id = ?",
            (reply_id,),
        ).fetchone()
        return None if row is None else dict(row)

    def set_delivery(self, reply_id: str, delivery: str) -> str | None:
        """Record how a reply reached its bot; returns the owning user's id."""

        def write(db: sqlite3.Connection) -> str | None:
            row = db.execute(
                "UPDATE replies SET delivery = ? WHERE id = ? RETURNING message_id",
                (delivery, reply_id),
            ).fetchone()
            if row is None:
                return None
            found = db.execute(
                "UPDATE messages SET version = ?, last_event = 'notifications/reply_delivered' "
                "WHERE id = ? RETURNING user_id",
                (self._next_version(db), row[0]),
            ).fetchone()
            return None if found is None else str(found[0])

        return self.write(write)

    def requeue_pending(self) -> list[str]:
        """Replies whose webhook delivery a crash interrupted go to the poll queue."""
        rows = self._db.execute("SELECT id FROM replies WHERE delivery = 'pending'").fetchall()
        for row in rows:
            self.set_delivery(row[0], "queued")
        return [row[0] for row in rows]

    def poll(
        self, bot_id: str, since: float | None, limit: int
    ) -> tuple[list[dict[str, Any]], bool, set[str]]:
        """Take (destructively) the bot's queued replies, oldest first.

        Returns the poll items, whether more wait, and the users to notify.
        """

        def write(db: sqlite3.Connection) -> tuple[list[dict[str, Any]], bool, set[str]]:
            cutoff = time.time() - REPLY_RETENTION_SECONDS
            floor = max(cutoff, since) if since is not None else cutoff
            rows = db.execute(
                "SELECT r.*, m.user_id FROM replies r JOIN messages m ON m.id = r.message_id "
                "WHERE r.bot_id = ? AND r.delivery = 'queued' AND r.created_at > ? "
                "ORDER BY r.created_at LIMIT ?",
                (bot_id, floor, limit + 1),
            ).fetchall()
            taken = rows[:limit]
            users = set()
            for row in taken:
                db.execute("UPDATE replies SET delivery = 'polled' WHERE id = ?", (row["id"],))
                db.execute(
                    "UPDATE messages SET version = ?, last_event = 'notifications/reply_delivered' "
                    "WHERE id = ?",
                    (self._next_version(db), row["message_id"]),
                )
                users.add(row["user_id"])
            items = [
                {
                    "message_id": r["id"],
                    "reply_to": r["message_id"],
                    "content": r["content"],
                    "action": r["action"],
                    "timestamp": int(r["created_at"]),
                }
                for r in taken
            ]
            return items, len(rows) > limit, users

        return self.write(write)

    # ---- rendering ------------------------------------------------------

    def _message_json(self, row: sqlite3.Row) -> dict[str, Any]:
        body = json.loads(row["body"])
        reply = self._db.execute(
            "SELECT id, content, action, created_at, delivery FROM replies "
            "WHERE message_id = ? ORDER BY created_at DESC LIMIT 1",
            (row["id"],),
        ).fetchone()
        return {
            "message_id": row["id"],
            "bot_id": row["bot_id"],
            "bot_name": row["bot_name"] or "",
            "title": body.get("title"),
            "message": body["message"],
            "summary": body.get("summary"),
            "url": body.get("url"),
            "image_url": body.get("image_url"),
            "format": body.get("format", "text"),
            "actions_description": body.get("actions_description"),
            "actions": body.get("actions", []),
            "reply_mode": body.get("reply_mode", "open"),
            "timestamp": round(row["created_at"], 3),
            "seen_at": row["seen_at"],
            "read_at": row["read_at"],
            "reply": None
            if reply is None
            else {
                "reply_id": reply["id"],
                "content": reply["content"],
                "action": reply["action"],
                "timestamp": round(reply["created_at"], 3),
                "delivery": reply["delivery"],
            },
            "event": row["last_event"],
            "version": row["version"],
        }


_MESSAGE_SELECT = (
    "SELECT m.*, b.name AS bot_name FROM messages m LEFT JOIN bots b ON b.id = m.bot_id"
)


def _month() -> str:
    return time.strftime("%Y-%m", time.gmtime())


def _next_month_start() -> int:
    now = time.gmtime()
    year, month = (now.tm_year + 1, 1) if now.tm_mon == 12 else (now.tm_year, now.tm_mon + 1)
    return int(time.mktime((year, month, 1, 0, 0, 0, 0, 0, 0)) - time.timezone)


class StoreRunner:
    """Runs `Store` calls on one dedicated thread, so the event loop never blocks."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-db")

    async def __call__(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.store.close()
