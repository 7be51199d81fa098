"""The hub's GOV.UK Notify tables: services, API keys, templates, notifications,
received texts and the callback queue.

Shares the hub's SQLite connection and thread (see `store.Store`). Delivery
is simulated: a notification moves created → sending → its outcome over a
few seconds (`advance`), the outcome chosen by Notify's test numbers and
addresses; each move can queue a delivery-receipt callback.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bellbar.hub.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS nt_services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sms_sender TEXT NOT NULL,
    email_from TEXT NOT NULL,
    delivery_callback_url TEXT,
    delivery_callback_token TEXT,
    inbound_callback_url TEXT,
    inbound_callback_token TEXT,
    daily_limit INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS nt_api_keys (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    name TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS nt_templates (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    service_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    subject TEXT,
    created_at REAL NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS nt_notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL,
    type TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '{}',
    reference TEXT,
    body TEXT NOT NULL,
    subject TEXT,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at REAL NOT NULL,
    sent_at REAL,
    completed_at REAL
);
CREATE INDEX IF NOT EXISTS nt_notifications_service ON nt_notifications (service_id, seq);
CREATE INDEX IF NOT EXISTS nt_notifications_moving ON nt_notifications (status)
    WHERE status IN ('created', 'sending');
CREATE TABLE IF NOT EXISTS nt_inbound (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL,
    user_number TEXT NOT NULL,
    notify_number TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS nt_callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    token TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL
);
"""

PLACEHOLDER = re.compile(r"\(\(([^()]+?)\)\)")
SENDING_AFTER = 1.0  # seconds in "created"
OUTCOME_AFTER = 2.5  # seconds after creation, the final status

# Notify's simulated recipients: these never reach anyone, and end as named.
TEST_OUTCOMES = {
    "07700900000": "delivered",
    "07700900111": "delivered",
    "07700900222": "delivered",
    "07700900001": "technical-failure",
    "07700900002": "permanent-failure",
    "07700900003": "temporary-failure",
    "simulate-delivered@notifications.service.gov.uk": "delivered",
    "simulate-delivered-2@notifications.service.gov.uk": "delivered",
    "simulate-delivered-3@notifications.service.gov.uk": "delivered",
    "technical-fail@simulator.notify": "technical-failure",
    "perm-fail@simulator.notify": "permanent-failure",
    "temp-fail@simulator.notify": "temporary-failure",
}


