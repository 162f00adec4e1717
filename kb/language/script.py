"""Which script a text is in: the one definition of a Chinese character used across the package."""

from __future__ import annotations

import re

__all__ = [
    "CJK_TEXT",
    "HAN",
    "HAN_RUN",
    "IDEOGRAPHS",
    "document_language",
    "han_count",
    "has_chinese",
    "question_language",
]

#: The CJK Unified Ideographs block: what "a Chinese character" means everywhere in ``kb``.
IDEOGRAPHS = "\u4e00-\u9fff"
#: One Chinese character.
HAN = re.compile(f"[{IDEOGRAPHS}]")
#: A run of Chinese characters.
HAN_RUN = re.compile(f"[{IDEOGRAPHS}]+")
#: A character of Chinese running text: ideographs plus CJK and full-width punctuation (for telling a
#: line fold between two Chinese characters from a word break).
CJK_TEXT = f"[\u3000-\u303f{IDEOGRAPHS}\uff00-\uffef]"


def has_chinese(text: str) -> bool:
    """True when ``text`` contains a Chinese character."""
    return HAN.search(text) is not None


def han_count(text: str) -> int:
    """How many Chinese characters ``text`` holds."""
    return len(HAN.findall(text))


def document_language(text: str) -> str:
    """``zh`` when Chinese characters make up a large share of the letters of ``text``, else ``en``."""
    if not has_chinese(text):
        return "en"
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    # A Chinese character carries about as much as a short English word (~4 letters).
    return "zh" if han_count(text) * 4 >= latin else "en"


#: A question is Chinese unless its Latin letters outnumber its Chinese characters this many times.
#: Chinese questions name products, codes and companies in Latin letters (at most about 1.1 letters a
#: character in the project's sets); an English one that quotes a Chinese term ("the watch list
#: (关注名单)") has 30 or more.
QUESTION_LATIN_PER_HAN = 8


def question_language(text: str) -> str:
    """The language to read and answer a question in: ``zh`` when it is written in Chinese, even with
    English names in it; ``en`` when it is English, even with a Chinese term quoted."""
    han = han_count(text)
    if not han:
        return "en"
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if latin <= QUESTION_LATIN_PER_HAN * han else "en"
