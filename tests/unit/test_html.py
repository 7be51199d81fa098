"""Provider HTML comes out inert."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bellbar.core.html import ALLOWED, html_to_text, sanitize_html


def test_formatting_survives_and_danger_does_not() -> None:
    html = (
        '<p>Hi <b>Ann</b> <script>alert(1)</script><img src="https://tracker.example/p.gif">'
        '<a href="javascript:alert(1)">bad</a> <a href="https://ok.example/x?a=1&b=2">ok</a>'
        '<a href="mailto:ops@example.com">mail</a><style>p{}</style><iframe src=x>f</iframe></p>'
    )
    clean = sanitize_html(html)
    assert clean == (
        "<p>Hi <b>Ann</b> <span>bad</span> "
        '<a href="https://ok.example/x?a=1&amp;b=2">ok</a>'
        '<a href="mailto:ops@example.com">mail</a></p>'
    )


def test_attributes_and_unknown_tags_are_dropped_and_everything_is_closed() -> None:
    assert sanitize_html('<div onclick="x()"><em style="x">a</div>') == "<em>a</em>"
    assert sanitize_html("<b>1 < 2 &amp; 3</b>") == "<b>1 &lt; 2 &amp; 3</b>"


def test_text_for_rows() -> None:
    assert (
        html_to_text("<p>Line one</p><p>Line <b>two</b><script>x</script></p>")
        == "Line one\nLine two"
    )


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcipscriptimgonerrorhref:javascript"))))
def test_only_allowed_tags_and_safe_hrefs_come_out(html: str) -> None:
    for tag, attributes in re.findall(r"<([a-z]+)([^>]*)>", sanitize_html(html)):
        assert tag in ALLOWED
        assert attributes == "" or (
            tag == "a" and re.fullmatch(r' href="(https?|mailto):[^"]*"', attributes)
        )
