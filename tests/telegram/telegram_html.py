"""Telegram's ``parse_mode=HTML``, re-implemented after tdlib's ``parse_html``.

Telegram parses HTML with a small hand-written scanner (tdlib,
``td/telegram/MessageEntity.cpp``), not with a real HTML parser. This module
follows that scanner step by step so that the fake Bot API accepts exactly what
Telegram accepts and rejects the rest with the same wording and the same *byte*
offsets (offsets count UTF-8 bytes of the original text).

Quirks worth knowing (all faithful to Telegram):

* a raw ``&`` that does not start ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` or a
  numeric reference is kept literally (no error); ``&nbsp;`` stays ``&nbsp;``;
* a raw ``<`` always starts a tag: ``a < b`` fails with
  ``Unsupported start tag "" at byte offset 2``;
* tag and attribute names are ASCII-lowercased; unknown attributes are ignored;
* an end tag without a name (``</>``) closes the innermost open tag.

:func:`parse_html` returns the plain text and Bot API ``MessageEntity`` dicts
(offsets/lengths in UTF-16 code units) or raises :class:`HtmlParseError` whose
message is the part after ``can't parse entities: ``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip

_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}

_SPACE = frozenset(b" \t\r\n\v\0")  # tdlib's is_space() also treats NUL (end of text) as space
_ALPHA = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT = frozenset(b"0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_NAMED_ENTITIES = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}


class HtmlParseError(ValueError):
    """HTML rejected by Telegram; ``str(error)`` is Telegram's detail message."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of all Telegram length limits."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_pos: int


class _Scanner:
    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.i = 0

    def at(self, k: int) -> int:
        return self.data[k] if k < len(self.data) else 0

    def cur(self) -> int:
        return self.at(self.i)

    def decode_entity(self, pos: int) -> tuple[int, int]:
        """Decode an HTML entity at ``pos`` (an ``&``): (code point or 0, position after it)."""
        end = pos + 1
        code = 0
        if self.at(pos + 1) == ord("#"):
            end += 1
            if self.at(pos + 2) == ord("x"):
                end += 1
                while self.at(end) in _HEX:
                    code = code * 16 + int(chr(self.at(end)), 16)
                    end += 1
            else:
                while self.at(end) in _DIGIT:
                    code = code * 10 + self.at(end) - ord("0")
                    end += 1
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return 0, pos
        else:
            while self.at(end) in _ALPHA:
                end += 1
            code = _NAMED_ENTITIES.get(self.data[pos + 1 : end], 0)
            if code == 0:
                return 0, pos
        if self.at(end) == ord(";"):
            end += 1
        return code, end


def _encode_code_point(code: int) -> bytes:
    return chr(code).encode("utf-8", "surrogatepass")


def _check_link(url: str) -> str | None:
    """A loose stand-in for tdlib's LinkManager::get_checked_link (None = entity dropped)."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" in url or url.startswith(("tg:", "mailto:")):
        return url
    return "http://" + url if "." in url else None


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML: (plain text, sorted MessageEntity dicts); raise HtmlParseError."""
    s = _Scanner(text)
    data = s.data
    out = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    while s.i < len(data):
        c = data[s.i]
        if c == ord("&"):
            code, after = s.decode_entity(s.i)
            if code:
                utf16 += 1 + (code > 0xFFFF)
                out += _encode_code_point(code)
                s.i = after
                continue
        if c != ord("<"):
            if c & 0xC0 != 0x80:
                utf16 += 1 + (c >= 0xF0)
            out.append(c)
            s.i += 1
            continue
        begin = s.i
        s.i += 1
        if s.cur() != ord("/"):
            stack.append(_parse_start_tag(s, begin, utf16, len(out)))
        else:
            _close_tag(s, begin, stack, entities, out, utf16)
        s.i += 1  # skip '>'
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:  # tdlib drops a language of a <code> that did not become pre
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    try:
        plain = bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from None
    return plain, entities


