"""jieba's accurate cut by jieba-rs, for cutting a lot of text: the home of rjieba.

rjieba 0.2.2 (jieba-rs 0.11) runs jieba's algorithm on jieba's dictionary and
HMM, about ten times faster than ``retrieval.text.segmenter``, but importing it
builds its dictionary in the process (~0.3 s, ~33 MiB), so only indexing
(worker processes) uses it, and imports it when started (``start``, or the
first cut). Its words are jieba's after a post-pass for where jieba-rs differs
on purpose or by its ranges (tests compare the two with jieba itself):

- a run of ASCII letters and digits joined by ``.``, ``_`` or ``-`` that no
  word covers (``zh-tw``, ``1999-2000``, ``formula_1``) is one token for
  jieba-rs; jieba splits it with finalseg's pattern (``zh`` ``-`` ``tw``);
- jieba-rs takes CJK outside U+4E00–U+9FD5 (Extension A, B…, compatibility
  ideographs) into its blocks, which changes how the text around them is cut;
  jieba cuts each alone: a text that has any is cut one jieba block at a time;
- a user word of count 0 (jieba: split wherever the HMM makes it) is split
  here; jieba-rs is not given it unless it knows the word.

The user's words go to jieba-rs with jieba's counts (``retrieval.text.userwords``
computes them), and jieba's total is kept: jieba-rs counts a word its
dictionary lists twice once, and takes a re-added word's old count off its
total; a key no text can reach (U+E000, outside every block) makes up the
difference.
"""

from __future__ import annotations

import re
from typing import Any

from retrieval.text.userwords import Lexicon

_SPLIT = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba's finalseg.re_skip
_JOINED = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9%]*[._-][a-zA-Z0-9]")  # what jieba-rs keeps whole
_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")  # what jieba cuts (others: one by one)
# CJK that jieba-rs takes into its blocks and jieba does not (jieba-rs 0.11's is_cjk, less jieba's range).
_WIDER = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U0002f800-\U0002fa1f]")
_SKIP = re.compile(r"(\r\n|\s)")
_HAN = re.compile(r"[\u4E00-\u9FD5]+")
_BALANCE = "\ue000"
_GAP = "\x00"  # between words joined: jieba cuts it alone, so no word holds one but itself


def _pieces(part: str) -> list[str]:
    """What jieba makes of text between its blocks: a space (or CR LF) whole, the rest one by one."""
    return [part] if _SKIP.fullmatch(part) else list(part)


class BulkCutter:
    """``jieba.Tokenizer.lcut(text)`` for ``lexicon``'s words, by jieba-rs."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._jieba: Any = None

    def cut(self, text: str) -> list[str]:
        jieba = self._jieba or self.start()
        if not _WIDER.search(text):
            return self._cut(jieba, text)
        words: list[str] = []  # jieba's blocks one by one, the rest as jieba cuts it
        for block in _BLOCK.split(text):
            if _BLOCK.match(block):
                words.extend(self._cut(jieba, block))
            else:
                words.extend(x for part in _SKIP.split(block) for x in _pieces(part))
        return words

    def _cut(self, jieba: Any, text: str) -> list[str]:
        """jieba-rs's words of ``text`` (no CJK beyond jieba's blocks in it), made jieba's."""
        cut: list[str] = jieba.cut(text, True)
        if self._lexicon.force_split or _GAP in text:
            return self._compatible(cut)
        if not _JOINED.search(text):
            return cut  # no word of it can need the post-pass: spare going through them
        # Only a word holding letters or digits joined by . _ - can: find those (seldom a
        # few of the text's hundred words) in the words joined, each match inside one word.
        joined = _GAP.join(cut)
        starts = dict.fromkeys(joined.count(_GAP, 0, match.start()) for match in _JOINED.finditer(joined))
        for at in reversed(starts):
            cut[at : at + 1] = self._compatible([cut[at]])
        return cut

    def _compatible(self, cut: list[str]) -> list[str]:
        """jieba-rs's words, made jieba's (for a text with no CJK beyond jieba's blocks)."""
        words: list[str] = []
        has_word = self._jieba.has_word
        force_split = self._lexicon.force_split
        for word in cut:
            if len(word) > 1:
                if word in force_split and _HAN.fullmatch(word):
                    words.extend(word)  # a user word of count 0
                    continue
                if word[0] < "\x80" and _JOINED.search(word) and not has_word(word):
                    words.extend(piece for piece in _SPLIT.split(word) if piece)
                    continue
            words.append(word)
        return words

    def start(self) -> Any:
        """jieba-rs with the user's words (~0.3 s, ~33 MiB); ``cut`` starts it if not yet."""
        import rjieba

        lexicon = self._lexicon
        jieba = rjieba.Jieba() if lexicon.added else rjieba._DEFAULT_JIEBA
        base = lexicon.base.FREQ
        total = lexicon.base.distinct_total  # jieba-rs's total
        given: dict[str, int] = {}
        for word, count, tag in lexicon.added:
            if count == 0 and not jieba.has_word(word):
                continue
            old = given.get(word, base.get(word) or 0) if jieba.has_word(word) else 0
            jieba.add_word(word, count, tag)
            given[word] = count
            total += count - old
        if lexicon.total != total:
            jieba.add_word(_BALANCE, lexicon.total - total, None)
        self._jieba = jieba
        return jieba
