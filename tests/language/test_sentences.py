"""One sentence splitter for chunking and quoting."""

from __future__ import annotations

from kb.language.sentences import asking_part, split_sentences


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "See Art. 12 of No. 46 of 2024. It applies to the U.S. market. Then e.g. samples follow."
    assert split_sentences(text) == [
        "See Art. 12 of No. 46 of 2024.",
        "It applies to the U.S. market.",
        "Then e.g. samples follow.",
    ]


def test_chinese_splits_after_full_width_stops() -> None:
    assert split_sentences("出口须申请许可。审查期限为45个工作日！是否适用？") == [
        "出口须申请许可。",
        "审查期限为45个工作日！",
        "是否适用？",
    ]


def test_semicolons_split_only_when_asked() -> None:
    text = "Exporters must keep records; Customs may ask for them."
    assert split_sentences(text) == [text]
    assert split_sentences(text, semicolons=True) == [
        "Exporters must keep records;",
        "Customs may ask for them.",
    ]


def test_whitespace_inside_a_sentence_is_kept() -> None:
    assert split_sentences("One line\ncontinues here. Next one.") == [
        "One line\ncontinues here.",
        "Next one.",
    ]


def test_the_asking_part_of_a_message_that_sets_the_scene() -> None:
    text = "Two officers came to our plant today. They asked for the ledgers. May they seal our stock?"
    assert asking_part(text) == "May they seal our stock?"
    assert asking_part("货被海关扣了。说可能是两用物项。接下来怎么办？") == "接下来怎么办？"
    # one sentence, or nothing but questions: the whole message is the question
    assert asking_part("How long does review take?") is None
    assert asking_part("How long does review take? Can it be extended?") is None
    assert asking_part("Tell me about the review time limits.") is None
