"""A buyer named in the question is screened, and its listing decides the verdict where it applies on
the date; a possible match is said, a name no list holds is never cleared."""

from __future__ import annotations

import pytest

from kb.answering.knowledge import KnowledgeBase
from tests.conftest import WordOverlapSearcher, assert_well_formed


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase(searcher=WordOverlapSearcher())


def test_a_control_list_buyer_makes_a_listed_item_prohibited(base: KnowledgeBase) -> None:
    answer = base.answer("Can I export samarium magnets to MP Materials?", as_of="2026-11-22")
    assert answer.verdict == "prohibited"
    assert answer.citations[0].document_id == "mofcom-2026-23"  # the listing leads, cited first
    first = answer.text.splitlines()[0]
    assert "control list" in first and "MOFCOM Announcement No. 23 of 2026" in first
    assert "apply to MOFCOM" in first  # the exception procedure the announcement gives
    party = next(p for p in answer.to_dict()["parties"] if p["match"] == "listed")  # type: ignore[union-attr]
    assert party["document_id"] == "mofcom-2026-23" and party["status"]["state"] == "listed"
    assert_well_formed(answer)


def test_before_the_listing_the_item_verdict_stands(base: KnowledgeBase) -> None:
    answer = base.answer("Can I export samarium magnets to MP Materials?", as_of="2026-05-01")
    assert answer.verdict == "licence_required"
    assert "2026-06-22" in answer.text  # says when the listing starts


def test_a_chinese_question_names_the_buyer_in_chinese(base: KnowledgeBase) -> None:
    answer = base.answer("把钐钴磁体卖给美国芒廷帕斯材料公司可以吗？", as_of="2026-11-22")
    assert answer.verdict == "prohibited"
    assert "管控名单" in answer.text.splitlines()[0] and "商务部公告2026年第23号" in answer.text


def test_a_watch_list_buyer_needs_a_licence_with_extra_duties(base: KnowledgeBase) -> None:
    answer = base.answer("Can we sell dual-use items to SUBARU Corporation?", as_of="2026-11-22")
    assert answer.verdict == "licence_required"
    assert "watch list" in answer.text.splitlines()[0]


def test_a_suspended_listing_leaves_the_item_verdict_and_a_lapsed_one_is_uncertain(
    base: KnowledgeBase,
) -> None:
    question = "Can we export gallium nitride wafers to Source Intelligence, Inc.?"
    during = base.answer(question, as_of="2026-03-01")
    assert during.verdict == "licence_required"
    assert "suspended until 2026-11-10" in during.text
    after = base.answer(question, as_of="2026-11-22")
    assert after.verdict == "uncertain"
    assert "status unknown" in after.text and "check with MOFCOM" in after.text


def test_stopped_measures_do_not_bar_the_export(base: KnowledgeBase) -> None:
    answer = base.answer("Can we export gallium nitride wafers to Novotech, Inc.?", as_of="2026-11-22")
    assert answer.verdict == "licence_required"
    assert "measures stopped since 2025-08-12" in answer.text


def test_a_close_spelling_decides_but_says_so(base: KnowledgeBase) -> None:
    answer = base.answer(
        "Customer is Huntington Ingals Industries, wants tungsten carbide.", as_of="2026-12-01"
    )
    assert answer.verdict == "prohibited"
    first = answer.text.splitlines()[0]
    assert "close spelling" in first and "if that is the buyer" in first


def test_a_buyer_on_no_list_is_not_cleared(base: KnowledgeBase) -> None:
    answer = base.answer(
        "Can we sell gallium nitride wafers to Nordwind Metals AG in Germany?", as_of="2026-11-22"
    )
    assert answer.verdict == "licence_required"
    assert any("'Nordwind Metals AG': not found on the lists held" in c for c in answer.caveats)
    assert "cleared" not in answer.text.replace("not a clearance", "")
    assert {"name": "Nordwind Metals AG", "match": "none"} in answer.to_dict()["parties"]  # type: ignore[operator]


def test_a_listed_buyer_of_an_unlisted_product_keeps_not_listed_with_a_warning(base: KnowledgeBase) -> None:
    answer = base.answer("Can we export copper cathodes to MP Materials?", as_of="2026-11-22")
    assert answer.verdict == "not_listed"
    assert "catch-all" in answer.text.splitlines()[0]


def test_an_entity_list_trade_ban_covers_any_goods(base: KnowledgeBase) -> None:
    # Unreliable Entity List measures of 2025 barring any import or export connected with China.
    answer = base.answer("Can we export copper cathodes to Lockheed Martin?", as_of="2026-11-22")
    assert answer.verdict == "prohibited"
    assert "any goods" in answer.text.splitlines()[0]


def test_no_party_no_party_section(base: KnowledgeBase) -> None:
    answer = base.answer("Do I need a licence to export gallium nitride wafers?", as_of="2026-11-22")
    assert answer.to_dict()["parties"] == []


def test_a_capitalised_product_is_no_buyer(base: KnowledgeBase) -> None:
    answer = base.answer(
        "Mitsubishi Precision Co., Ltd. asked for SmCo magnets. Can we export?", as_of="2026-12-01"
    )
    assert all(p.get("name") != "SmCo magnets" for p in answer.to_dict()["parties"])  # type: ignore[union-attr]
    assert answer.verdict == "prohibited"  # Mitsubishi Precision is on the control list
