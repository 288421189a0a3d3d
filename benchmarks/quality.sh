#!/usr/bin/env bash
# Retrieval quality on the shared sets (not shipped: read from ../shared or $1 and $2):
# CMRC 2018 trial, DRCD test, both pooled in one index, and the seed article's own
# questions. Prints the README's quality figures, the reference rows (rank-bm25
# itself, benchmarks/reference.py) first.
set -euo pipefail
cd "$(dirname "$0")/.."
trial="${1:-../shared/benchmarks/cmrc2018_trial.json}"
drcd="${2:-../shared/benchmarks/drcd_test.json}"
pooled="$(mktemp --suffix=.json)"
trap 'rm -f "$pooled"' EXIT
echo "== the reference rows: rank-bm25 itself on the trial set"
uv run python benchmarks/reference.py "$trial"
echo "== CMRC 2018 trial: its questions against its own passages"
uv run qabot eval "$trial"
echo "== the same questions in Traditional Chinese"
uv run qabot eval "$trial" --traditional
echo "== DRCD test: its questions against its own passages"
uv run qabot eval "$drcd"
echo "== pooled: both sets' passages in one index, both sets' questions"
uv run python benchmarks/pooled.py --cmrc "$trial" --drcd "$drcd" "$pooled"
uv run qabot eval "$pooled"
echo "== the trial's questions against the seed article (all unanswerable)"
uv run qabot eval "$trial" --docs seeds
echo "== the seed article's question set"
uv run qabot eval benchmarks/seed_questions.jsonl --docs seeds
