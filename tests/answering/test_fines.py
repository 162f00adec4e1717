"""Fines worked out on a stated amount: the amount and currency read, the band of the provision applied."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.answering.fines import fine_band, fine_sentence, stated_amount
from kb.answering.knowledge import KnowledgeBase
from kb.corpus.schema import FineRule
from tests.conftest import BuiltIndex, WordOverlapSearcher, assert_well_formed

ART_34 = FineRule(ref="Art. 34", threshold=500_000, times=(5, 10), otherwise=(500_000, 5_000_000))


@pytest.mark.parametrize(
    ("question", "value", "currency"),
    [
        ("the deal was worth about RMB 3 million", 3_000_000, "RMB"),
        ("turnover of 450,000 yuan", 450_000, "RMB"),
        ("CNY 2.5m of germanium", 2_500_000, "RMB"),
        ("价值300万元的锑锭", 3_000_000, "RMB"),
        ("违法经营额不足20万元", 200_000, "RMB"),
        ("worth USD 400,000", 400_000, "USD"),
        ("a €1.2 million order", 1_200_000, "EUR"),
        ("货值50万美元", 500_000, "USD"),
        # a sum named as one, with no 元 after it
        ("一笔交易（金额大概80万），会被罚多少？", 800_000, "RMB"),
        ("违法经营额约300万", 3_000_000, "RMB"),
    ],
)
def test_amounts_and_currencies_are_read(question: str, value: float, currency: str) -> None:
    amount = stated_amount(question)
    assert amount is not None and (amount.value, amount.currency) == (value, currency)


@pytest.mark.parametrize(
    "question",
    ["What is the fine?", "We shipped 3 tonnes in 2025", "Art. 34 fines", "出口了80万吨", "每吨5万"],
)
def test_no_money_no_amount(question: str) -> None:
    assert stated_amount(question) is None


def test_the_band_follows_the_threshold() -> None:
    assert fine_band(ART_34, 3_000_000) == (15_000_000, 30_000_000, True)
    assert fine_band(ART_34, 500_000) == (2_500_000, 5_000_000, True)  # the threshold itself is "or more"
    assert fine_band(ART_34, 499_999) == (500_000, 5_000_000, False)
    capped = FineRule(ref="Art. 40", threshold=1, times=(1, 1), otherwise=(100_000,))
    assert fine_band(capped, 0.5) == (0, 100_000, False)


def test_a_foreign_currency_is_not_converted() -> None:
    amount = stated_amount("worth USD 400,000")
    assert amount is not None
    text = fine_sentence(ART_34, amount, "Export Control Law, Art. 34", 1, "en")
    assert "does not convert" in text and "USD" in text and "RMB 500,000" in text


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase(searcher=WordOverlapSearcher())


@pytest.mark.slow
def test_a_question_with_a_turnover_gets_the_fine_worked_out(built_index: BuiltIndex) -> None:
    # English topics are recognised by the real model's similarity, hence the real index.
    answer = KnowledgeBase(built_index.settings).answer(
        "A trader shipped antimony ingots with no licence; the deal was worth RMB 3 million. What fine?",
        as_of="2026-11-22",
    )
    assert answer.verdict == "licence_required"  # the product's verdict stays first
    assert "RMB 15,000,000 to RMB 30,000,000" in answer.text
    fine = next(c for c in answer.citations if "RMB 15,000,000" in answer.text.split(f"[{c.n}]")[0][-200:])
    assert (fine.document_id, fine.locator) in {
        ("law-export-control-2020", "Art. 34"),
        ("state-council-2024-792", "Art. 39"),
    }
    assert_well_formed(answer)


def test_chinese_fine_in_ten_thousands(base: KnowledgeBase) -> None:
    answer = base.answer("没有许可证出口管制物项，违法经营额30万元，罚款是多少？", as_of="2026-11-22")
    assert "50万元至500万元" in answer.text
    assert_well_formed(answer)


@pytest.mark.parametrize(
    ("question", "ref", "band"),
    [
        (
            "跟管控名单上的一家公司做了一单大约100万元的生意，按出口管制法会被罚多少钱？",
            "Art. 37",
            "1,000万元至2,000万元",
        ),
        ("没有许可证出口管制物项，违法经营额100万元，罚款是多少？", "Art. 34", "500万元至1,000万元"),
    ],
)
def test_the_fine_is_the_one_for_the_conduct_asked_about(
    base: KnowledgeBase, question: str, ref: str, band: str
) -> None:
    # dealing with a party on the control list is fined under Art. 37 (10 to 20 times), an unlicensed
    # export under Art. 34, whichever of the topics that quote them comes first
    from kb.answering.citations import CitationList
    from kb.answering.compose import StatedVerdict, _state_fine
    from kb.answering.topics import TopicMatch

    topics = {t.id: t for t in base.topics}
    matched = [TopicMatch(topics[k], 0.5) for k in ("penalties-and-liability", "control-and-watch-lists")]
    citations = CitationList(base.corpus, base.timeline, dt.date(2026, 11, 22), "zh")
    stated = StatedVerdict()
    _state_fine(stated, matched, question, base.corpus, citations, "zh")
    assert len(stated.facts) == 1 and band in stated.facts[0]
    assert citations.items[0].locator == ref
