"""Line breaks a format adds, joined: PDF wrapping, Word's soft breaks, an HTML source's newlines.

This is the only whitespace the readers change; everything inside a line is the
document's own (U+3000 and tabs included).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def is_wide(char: str) -> bool:
    """CJK ideographs, kana, hangul, full-width punctuation: no space beside them when lines are joined."""
    return unicodedata.east_asian_width(char) in "WF"


def join_lines(lines: list[str]) -> str:
    """Lines stripped and joined: nothing between them where either side is a wide (CJK)
    character, nothing after a hyphen between letters when the next line goes on in lower
    case (``infor-`` + ``mation``: the hyphen is kept, it may be real), otherwise one space.
    Empty lines are left out."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif (
            is_wide(out[-1])
            or is_wide(line[0])
            or (out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[0].islower())
        ):
            out += line
        else:
            out += " " + line
    return out


def squeeze_spaces(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space, as a browser shows them;
    U+3000 (the ideographic space) is kept."""
    return _SPACES.sub(" ", text).strip()
