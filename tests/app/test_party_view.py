"""Parties as the app shows them: the screening tab's cards and the party line of the verdict card
(listed with the status badge, possible matches as possible, names on no list never cleared),
escaped, and read back safely from what the browser keeps."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.records import Answer
from kb.app.conversations import answer_from_stored, answer_to_stored
from kb.app.party_view import (
    PartyCard,
    hit_card_html,
    outcome_style,
    party_cards,
    party_lines_html,
    screening_html,
    state_badge_html,
    verdict_card_html,
)
from kb.app.transcript import answer_html
from kb.config import Settings
from kb.verdicts.parties import PartyRegistry
from tests.conftest import WordOverlapSearcher

QUESTION = "Can I export samarium magnets to MP Materials?"
LISTED_FROM = dt.date(2026, 6, 22)  # MOFCOM Announcement No. 23 of 2026


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase(Settings(), searcher=WordOverlapSearcher())


@pytest.fixture(scope="module")
def registry(base: KnowledgeBase) -> PartyRegistry:
    return base.parties


@pytest.fixture(scope="module")
def listed_answer(base: KnowledgeBase) -> Answer:
    return base.answer(QUESTION, as_of="2026-11-22")


def test_the_answer_on_the_date_is_prohibited_and_names_the_party(listed_answer: Answer) -> None:
    assert listed_answer.verdict == "prohibited"
    (party,) = listed_answer.parties
    assert party["match"] == "listed" and party["document_id"] == "mofcom-2026-23"


def test_the_verdict_card_shows_the_party_its_list_and_its_status(listed_answer: Answer) -> None:
    card = verdict_card_html(listed_answer)
    assert 'data-verdict="prohibited"' in card and "Parties named" in card
    assert '<div class="kb-party" data-match="listed" data-state="listed" data-doc="mofcom-2026-23">' in card
    assert 'data-state="listed" style="color:#b91c1c' in card and "✖ LISTED" in card
    assert "MP Materials Corp. (芒廷帕斯材料公司, US)" in card
    assert "MOFCOM&#x27;s export-control control list · MOFCOM Announcement No. 23 of 2026" in card
    assert "listed since 2026-06-22" in card
    assert card in answer_html(listed_answer, 0)  # the card at the top of the answer in the chat


def test_before_the_listing_the_card_says_not_yet_listed(base: KnowledgeBase) -> None:
    answer = base.answer(QUESTION, as_of="2026-01-01")
    assert answer.verdict == "licence_required"
    card = verdict_card_html(answer)
    assert 'data-state="not_yet_listed"' in card and "NOT YET LISTED" in card and "✖ LISTED" not in card
    assert "not yet listed on 2026-01-01; listed from 2026-06-22" in card


def test_a_possible_match_and_an_unknown_name_are_never_asserted(base: KnowledgeBase) -> None:
    answer = base.answer("Can I export samarium magnets to MP Materails Corp or Nordwind Metals AG?")
    card = verdict_card_html(answer)
    assert 'data-match="possible"' in card and "POSSIBLE MATCH — CHECK" in card
    assert "‘MP Materails Corp’ may be MP Materials Corp." in card and "✖ LISTED" not in card
    assert 'data-match="none"' in card and "NOT FOUND ON THE LISTS HELD" in card
    assert "this is not a clearance" in card and "cleared" not in card.lower()


def test_a_chinese_answer_has_a_chinese_card(base: KnowledgeBase) -> None:
    answer = base.answer("可以向芒廷帕斯材料公司出口钐磁体吗？", as_of="2026-11-22")
    card = verdict_card_html(answer)
    assert "所涉当事方" in card and "已列入" in card and "商务部公告2026年第23号" in card
    assert "芒廷帕斯材料公司（MP Materials Corp.，US）" in card and "自2026-06-22起列入名单" in card


def test_an_answer_without_parties_has_no_party_line(base: KnowledgeBase) -> None:
    answer = base.answer("Do I need a licence to export gallium nitride?", as_of="2026-11-22")
    assert answer.parties == () and "kb-parties" not in verdict_card_html(answer)


def test_the_card_survives_the_browsers_storage(listed_answer: Answer) -> None:
    kept = json.loads(json.dumps(answer_to_stored(listed_answer)))
    assert set(kept["parties"][0]) == {"party", "match", "score", "why", "list", "number", "number_zh",
                                       "document_id", "status"}  # fmt: skip
    back = answer_from_stored(kept)
    assert back is not None and verdict_card_html(back) == verdict_card_html(listed_answer)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "MP Materials",
        {"match": "listed"},
        {"match": "none", "name": 7},
        {"party": {"name": "X"}, "status": {"state": "cleared"}, "list": "control_list"},
        {"party": {"name": "X"}, "status": {"state": "listed"}, "list": "white_list"},
        {"party": "X", "status": {"state": "listed"}, "list": "control_list"},
    ],
)
def test_records_that_are_not_parties_are_left_out(raw: object) -> None:
    assert PartyCard.from_dict(raw) is None and party_cards([raw]) == ()


def test_a_tampered_party_is_escaped() -> None:
    raw = {
        "party": {"name": '<img src="http://198.51.100.7/x.png">Evil Corp', "country": "<b>"},
        "match": "listed",
        "score": "100",
        "list": "control_list",
        "number": "<script>alert(1)</script>",
        "status": {"state": "listed", "as_of": "2026-11-22", "since": "not a date"},
    }
    parties = [raw, {"match": "none", "name": "<svg onload=alert(1)>"}]
    html = party_lines_html(parties, "en", dt.date(2026, 11, 22))
    assert "<img" not in html and "<script" not in html and "<svg" not in html
    assert "&lt;img src=" in html and "&lt;script&gt;" in html and "Evil Corp (&lt;b&gt;)" in html


def test_the_screening_card_says_everything_about_a_hit(registry: PartyRegistry) -> None:
    (hit,) = registry.screen("MP Materials", as_of="2026-11-22")
    card = hit_card_html(hit)
    for text in (
        "MP Materials Corp. (芒廷帕斯材料公司, US)",
        "<th>List</th><td>MOFCOM&#x27;s export-control control list</td>",
        "MOFCOM Announcement No. 23 of 2026 — Decision to add 10 US entities",
        "issued 2026-06-22, effective 2026-06-22",
        "<th>Status on 2026-11-22</th><td>listed since 2026-06-22</td>",
        "Exporters may not export dual-use items",
        "Exception: Where an export to a listed entity is genuinely necessary",
        "the same name as the listed alias &#x27;MP Materials&#x27; (score 100)",
        'data-doc="mofcom-2026-23" data-loc="Parties">Open the announcement</button>',
        'href="https://www.mofcom.gov.cn/',
    ):
        assert text in card, text
    assert 'data-match="listed" data-state="listed"' in card


def test_one_name_listed_possible_and_not_found(registry: PartyRegistry) -> None:
    day = dt.date(2026, 11, 22)
    listed = screening_html("MP Materials", registry.screen("MP Materials", as_of=day), day, 26)
    assert 'data-outcome="listed"' in listed and "as of 2026-11-22: listed" in listed
    near = screening_html("MP Materails Corp", registry.screen("MP Materails Corp", as_of=day), day, 26)
    assert 'data-outcome="possible_match"' in near and "possible match — check" in near
    assert 'data-match="possible"' in near and 'data-match="listed"' not in near
    assert "A possible match is not a finding" in near and "a close spelling of the listed name" in near
    none = screening_html("Acme Widgets GmbH", registry.screen("Acme Widgets GmbH", as_of=day), day, 26)
    assert 'data-outcome="no_match"' in none and "not found on the lists held as of 2026-11-22" in none
    assert "this is not a clearance" in none and "kb-party-card" not in none


def test_a_listing_not_yet_in_effect_is_said(registry: PartyRegistry) -> None:
    day = dt.date(2026, 1, 1)
    text = screening_html("MP Materials", registry.screen("MP Materials", as_of=day), day, 26)
    assert 'data-outcome="no_match"' in text and "was not yet listed on 2026-01-01" in text
    assert 'data-state="not_yet_listed"' in text


@pytest.mark.parametrize("key", ["listed", "suspended", "stopped", "removed", "unknown", "not_yet_listed",
                                 "possible", "none"])  # fmt: skip
def test_every_state_has_a_badge(key: str) -> None:
    assert f'data-state="{key}"' in state_badge_html(key) and "color:#" in state_badge_html(key)


def test_outcome_cells_are_coloured() -> None:
    assert outcome_style("listed").startswith("color:#b91c1c") and "#047857" in outcome_style("no_match")
    assert outcome_style("possible_match") != outcome_style("listed") and outcome_style("error")