def _parse_start_tag(s: _Scanner, begin: int, utf16: int, out_pos: int) -> _OpenTag:
    while s.cur() not in _SPACE and s.cur() != ord(">"):
        s.i += 1
    if s.cur() == 0:
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    tag = s.data[begin + 1 : s.i].lower().decode("utf-8", "replace")
    if tag not in SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    while s.cur() != ord(">"):
        while s.cur() != 0 and s.cur() in _SPACE:
            s.i += 1
        if s.cur() == ord(">"):
            break
        name_begin = s.i
        while s.cur() not in _SPACE and s.cur() not in (ord("="), ord(">")):
            s.i += 1
        attribute = s.data[name_begin : s.i]
        if not attribute:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while s.cur() != 0 and s.cur() in _SPACE:
            s.i += 1
        if s.cur() != ord("="):
            if tag == "blockquote" and attribute == b"expandable":
                argument = "1"
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {begin}"
            )
        s.i += 1
        while s.cur() != 0 and s.cur() in _SPACE:
            s.i += 1
        if s.cur() == 0:
            raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value = _parse_attribute_value(s)
        if s.cur() == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and attribute == b"href":
            argument = value
        elif tag == "code" and attribute == b"class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and attribute == b"class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and attribute == b"emoji-id":
            argument = value
    if tag == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return _OpenTag(tag, argument, utf16, out_pos)


def _parse_attribute_value(s: _Scanner) -> str:
    if s.cur() not in (ord("'"), ord('"')):
        token_begin = s.i  # a name token: letters, digits, periods, hyphens; case-insensitive
        while s.cur() in _ALPHA or s.cur() in _DIGIT or s.cur() in (ord("."), ord("-")):
            s.i += 1
        if s.cur() not in _SPACE and s.cur() != ord(">"):
            raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
        return s.data[token_begin : s.i].lower().decode("ascii")
    quote = s.cur()
    s.i += 1
    value = bytearray()
    while s.cur() != quote and s.cur() != 0:
        if s.cur() == ord("&"):
            code, after = s.decode_entity(s.i)
            if code:
                value += _encode_code_point(code)
                s.i = after
                continue
        value.append(s.cur())
        s.i += 1
    if s.cur() == quote:
        s.i += 1
    return bytes(value).decode("utf-8", "replace")


def _close_tag(
    s: _Scanner,
    begin: int,
    stack: list[_OpenTag],
    entities: list[dict[str, Any]],
    out: bytearray,
    utf16: int,
) -> None:
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
    while s.cur() not in _SPACE and s.cur() != ord(">"):
        s.i += 1
    end_name = s.data[begin + 2 : s.i].lower().decode("utf-8", "replace")
    while s.cur() in _SPACE and s.cur() != 0:
        s.i += 1
    if s.cur() != ord(">"):
        raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
    open_tag = stack.pop()
    if end_name and end_name != open_tag.name:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {begin}, expected "</{open_tag.name}>", found "</{end_name}>"'
        )
    if utf16 > open_tag.utf16_offset:
        entity = _make_entity(open_tag, utf16 - open_tag.utf16_offset, entities, out)
        if entity is not None:
            entities.append(entity)


def _make_entity(
    tag: _OpenTag, length: int, entities: list[dict[str, Any]], out: bytearray
) -> dict[str, Any] | None:
    entity: dict[str, Any] = {"type": "", "offset": tag.utf16_offset, "length": length}
    last = entities[-1] if entities else None
    same_span = last is not None and (last["offset"], last["length"]) == (tag.utf16_offset, length)
    if tag.name in _SIMPLE_ENTITY_TYPES:
        entity["type"] = _SIMPLE_ENTITY_TYPES[tag.name]
    elif tag.name == "tg-emoji":
        try:
            emoji_id = int(tag.argument)
        except ValueError:
            emoji_id = 0
        if emoji_id == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entity.update(type="custom_emoji", custom_emoji_id=str(emoji_id))
    elif tag.name == "a":
        url = tag.argument or bytes(out[tag.out_pos :]).decode("utf-8", "replace")
        checked = _check_link(url)
        if checked is None:
            return None
        entity.update(type="text_link", url=checked)
    elif tag.name == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return None
        entity["type"] = "pre"
    elif tag.name == "code":
        if last is not None and same_span and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument
            return None
        entity["type"] = "code"
        if tag.argument:
            entity["language"] = tag.argument
    else:  # blockquote
        entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
    return entity
