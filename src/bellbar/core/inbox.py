"""The inbox as the UI sees it: one object over the cache and every account.

`Inbox` turns user intentions (reply, mark read, mark all read, seen) into
optimistic cache changes plus outbox entries, starts one `AccountSync` per
account, and announces what changed through `Signal`s the UI connects to.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bellbar.core.cache import Cache
from bellbar.core.errors import KeyringUnavailable
from bellbar.core.model import (
    Account,
    AccountStatus,
    ActionKind,
    Capabilities,
    Notification,
    SyncState,
)
from bellbar.core.secrets import SecretStore
from bellbar.core.signals import Signal
from bellbar.core.sync import AccountSync
from bellbar.core.timefmt import utc_now
from bellbar.providers import make_provider
from bellbar.providers.base import Page, ProviderError

log = logging.getLogger(__name__)

# Older arrivals (a first sync of a long history) go to the inbox quietly.
POPUP_MAX_AGE = timedelta(minutes=10)


class Inbox:
    """All accounts' notifications, and the actions a user can take on them.

    Signals:
        changed(): counts or items changed; views refresh.
        arrived(notifications): new, unanswered, recent items worth a pop-up.
        updated(notification): one item changed (read, answered) anywhere.
        status_changed(account, status)
        action_failed(account, message): the server refused a user action.
    """

    def __init__(self, cache: Cache, secrets: SecretStore, *, poll_seconds: float = 30.0):
        self.cache = cache
        self._secrets = secrets
        self._poll_seconds = poll_seconds
        self._accounts: dict[str, Account] = {}
        self._syncs: dict[str, AccountSync] = {}
        self.badge_counts_unread = False
        self.last_event_at: dict[str, datetime] = {}  # account id → when its last change came
        self.changed: Signal[[]] = Signal()
        self.arrived: Signal[[list[Notification]]] = Signal()
        self.updated: Signal[[Notification]] = Signal()
        self.status_changed: Signal[[Account, AccountStatus]] = Signal()
        self.action_failed: Signal[[Account, str]] = Signal()

    # ---- lifecycle ------------------------------------------------------

    def start(self, accounts: list[Account]) -> None:
        """Begin syncing every enabled account whose token is in the store."""
        for account in accounts:
            if not account.enabled:
                continue
            self._accounts[account.id] = account
            try:
                token = self._secrets.get(account.id)
            except KeyringUnavailable as exc:
                self.status_changed.emit(account, AccountStatus(SyncState.SIGNED_OUT, str(exc)))
                continue
            if not token:
                self.status_changed.emit(
                    account, AccountStatus(SyncState.SIGNED_OUT, "no token in the keyring")
                )
                continue
            sync = AccountSync(
                account.id,
                make_provider(account, token),
                self.cache,
                poll_seconds=_poll_seconds(account, self._poll_seconds),
            )
            sync.received.connect(self._on_received)
            sync.acknowledged.connect(self._on_acknowledged)
            sync.status_changed.connect(self._on_status)
            sync.action_failed.connect(self._on_action_failed)
            self._syncs[account.id] = sync
            sync.start()

    async def stop(self) -> None:
        for sync in self._syncs.values():
            await sync.stop()
        self._syncs.clear()

    async def stop_account(self, account_id: str, *, forget: bool = False) -> None:
        """Stop syncing one account (disabled or removed in the settings);
        `forget` also drops its cached notifications and queued actions."""
        sync = self._syncs.pop(account_id, None)
        self._accounts.pop(account_id, None)
        self.last_event_at.pop(account_id, None)
        if sync is not None:
            await sync.stop()
        if forget:
            self.cache.forget_account(account_id)
            self.changed.emit()

    def update_account(self, account: Account) -> None:
        """Take changed options that need no new connection (pop-ups on or off)."""
        if account.id in self._accounts:
            self._accounts[account.id] = account

    def account(self, account_id: str) -> Account | None:
        return self._accounts.get(account_id)

    def statuses(self) -> dict[str, AccountStatus]:
        return {aid: sync.status for aid, sync in self._syncs.items()}

    # ---- reading --------------------------------------------------------

    def badge_count(self) -> int:
        return self.cache.count_unread() if self.badge_counts_unread else self.cache.count_unseen()

    # ---- user actions ---------------------------------------------------

    def reply(self, item: Notification, action_key: str | None, text: str = "") -> None:
        """Answer `item` with one of its actions (or free text when `action_key`
        is None). A button sends its label; an input action sends `text`."""
        action = next((a for a in item.actions if a.key == action_key), None)
        if action_key is not None and action is None:
            raise ValueError(f"{item.id} has no action {action_key!r}")
        if action is not None and action.kind is ActionKind.BUTTON:
            content = action.label
        else:
            content = text.strip()
            if not content:
                raise ValueError("an empty reply cannot be sent")
        self.cache.record_reply(item.account, item.id, action=action_key, content=content)
        self._after_local_change(item)

    def mark_read(self, item: Notification) -> None:
        if item.is_read:
            return
        self.cache.record_read(item.account, item.id)
        self._after_local_change(item)

    def mark_unread(self, item: Notification) -> None:
        if item.is_read:
            self.cache.record_unread(item.account, item.id)
            self._after_local_change(item)

    def archive(self, item: Notification) -> None:
        self.cache.record_removal(item.account, item.id, "archive")
        self._after_local_change(item)

    def delete(self, item: Notification) -> None:
        self.cache.record_removal(item.account, item.id, "delete")
        self._after_local_change(item)

    def capabilities(self, account_id: str) -> Capabilities:
        """What the account's provider supports (nothing, if it is not syncing)."""
        sync = self._syncs.get(account_id)
        return sync.capabilities if sync is not None else Capabilities()

    async def send_test(self, account_id: str) -> str:
        """Have the account's server send a test message; a sentence on how it went."""
        sync = self._syncs.get(account_id)
        if sync is None or not sync.capabilities.send_test:
            return "This account cannot send itself a test message."
        try:
            await sync.send_test()
        except ProviderError as exc:
            return f"Not sent: {exc}"
        return "Test message sent: it should pop up in a moment."

    def mark_all_seen(self) -> None:
        """Everything is now in view (the inbox opened)."""
        touched = False
        for account_id in self._syncs:
            ids = self.cache.unseen_ids(account_id)
            if ids:
                self.cache.record_seen(account_id, ids)
                self._syncs[account_id].outbox_added()
                touched = True
        if touched:
            self.changed.emit()

    def mark_all_read(self) -> None:
        for account_id, sync in self._syncs.items():
            self.cache.record_read_all(account_id)
            sync.outbox_added()
        self.changed.emit()

    def _after_local_change(self, item: Notification) -> None:
        sync = self._syncs.get(item.account)
        if sync is not None:
            sync.outbox_added()
        current = self.cache.get(item.account, item.id)
        if current is not None:
            self.updated.emit(current)
        self.changed.emit()

    # ---- from the syncs -------------------------------------------------

    def _on_received(self, account_id: str, fresh: list[Notification], page: Page) -> None:
        self.last_event_at[account_id] = utc_now()
        cutoff = utc_now() - POPUP_MAX_AGE
        worth_a_popup = [
            n
            for n in fresh
            if n.popup and not n.is_read and n.reply is None and n.sent_at >= cutoff
        ]
        fresh_ids = {n.id for n in fresh}
        for item in page.notifications:
            if item.id not in fresh_ids:
                current = self.cache.get(account_id, item.id)
                if current is not None:
                    self.updated.emit(current)
        self.changed.emit()
        if worth_a_popup:
            self.arrived.emit(worth_a_popup)

    def _on_acknowledged(self, item: Notification) -> None:
        self.updated.emit(item)
        self.changed.emit()

    def _on_status(self, account_id: str, status: AccountStatus) -> None:
        account = self._accounts.get(account_id)
        if account is not None:
            self.status_changed.emit(account, status)

    def _on_action_failed(self, account_id: str, message: str) -> None:
        account = self._accounts.get(account_id)
        if account is not None:
            self.action_failed.emit(account, message)
        self.changed.emit()


def _poll_seconds(account: Account, default: float) -> float:
    """An account may poll faster (a local hub) or slower than the default; never
    faster than once a second."""
    try:
        return max(1.0, float(account.options.get("poll_seconds", default)))
    except ValueError:
        return default
