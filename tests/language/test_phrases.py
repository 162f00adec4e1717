"""Finding known phrases: Latin phrases word by word, Chinese ones wherever they stand."""

from __future__ import annotations

from kb.language.phrases import PhraseIndex, normalise


def test_chinese_phrases_are_found_everywhere_in_the_order_of_the_phrases() -> None:
    index = PhraseIndex(["氧化镓", "镓", "ndfeb 磁钢", "gallium nitride"])
    text = normalise("镓和氧化镓，NdFeB 磁钢与镓")
    spans = index.exact(text)
    assert [phrase for _, _, phrase in spans] == ["氧化镓", "镓", "镓", "镓", "ndfeb 磁钢"]
    assert all(text[start:end] == phrase for start, end, phrase in spans)
    starts = [start for start, _, phrase in spans if phrase == "镓"]
    assert starts == sorted(starts) and len(set(starts)) == 3


def test_latin_phrases_take_a_plural_ending_and_chinese_ones_need_chinese_text() -> None:
    index = PhraseIndex(["gallium nitride wafer", "镓"])
    assert index.exact(normalise("Gallium nitride wafers to Japan")) == [(0, 22, "gallium nitride wafer")]
    assert index.exact("gallium") == []