def iso(moment: float | None) -> str | None:
    """Notify's timestamps: `2026-11-24T15:00:00.000000Z`."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def placeholders(*texts: str | None) -> list[str]:
    """The personalisation a template needs, in order of first use."""
    found: list[str] = []
    for text in texts:
        for name in PLACEHOLDER.findall(text or ""):
            if name.strip() not in found:
                found.append(name.strip())
    return found


def fill(text: str | None, personalisation: dict[str, Any]) -> str | None:
    if text is None:
        return None
    return PLACEHOLDER.sub(lambda m: str(personalisation.get(m.group(1).strip(), m.group(0))), text)


class NotifyStore:
    """Notify queries on the hub's connection (called on its store thread)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db: sqlite3.Connection = store.connection
        self._db.executescript(SCHEMA)

    # ---- services, keys, templates ---------------------------------------------

    def create_service(
        self,
        name: str,
        *,
        callback_url: str | None = None,
        callback_token: str | None = None,
        daily_limit: int = 250_000,
    ) -> dict[str, str]:
        service_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
        key_name = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "key"
        now = time.time()
        self._db.execute(
            "INSERT INTO nt_services VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (service_id, name, "07700900999", f"{key_name}@notifications.service.gov.uk",
             callback_url, callback_token, callback_url, callback_token, daily_limit, now),
        )  # fmt: skip
        self._db.execute(
            "INSERT INTO nt_api_keys VALUES (?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), service_id, key_name, secret, now),
        )
        return {"service_id": service_id, "api_key": f"{key_name}-{service_id}-{secret}"}

    def service(self, service_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT * FROM nt_services WHERE id = ?", (service_id,)
        ).fetchone()
        return row

    def secrets_of(self, service_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT secret FROM nt_api_keys WHERE service_id = ?", (service_id,)
        )
        return [row[0] for row in rows]

    def create_template(
        self, service_id: str, kind: str, name: str, body: str, subject: str | None = None
    ) -> str:
        if self.service(service_id) is None:
            raise KeyError(f"no service {service_id}")
        template_id = str(uuid.uuid4())
        self._db.execute(
            "INSERT INTO nt_templates VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
            (template_id, service_id, kind, name, body, subject, time.time()),
        )
        return template_id

    def template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> dict[str, Any] | None:
        rows = self._db.execute(
            "SELECT * FROM nt_templates WHERE id = ? AND service_id = ? "
            "AND (? IS NULL OR version = ?) ORDER BY version DESC LIMIT 1",
            (template_id, service_id, version, version),
        ).fetchall()
        return None if not rows else self._template_json(rows[0])

    def templates(self, service_id: str, kind: str | None) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT * FROM nt_templates t WHERE service_id = ? AND (? IS NULL OR type = ?) "
            "AND version = (SELECT MAX(version) FROM nt_templates WHERE id = t.id) "
            "ORDER BY created_at",
            (service_id, kind, kind),
        ).fetchall()
        return [self._template_json(r) for r in rows]

    # ---- notifications ---------------------------------------------------------

    def sent_today(self, service_id: str) -> int:
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        row = self._db.execute(
            "SELECT COUNT(*) FROM nt_notifications WHERE service_id = ? AND created_at >= ?",
            (service_id, midnight.timestamp()),
        ).fetchone()
        return int(row[0])

    def create_notification(
        self,
        service_id: str,
        kind: str,
        template: dict[str, Any],
        recipient: str,
        personalisation: dict[str, Any],
        reference: str | None,
        address: dict[str, str] | None = None,
        *,
        at: float | None = None,
    ) -> dict[str, Any]:
        """`at` backdates it (demo data); delivery then catches up at once."""
        notification_id = str(uuid.uuid4())
        body = fill(template["body"], personalisation) or ""
        subject = fill(template["subject"], personalisation)
        self._db.execute(
            "INSERT INTO nt_notifications (id, service_id, type, template_id, template_version, "
            "recipient, address, reference, body, subject, status, outcome, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?)",
            (notification_id, service_id, kind, template["id"], template["version"], recipient,
             json.dumps(address or {}), reference, body, subject,
             TEST_OUTCOMES.get(recipient.lower(), "delivered"), at or time.time()),
        )  # fmt: skip
        found = self.notification(service_id, notification_id)
        assert found is not None
        return found

    def notification(self, service_id: str, notification_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT * FROM nt_notifications WHERE id = ? AND service_id = ?",
            (notification_id, service_id),
        ).fetchone()
        return None if row is None else self._notification_json(row)

    def notifications(
        self, service_id: str, filters: dict[str, Any], older_than: str | None, limit: int
    ) -> list[dict[str, Any]] | None:
        """Newest first; None when `older_than` names no notification of this service."""
        clauses, params = ["service_id = ?"], [service_id]
        if older_than:
            row = self._db.execute(
                "SELECT seq FROM nt_notifications WHERE id = ? AND service_id = ?",
                (older_than, service_id),
            ).fetchone()
            if row is None:
                return None
            clauses.append("seq < ?")
            params.append(row[0])
        if filters.get("template_type"):
            clauses.append("type = ?")
            params.append(filters["template_type"])
        if filters.get("reference"):
            clauses.append("reference = ?")
            params.append(filters["reference"])
        statuses = filters.get("status") or []
        if statuses:
            clauses.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        rows = self._db.execute(
            f"SELECT * FROM nt_notifications WHERE {' AND '.join(clauses)} "
            "ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [self._notification_json(r) for r in rows]

    def advance(self, now: float | None = None) -> list[dict[str, Any]]:
        """Move due notifications one step; returns those that moved (for callbacks)."""
        now = time.time() if now is None else now

        def write(db: sqlite3.Connection) -> list[dict[str, Any]]:
            moved = db.execute(
                "UPDATE nt_notifications SET status = 'sending', sent_at = ? "
                "WHERE status = 'created' AND created_at <= ? RETURNING id",
                (now, now - SENDING_AFTER),
            ).fetchall()
            done = db.execute(
                "UPDATE nt_notifications SET status = outcome, completed_at = ? "
                "WHERE status = 'sending' AND created_at <= ? RETURNING id",
                (now, now - OUTCOME_AFTER),
            ).fetchall()
            ids = [r[0] for r in moved] + [r[0] for r in done]
            rows = [
                db.execute("SELECT * FROM nt_notifications WHERE id = ?", (i,)).fetchone()
                for i in ids
            ]
            return [self._notification_json(r) | {"service_id": r["service_id"]} for r in rows]

        return self._store.write(write)

    def has_moving(self) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM nt_notifications WHERE status IN ('created', 'sending') LIMIT 1"
        ).fetchone()
        return row is not None

    # ---- received texts ----------------------------------------------------------

    def receive_text(self, service_id: str, user_number: str, content: str) -> dict[str, Any]:
        """A text from `user_number` arrives; the inbound callback is queued."""
        service = self.service(service_id)
        if service is None:
            raise KeyError(f"no service {service_id}")
        text_id = str(uuid.uuid4())
        self._db.execute(
            "INSERT INTO nt_inbound (id, service_id, user_number, notify_number, content, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (text_id, service_id, user_number, service["sms_sender"], content, time.time()),
        )
        found = self.received(service_id, None, 1)
        assert found
        if service["inbound_callback_url"]:
            text = found[0]
            self.queue_callback(
                service["inbound_callback_url"],
                service["inbound_callback_token"] or "",
                {
                    "id": text["id"],
                    "source_number": text["user_number"],
                    "destination_number": text["notify_number"],
                    "message": text["content"],
                    "date_received": text["created_at"],
                },
            )
        return found[0]

    def received(
        self, service_id: str, older_than: str | None, limit: int
    ) -> list[dict[str, Any]] | None:
        bound = 2**62
        if older_than:
            row = self._db.execute(
                "SELECT seq FROM nt_inbound WHERE id = ? AND service_id = ?",
                (older_than, service_id),
            ).fetchone()
            if row is None:
                return None
            bound = row[0]
        rows = self._db.execute(
            "SELECT * FROM nt_inbound WHERE service_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            (service_id, bound, limit),
        ).fetchall()
        return [
            {
                "id": r["id"],
                "user_number": r["user_number"],
                "notify_number": r["notify_number"],
                "created_at": iso(r["created_at"]),
                "service_id": r["service_id"],
                "content": r["content"],
            }
            for r in rows
        ]

    # ---- callbacks ---------------------------------------------------------------

    def queue_callback(self, url: str, token: str, body: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO nt_callbacks (url, token, body, next_at) VALUES (?, ?, ?, ?)",
            (url, token, json.dumps(body), time.time()),
        )

    def due_callbacks(self, limit: int = 50) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT * FROM nt_callbacks WHERE next_at <= ? ORDER BY id LIMIT ?",
            (time.time(), limit),
        ).fetchall()

    def callback_done(self, callback_id: int) -> None:
        self._db.execute("DELETE FROM nt_callbacks WHERE id = ?", (callback_id,))

    def callback_failed(self, callback_id: int, retry_in: float | None) -> None:
        """Try again in `retry_in` seconds, or give up (None)."""
        if retry_in is None:
            self.callback_done(callback_id)
            return
        self._db.execute(
            "UPDATE nt_callbacks SET attempts = attempts + 1, next_at = ? WHERE id = ?",
            (time.time() + retry_in, callback_id),
        )

    # ---- rendering ---------------------------------------------------------------

    @staticmethod
    def _template_json(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "type": row["type"],
            "created_at": iso(row["created_at"]),
            "updated_at": None,
            "created_by": "bellbar-hub",
            "version": row["version"],
            "body": row["body"],
            "subject": row["subject"],
            "name": row["name"],
            "personalisation": {
                name: {"required": True} for name in placeholders(row["body"], row["subject"])
            },
            "postage": "second" if row["type"] == "letter" else None,
            "letter_contact_block": None,
        }

    @staticmethod
    def _notification_json(row: sqlite3.Row) -> dict[str, Any]:
        kind = row["type"]
        address = json.loads(row["address"])
        return {
            "id": row["id"],
            "reference": row["reference"],
            "email_address": row["recipient"] if kind == "email" else None,
            "phone_number": row["recipient"] if kind == "sms" else None,
            **{f"line_{i}": address.get(f"address_line_{i}") for i in range(1, 8)},
            "postcode": address.get("postcode"),
            "postage": "second" if kind == "letter" else None,
            "type": kind,
            "status": row["status"],
            "template": {
                "id": row["template_id"],
                "version": row["template_version"],
                "uri": f"/v2/template/{row['template_id']}/version/{row['template_version']}",
            },
            "body": row["body"],
            "subject": row["subject"],
            "created_at": iso(row["created_at"]),
            "created_by_name": None,
            "sent_at": iso(row["sent_at"]),
            "completed_at": iso(row["completed_at"]),
            "scheduled_for": None,
        }
