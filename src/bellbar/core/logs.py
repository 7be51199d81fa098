"""Logging set-up: a rotating file in the platform log dir, secrets redacted.

Redaction happens in a filter on the handlers, so a token that slips into a
message or an exception text (an httpx URL with a push token in it, say) is
replaced before anything reaches the disk or the terminal.
"""

from __future__ import annotations

import logging
import logging.handlers
import re

from bellbar.core.paths import AppPaths

# Token shapes Bellbar's providers use: bot tokens, PATs, user tokens, webhook secrets.
_TOKEN_PATTERN = re.compile(r"\b(bt|pak|ut|whsec)_[A-Za-z0-9_\-]{6,}")
_known_secrets: set[str] = set()


def register_secret(secret: str) -> None:
    """Redact `secret` from every log record from now on."""
    if len(secret) >= 6:
        _known_secrets.add(secret)


def redact(text: str) -> str:
    """`text` with known secrets and token-shaped strings replaced by ***."""
    for secret in _known_secrets:
        text = text.replace(secret, "***")
    return _TOKEN_PATTERN.sub(lambda m: f"{m.group(1)}_***", text)


class RedactingFilter(logging.Filter):
    """Renders the record's message once, redacted, and drops the arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def setup_logging(paths: AppPaths, *, debug: bool = False) -> None:
    """Log to a rotating file (and stderr) at INFO, or DEBUG with --debug."""
    paths.log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    file_handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    stderr_handler = logging.StreamHandler()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    for handler in (file_handler, stderr_handler):
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    # httpx logs every request URL at INFO; push URLs carry tokens, and the
    # redaction filter catches them, but the noise is not worth keeping.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("qasync").setLevel(logging.INFO)  # it logs every callback at DEBUG
