"""What the issue calls done: ``qabot ask --docs DIR`` over a folder of .txt, .md, .docx, .pdf
and .html files and bad files answers about each format under the right heading path, quotes
no page furniture, names every bad file in a warning, and exits 0; the seed answers as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests import pdfs, webpages, wordfiles
from tests.commandline import qabot
from tests.conftest import SEED
from tests.test_bad_files import BAD

# question -> (source, title, heading, start of the text, page or None)
EXPECTED = {
    "沧州中院院长是谁？": (SEED.name, "党建引领激发奋进动力", "抓提质增效 · 彰显党组织战斗力", "“我院注重发挥党建", None),
    "How do I reload the documents?": ("guide.md", "Bot guide", "Reload", "Admins send /reload", None),
    "婚假有几天？": ("handbook.docx", wordfiles.HANDBOOK, "第二章 休假", "假期类型: 婚假; 天数: 3天", None),
    "公共数据平台由谁负责建设和运行维护": (
        "rules.pdf", pdfs.TITLE, "第二章 数据共享 › 第一节 平台建设", "第四条　市大数据中心负责建设", 1
    ),
    "How many data sets had errors in the quality checks?": (
        "report.pdf", "Annual Report 2024", "Results", "The quality checks found errors in eleven", 1
    ),
    "全市新增开放数据集不少于多少个？": ("notice.html", webpages.NOTICE, "一、工作目标", "到2024年底，全市新增开放数据集", None),
}  # fmt: skip
JSON_KEYS = {"rank", "score", "title", "heading", "source", "paragraph", "text", "matched", "sentence"}


def test_a_folder_of_every_format_and_bad_files_answers_from_each(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "guide.md").write_text(
        "# Bot guide\n\n## Install\n\nRun `uv sync`.\n\n## Reload\n\nAdmins send /reload to re-read the documents.\n",
        encoding="utf-8",
    )
    made = {
        "handbook.docx": wordfiles.handbook(),
        "rules.pdf": pdfs.chinese_pdf(),
        "report.pdf": pdfs.english_pdf(),
        "notice.html": webpages.notice(),
    }
    for name, file in made.items():
        (folder / name).write_bytes(file.data)
    bad = dict(sorted(BAD.items())[::3])  # a third of them: each kind is read the same way in a worker
    for name, (build, _) in bad.items():
        (folder / "bad" / name).parent.mkdir(exist_ok=True)
        (folder / "bad" / name).write_bytes(build())

    result = qabot("ask", "--docs", str(folder), "--json", "--top-k", "3", *EXPECTED)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == len(bad)
    for line, (name, (_, reason)) in zip(warnings, bad.items(), strict=True):
        assert f"skipped bad/{name}: " in line and reason in line
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    furniture = [text for file in made.values() for text in file.furniture]
    for answer, (source, title, heading, start, page) in zip(answers, EXPECTED.values(), strict=True):
        best = answer["hits"][0]
        assert (best["source"], best["title"], best["heading"]) == (source, title, heading), answer[
            "question"
        ]
        assert best["text"].startswith(start)
        assert best.get("page") == page
        assert set(best) == JSON_KEYS | ({"page"} if page else set())
        for hit in answer["hits"]:
            assert not any(text in hit["text"] for text in furniture), hit
    alone = json.loads(qabot("ask", "--json", "--top-k", "1", "沧州中院院长是谁？").stdout)["hits"][0]
    mixed = answers[0]["hits"][0]
    assert {k: mixed[k] for k in JSON_KEYS - {"score"}} == {k: alone[k] for k in JSON_KEYS - {"score"}}
