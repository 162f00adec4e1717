"""Keyword-index tokens: HS and control-list codes whole, English words stemmed, Chinese as jieba
words plus every pair of adjacent characters."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from kb.language.codes import CONTROL_CODE_TOKEN, HS_CODE_TOKEN
from kb.language.script import HAN_RUN
from kb.language.stopwords import CHINESE, ENGLISH

__all__ = ["TOKENIZER_VERSION", "chinese_words", "keyword_tokens"]

#: Bumped whenever ``keyword_tokens`` changes, so stored tokens are computed again.
TOKENIZER_VERSION = 3

_WORD = re.compile(r"[a-z0-9]+")


def keyword_tokens(text: str, query: bool = False) -> list[str]:
    """BM25 tokens of ``text``: codes whole, English words stemmed, Chinese words and character pairs."""
    tokens: list[str] = []

    def codes(match: re.Match[str]) -> str:
        code = match.group(0).lower()
        parts = code.split(".")
        # Indexed with every prefix (3C001.b -> 3c001, 3c001.b) so that asking for 3C001 finds
        # its sub-items; asked as given, so that 3C001.h prefers the chunk naming 3C001.h.
        start = len(parts) - 1 if query else 0
        tokens.extend(".".join(parts[: i + 1]) for i in range(start, len(parts)))
        return " "

    def hs(match: re.Match[str]) -> str:
        digits = match.group(0).replace(".", "")
        tokens.append(digits)
        if len(digits) == 10:
            tokens.append(digits[:8])
        return " "

    rest = HS_CODE_TOKEN.sub(hs, CONTROL_CODE_TOKEN.sub(codes, text))
    for run in HAN_RUN.findall(rest):
        if len(run) == 1:
            tokens.append(run)
            continue
        # jieba's words, and every pair of adjacent characters: item names (砷化铟镓) are often
        # missing from jieba's dictionary, and single characters match every document alike.
        tokens.extend(word for word in _jieba().cut_for_search(run) if len(word) > 1 and word not in CHINESE)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    words = [w for w in _WORD.findall(rest.lower()) if w not in ENGLISH and (len(w) > 1 or w.isdigit())]
    tokens.extend(_stem(words))
    return tokens


def chinese_words(text: str) -> list[str]:
    """The Chinese words of ``text`` as jieba cuts them for search (工作日内 -> 工作, 工作日, 工作日内),
    two characters or more, stop words left out."""
    return [
        word
        for run in HAN_RUN.findall(text)
        for word in _jieba().lcut_for_search(run)
        if len(word) > 1 and word not in CHINESE
    ]


@functools.cache
def _jieba() -> Any:
    """jieba's tokenizer with its default dictionary held as :class:`HashedFrequencies`: the same
    words cut the same way in about half the memory (32 MB less in the serving process), built from
    the dictionary file in about the time jieba takes to read its own cache (and no cache file is
    written to the temporary folder)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not ours to print
    tokenizer = jieba.Tokenizer()
    with tokenizer.get_dict_file() as handle:
        tokenizer.FREQ, tokenizer.total = HashedFrequencies.read(handle)
    tokenizer.initialized = True
    return tokenizer


#: Put before every word hashed (see :class:`HashedFrequencies`).
_WIDE = "\U00010000"


def _key(word: str) -> int:
    return hash(_WIDE + word)


class HashedFrequencies:
    """jieba's prefix dictionary (every word and every prefix of one, with the word's count or 0)
    keyed by the hash of the word rather than the word: what jieba asks of it (``in``, ``[]``,
    ``get``) is answered as from jieba's own dict, without keeping half a million strings. Python
    hashes a string's stored bytes, which "BP" (one byte a letter) and "偂" (two) share, so every
    word is hashed behind a character outside the Basic Multilingual Plane, which stores every
    string four bytes a letter: two words then share a hash only by a 64-bit chance."""

    __slots__ = ("_counts",)

    def __init__(self, counts: dict[int, int]) -> None:
        self._counts = counts

    @classmethod
    def read(cls, handle: Any) -> tuple[HashedFrequencies, int]:
        """The dictionary of a jieba dictionary file (``word count [tag]`` lines, UTF-8) and the sum
        of its counts, as ``jieba.Tokenizer.gen_pfdict`` builds them."""
        counts: dict[int, int] = {}
        same: dict[int, int] = {}  # one int object per distinct count
        total = 0
        for number, raw in enumerate(handle, 1):
            line = raw.strip().decode("utf-8")
            try:
                word, count_text = line.split(" ")[:2]
                count = int(count_text)
            except ValueError as exc:
                raise ValueError(f"invalid jieba dictionary entry at line {number}: {line}") from exc
            counts[_key(word)] = same.setdefault(count, count)
            total += count
            for end in range(1, len(word)):
                counts.setdefault(_key(word[:end]), 0)
        return cls(counts), total

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and _key(word) in self._counts

    def __getitem__(self, word: str) -> int:
        return self._counts[_key(word)]

    def get(self, word: str, default: int | None = None) -> int | None:
        return self._counts.get(_key(word), default)

    def __len__(self) -> int:
        return len(self._counts)


@functools.cache
def _stemmer() -> Any:
    import Stemmer  # type: ignore[import-not-found]  # PyStemmer, a dependency of the bm25 retriever

    return Stemmer.Stemmer("english")


def _stem(words: list[str]) -> list[str]:
    if not words:
        return []
    stems: list[str] = _stemmer().stemWords(words)
    # British and American spellings of the word this corpus uses most.
    return [s.replace("licens", "licenc", 1) if s.startswith("licens") else s for s in stems]
