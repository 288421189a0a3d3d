"""jieba's HMM for runs of characters its dictionary does not join (``jieba.finalseg``),
re-implemented: the same states, found with back-pointers instead of copying each
state's path at every step, and its tables read as arrays (``retrieval.text.dictionary``
maps them from a file) instead of imported from jieba's 1.3 MB module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.text.jiebadata import HAN_FIRST, MIN_FLOAT


@dataclass(frozen=True)
class HiddenMarkov:
    """jieba.finalseg's model: log probabilities of start and transition by state
    (B, M, S, E), and of emission by state, indexed by ``ord(character) - HAN_FIRST``
    (the HMM only sees jieba's Han characters)."""

    start: Mapping[str, float]
    trans: Mapping[str, Mapping[str, float]]
    emit: Mapping[str, Sequence[float]]

    def words(self, text: str) -> list[str]:
        """``jieba.finalseg.__cut(text)`` for a run of Han characters."""
        states = self._viterbi(text)
        found: list[str] = []
        begin = following = 0
        for i, state in enumerate(states):
            if state == "B":
                begin = i
            elif state == "E":
                found.append(text[begin : i + 1])
                following = i + 1
            elif state == "S":
                found.append(text[i])
                following = i + 1
        if following < len(text):
            found.append(text[following:])
        return found

    def _into(self, state: str, before: str) -> tuple[float, float]:
        """Transition log probabilities into ``state`` from its two possible predecessors."""
        first, second = (self.trans[y0].get(state, MIN_FLOAT) for y0 in before)
        return first, second

    def _viterbi(self, text: str) -> str:
        """The likeliest states of ``text``'s characters, as jieba.finalseg.viterbi finds them."""
        emit = self.emit
        e_b, e_m, e_s, e_e = emit["B"], emit["M"], emit["S"], emit["E"]
        start = self.start
        first = ord(text[0]) - HAN_FIRST
        b = start["B"] + e_b[first]
        m = start["M"] + e_m[first]
        s = start["S"] + e_s[first]
        e = start["E"] + e_e[first]
        eb, sb = self._into("B", "ES")
        mm, bm = self._into("M", "MB")
        ss, es = self._into("S", "SE")
        be, me = self._into("E", "BM")
        back: list[tuple[str, str, str, str]] = []  # each step's predecessor of B, M, S, E
        for char in text[1:]:
            code = ord(char) - HAN_FIRST
            # Each state's best predecessor; ties go to the larger state, as in jieba's max().
            from_e, from_s = e + eb + e_b[code], s + sb + e_b[code]
            new_b, pb = (from_s, "S") if from_s >= from_e else (from_e, "E")
            from_m, from_b = m + mm + e_m[code], b + bm + e_m[code]
            new_m, pm = (from_m, "M") if from_m >= from_b else (from_b, "B")
            from_s2, from_e2 = s + ss + e_s[code], e + es + e_s[code]
            new_s, ps = (from_s2, "S") if from_s2 >= from_e2 else (from_e2, "E")
            from_b2, from_m2 = b + be + e_e[code], m + me + e_e[code]
            new_e, pe = (from_m2, "M") if from_m2 >= from_b2 else (from_b2, "B")
            back.append((pb, pm, ps, pe))
            b, m, s, e = new_b, new_m, new_s, new_e
        state = "S" if s >= e else "E"
        path = [state]
        for step in reversed(back):
            state = step["BMSE".index(state)]
            path.append(state)
        return "".join(reversed(path))
