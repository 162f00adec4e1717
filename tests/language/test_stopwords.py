"""One home for stop words; content words are what is left."""

from __future__ import annotations

from kb.language.stopwords import CHINESE, DOMAIN, ENGLISH, content_words


def test_content_words_drop_function_and_domain_words() -> None:
    assert content_words("Do I need a licence to export the gallium nitride wafers?") == {
        "gallium",
        "nitride",
        "wafers",
    }


def test_content_words_keep_single_chinese_characters() -> None:
    assert content_words("出口氧化镓") >= {"氧", "化", "镓"}


def test_min_length_drops_short_words() -> None:
    assert content_words("GaN on Si wafers", min_length=3) == {"gan", "wafers"}


def test_the_lists_do_not_overlap_their_purposes() -> None:
    assert "licence" in DOMAIN and "licence" not in ENGLISH
    assert "的" in CHINESE and not CHINESE & ENGLISH
