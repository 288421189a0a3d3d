"""``qabot eval`` on the shipped seed questions and on a small SQuAD-format file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.commandline import qabot, qabot_here
from tests.conftest import PROJECT

SEED_QUESTIONS = PROJECT / "benchmarks" / "seed_questions.jsonl"

SQUAD: dict[str, Any] = {
    "version": "v1.0",
    "data": [
        {
            "title": "沧州",
            "paragraphs": [
                {
                    "context": "沧州是河北省的地级市，以武术和杂技闻名。大运河穿城而过。",
                    "qas": [
                        {"question": "沧州以什么闻名？"},
                        {"question": "哪条运河穿城而过？"},
                        {"question": ""},
                    ],
                }
            ],
        },
        {
            "title": "石家庄",
            "paragraphs": [
                {"context": "石家庄是河北省的省会，有正定古城。", "qas": [{"question": "河北省会是哪里"}]},
                {
                    "context": "石家庄是河北省的省会，有正定古城。",
                    "qas": [{"question": "正定古城在哪个城市"}],
                },
            ],
        },
    ],
}


def test_seed_questions_all_answered_first_and_unanswerable_ones_refused() -> None:
    lines = SEED_QUESTIONS.read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if '"expect": null' not in line]) >= 20
    result = qabot("eval", str(SEED_QUESTIONS), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == len(lines)
    assert report["recall@1"] == 1.0
    assert report["no_answer"] == 0
    assert report["unanswerable"] >= 8 and report["unanswerable_answered"] == 0


def test_squad_file_indexes_distinct_contexts_and_prints_a_table(tmp_path: Path) -> None:
    dataset = tmp_path / "mini.json"
    dataset.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    result = qabot_here("eval", str(dataset), "--top-k", "2")
    assert result.returncode == 0, result.stderr
    rows = dict(line.split("  ", 1) for line in result.stdout.splitlines())
    assert rows["questions"].strip() == "4"
    assert rows["passages"].strip() == "2"
    assert rows["Recall@1"].strip() == "100.0%"
    assert "Recall@2" in rows and "latency p50 / p95" in rows


def test_squad_questions_against_other_documents_are_all_unanswerable(tmp_path: Path) -> None:
    dataset = tmp_path / "mini.json"
    dataset.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "菜谱.txt").write_text(
        "番茄炒蛋\n\n先把鸡蛋打散炒熟，再放番茄翻炒，加盐出锅。\n", encoding="utf-8"
    )
    report = json.loads(qabot_here("eval", str(dataset), "--docs", str(docs), "--json").stdout)
    assert (report["answerable"], report["unanswerable"]) == (0, 4)
    assert report["unanswerable_answered"] == 0


def test_bad_datasets_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"q": 1}\n', encoding="utf-8")
    (tmp_path / "list.json").write_text('{"data": [1]}', encoding="utf-8")
    for name, message in [
        ("missing.json", "does not exist"),
        ("bad.json", "is not valid JSON"),
        ("bad.jsonl", 'bad.jsonl:1: expected {"question": ..., "expect": ...}'),
        ("list.json", "is not in SQuAD format (an article is not an object)"),
    ]:
        assert main(["eval", str(tmp_path / name)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and message in err and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            '{"question": "院长是谁", "expect": 5}\n',
            'questions.jsonl:1: "expect" must be text or null, not 5',
        ),
        ('{"question": 7, "expect": null}\n', 'questions.jsonl:1: "question" must be text, not 7'),
        ('{"question": "院长是谁", "expect": "闫杰"}\n[1, 2]\n', "questions.jsonl:2: expected {"),
        ('{"question": "院长是谁", "expect": ["闫杰"]}\n', '"expect" must be text or null'),
    ],
)
def test_a_question_file_with_a_bad_line_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: str, message: str
) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(lines, encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("qabot: error: "), err
    assert message in err


@pytest.mark.parametrize("name", ["folder", "folder.jsonl"])
def test_a_dataset_that_is_a_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / name).mkdir()
    assert main(["eval", str(tmp_path / name)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert err.startswith("qabot: error: ") and f"{tmp_path / name} is a folder" in err


def test_the_readme_quality_rows_come_from_the_scripts_quality_sh_runs(tmp_path: Path) -> None:
    """Each row of the README's quality table is printed by what ``benchmarks/quality.sh``
    runs: ``qabot eval`` (this project) or ``benchmarks/reference.py`` (rank-bm25 itself),
    which works on a small SQuAD-format file."""
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    import reference

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| pipeline |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split(" | ")[0].removeprefix("| ") for line in table.splitlines()[2:]]
    source = (PROJECT / "benchmarks" / "reference.py").read_text(encoding="utf-8")
    assert rows[-1] == "this project" and all(f'"{row}"' in source for row in rows[:-1]), rows
    assert "benchmarks/reference.py" in (PROJECT / "benchmarks" / "quality.sh").read_text(encoding="utf-8")
    dataset = tmp_path / "mini.json"
    dataset.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    passages, questions = reference.load(dataset)
    assert (len(passages), len(questions)) == (2, 4)
    stopwords = frozenset(["是", "的", "什么", "哪"])
    for tokens, title in ((reference.plain, False), (reference.best(stopwords), True)):
        first, mrr = reference.measure(passages, questions, tokens, title)
        assert 0.5 <= first <= mrr <= 1.0  # two passages: rank-bm25's Okapi idf is mostly 0 here


def test_the_experiment_sweeps_a_count_in_whole_numbers() -> None:
    """``--set retrieval.index.ranking.rerank.POOL=5,0``: the pool's size slices arrays, so
    it must stay an int (as a float it failed the first question); a share stays a float."""
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    import experiment

    module, name, values = experiment.constant("retrieval.index.ranking.rerank.POOL=5,0")
    assert (module.__name__, name, values) == ("retrieval.index.ranking.rerank", "POOL", [5, 0])
    assert [type(value) for value in values] == [int, int]
    assert experiment.constant("retrieval.index.ranking.rerank.SENTENCE=0.5,1")[2] == [0.5, 1.0]
    with pytest.raises(SystemExit, match="whole numbers"):
        experiment.constant("retrieval.index.ranking.rerank.POOL=2.5")


def test_the_pooled_set_holds_both_files_articles_and_eval_reads_it(tmp_path: Path) -> None:
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    import pooled

    other = {
        "data": [
            {
                "title": "臺北",
                "paragraphs": [
                    {
                        "context": "臺北是臺灣的首都，有臺北一〇一大樓。",
                        "qas": [{"question": "臺灣的首都是哪裡"}],
                    }
                ],
            }
        ]
    }
    first, second, both = tmp_path / "first.json", tmp_path / "second.json", tmp_path / "both.json"
    first.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    second.write_text("\ufeff" + json.dumps(other, ensure_ascii=False), encoding="utf-8")  # a BOM, as DRCD's
    pooled.main([str(both), "--cmrc", str(first), "--drcd", str(second)])
    assert json.loads(both.read_text(encoding="utf-8"))["data"] == SQUAD["data"] + other["data"]
    result = qabot("eval", str(both))
    assert result.returncode == 0, result.stderr
    rows = dict(line.split("  ", 1) for line in result.stdout.splitlines())
    assert (rows["questions"].strip(), rows["passages"].strip()) == ("5", "3")
