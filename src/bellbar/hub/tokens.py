"""Ids, tokens and their hashes.

Bearer tokens (user tokens, PATs, bot tokens) are stored only as SHA-256
hashes, so a copy of the hub's database does not hand out working tokens.
Webhook secrets must be kept readable: the hub signs with them.
"""

from __future__ import annotations

import hashlib
import secrets


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(24)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_hint(token: str) -> str:
    """What `GET /bots/{id}` shows instead of the token."""
    return f"{token[:3]}…{token[-4:]}"
