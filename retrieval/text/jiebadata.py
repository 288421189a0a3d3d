"""jieba's data, read as jieba reads it: its dictionary (``dict.txt``) and its HMM
(``finalseg``), the home of jieba.

Only ``retrieval.text.dictionary`` reads these, when it builds its files; no
process loads jieba's dictionary (``jieba.initialize()``) or imports jieba to
answer a question. Its accurate cut is re-implemented (``segmenter``) or
done by jieba-rs (``bulkcutter``); the tests compare both with jieba itself.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

STATES = "BMSE"
MIN_FLOAT = -3.14e100  # jieba's log probability of what its tables do not have
# The HMM runs only on runs of these characters (jieba's finalseg.re_han), so its
# emission tables are arrays over them.
HAN_FIRST, HAN_LAST = 0x4E00, 0x9FD5
HAN_SIZE = HAN_LAST - HAN_FIRST + 1
_ENTRY = re.compile(r"^(\S+) (\d+)(?: |$)", re.MULTILINE)  # a line of dict.txt: word, count, tag


def jieba_folder() -> Path:
    """Where jieba is installed (found without importing it)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def dictionary_file() -> Path:
    return jieba_folder() / "dict.txt"


def hmm_files() -> tuple[Path, ...]:
    """The files of jieba's HMM tables: what a change of rebuilds them."""
    return tuple(jieba_folder() / "finalseg" / f"prob_{name}.py" for name in ("start", "trans", "emit"))


def read_dictionary(path: Path) -> tuple[dict[str, int], int]:
    """Each word's count (the last, for a word listed twice) and the total of the
    counts (a word listed twice counts twice): ``jieba.Tokenizer.gen_pfdict``'s,
    less the prefixes it adds at 0."""
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    entries = _ENTRY.findall(text)
    if len(entries) == text.count("\n") + (not text.endswith("\n")) and "\ufffd" not in text:
        words, counts = zip(*entries, strict=True) if entries else ((), ())  # every line "word count ..."
        numbers = list(map(int, counts))
        return dict(zip(words, numbers, strict=True)), sum(numbers)
    found: dict[str, int] = {}  # otherwise line by line, as jieba reads it
    total = 0
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # a last newline ends a line, it starts none
    for number, line in enumerate(lines, 1):
        try:
            word, count = line.strip().decode("utf-8").split(" ")[:2]
            found[word] = int(count)
        except ValueError:
            raise ValueError(f"invalid dictionary entry in {path} at line {number}") from None
        total += found[word]
    return found, total


def read_hmm() -> tuple[
    Mapping[str, float], Mapping[str, Mapping[str, float]], Mapping[str, Mapping[str, float]]
]:
    """jieba.finalseg's log probabilities: start and transition by state, emission
    by state and character."""
    with warnings.catch_warnings():
        # jieba 0.42 has invalid escape sequences in its regular expressions.
        warnings.filterwarnings("ignore", "invalid escape sequence", DeprecationWarning)
        warnings.filterwarnings("ignore", "invalid escape sequence", SyntaxWarning)
        from jieba.finalseg import prob_emit, prob_start, prob_trans
    return prob_start.P, prob_trans.P, prob_emit.P
