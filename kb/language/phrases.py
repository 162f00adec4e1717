"""Finding known phrases in text: normalised forms, and one-pass scanning for many phrases at once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kb.language.script import has_chinese

__all__ = ["PhraseIndex", "normalise", "original_words", "singular"]


_WORD_CHAR = re.compile(r"\w")
_SCRIPT_CHANGE = re.compile(r"(?<=[a-z0-9])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[a-z0-9])")


def normalise(text: str) -> str:
    """Fold case, width and punctuation so that 'Gallium-Nitride' equals 'gallium nitride'; Latin words
    and digits written against Chinese characters become words of their own ("bgo晶体" -> "bgo 晶体")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    text = _SCRIPT_CHANGE.sub(" ", text)
    return " ".join(text.split())


def original_words(text: str, start: int, end: int) -> str:
    """The words of ``text`` as written that the span ``start:end`` of ``normalise(text)`` covers
    ("NdFeB magnets" for the span of "ndfeb magnets", "铟锭" inside a Chinese sentence)."""
    folded = unicodedata.normalize("NFKC", text)
    sources: list[int] = []  # for each character of the normalised text, its index in ``folded``
    pending_space = False
    previous = ""
    for i, char in enumerate(folded):
        for piece in char.casefold():
            if _WORD_CHAR.match(piece):
                if previous and _SCRIPT_CHANGE.match(previous + piece, 1):
                    pending_space = True
                if pending_space and sources:
                    sources.append(i)
                pending_space = False
                sources.append(i)
                previous = piece
            else:
                pending_space = True
                previous = ""
    if not 0 <= start < end <= len(sources):
        return normalise(text)[start:end]
    return folded[sources[start] : sources[end - 1] + 1].strip()


def singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


class PhraseIndex:
    """Finds known phrases in normalised text: Latin phrases word by word, Chinese ones as substrings.

    Built once; a question is scanned in one pass over its words instead of one regex per phrase.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        #: Chinese phrases by their first character, with their place in ``phrases`` (the order found).
        self._cjk: dict[str, list[tuple[int, str]]] = {}
        self._long: list[tuple[str, tuple[str, ...], frozenset[str]]] = []
        for order, phrase in enumerate(phrases):
            if has_chinese(phrase):
                self._cjk.setdefault(phrase[0], []).append((order, phrase))
                continue
            words = tuple(phrase.split())
            self._by_first.setdefault(words[0], []).append((phrase, words))
            if len(words) >= 3:
                self._long.append((phrase, words, frozenset(words)))

    def exact(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, phrase) for every phrase in ``text``; a final word may take a plural ending."""
        tokens = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        words = [token for token, _, _ in tokens]
        spans = []
        for i, word in enumerate(words):
            for phrase, wanted in self._by_first.get(word, ()):
                last = i + len(wanted) - 1
                if last >= len(words) or words[i:last] != list(wanted[:-1]):
                    continue
                if words[last] in (wanted[-1], wanted[-1] + "s", wanted[-1] + "es"):
                    spans.append((tokens[i][1], tokens[last][2], phrase))
        if self._cjk and has_chinese(text):
            found = [
                (order, start, phrase)
                for start, char in enumerate(text)
                for order, phrase in self._cjk.get(char, ())
                if text.startswith(phrase, start)
            ]
            # In the order of the phrases, then of the text (as one scan per phrase would find them).
            spans += [(start, start + len(phrase), phrase) for _, start, phrase in sorted(found)]
        return spans

    def gapped(self, text: str, skip: set[str], gap: int = 2) -> list[tuple[int, int, str]]:
        """Phrases of 3+ words whose words all occur within ``gap`` extra words of each other."""
        tokens = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        present = {token for token, _, _ in tokens} | {singular(token) for token, _, _ in tokens}
        spans = []
        for phrase, words, wanted in self._long:
            if phrase in skip or not wanted <= present:
                continue
            for i, (token, start, _) in enumerate(tokens):
                if token not in wanted and singular(token) not in wanted:
                    continue
                window = tokens[i : i + len(words) + gap]
                seen = {t for t, _, _ in window} | {singular(t) for t, _, _ in window}
                if wanted <= seen:
                    end = max(e for t, _, e in window if t in wanted or singular(t) in wanted)
                    spans.append((start, end, phrase))
                    break
        return spans
