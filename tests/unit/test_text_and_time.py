"""Display sanitising, link safety, relative times, backoff, redaction."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bellbar.core.backoff import Backoff
from bellbar.core.logs import redact, register_secret
from bellbar.core.text import display_text, is_safe_link
from bellbar.core.timefmt import relative_time


def test_display_text_removes_what_could_spoof_or_hide() -> None:
    hostile = "pay\u202egnp.exe\u200b\x00\x07 <b>now</b>\r\n"
    assert display_text(hostile, 100) == "paygnp.exe <b>now</b>"
    assert display_text("line one\nline two", 100) == "line one\nline two"
    assert display_text("line one\nline two", 100, single_line=True) == "line one line two"


def test_display_text_truncates_with_an_ellipsis() -> None:
    assert display_text("x" * 1_000_000, 10) == "x" * 9 + "…"


@given(st.text(), st.integers(min_value=2, max_value=500))
def test_display_text_is_bounded_and_clean(text: str, limit: int) -> None:
    shown = display_text(text, limit)
    assert len(shown) <= limit
    assert not any(
        ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\x00"
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("mailto:ops@example.com", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<script>", False),
        ("https://", False),
        ("ftp://example.com", False),
        ("  HTTPS://Example.com  ", True),
        ("http://[::1", False),
    ],
)
def test_only_http_https_and_mailto_links_open(url: str, safe: bool) -> None:
    assert is_safe_link(url) is safe


def test_relative_time() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert relative_time(now - timedelta(seconds=10), now) == "just now"
    assert relative_time(now - timedelta(minutes=5), now) == "5 min ago"
    assert relative_time(now - timedelta(hours=3), now) == "3 h ago"
    assert relative_time(now - timedelta(days=1), now) == "yesterday"
    assert relative_time(now - timedelta(days=3), now) == "3 days ago"


def test_backoff_doubles_with_jitter_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_redaction_hides_registered_and_token_shaped_secrets() -> None:
    register_secret("s3cr3t-value-123")
    text = redact("posting to /push/bt_AbCdEf123456 with s3cr3t-value-123 and pak_zzzzzzzzz")
    assert "AbCdEf123456" not in text and "s3cr3t-value-123" not in text and "zzzzzzzzz" not in text
    assert "bt_***" in text and "pak_***" in text
