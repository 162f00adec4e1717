"""Question analysis: what is asked about (items, destination, date, language) and whether it asks
for a verdict or for information."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.answering.analysis import analyse, kinds_in
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
        # a refusal challenged, the product named
        "商务部对我们的石墨出口许可申请作出了不予许可的决定，我们不服，可以去法院起诉吗？",
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
        # a licence refused is settled: what follows is asked
        ("MOFCOM refused our graphite export licence. Can we appeal the decision?", True),
    ],
)  # fmt: skip
def test_a_message_that_sets_the_scene_and_asks_how(
    catalogue: Catalogue, question: str, asks_how: bool
) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.intent == "verdict" and analysis.asks_how is asks_how


@pytest.mark.parametrize(
    ("question", "asks_how"),
    [
        # whether an ordinary application will do is a verdict question
        ("韩国一家民营弹药厂要锑锭，纯度99.65%。按正常流程申请许可就行了？", False),
        ("A defence contractor in Nagoya wants W-Ni-Fe rods. Can we apply for a licence, or is it a "
         "non-starter?", False),
        # the procedure for shipping a product to a place: the verdict in brief, then the procedure
        ("现在往美国出天然鳞片石墨要走什么流程？", True),
    ],
)  # fmt: skip
def test_a_product_with_an_application_question_gets_its_verdict(
    catalogue: Catalogue, question: str, asks_how: bool
) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.intent == "verdict" and analysis.asks_how is asks_how


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do I need a licence to export gallium nitride wafers?", True),
        ("锑锭能否出口到美国？", True),
        # no product named: the rules are asked about, though "controlled" asks for a verdict
        ("Is there a fixed number of days for MOFCOM to answer a query on whether an item is controlled?",
         False),
        ("How long does MOFCOM have to decide on a dual-use export licence application?", False),
        # a product named in a message that asks how
        ("An agent offered to sell us another firm's licence so we can ship our germanium under it. We "
         "said no, but what would the legal exposure be?", False),
    ],
)  # fmt: skip
def test_a_product_verdict_is_told_from_a_question_on_the_rules(
    catalogue: Catalogue, question: str, expected: bool
) -> None:
    assert analyse(question, catalogue, today=dt.date(2026, 11, 22)).asks_product_verdict is expected


def test_an_application_question_without_a_product_stays_a_procedure(catalogue: Catalogue) -> None:
    question = "公司两年前因为两用物项出口违规被海关罚过款，现在还能申请通用许可吗？"
    assert analyse(question, catalogue, today=dt.date(2026, 11, 22)).intent == "information"


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


@pytest.mark.parametrize(
    "question",
    [
        "韩国客户要我们寄几片锗衬底过去做测试。这种送测的也要办许可证吗？有没有简化一点的办法？",
        "有同行说六面顶压机拆成零部件分几票走就不用办证了。这样操作有什么风险？",
        "我们把锑锭卖给越南一家贸易商，对方可能转手。我们这边要注意什么、发现了要怎么办？",
        "朋友公司没办证就出了一票锑精矿，货值也就30来万，现在被查了。这种一般罚多少钱？",
        "我们手上有一张铟产品的两用物项出口许可证，同行想借用一下走他们的货，可以吗？",
    ],
)
def test_a_chinese_question_that_also_asks_what_to_do(catalogue: Catalogue, question: str) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.intent == "verdict" and analysis.asks_how


def test_a_chinese_verdict_question_alone_does_not_ask_how(catalogue: Catalogue) -> None:
    assert not analyse("锗衬底出口韩国要办证吗？", catalogue, today=dt.date(2026, 11, 22)).asks_how


def test_a_products_status_taken_for_granted_gets_its_verdict(catalogue: Catalogue) -> None:
    question = "磷酸铁锂正极材料早就纳入出口管制了，到现在都实施一年多了。许可证一般多久能批下来？"
    analysis = analyse(question, catalogue, today=dt.date(2026, 12, 1))
    assert analysis.intent == "verdict"


def test_licensing_out_a_process_is_a_technology() -> None:
    question = "We want to license its sintered NdFeB process (drawings, process parameters) to a JV."
    assert "technology" in kinds_in(question)


@pytest.mark.parametrize(
    "question",
    [
        "We hold a single licence for GaAs wafers to Korea. Can we keep shipping on the same licence?",
        "Two bismuth metal shipments went out without a licence. Should we tell MOFCOM ourselves?",
    ],
)
def test_a_message_that_says_how_the_product_stands_with_its_licence_asks_what_follows(
    catalogue: Catalogue, question: str
) -> None:
    analysis = analyse(question, catalogue, today=dt.date(2026, 11, 22))
    assert analysis.intent == "verdict" and analysis.asks_how


def test_an_extraction_package_is_a_technology() -> None:
    assert "technology" in kinds_in("Brine lithium extraction package (adsorption) for a project in Chile")


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("A German integrator puts the powder into armour parts it delivers to the US Army.", "US"),
        ("德国客户做完加工以后卖给美军。", "US"),
        ("Parts for a supplier of the Japan Self-Defense Forces, shipped via Singapore.", "JP"),
        ("经韩国转给自卫队做装备。", "JP"),
        ("A civil LED maker in Osaka.", None),
    ],
)
def test_the_armed_forces_named_as_end_user_give_the_rules_country(
    catalogue: Catalogue, question: str, country: str | None
) -> None:
    assert analyse(question, catalogue, today=dt.date(2026, 12, 1)).military_country == country


@pytest.mark.parametrize(
    "question",
    [
        # what follows an act, and whom to ask, beside a product
        "有人建议把锗锭拆成几票小批量申报，这样做在法律上是什么性质？被海关查到会怎么样？",
        "我们的氧化镓纯度在临界值附近，能不能先咨询商务部？一般多久答复？",
        "A customer wants us to declare our gallium ingots as zinc scrap. If we agree, what is our exposure?",
        "Someone says to ship our germanium ingots in small lots under an alloy code. Apart from being a bad "
        "idea, which rules does that break and what is the exposure?",
        # what to file and where, beside a product
        "第一次出口铋锭，是直接找商务部还是先走省商务厅？申请材料要准备哪些？",
        # what a party owes and whether it is fined, beside a product
        "我们是跨境电商平台，有商家卖高纯镓。平台这边有什么义务？发现可疑交易不报告会被罚吗？",
    ],
)
def test_a_product_question_that_asks_what_follows_or_where_to_file_asks_how(
    catalogue: Catalogue, question: str
) -> None:
    analysis = analyse(question, catalogue, as_of=dt.date(2026, 12, 1))
    assert analysis.products and (analysis.asks_how or analysis.intent == "information")


def test_a_licence_said_to_be_needed_from_a_date_is_a_premise(catalogue: Catalogue) -> None:
    analysis = analyse(
        "碲化镉从2025年3月起就要出口许可了，我们申请材料该怎么准备？", catalogue, as_of=dt.date(2026, 12, 1)
    )
    assert analysis.intent == "verdict"
