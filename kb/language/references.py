"""Document numbers written in text: "No. 46 of 2024", "2024年第46号", "Decree No. 792"; and
article numbers: "Art. 49", "Article 34", "第四十九条", "第34条"."""

from __future__ import annotations

import re

__all__ = ["article_numbers", "document_numbers", "law_articles_referred", "locator_articles"]

_NUMBER_OF_YEAR = re.compile(
    r"\bNo\.?\s*(\d{1,4})\s*(?:of|/)\s*((?:19|20)\d{2})\b"  # No. 46 of 2024
    r"|(?<!\d)((?:19|20)\d{2})\s*年\s*第\s*(\d{1,4})\s*号"  # 2024年第46号
    r"|[\[〔]\s*((?:19|20)\d{2})\s*[\]〕]\s*(?:No\.?\s*)?(\d{1,4})",  # [2021] No. 209, 〔2021〕209号
    re.IGNORECASE,
)
_NUMBER_ONLY = re.compile(
    r"\b(?:Decree|Order)\s+No\.?\s*(\d{1,4})\b(?!\s*(?:of|/))|令第\s*(\d{1,4})\s*号", re.IGNORECASE
)


def document_numbers(text: str) -> set[tuple[int | None, int]]:
    """The document numbers written in ``text`` as (year, number): 'No. 46 of 2024' and
    '2024年第46号' give (2024, 46); 'Decree No. 792' and '国务院令第792号' give (None, 792)."""
    found: set[tuple[int | None, int]] = set()
    for match in _NUMBER_OF_YEAR.finditer(text):
        g = match.groups()
        if g[0]:
            found.add((int(g[1]), int(g[0])))
        elif g[2]:
            found.add((int(g[2]), int(g[3])))
        else:
            found.add((int(g[4]), int(g[5])))
    for match in _NUMBER_ONLY.finditer(text):
        found.add((None, int(match.group(1) or match.group(2))))
    return found


_ARTICLE = re.compile(
    r"\bArt(?:icle)?s?\.?\s*(\d{1,3})\b|第\s*([0-9]{1,3}|[零〇一二两三四五六七八九十百]{1,6})\s*条",
    re.IGNORECASE,
)
_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_numeral(text: str) -> int | None:
    """'四十九' -> 49, '十二' -> 12, '一百零五' -> 105; ``None`` when it is no numeral."""
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
        else:
            return None
    return total + digit or None


def article_numbers(text: str) -> tuple[int, ...]:
    """The article numbers written in ``text``, in order, each once."""
    return _numbers(_ARTICLE, text)


def _numbers(pattern: re.Pattern[str], text: str) -> tuple[int, ...]:
    """The numbers ``pattern`` finds in ``text`` (digits in group 1, or Chinese numerals or digits in
    group 2), in order, each once."""
    found: list[int] = []
    for match in pattern.finditer(text):
        raw = match.group(1) or match.group(2)
        number = int(raw) if raw.isdigit() else chinese_numeral(raw)
        if number is not None and number not in found:
            found.append(number)
    return tuple(found)


def locator_articles(locator: str) -> frozenset[int]:
    """The articles a section's locator covers: 'Art. 49' -> {49}, 'Arts. 45-46' -> {45, 46},
    'Arts. 21, 22(1)' -> {21, 22}; empty for a locator that is no article."""
    match = re.match(r"Arts?\.\s*(.+)$", locator)
    if match is None:
        return frozenset()
    numbers: set[int] = set()
    for part in re.split(r",\s*", match.group(1)):
        span = re.match(r"(\d+)(?:\([^)]*\))?(?:\s*-\s*(\d+))?", part)
        if span:
            low = int(span.group(1))
            high = int(span.group(2)) if span.group(2) else low
            numbers.update(range(low, high + 1))
    return frozenset(numbers)


#: A provision that defers to an article of the Export Control Law: "Art. 34 of the Export Control Law
#: supplies the penalties", "依照《出口管制法》第三十四条的规定予以处罚".
_LAW_ARTICLE = re.compile(
    r"\bArt(?:icle)?s?\.?\s*(\d{1,3})\s+of\s+the\s+Export\s+Control\s+Law\b"
    r"|《?出口管制法》?\s*第\s*([0-9]{1,3}|[零〇一二两三四五六七八九十百]{1,6})\s*条",
    re.IGNORECASE,
)


def law_articles_referred(text: str) -> tuple[int, ...]:
    """The articles of the Export Control Law that ``text`` refers to, in order, each once."""
    return _numbers(_LAW_ARTICLE, text)
