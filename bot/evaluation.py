"""``qabot eval``: measure retrieval on a question set, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bot.settings import Settings
from retrieval.datasets import Dataset, load_jsonl, load_squad
from retrieval.evaluation import RECALL_AT, Evaluation, evaluate
from retrieval.index.index import Index
from retrieval.library import build_index, make_tokenizer
from retrieval.text.script import to_traditional


def run_evaluation(
    settings: Settings, dataset_path: Path, docs: Path | None, top_k: int | None, traditional: bool
) -> Evaluation:
    """Index the dataset's passages (or ``docs``) and ask all its questions."""
    config = settings.retrieval()
    tokenizer = make_tokenizer(config)
    dataset: Dataset
    if dataset_path.suffix.lower() == ".jsonl":
        dataset = load_jsonl(dataset_path)
        index, _ = build_index(config, tokenizer, None)
    else:
        dataset = load_squad(dataset_path)
        if docs is not None:  # the dataset's questions against other documents: none answerable
            dataset = Dataset(tuple(type(c)(c.question, None) for c in dataset.cases))
            index, _ = build_index(config, tokenizer, None)
        else:
            index = Index.build(dataset.documents, tokenizer, config)
    recall_at = tuple(sorted({*RECALL_AT, top_k})) if top_k else RECALL_AT
    prepare = to_traditional if traditional else str
    return evaluate(index, dataset.cases, prepare, recall_at)


def render_evaluation(result: Evaluation, as_json: bool) -> str:
    if as_json:
        return json.dumps(result.as_dict(), ensure_ascii=False) + "\n"

    def share(part: int, whole: int) -> str:
        return f"{part} ({part / whole:.1%})" if whole else str(part)

    rows = [("questions", str(result.questions)), ("passages", str(result.passages))]
    if result.answerable:
        rows += [(f"Recall@{k}", f"{v:.1%}") for k, v in result.recall.items()]
        rows += [("MRR@10", f"{result.mrr:.1%}"), ("no answer", share(result.refused, result.answerable))]
    if result.unanswerable:
        rows.append(("unanswerable answered", share(result.answered_unanswerable, result.unanswerable)))
    rows.append(
        ("latency p50 / p95", f"{result.latency_ms['p50']:.2f} ms / {result.latency_ms['p95']:.2f} ms")
    )
    width = max(len(name) for name, _ in rows)
    return "".join(f"{name:<{width}}  {value}\n" for name, value in rows)
