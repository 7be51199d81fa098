"""Sanitising provider HTML (MagicBell's `content`) before Qt renders it.

An allow-list: a few formatting tags survive; `<a href>` only with http,
https or mailto; everything else is dropped, and `<script>`, `<style>` and
friends lose their content too. No `<img>` survives, so nothing is ever
fetched. Text is re-escaped, so what comes out is well-formed and inert.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from bellbar.core.model import Notification
from bellbar.core.text import display_text, is_safe_link

ALLOWED = frozenset({"b", "strong", "i", "em", "u", "p", "br", "ul", "ol", "li", "code", "pre",
                     "blockquote", "a", "span"})  # fmt: skip
VOID = frozenset({"br"})
DROP_WITH_CONTENT = frozenset({"script", "style", "head", "title", "iframe", "object", "template",
                               "noscript", "svg", "math", "textarea", "select"})  # fmt: skip
BLOCKS = frozenset({"p", "br", "li", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                    "blockquote"})  # fmt: skip


class _Sanitiser(HTMLParser):
    def __init__(self, *, as_text: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.as_text = as_text
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skipping += 1
            return
        if self.skipping:
            return
        if self.as_text:
            if tag in BLOCKS and self.out:
                self.out.append("\n")
            return
        if tag not in ALLOWED:
            return
        if tag == "a":
            href = next((v for k, v in attrs if k == "href" and v), "")
            if not is_safe_link(href):
                self.out.append("<span>")
                self.open.append("span")
                return
            self.out.append(f'<a href="{escape(href.strip(), quote=True)}">')
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or self.as_text:
            return
        if tag == "a" and "span" in self.open and "a" not in self.open:
            tag = "span"
        if tag in self.open:
            while self.open:
                closing = self.open.pop()
                self.out.append(f"</{closing}>")
                if closing == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data if self.as_text else escape(data, quote=False))

    def result(self) -> str:
        if not self.as_text:
            self.out.extend(f"</{tag}>" for tag in reversed(self.open))
        return "".join(self.out)


def sanitize_html(html: str, limit: int = 4000) -> str:
    """Inert, well-formed rich text from untrusted HTML (input cut to `limit`)."""
    parser = _Sanitiser(as_text=False)
    parser.feed(display_text(html, limit))
    parser.close()
    return parser.result()


def html_to_text(html: str, limit: int = 4000) -> str:
    """The readable text of untrusted HTML, for plain-text places (inbox rows)."""
    parser = _Sanitiser(as_text=True)
    parser.feed(html[: limit * 4])
    parser.close()
    return display_text(parser.result(), limit)


def body_text(item: Notification, limit: int = 4000) -> str:
    """A notification's body as plain text, whatever format it came in."""
    return html_to_text(item.body, limit) if item.body_is_html else display_text(item.body, limit)
