"""`bellbar hub admin`: scriptable set-up commands, one JSON object each.

They open the database directly (WAL allows this while `serve` runs).
Secrets appear only in these answers, never in a log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bellbar.hub.botbell import push_url
from bellbar.hub.store import Store

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8025"


def create_user(db_path: Path, name: str) -> dict[str, Any]:
    store = Store(db_path)
    try:
        return store.create_user(name)
    finally:
        store.close()


def create_bot(
    db_path: Path, user_id: str, name: str, reply_url: str | None = None
) -> dict[str, Any]:
    store = Store(db_path)
    try:
        bot, token = store.create_bot(user_id, name, reply_url=reply_url)
        base = store.meta("public_url", DEFAULT_PUBLIC_URL)
        return {
            "bot_id": bot["id"],
            "token": token,
            "push_url": push_url(base, token),
            "webhook_secret": bot["webhook_secret"],
        }
    finally:
        store.close()


def create_magicbell_project(db_path: Path, name: str, *, hmac_required: bool) -> dict[str, Any]:
    store = Store(db_path)
    try:
        return store.magicbell.create_project(name, hmac_required=hmac_required)
    finally:
        store.close()


def create_belltastic_project(db_path: Path, name: str) -> dict[str, Any]:
    store = Store(db_path)
    try:
        return store.belltastic.create_project(name)
    finally:
        store.close()


def create_notify_service(
    db_path: Path, name: str, callback_url: str | None, callback_token: str | None
) -> dict[str, Any]:
    store = Store(db_path)
    try:
        return store.notify.create_service(
            name, callback_url=callback_url, callback_token=callback_token
        )
    finally:
        store.close()


def create_notify_template(
    db_path: Path, service_id: str, kind: str, name: str, body: str, subject: str | None
) -> dict[str, Any]:
    store = Store(db_path)
    try:
        return {"template_id": store.notify.create_template(service_id, kind, name, body, subject)}
    finally:
        store.close()


def notify_inbound(db_path: Path, service_id: str, sender: str, text: str) -> dict[str, Any]:
    store = Store(db_path)
    try:
        return {"id": store.notify.receive_text(service_id, sender, text)["id"]}
    finally:
        store.close()
