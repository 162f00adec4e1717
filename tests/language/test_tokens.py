"""Keyword tokens: jieba's dictionary held by hash cuts Chinese exactly as jieba's own does."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from kb.language.tokens import HashedFrequencies, _jieba, keyword_tokens

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.fixture(scope="module")
def plain():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_every_word_and_prefix_has_jiebas_own_count(plain) -> None:  # type: ignore[no-untyped-def]
    ours = _jieba()
    assert isinstance(ours.FREQ, HashedFrequencies)
    assert ours.total == plain.total and len(ours.FREQ) == len(plain.FREQ)
    assert all(ours.FREQ.get(word) == count for word, count in plain.FREQ.items())
    # strings whose stored bytes are the same ("BP" one byte a letter, "偂" two) stay apart
    assert plain.FREQ.get("BP") != plain.FREQ.get("偂") and ours.FREQ.get("偂") == plain.FREQ.get("偂")
    assert "no such word at all" not in ours.FREQ and ours.FREQ.get("不存在的词语组合") is None


def test_the_corpus_is_cut_as_jieba_cuts_it(plain) -> None:  # type: ignore[no-untyped-def]
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.md")))
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    assert len(runs) > 1000
    ours = _jieba()
    assert [list(ours.cut_for_search(r)) for r in runs] == [list(plain.cut_for_search(r)) for r in runs]
    assert "许可证" in keyword_tokens("出口许可证的有效期")


def test_a_damaged_dictionary_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_bytes("镓 300 n\n锗\n".encode())
    with path.open("rb") as handle, pytest.raises(ValueError, match="line 2"):
        HashedFrequencies.read(handle)
