"""BotBell's JSON envelope: `{code, message, data}`; code 0 is success.

Errors always carry their `code`: the official SDK picks its exception class
from the code, not from the HTTP status.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

AUTH = 40001
FORBIDDEN = 40003
NOT_FOUND = 40004
VALIDATION = 40010
RATE_LIMITED = 40029
QUOTA = 40030
PAUSED = 40033
SERVER = 50000

_STATUS = {
    AUTH: 401, FORBIDDEN: 403, NOT_FOUND: 404, VALIDATION: 400,
    RATE_LIMITED: 429, QUOTA: 403, PAUSED: 403, SERVER: 500,
}  # fmt: skip


class BotBellFailure(Exception):
    """Raised by a route to answer with an error envelope."""

    def __init__(
        self,
        code: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.status = status or _STATUS.get(code, 400)


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "success", "data": data}, status_code=status)


def failure(error: BotBellFailure) -> JSONResponse:
    return JSONResponse(
        {"code": error.code, "message": error.message},
        status_code=error.status,
        headers=error.headers,
    )
