"""Question analysis: what is asked about (items, destination, date, language) and whether it asks
for a verdict or for information."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.answering.analysis import analyse
from kb.corpus.loading import load_corpus
from kb.language.references import document_numbers
from kb.verdicts.catalogue import Catalogue
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(load_corpus(SOURCES))


@pytest.mark.parametrize(
    "question",
    [
        "Can antimony ingots go to the United States today?",
        "Do I need a licence to export gallium nitride wafers?",
        "Is germanium dioxide subject to export control?",
        "Could we ship APT to a buyer in Japan?",
        "Antimony ingots to the US?",
        "出口氧化镓需要申请许可证吗？",
        "锑锭能否出口到美国？",
    ],
)
def test_questions_about_an_item_ask_for_a_verdict(catalogue: Catalogue, question: str) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.intent == "verdict"
    assert analysis.items, "the item was not recognised"


@pytest.mark.parametrize(
    "question",
    [
        "How long does MOFCOM take to review a dual-use licence application?",
        "What documents does the application need?",
        "What are the penalties for exporting gallium without a licence?",
        "出口许可证申请需要哪些材料？",
    ],
)
def test_how_and_what_questions_ask_for_information(catalogue: Catalogue, question: str) -> None:
    assert analyse(question, catalogue, today=dt.date(2026, 11, 22)).intent == "information"


@pytest.mark.parametrize(
    ("question", "asks_how"),
    [
        # context first, then a question on how the rules work
        ("We received a written notice from MOFCOM that an unlisted graphite product of ours may go to a "
         "WMD programme. It is not on any list. What exactly are we obliged to do now?", True),
        ("An agent offered to sell us another firm's licence so we can ship our germanium under it. We "
         "said no, but what would the legal exposure be?", True),
        # a question word that asks for the verdict
        ("We have an order for gallium arsenide wafers from South Korea. What do we need before shipping?",
         False),
        ("Shipment to a US civilian customer: GaAs wafers and tungsten carbide powder. What applies?", False),
    ],
)  # fmt: skip
def test_a_message_that_sets_the_scene_and_asks_how(
    catalogue: Catalogue, question: str, asks_how: bool
) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.intent == "verdict" and analysis.asks_how is asks_how


def test_destination_date_and_language(catalogue: Catalogue) -> None:
    analysis = analyse("Can antimony ingots go to the United States in June 2025?", catalogue)
    assert (analysis.destination, analysis.as_of, analysis.lang) == ("US", dt.date(2025, 6, 15), "en")
    assert analyse("锑锭能否出口到美国？", catalogue).lang == "zh"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("MOFCOM Announcement No. 46 of 2024", {(2024, 46)}),
        ("商务部公告2024年第46号", {(2024, 46)}),
        ("what does No.33/2024 say", {(2024, 33)}),
        ("Shang Ban An Guan Han [2021] No. 209", {(2021, 209)}),
        ("商办安管函〔2021〕209号", {(2021, 209)}),
        ("State Council Decree No. 792", {(None, 792)}),
        ("国务院令第792号", {(None, 792)}),
        ("gallium in 2024, 46 tonnes", set()),
    ],
)
def test_document_numbers(text: str, numbers: set[tuple[int | None, int]]) -> None:
    assert document_numbers(text) == numbers


@pytest.mark.parametrize(
    ("question", "documents"),
    [
        ("Which items does Announcement No. 33 of 2024 list?", ("mofcom-gac-2024-33",)),
        ("商务部公告2024年第46号规定了什么？", ("mofcom-2024-46",)),
        ("What does Decree No. 792 say about penalties?", ("state-council-2024-792",)),
        ("What does Announcement No. 99 of 2024 say?", ()),
    ],
)
def test_documents_named_by_number(catalogue: Catalogue, question: str, documents: tuple[str, ...]) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.documents == documents
    assert analysis.names_something == bool(documents)
