"""Tests of the Telegram HTML scanner used by the fake Bot API."""

from __future__ import annotations

import pytest

from .telegram_html import HtmlParseError, parse_html


def test_parse_html_entities() -> None:
    text, entities = parse_html(
        '😀<b>b<i>bi</i></b> <tg-spoiler>s</tg-spoiler> <pre><code class="language-python">x = 1</code></pre>'
        ' <code>c</code> <a href="https://e.com/?a=1&amp;b=2">l</a> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        " &#x41;&#66;&quot;"
    )
    assert text == '😀bbi s x = 1 c l 👍 AB"'
    assert entities == [
        {"type": "bold", "offset": 2, "length": 3},
        {"type": "italic", "offset": 3, "length": 2},
        {"type": "spoiler", "offset": 6, "length": 1},
        {"type": "pre", "offset": 8, "length": 5, "language": "python"},
        {"type": "code", "offset": 14, "length": 1},
        {"type": "text_link", "offset": 16, "length": 1, "url": "https://e.com/?a=1&b=2"},
        {"type": "custom_emoji", "offset": 18, "length": 2, "custom_emoji_id": "5368324170671202286"},
    ]


@pytest.mark.parametrize(
    ("html", "error"),
    [
        (
            "<b class>x</b>",
            'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0',
        ),
        ("<b >x</b ", "Unclosed end tag at byte offset 5"),
        ("<tg-emoji emoji-id=0>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        (
            "&#xD800;",
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
        ),
    ],
)
def test_parse_html_errors(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert str(caught.value) == error
