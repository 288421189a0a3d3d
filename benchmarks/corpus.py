"""Deterministic synthetic corpora for the scale benchmark.

Passages are sentences of a SQuAD-format dataset's contexts (CMRC 2018 by
default), recombined and perturbed: a few characters of a sentence are swapped
for characters drawn from the dataset's own character frequencies and its digits
are redrawn, so the vocabulary keeps growing with the corpus as a real one does.
Two kinds of corpus:

- short (``write_corpus``): each file holds a title line, section headings every
  ten paragraphs and ``per_file`` paragraphs of 100-340 characters (225 on average);
- long (``write_long_corpus``): articles of 150 paragraphs of 200-360 characters
  (~280 on average), each kept in several revisions, as a wiki's articles are
  re-edited: a revision changes a few characters or a sentence in about a third
  of its paragraphs, drops or adds a few, so most passages have near-duplicates
  in the other revisions of their article.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

_SENTENCE = re.compile(r"[^。！？]*[。！？]+[”’」』）)]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Seed:
    sentences: tuple[str, ...]
    characters: tuple[str, ...]
    cumulative: tuple[int, ...]
    titles: tuple[str, ...]
    questions: tuple[str, ...]


def load_seed(dataset: Path) -> Seed:
    data = json.loads(dataset.read_text(encoding="utf-8-sig"))
    sentences: list[str] = []
    counts: dict[str, int] = {}
    titles: list[str] = []
    questions: list[str] = []
    for article in data["data"]:
        titles.append(str(article.get("title") or "").strip() or "文章")
        for paragraph in article["paragraphs"]:
            context = str(paragraph["context"]).replace("\n", "")
            for sentence in _SENTENCE.findall(context):
                if 8 <= len(sentence.strip()) <= 150:
                    sentences.append(sentence.strip())
            for char in _CJK.findall(context):
                counts[char] = counts.get(char, 0) + 1
            questions.extend(str(qa["question"]).strip() for qa in paragraph.get("qas", []))
    characters = tuple(sorted(counts))
    return Seed(
        sentences=tuple(sentences),
        characters=characters,
        cumulative=tuple(itertools.accumulate(counts[c] for c in characters)),
        titles=tuple(titles),
        questions=tuple(q for q in questions if q),
    )


def perturb(
    sentence: str,
    characters: tuple[str, ...],
    cumulative: tuple[int, ...],
    rng: random.Random,
    share: float = 0.6,
    changes: tuple[int, int] = (1, 3),
) -> str:
    """``sentence`` with, ``share`` of the time, ``changes`` (a range) of its Han characters
    swapped for ones drawn by frequency (``characters`` with their ``cumulative`` counts),
    and every digit redrawn."""
    chars = list(sentence)
    if rng.random() < share:
        positions = [i for i, c in enumerate(chars) if _CJK.match(c)]
        for position in rng.sample(positions, min(len(positions), rng.randint(*changes))):
            chars[position] = rng.choices(characters, cum_weights=cumulative)[0]
    return "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in chars)


def _perturb(sentence: str, seed: Seed, rng: random.Random) -> str:
    return perturb(sentence, seed.characters, seed.cumulative, rng)


def _paragraph(seed: Seed, rng: random.Random, shortest: int = 100, longest: int = 300) -> str:
    target = rng.randint(shortest, longest)
    text = ""
    while len(text) < target:
        sentence = _perturb(rng.choice(seed.sentences), seed, rng)
        if text and len(text) + len(sentence) > longest + 40:
            break
        text += sentence
    return text


def _heading(seed: Seed, rng: random.Random) -> str:
    words = "".join(rng.choices(seed.characters, cum_weights=seed.cumulative, k=rng.randint(4, 10)))
    return f"第{rng.randint(1, 99)}节 {words}"


def write_corpus(seed: Seed, passages: int, folder: Path, per_file: int = 100, rng_seed: int = 2018) -> int:
    """Write ``passages`` paragraphs into ``folder`` as ``per_file``-paragraph .txt files; returns files."""
    rng = random.Random(rng_seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = 0
    for start in range(0, passages, per_file):
        count = min(per_file, passages - start)
        title = f"{rng.choice(seed.titles)}（{files + 1}）"
        lines = [title, ""]
        for number in range(count):
            if number % 10 == 0:
                lines += [_heading(seed, rng), ""]
            lines += [_paragraph(seed, rng), ""]
        path = folder / f"{files // 100:03d}" / f"{files:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        files += 1
    return files


LONG_PARAGRAPHS = 150  # an article's paragraphs
LONG_REVISIONS = 4  # revisions kept of each article


def _revised(paragraphs: list[str], seed: Seed, rng: random.Random) -> list[str]:
    """The next revision of an article: about a third of its paragraphs edited (a few
    characters, or one sentence replaced), one in fifty dropped, as many added."""
    revised = []
    for text in paragraphs:
        roll = rng.random()
        if roll < 0.02:
            continue
        if roll < 0.2:
            text = _perturb(text, seed, rng)
        elif roll < 0.33:
            sentences = _SENTENCE.findall(text) or [text]
            sentences[rng.randrange(len(sentences))] = _perturb(rng.choice(seed.sentences), seed, rng)
            text = "".join(sentences)
        revised.append(text)
        if rng.random() < 0.02:
            revised.append(_paragraph(seed, rng, 200, 320))
    return revised


def write_long_corpus(seed: Seed, passages: int, folder: Path, rng_seed: int = 2019) -> int:
    """Write about ``passages`` paragraphs of ~280 characters into ``folder`` as articles
    of ``LONG_PARAGRAPHS`` paragraphs, each in ``LONG_REVISIONS`` revisions (one file
    each, headings every ten paragraphs); returns files."""
    rng = random.Random(rng_seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = written = 0
    while written < passages:
        title = rng.choice(seed.titles)
        paragraphs = [_paragraph(seed, rng, 200, 320) for _ in range(LONG_PARAGRAPHS)]
        headings = [_heading(seed, rng) for _ in range(LONG_PARAGRAPHS // 10 + 1)]
        for revision in range(LONG_REVISIONS):
            if written >= passages:
                break
            if revision:
                paragraphs = _revised(paragraphs, seed, rng)
            kept = paragraphs[: passages - written]
            lines = [f"{title}（{files // LONG_REVISIONS + 1}）", ""]
            for number, text in enumerate(kept):
                if number % 10 == 0:
                    lines += [headings[min(number // 10, len(headings) - 1)], ""]
                lines += [text, ""]
            path = folder / f"{files // 100:03d}" / f"{files:06d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text("\n".join(lines), encoding="utf-8")
            files += 1
            written += len(kept)
    return files


def more_questions(seed: Seed, count: int, rng_seed: int = 7) -> list[str]:
    """``count`` question-like fragments (8-30 characters) of the dataset's sentences,
    perturbed: new words keep coming, as from many users over a long time."""
    rng = random.Random(rng_seed)
    questions = []
    for _ in range(count):
        sentence = _perturb(rng.choice(seed.sentences), seed, rng)
        start = rng.randrange(max(1, len(sentence) - 10))
        questions.append(sentence[start : start + rng.randint(8, 30)])
    return questions
