"""Making untrusted text safe and short enough to show.

Everything a provider sends is untrusted. The UI shows it as plain text
(never as rich text), and first passes it through `display_text`, which
removes what could spoof or hide content: control characters, bidi
overrides and zero-width characters.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Bidi embeddings/overrides/isolates and zero-width characters.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def display_text(text: str, limit: int, *, single_line: bool = False) -> str:
    """`text` without control, bidi-override or zero-width characters, cut to
    `limit` characters with an ellipsis. Newlines survive unless `single_line`."""
    text = _INVISIBLE.sub("", text[: limit * 4])
    kept = []
    for char in text:
        if char in "\n\t" and not single_line:
            kept.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            kept.append(" " if char in "\n\t\r" else "")
        else:
            kept.append(char)
    cleaned = "".join(kept).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def is_safe_link(url: str) -> bool:
    """True when `url` may be opened on a click: http(s) with a host, or mailto."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme == "mailto":
        return bool(parts.path)
    return scheme in ("http", "https") and bool(parts.hostname)
