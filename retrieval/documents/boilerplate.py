"""Lines that are about a document rather than in it.

Boilerplate (copyright, ICP / 公网安备 registrations, bare URLs, scraped
markup) must never be an answer; metadata (dateline, page, byline) is
recognised so that it is neither a heading nor an answer.
"""

from __future__ import annotations

import re

# Footer lines are short; a long paragraph that mentions copyright is body text.
_FOOTER_MAX_CHARS = 120
_FOOTER = [
    re.compile(r"版权所有|未经(允许|许可|授权)不得|copyright|©|all rights reserved", re.I),
    re.compile(r"ICP\s*(备|证)|公网安备|许可证编号"),
    re.compile(r"^\s*(\S+://\S+|www\.\S+)(\s+(\S+://\S+|www\.\S+))*\s*$", re.I),
]
_SCRAPED_MARKUP = re.compile(r"<!--|-->")

_METADATA = [
    re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(\s*星期.)?$"),
    re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$"),
    re.compile(r"^第\s*[0-9０-９一二三四五六七八九十百]+\s*版\s*([:：].*)?$"),
    re.compile(r"^[□■◎○●▲△]\s*\S"),
    re.compile(r"^(本报|本刊)?(记者|通讯员|编辑|责任编辑|撰稿|作者|文|图)\s*[:：]?\s*\S{1,20}$"),
]


def is_boilerplate(line: str) -> bool:
    if _SCRAPED_MARKUP.search(line):
        return True
    return len(line.strip()) <= _FOOTER_MAX_CHARS and any(p.search(line) for p in _FOOTER)


def is_metadata(line: str) -> bool:
    stripped = line.strip()
    return any(pattern.search(stripped) for pattern in _METADATA)


def is_subtitle(line: str) -> bool:
    return line.lstrip().startswith(("——", "--", "—"))
