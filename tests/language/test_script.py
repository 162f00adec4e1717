"""One definition of a Chinese character; a text's language from its share of Chinese."""

from __future__ import annotations

import pytest

from kb.language.script import document_language, han_count, has_chinese, question_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [("gallium", False), ("镓", True), ("氧化镓 Ga2O3", True), ("，。", False), ("", False)],
)
def test_has_chinese(text: str, expected: bool) -> None:
    assert has_chinese(text) is expected


def test_han_count_ignores_punctuation_and_latin() -> None:
    assert han_count("出口氧化镓，需要许可证吗？GaN") == 11


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Exporting gallium needs a licence.", "en"),
        ("出口镓需要许可证。", "zh"),
        ("The Chinese name of gallium nitride is 氮化镓, written in three characters here.", "en"),
        ("商务部公告2023年第23号 (No. 23 of 2023)", "zh"),
    ],
)
def test_document_language(text: str, lang: str) -> None:
    assert document_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("出口氧化镓需要申请许可证吗？", "zh"),
        ("洛马（Lockheed Martin Missiles and Fire Control）那边来询钐钴磁钢，能出口吗？", "zh"),
        ("HS 8112929010 这个要许可证吗", "zh"),
        (
            "One of our customers turned up on MOFCOM's watch list (关注名单). Can we still ship to them?",
            "en",
        ),
        ("Is gallium controlled?", "en"),
    ],
)
def test_a_question_is_answered_in_the_language_it_is_written_in(text: str, lang: str) -> None:
    assert question_language(text) == lang
