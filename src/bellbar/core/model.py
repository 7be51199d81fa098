"""The provider-neutral model the cache, sync engine and UI share.

Frozen dataclasses: a notification is replaced, never mutated, so a value
handed to the UI cannot change under it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class ActionKind(enum.StrEnum):
    """How an action answers: a button sends its label, an input sends typed text."""

    BUTTON = "button"
    INPUT = "input"


@dataclass(frozen=True, slots=True)
class Action:
    """A quick-reply choice attached to a notification."""

    key: str
    label: str
    kind: ActionKind = ActionKind.BUTTON
    placeholder: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """What the user answered; `pending` until the server acknowledged it."""

    content: str
    action: str | None = None
    pending: bool = False


@dataclass(frozen=True, slots=True)
class Notification:
    """One inbox item, as every layer above the adapters sees it.

    Attributes:
        account: id of the account it came from.
        id: the provider's id, unique within the account.
        sender: who sent it (a bot's name, a project), shown above the title.
        sent_at: timezone-aware UTC.
        seen_at / read_at: None while unseen / unread (MagicBell semantics:
            seen = has been in view, read = opened or acted on).
        reply: the user's answer, if any; a question with a reply is settled.
        body_is_html: the provider sends HTML (MagicBell's `content`); the UI
            shows it sanitised, never as given.
        status: a delivery status to show (GOV.UK Notify), "" for none.
        popup: whether this item, when new or when its status changes, is
            worth a pop-up (a Notify message that merely left is not).
            Decided by the adapter each time; not stored.
    """

    account: str
    id: str
    title: str
    body: str
    sent_at: datetime
    sender: str = ""
    url: str = ""
    actions: tuple[Action, ...] = ()
    actions_description: str = ""
    seen_at: datetime | None = None
    read_at: datetime | None = None
    reply: Reply | None = None
    category: str = ""
    body_is_html: bool = False
    icon_url: str = ""
    status: str = ""
    popup: bool = True

    @property
    def is_seen(self) -> bool:
        return self.seen_at is not None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def awaits_answer(self) -> bool:
        """True for a question nobody has answered yet: its buttons stay live."""
        return bool(self.actions) and self.reply is None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an account's provider can do, so the UI only offers what works."""

    stream: bool = False
    reply: bool = False
    unread: bool = False
    archive: bool = False
    delete: bool = False
    send_test: bool = False  # the server can send this user a test message


@dataclass(frozen=True, slots=True)
class Account:
    """A configured account. Holds no secret: the token lives in the keyring.

    `options` carries provider-specific, non-secret fields (a user id, a
    project id) as strings.
    """

    id: str
    name: str
    provider: str
    url: str
    options: dict[str, str] = field(default_factory=dict)
    enabled: bool = True


class SyncState(enum.StrEnum):
    """The account's connection as the status line shows it."""

    CONNECTING = "connecting"
    LIVE = "live"
    POLLING = "polling"
    RETRYING = "retrying"
    SIGNED_OUT = "signed out"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """Where an account's sync stands, with a human sentence for the UI."""

    state: SyncState
    detail: str = ""
    retry_at: datetime | None = None
