"""Article numbers in questions and in section locators."""

from __future__ import annotations

import pytest

from kb.language.references import article_numbers, chinese_numeral, locator_articles


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("两用物项出口管制条例第四十九条的域外适用条款", (49,)),
        ("出口管制法第34条和第三十七条", (34, 37)),
        ("What does Art. 34 of the Export Control Law say? And Article 39?", (34, 39)),
        ("第十条、第一百零五条", (10, 105)),
        ("No. 46 of 2024", ()),
    ],
)
def test_article_numbers(text: str, numbers: tuple[int, ...]) -> None:
    assert article_numbers(text) == numbers


def test_chinese_numerals() -> None:
    assert [chinese_numeral(t) for t in ("四十九", "十二", "二十", "一百零五", "条")] == [
        49,
        12,
        20,
        105,
        None,
    ]


@pytest.mark.parametrize(
    ("locator", "numbers"),
    [
        ("Art. 49", {49}),
        ("Arts. 45-46", {45, 46}),
        ("Arts. 21, 22(1)", {21, 22}),
        ("Art. 17(2)-(3)", {17}),
        ("Part 1(2)", set()),
    ],
)
def test_locator_articles(locator: str, numbers: set[int]) -> None:
    assert locator_articles(locator) == numbers
