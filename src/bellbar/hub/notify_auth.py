"""Notify's API authentication: an HS256 JWT per request, `iss` = service id.

Verified by hand with the standard library (the token format is three
base64url parts), with Notify's own error messages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

CLOCK_SKEW = 30


class NotifyAuthError(Exception):
    """`status` 401 or 403, with Notify's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify(
    authorization: str | None,
    secrets_for: Callable[[str], list[str]],
    now: float | None = None,
) -> str:
    """The service id the request's token proves; NotifyAuthError otherwise."""
    if not authorization:
        raise NotifyAuthError(401, "Unauthorized: authentication token must be provided")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotifyAuthError(401, "Unauthorized: authentication bearer scheme must be used")
    try:
        head_b64, claims_b64, signature_b64 = token.strip().split(".")
        header: Any = json.loads(_b64(head_b64))
        claims: Any = json.loads(_b64(claims_b64))
        signature = _b64(signature_b64)
    except (ValueError, binascii.Error):
        raise NotifyAuthError(403, "Invalid token: signature, api token not found") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise NotifyAuthError(403, "Invalid token: algorithm used is not HS256")
    if not isinstance(claims, dict) or not isinstance(claims.get("iss"), str):
        raise NotifyAuthError(403, "Invalid token: iss field not provided")
    secrets = secrets_for(claims["iss"])
    if not secrets:
        raise NotifyAuthError(403, "Invalid token: service not found")
    signed = f"{head_b64}.{claims_b64}".encode()
    if not any(
        hmac.compare_digest(hmac.new(s.encode(), signed, hashlib.sha256).digest(), signature)
        for s in secrets
    ):
        raise NotifyAuthError(403, "Invalid token: API key not found")
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        raise NotifyAuthError(403, "Invalid token: iat field not provided")
    now = time.time() if now is None else now
    if abs(now - issued) > CLOCK_SKEW:
        raise NotifyAuthError(403, "Error: Your system clock must be accurate to within 30 seconds")
    return str(claims["iss"])
