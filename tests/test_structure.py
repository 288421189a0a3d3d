"""Documents to passages: the seed article's structure, Markdown, long paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.documents.reader import parse_document, read_folder
from retrieval.documents.splitter import sentences
from tests.conftest import SEED, SEEDS

SECTIONS = [
    "抓思想武装 · 增强党组织向心力",
    "抓支部优化 · 提振党组织内动力",
    "抓组织生活 · 提升党组织凝聚力",
    "抓提质增效 · 彰显党组织战斗力",
]


def test_seed_has_a_lead_four_sections_and_seventeen_passages() -> None:
    (document,) = read_folder(SEEDS, 400).documents
    passages = document.passages
    assert document.title == "党建引领激发奋进动力"
    assert len(passages) == 17
    assert passages[0].heading == ""
    assert passages[0].text.startswith("近年来,沧州市中级人民法院")
    headings = list(dict.fromkeys(p.heading for p in passages[1:]))
    assert headings == SECTIONS
    assert [sum(p.heading == h for p in passages) for h in SECTIONS] == [3, 5, 2, 6]
    assert [p.paragraph for p in passages] == list(range(1, 18))


def test_seed_passages_are_verbatim_and_never_metadata_or_footer() -> None:
    (document,) = read_folder(SEEDS, 400).documents
    original = SEED.read_text(encoding="utf-8")
    for passage in document.passages:
        assert passage.text in original
        assert passage.source == SEED.name
    texts = "\n".join(p.text for p in document.passages)
    for unwanted in ("版权所有", "ICP备", "公网安备", "hbfzb.com", "enpproperty", "封颖慧", "第02版", "纪实"):
        assert unwanted not in texts


def test_long_paragraphs_split_at_sentence_ends_into_verbatim_parts() -> None:
    (document,) = read_folder(SEEDS, 100).documents
    original = SEED.read_text(encoding="utf-8")
    long_ones = [p for p in document.passages if p.part]
    assert long_ones, "the seed has paragraphs over 100 characters"
    for passage in document.passages:
        assert passage.text in original
        assert passage.text.endswith(("。", "”", "…")) or len(passage.text) <= 100
    third = [p for p in document.passages if p.paragraph == 4]
    assert len(third) > 1 and "".join(p.text for p in third) in original.replace("\n", "")


def test_markdown_headings_give_a_section_path() -> None:
    text = "# Guide\n\nIntro.\n\n## Install\n\nRun it.\n\n### Linux\n\nApt.\n\n## Use\n\nAsk.\n"
    document = parse_document(text, "docs/guide.md", 400)
    assert document.title == "Guide"
    assert [(p.heading, p.text) for p in document.passages] == [
        ("", "Intro."),
        ("Install", "Run it."),
        ("Install › Linux", "Apt."),
        ("Use", "Ask."),
    ]


def test_markdown_without_a_single_title_uses_the_file_name() -> None:
    text = "# One\n\nFirst.\n\n# Two\n\nSecond.\n\n```\ncode\n\nblock\n```\n"
    document = parse_document(text, "notes.md", 400)
    assert document.title == "notes"
    assert [p.heading for p in document.passages] == ["One", "Two", "Two"]
    assert document.passages[-1].text == "```\ncode\n\nblock\n```"


def markdown_outline(text: str) -> tuple[str, list[tuple[str, str]]]:
    document = parse_document(text, "notes.md", 400)
    return document.title, [(p.heading, p.text) for p in document.passages]


def test_markdown_front_matter_gives_the_title_and_is_no_passage() -> None:
    text = "---\nTitle: 'Bot guide'\nauthor: Ann\ntitle: second\n---\n# Install\n\nRun it.\n"
    assert markdown_outline(text) == ("Bot guide", [("Install", "Run it.")])
    empty = "---\n---\n# Guide\n\nIntro.\n\n---\n\nMore.\n"  # ends at once; the later --- is a rule
    assert markdown_outline(empty) == ("Guide", [("", "Intro."), ("", "More.")])
    untitled = "---\nauthor: Ann\n...\n# Guide\n\nIntro.\n"  # ends with "..." too; no title: the H1's
    assert markdown_outline(untitled) == ("Guide", [("", "Intro.")])
    unclosed = "---\ntitle: Draft\n\nBody text.\n"  # no end: not front matter
    assert markdown_outline(unclosed) == ("notes", [("", "title: Draft"), ("", "Body text.")])


def test_markdown_underlined_headings_need_a_blank_line_above() -> None:
    text = (
        "Guide\n=====\n\nIntro.\n\nInstall\n-------\n\nRun it.\n\n### Linux\n\nApt.\n\n"
        "Use\n---\n\nNot a heading\nthe line above is text\n---\n\nX marks the end.\n"
    )
    assert markdown_outline(text) == (
        "Guide",
        [
            ("", "Intro."),
            ("Install", "Run it."),
            ("Install › Linux", "Apt."),  # an underline of - is level 2, like ##
            ("Use", "Not a heading\nthe line above is text"),
            ("Use", "X marks the end."),
        ],
    )
    last = "Intro.\n\nThe end\n======="  # the underline is the file's last line
    assert markdown_outline(last) == ("The end", [("", "Intro.")])


def test_markdown_hash_headings_closing_hashes_indent_and_levels() -> None:
    text = (
        "# Guide\n\nIntro.\n\n## Install ##\n\nRun it.\n\n   ### Linux\n\nApt.\n\n"
        "#NoSpace is text\n\n    # indented four: text\n\n## Use\n\nAsk.\n"
    )
    assert markdown_outline(text) == (
        "Guide",
        [
            ("", "Intro."),
            ("Install", "Run it."),
            ("Install › Linux", "Apt."),
            ("Install › Linux", "#NoSpace is text"),
            ("Install › Linux", "    # indented four: text"),
            ("Use", "Ask."),
        ],
    )
    later = "## Intro\n\nText.\n\n# Only\n\nMore.\n"  # the one H1 does not open it: no title
    assert markdown_outline(later) == ("notes", [("Intro", "Text."), ("Only", "More.")])


def test_markdown_drops_rules_comments_and_copyright_and_keeps_fenced_code_whole() -> None:
    text = (
        "# Notes\n\nFirst.\n\n***\n\n- - -\n\n___\n\n<!-- a note to editors -->\n\n"
        "~~~\n# not a heading\n\nstill code\n~~~\n\nCopyright 2024 Example Inc.\n\nLast.\n"
    )
    assert markdown_outline(text) == (
        "Notes",
        [("", "First."), ("", "~~~\n# not a heading\n\nstill code\n~~~"), ("", "Last.")],
    )


def test_plain_text_wrapped_lines_are_one_paragraph_and_short_lines_at_the_end_are_body() -> None:
    text = (
        "Release notes\n\n"
        "This release makes the bot answer questions faster than before, and it reads\n"
        "documents in GB18030 as well.\n\n"
        "Thanks\n"
    )
    document = parse_document(text, Path("notes.txt").name, 400)
    assert document.title == "Release notes"
    assert [p.text for p in document.passages] == [
        "This release makes the bot answer questions faster than before, and it reads\n"
        "documents in GB18030 as well.",
        "Thanks",
    ]


def outline_of(text: str) -> list[tuple[str, str]]:
    return [(p.heading, p.text) for p in parse_document(text, "article.txt", 400).passages]


BODY = "各党支部把学习、培训和考核结合起来，形成了长效机制，推动党建工作与审判工作深度融合。"


def test_plain_text_list_of_three_short_lines_then_body_is_a_list_not_a_heading() -> None:
    """Three (or more) short lines followed by body text are a list: each is body
    text under the heading before it, wherever the check starts."""
    text = f"标题\n\n抓学习培训\n\n{BODY}\n\n一是学习\n\n二是培训\n\n三是考核\n\n{BODY}\n"
    assert outline_of(text) == [
        ("抓学习培训", BODY),
        ("抓学习培训", "一是学习"),
        ("抓学习培训", "二是培训"),
        ("抓学习培训", "三是考核"),
        ("抓学习培训", BODY),
    ]


def test_plain_text_one_or_two_short_lines_then_body_are_a_heading() -> None:
    one = f"标题\n\n{BODY}\n\n抓学习培训\n\n{BODY}\n"
    assert outline_of(one) == [("", BODY), ("抓学习培训", BODY)]
    two = f"标题\n\n{BODY}\n\n抓学习培训\n\n增强凝聚力\n\n{BODY}\n"
    assert outline_of(two) == [("", BODY), ("抓学习培训 · 增强凝聚力", BODY)]


@pytest.mark.parametrize(
    ("line", "heading"),
    [("字" * 30, True), ("字" * 31, False), ("A" * 60, True), ("A" * 61, False), ("A", True)],
    ids=["30-chinese", "31-chinese", "60-latin", "61-latin", "one-letter"],
)
def test_plain_text_headings_are_at_most_60_columns_a_chinese_character_two(line: str, heading: bool) -> None:
    """The README: a short line is up to 60 columns wide, as a terminal shows it."""
    text = f"标题\n\n{BODY}\n\n{line}\n\n{BODY}\n"
    expected = [("", BODY), (line, BODY)] if heading else [("", BODY), ("", line), ("", BODY)]
    assert outline_of(text) == expected


def test_plain_text_a_blank_line_ends_a_paragraph_even_after_a_long_unfinished_line() -> None:
    long = "这一行很长" * 13  # 130 columns, no full stop: a line that wraps on to the next
    assert outline_of(f"标题\n\n{long}\n{BODY}\n") == [("", f"{long}\n{BODY}")]
    assert outline_of(f"标题\n\n{long}\n\n{BODY}\n") == [("", long), ("", BODY)]


def test_plain_text_lines_not_wider_than_a_heading_are_paragraphs_of_their_own() -> None:
    """Without blank lines between: only a line wider than 60 columns (and unfinished) wraps on."""
    exactly = "字" * 30  # 60 columns
    assert outline_of(f"标题\n\n{BODY}\n{exactly}\n{BODY}\n") == [("", BODY), (exactly, BODY)]
    long = "这一行很长" * 13
    assert outline_of(f"标题\n\n{BODY}\n\n{long}\n{BODY}\n") == [("", BODY), ("", f"{long}\n{BODY}")]


def test_plain_text_of_a_title_and_a_subtitle_only_has_no_passages() -> None:
    document = parse_document("标题\n\n——副标题\n", "a.txt", 400)
    assert (document.title, document.passages) == ("标题", ())


def test_plain_text_lines_ending_in_a_colon_or_comma_are_not_headings() -> None:
    for end in ("：", ":", "，", ",", "、"):
        text = f"标题\n\n{BODY}\n\n具体做法如下{end}\n\n{BODY}\n"
        assert outline_of(text) == [("", BODY), ("", f"具体做法如下{end}"), ("", BODY)], end


# How sentences were found before they were found by their ends alone: one match a sentence.
_ONE_SENTENCE = re.compile(r".*?(?:[。！？；!?;…]+|\.(?=\s))[”’」』）)\"']*|.+?$", re.S)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab中。！？；!?;….”’」』）)\"' \n\t", max_size=16))
def test_sentences_are_found_as_one_match_a_sentence_finds_them(text: str) -> None:
    expected = [m.span() for m in _ONE_SENTENCE.finditer(text) if m.end() > m.start()]
    assert sentences(text) == expected
    assert "".join(text[start:end] for start, end in sentences(text)) == text
