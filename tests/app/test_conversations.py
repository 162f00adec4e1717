"""Conversations: bounded per session, saved in and restored from the browser (outside data,
checked field by field), exported as Markdown with their citations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.app.conversations import (
    MAX_STORED_CHARS,
    Conversation,
    History,
    Limits,
    Turn,
    answer_from_stored,
    answer_to_stored,
    conversation_markdown,
)
from kb.config import Settings
from tests.conftest import WordOverlapSearcher

LIMITS = Limits(max_turns=5, max_conversations=3, max_question_chars=200)


@pytest.fixture(scope="module")
def answer() -> Answer:
    base = KnowledgeBase(Settings(), searcher=WordOverlapSearcher())
    return base.answer("Do I need a licence to export gallium nitride?", as_of="2026-11-22")


def test_a_conversation_keeps_its_latest_turns_and_counts_the_rest(answer: Answer) -> None:
    history = History(limits=LIMITS)
    for i in range(8):
        history.add(Turn(f"question {i}", answer))
    turns = history.current.turns
    assert [t.question for t in turns] == [f"question {i}" for i in range(3, 8)]
    assert history.current.dropped == 3 and history.current.title == "question 0"


def test_conversations_start_select_and_delete(answer: Answer) -> None:
    history = History(limits=LIMITS)
    history.add(Turn("first", answer))
    first = history.current.id
    assert history.start() is history.current and history.current.id != first
    assert history.start().id == history.current.id  # an empty conversation is reused
    history.add(Turn("second", answer))
    assert [label.split(" · ")[0] for label, _ in history.choices()] == ["second", "first"]
    history.select(first)
    assert history.current.turns[0].question == "first"
    history.delete(first)
    assert history.current.turns[0].question == "second"
    for i in range(5):
        history.start()
        history.add(Turn(f"more {i}", answer))
    assert len(history.conversations) == LIMITS.max_conversations


def test_what_the_browser_keeps_comes_back_the_same(answer: Answer) -> None:
    history = History(limits=LIMITS)
    history.add(
        Turn("Do I need a licence to export gallium nitride?", answer, notices=("n",), versions=("c", "i"))
    )
    history.add(Turn("bad date", message="⚠ not a date"))
    stored = json.loads(json.dumps(history.to_stored("alice")))  # what the browser hands back
    restored = History.from_stored(stored, LIMITS, "alice")
    assert restored.notes == []
    (conversation,) = restored.conversations
    first, second = conversation.turns
    assert first.answer is not None and first.notices == ("n",) and first.versions == ("c", "i")
    assert (first.answer.verdict, first.answer.text, first.answer.as_of) == (
        answer.verdict,
        answer.text,
        answer.as_of,
    )
    assert [c.to_dict() for c in first.answer.citations] == [
        {**c.to_dict(), "text": c.text[:1500]} for c in answer.citations
    ]
    assert second.answer is None and second.message == "⚠ not a date"
    assert conversation.id == history.current.id


@pytest.mark.parametrize(
    "stored",
    [None, {}, [], "text", 42, {"version": 99, "conversations": []}, {"version": 1, "conversations": "x"}],
)
def test_anything_else_restores_an_empty_history(stored: object) -> None:
    history = History.from_stored(stored, LIMITS)
    assert history.current.turns == []


def _stored(answer: Answer, **changes: Any) -> dict[str, Any]:
    data = answer_to_stored(answer)
    data.update(changes)
    return data


def test_a_tampered_or_newer_answer_is_read_field_by_field(answer: Answer) -> None:
    newer = _stored(answer, conditions=[{"text": "if over 99.9%"}], party_screening={"x": 1})
    assert answer_from_stored(newer) is not None  # fields the app does not know are ignored
    assert answer_from_stored(_stored(answer, verdict="totally_fine")) is None
    assert answer_from_stored(_stored(answer, as_of="yesterday")) is None
    assert answer_from_stored(_stored(answer, lang="fr")) is None
    huge = answer_from_stored(_stored(answer, text="x" * 10_000_000))
    assert huge is not None and len(huge.text) == 20_000
    odd = answer_from_stored(
        _stored(answer, citations=[{"n": "1"}, "junk", *answer_to_stored(answer)["citations"]])
    )
    assert odd is not None and len(odd.citations) == len(answer.citations)


def test_restoring_bounds_what_comes_back(answer: Answer) -> None:
    turn = {"question": "q" * 5000, "answer": answer_to_stored(answer)}
    conversations = [{"id": f"{i:x}", "title": "t", "turns": [turn] * 9} for i in range(6)]
    history = History.from_stored({"version": 1, "user": None, "conversations": conversations}, LIMITS)
    assert len(history.conversations) == LIMITS.max_conversations
    assert all(len(c.turns) == LIMITS.max_turns and c.dropped == 4 for c in history.conversations)
    assert all(len(t.question) == 200 for c in history.conversations for t in c.turns)
    assert any("3 most recent conversations" in note for note in history.notes)
    assert len(json.dumps(history.to_stored())) <= MAX_STORED_CHARS


def test_the_stored_size_is_bounded(answer: Answer) -> None:
    big = dataclasses.replace(answer, text="y" * 19_000)
    history = History(limits=Limits(max_turns=200, max_conversations=20))
    for i in range(120):
        if i % 10 == 0:
            history.start()
        history.add(Turn(f"q{i}", big))
    assert len(json.dumps(history.to_stored(), ensure_ascii=False)) <= MAX_STORED_CHARS
    assert history.current.turns[-1].question == "q119"


def test_another_users_conversations_are_not_shown(answer: Answer) -> None:
    history = History(limits=LIMITS)
    history.add(Turn("mine", answer))
    restored = History.from_stored(history.to_stored("alice"), LIMITS, "bob")
    assert restored.current.turns == [] and "another user" in restored.notes[0]


def test_markdown_export_has_questions_answers_and_sources(answer: Answer) -> None:
    hostile = dataclasses.replace(answer.citations[0], text='<img src="http://198.51.100.7/x.png">')
    conversation = Conversation(title="Gallium <b>questions</b>")
    conversation.add(
        Turn("Is <script>x</script> GaN controlled?", dataclasses.replace(answer, citations=(hostile,))), 10
    )
    conversation.add(Turn("bad", message="⚠ “2024/13/45” is not a date"), 10)
    text = conversation_markdown(conversation, dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC))
    assert text.startswith("# Gallium &lt;b>questions&lt;/b>\n")
    assert "Exported 2026-11-22 09:30 UTC" in text
    assert "## 1. Is &lt;script>x&lt;/script> GaN controlled?" in text
    assert answer.text.split("\n")[0] in text and "[1] MOFCOM & GAC Announcement No. 23 of 2023" in text
    assert "## 2. bad" in text and "is not a date" in text
    assert "<img" not in text and "<script" not in text


def test_only_a_restored_history_is_saved_over_the_browsers(answer: Answer) -> None:
    assert History.from_stored(None, LIMITS).restored and not History(limits=LIMITS).restored
    stored = History(limits=LIMITS)
    stored.add(Turn("kept in the browser", answer))
    restored = History.from_stored(stored.to_stored(), LIMITS)
    early = History(limits=LIMITS)
    early.add(Turn("asked before the page loaded", answer))
    restored.adopt(early.current)
    assert [c.turns[0].question for c in restored.conversations] == [
        "asked before the page loaded",
        "kept in the browser",
    ]


def test_the_history_limit_is_a_setting_and_says_how_to_raise_it(answer: Answer) -> None:
    limits = Limits.of(Settings.from_env({"KB_MAX_HISTORY_KB": "60"}))
    assert limits.max_history_chars == 60_000
    big = dataclasses.replace(answer, text="y" * 15_000)
    history = History(limits=limits)
    for i in range(12):
        if i % 3 == 0:
            history.start()
        history.add(Turn(f"q{i}", big))
    assert len(json.dumps(history.to_stored(), ensure_ascii=False)) <= 60_000
    assert history.current.turns[-1].question == "q11"
    assert any("within 60 kB (KB_MAX_HISTORY_KB raises the limit)" in note for note in history.notes)
