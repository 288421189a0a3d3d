"""The structure of a Markdown document: ``#`` headings give the section path.

A document that opens with its only level-1 heading takes it as its title;
front matter ``title:`` does too. Paragraphs are blank-line separated blocks,
kept verbatim; fenced code stays one block; rules, HTML comments and
boilerplate lines are dropped.
"""

from __future__ import annotations

import re

from retrieval.documents.boilerplate import is_boilerplate
from retrieval.documents.outline import PATH_JOINER, Block, Outline

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.I)


def outline_markdown(text: str, fallback_title: str) -> Outline:
    lines = text.splitlines()
    front_title, lines = _front_matter(lines)
    sections = _sections(lines)
    levels = [level for level, _, _ in sections if level]
    title = front_title or fallback_title
    title_level = 0
    if not front_title and levels and levels[0] == 1 and levels.count(1) == 1:
        title = next(name for level, name, _ in sections if level == 1)
        title_level = 1
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    for level, name, body in sections:
        if level:
            path = [(lvl, n) for lvl, n in path if lvl < level]
            if level != title_level:
                path.append((level, name))
        heading = PATH_JOINER.join(n for _, n in path)
        blocks.extend(Block(heading=heading, text=paragraph) for paragraph in _paragraphs(body))
    return Outline(title=title, blocks=tuple(blocks))


def _front_matter(lines: list[str]) -> tuple[str, list[str]]:
    if not lines or lines[0].strip() != "---":
        return "", lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            titles = [m.group(1) for m in map(_FRONT_TITLE.match, lines[1:end]) if m]
            return (titles[0] if titles else ""), lines[end + 1 :]
    return "", lines


def _sections(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """(level, heading, body lines) in order; level 0 is the part before any heading."""
    sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        atx = None if fenced else _ATX.match(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        setext = not fenced and line.strip() and _SETEXT.match(following) and not _RULE.match(line)
        previous = lines[index - 1].strip() if index else ""
        if atx:
            sections.append((len(atx.group(1)), atx.group(2).strip(), []))
        elif setext and not previous:
            sections.append((1 if following.strip().startswith("=") else 2, line.strip(), []))
        elif sections[-1][2] or line.strip() or fenced:
            sections[-1][2].append(line)
    return sections


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[list[str]] = [[]]
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and ((_SETEXT.match(line) and paragraphs[-1] == []) or _RULE.match(line)):
            continue
        if not fenced and not line.strip():
            paragraphs.append([])
        elif fenced or not (is_boilerplate(line) or line.strip().startswith("<!--")):
            paragraphs[-1].append(line.rstrip())
    return ["\n".join(p).strip("\n") for p in paragraphs if any(s.strip() for s in p)]
