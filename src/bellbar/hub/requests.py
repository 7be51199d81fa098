"""Request reading shared by every mount: bounded bodies and bounded integers.

Each mount turns these errors into its own provider's error shape.
"""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    """The body passed the mount's limit; it was not buffered whole."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read in chunks and refused as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def bounded_int(raw: str | None, default: int, low: int, high: int, name: str) -> int:
    """A query parameter as an int in [low, high]; ValueError says what is wrong."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value
