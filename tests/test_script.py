"""Traditional to Simplified: ``to_simplified`` skips OpenCC for text it cannot change,
and gives what OpenCC gives for any text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.text.script import CHANGES, to_simplified

_CLIB = Path(opencc.__file__).parent / "clib"
# What t2s.json chains: the normalisation dictionary and the conversion group.
_T2S = ("CJK_Compatibility_Ideographs", "TSPhrases", "TSCharactersExt", "TSCharacters")


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """Every (key, first value) of t2s's dictionaries, dumped by OpenCC's own ``opencc_dict``."""
    folder = tmp_path_factory.mktemp("t2s")
    found = []
    for name in _T2S:
        text = folder / f"{name}.txt"
        source = _CLIB / "share" / "opencc" / f"{name}.ocd2"
        subprocess.run(
            [
                str(_CLIB / "bin" / "opencc_dict"),
                "-i",
                str(source),
                "-o",
                str(text),
                "-f",
                "ocd2",
                "-t",
                "text",
            ],
            check=True,
            capture_output=True,
        )
        for line in text.read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            found.append((key, values.split(" ")[0]))
    assert len(found) > 6000  # all four read
    return found


def _listed() -> set[str]:
    lines = CHANGES.read_text(encoding="utf-8").splitlines()
    return {char for line in lines if not line.startswith("#") for char in line}


def test_the_list_holds_every_character_an_entry_changes(entries: list[tuple[str, str]]) -> None:
    """The characters where an entry's key and value differ (those past U+FFFF always go to OpenCC)."""
    assert all(len(key) == len(value) for key, value in entries)  # else the rule below is not enough
    changed = {k for key, value in entries for k, v in zip(key, value, strict=True) if k != v}
    assert _listed() == {char for char in changed if ord(char) < 0x10000}
    assert "沈" in changed and to_simplified("沈") == "沈"  # only phrases change it: 深沈 → 深沉


def test_every_entry_converts_as_opencc_converts_it(entries: list[tuple[str, str]]) -> None:
    convert = opencc.OpenCC("t2s").convert
    for key, _ in entries:
        text = f"他说{key}了"
        assert to_simplified(text) == convert(text), key


_ALPHABET = "沈深藉慰乾隆坏覆哩英里舖俱么年一中于有大滄州院長是誰，。a1 \n" + "".join(sorted(_listed())[::97])


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(_ALPHABET) | st.characters(exclude_categories=["Cs"]), max_size=40))
def test_to_simplified_is_opencc(text: str) -> None:
    assert to_simplified(text) == opencc.OpenCC("t2s").convert(text)


def test_a_lone_surrogate_fails_as_in_opencc() -> None:
    with pytest.raises(UnicodeEncodeError):
        to_simplified("院长\udc80")


def test_simplified_text_is_returned_as_it_is() -> None:
    text = "沧州中院院长是谁？"
    assert to_simplified(text) is text
