"""Is this product controlled? Classification on the real corpus, without retrieval."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.verdicts.classify import Classification, classify_text
from tests.conftest import SOURCES

DAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    from kb.config import Settings

    return KnowledgeBase(Settings(sources=SOURCES))


def _classify(base: KnowledgeBase, text: str, day: dt.date = DAY, **kw: object) -> Classification:
    return classify_text(text, base.catalogue, base.timeline, day, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("plain indium metal ingot 4N5", "not_listed", "unlisted_form"),
        ("silver granules 99.99%", "not_listed", "unlisted_element"),
        ("NdPr oxide", "not_listed", "unlisted_element"),
        ("plain NdFeB magnets without Dy/Tb", "not_listed", "below_threshold"),
        ("technical-grade molybdenum oxide", "not_listed", "unlisted_form"),
        ("graphite electrode at 99.8% carbon, 12 MPa and 1.70 g/cm3", "not_listed", "below_threshold"),
        ("MPCVD machine of 6 kW", "not_listed", "below_threshold"),
        ("antimony oxide 99.5%", "not_listed", "below_threshold"),
        ("antimony trioxide 99.995%", "licence_required", "listed"),
        ("gallium nitride wafers", "licence_required", "listed"),
        ("synthetic graphite blocks", "licence_required", "conditional"),
        ("NdFeB magnets", "licence_required", "conditional"),
        ("Dy-doped NdFeB magnets", "licence_required", "listed"),
        ("磁钢", "licence_required", "conditional"),
        ("APT", "licence_required", "listed"),
        ("Is indium controlled?", "licence_required", "family"),
        ("HS 2841.80.10.00", "licence_required", "listed"),
        ("3824999921", "licence_required", "listed"),
        ("8110929010", "licence_required", "listed"),
        ("7601100000", "not_listed", "unlisted_code"),
        # a compound is not the listed metal whose name it holds ("铋粉" inside "氧化铋粉")
        ("氧化铋粉 99.99%", "not_listed", "unlisted_form"),
        ("铋粉 99.99%", "licence_required", "listed"),
        ("二氧化锗粉", "licence_required", "listed"),
        # a slip in the element's name before its form
        ("germainum dioxide 5N powder", "licence_required", "listed"),
        # a material named as the goods' substrate is a part of them, not a second product
        (
            "PDC cutters (polycrystalline diamond compact, 13 mm, tungsten carbide substrate)",
            "not_listed",
            "unlisted_form",
        ),
        # a synthetic-graphite part is that item's product: below its thresholds, or conditional on them
        (
            "graphite boats, 99.995% C, flexural strength 45 MPa, bulk density 1.68 g/cm3",
            "not_listed",
            "below_threshold",
        ),
        ("石墨舟", "licence_required", "conditional"),
        # a formula too short for the catalogue's names, and an element's crystal in Chinese
        ("WC powder, 0.8 um FSSS", "licence_required", "listed"),
        ("锗晶体", "licence_required", "listed"),
        # what the goods are not, and the buyer's own business, are no second product
        ("隐晶质石墨粉，固定碳80%，不是鳞片石墨", "not_listed", "unlisted_form"),
        ("氧化镨钕，要发给一家做电机磁钢的工厂", "not_listed", "unlisted_element"),
    ],
)
def test_one_product(base: KnowledgeBase, text: str, value: str, kind: str) -> None:
    classification = _classify(base, text)
    (line,) = classification.lines
    assert (line.value, line.kind) == (value, kind), line


def test_below_threshold_names_the_entry_and_the_missed_limits(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "graphite electrode at 99.8% carbon, 12 MPa and 1.70 g/cm3").lines
    assert line.item is not None and line.item.document_id == "mofcom-gac-2023-39"
    assert line.assessment is not None
    assert {c.condition.quantity for c in line.assessment.missed} == {
        "purity",
        "flexural_strength",
        "density",
    }


def test_unlisted_form_names_the_listed_items_of_the_element(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "indium ingots").lines
    assert {i.name for i in line.related} >= {"Indium phosphide", "Trimethylindium", "Triethylindium"}


@pytest.mark.parametrize(
    ("text", "product"),
    [
        # the listed metal is named as the known reference, the dioxide is asked about
        ("I know tellurium metal is on China's list. Is TeO2 controlled as well?", "TeO2"),
        # the heavy rare earths the oxide is free of are no product of the question
        ("氧化镨钕（TREO 99%，不含镝、铽这些中重稀土）出口要许可吗？", "氧化镨钕"),
        ("NdPr oxide without Dy, Tb or other medium and heavy rare earths", "NdPr oxide"),
        (
            "N42 neodymium magnets, with no dysprosium, terbium or any other heavy rare earth in them",
            "neodymium magnets",
        ),
    ],
)
def test_a_product_named_as_reference_or_as_left_out_is_not_asked_about(
    base: KnowledgeBase, text: str, product: str
) -> None:
    (line,) = _classify(base, text).lines
    assert (line.product, line.value) == (product, "not_listed"), line


def test_an_unlisted_product_is_set_beside_the_listed_ones_it_is_compared_with(base: KnowledgeBase) -> None:
    text = "Are SiC wafers caught by the same Chinese controls as GaN and gallium oxide wafers?"
    (line,) = _classify(base, text).lines
    assert (line.product, line.value) == ("SiC wafers", "not_listed")
    assert {"Gallium nitride", "Gallium oxide"} <= {i.name for i in line.related}


def test_an_element_named_as_controlled_already_gives_the_unlisted_one_its_related_items(
    base: KnowledgeBase,
) -> None:
    (line,) = _classify(base, "硒粉99.99%出口越南。碲已经管了，硒跟碲是同族的，硒粉是不是也要办许可？").lines
    assert (line.product, line.value) == ("硒粉", "not_listed")
    assert {i.element.casefold() for i in line.related} == {"tellurium"}


def test_the_askers_own_business_is_what_is_sold_and_a_control_named_by_its_goods_is_not(
    base: KnowledgeBase,
) -> None:
    text = "我们做钠离子电池的，电芯能量密度大约160Wh/kg。这个受不受锂电池相关的出口管制？"
    products = [line.product for line in _classify(base, text).lines]
    assert "钠离子电池" in products and "锂电池" not in products
    # a buyer's business is not what is sold
    products = [line.product for line in _classify(base, "客户是做磁材的，我们卖氧化镝").lines]
    assert products == ["氧化镝"]


def test_a_magnet_of_no_listed_material_is_set_beside_the_listed_magnets(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "铁氧体磁钢（锶铁氧体，电机用）").lines
    assert line.value == "not_listed"
    assert "mofcom-gac-2025-18" in {i.document_id for i in line.related}
    assert line.related[0].all_hs_codes  # goods shipped from China first, not the 0.1% rule's


def test_an_unlisted_code_under_one_elements_heading_shows_that_elements_items(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "Is HS 2613.10.00 under export control?").lines
    assert (line.value, line.kind) == ("not_listed", "unlisted_form")
    assert {i.element.casefold() for i in line.related} == {"molybdenum"}


def test_a_consolidated_entry_named_before_its_list_took_effect_is_the_item_it_carries_over(
    base: KnowledgeBase,
) -> None:
    # "天然鳞片石墨" is the 2024 Dual-use List's name; in November 2024 No. 39 of 2023 defined the item
    (line,) = _classify(base, "天然鳞片石墨", dt.date(2024, 11, 10)).lines
    assert (line.value, line.kind) == ("licence_required", "listed")
    assert line.item is not None and line.item.document_id == "mofcom-gac-2023-39"
    (line,) = _classify(base, "天然鳞片石墨", dt.date(2023, 11, 10)).lines
    assert line.value == "not_listed"  # before No. 39 of 2023 took effect


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        # a listed item the catalogue does not name in these words, known to the lexicon
        ("微波等离子体CVD金刚石生长设备", "licence_required", "conditional"),
        ("6 kW 微波等离子体CVD设备", "not_listed", "below_threshold"),
        ("Fine-grain EDM graphite: purity 99.7%, flexural strength 35 MPa, density 1.82 g/cm3", "not_listed",
         "below_threshold"),
    ],
)  # fmt: skip
def test_a_lexicon_synonym_of_a_listed_item_is_compared_with_it(
    base: KnowledgeBase, text: str, value: str, kind: str
) -> None:
    (line,) = _classify(base, text).lines
    assert (line.value, line.kind) == (value, kind), line


def test_carbon_electrodes_are_not_graphite_items(base: KnowledgeBase) -> None:
    lines = _classify(base, "矿热炉用的碳素电极，普通碳电极，没有石墨化").lines
    assert [(line.product, line.value) for line in lines] == [("碳素电极", "not_listed")]
    assert any(i.family == "graphite" for i in lines[0].related)


def test_two_products_one_list_entry_joins_are_compared_each_on_its_own(base: KnowledgeBase) -> None:
    # No. 91 of 2025 has one entry for synthetic graphite and natural flake graphite
    lines = _classify(base, "出口石墨电极（纯度99.5%，抗折强度15MPa）和天然鳞片石墨（固定碳94%）").lines
    assert [(line.product, line.value) for line in lines] == [
        ("石墨电极", "not_listed"),
        ("天然鳞片石墨", "licence_required"),
    ]


def test_a_customs_code_of_another_elements_item_does_not_outweigh_the_description(
    base: KnowledgeBase,
) -> None:
    classification = _classify(base, "氧化镧La2O3 99.99%，报关编码2846.90.19.93")
    assert classification.value == "not_listed"
    assert _classify(base, "氧化镝，报关编码2846.90.19.93").value == "licence_required"


def test_a_cubic_press_below_both_limits_is_not_listed(base: KnowledgeBase) -> None:
    lines = _classify(base, "six-anvil cubic press, 480 mm cylinder bore, 48 kbar working pressure").lines
    assert [(line.product, line.value) for line in lines] == [("six-anvil cubic press", "not_listed")]


def test_several_products_one_line_each_strictest_leads(base: KnowledgeBase) -> None:
    classification = _classify(base, "We ship gallium metal and copper cathodes")
    assert [line.value for line in classification.lines] == ["licence_required", "not_listed"]
    assert classification.value == "licence_required"


def test_military_end_use_and_destination_apply_on_the_date(base: KnowledgeBase) -> None:
    us = _classify(base, "antimony ingots", destination="US", military=True)
    assert us.value == "prohibited"
    japan = _classify(base, "tungsten carbide", destination="JP", military=True)
    assert japan.value == "prohibited"
    before = _classify(base, "antimony ingots", dt.date(2024, 11, 1), destination="US", military=True)
    assert before.value == "licence_required"  # No. 46 of 2024 applies from 2024-12-03


def test_technologies_prohibited_and_restricted(base: KnowledgeBase) -> None:
    prohibited = _classify(base, "rare earth separation technology", kinds=("technology",))
    assert prohibited.value == "prohibited"
    restricted = _classify(base, "LFP cathode preparation technology", kinds=("technology",))
    assert restricted.value == "licence_required"
    assert (
        restricted.lines[0].item is not None and restricted.lines[0].item.document_id == "mofcom-most-2025-28"
    )


def test_a_technology_described_in_words_is_decided_by_the_strictest_close_entry(base: KnowledgeBase) -> None:
    text = (
        "We're quoting a complete sintered NdFeB magnet line for a plant in Mexico: vacuum sintering "
        "furnaces, a jet mill, and our process recipes plus on-site training of their engineers."
    )
    found = _classify(base, text, kinds=("technology", "equipment"))
    assert found.value == "prohibited"
    technology = [line for line in found.lines if line.item is not None and line.item.kind == "technology"]
    assert technology and technology[0].item is not None
    assert technology[0].item.document_id == "mofcom-most-2023-57"


def test_before_a_control_started(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "germanium dioxide", dt.date(2023, 6, 15)).lines
    assert line.value == "not_listed" and line.verdict is not None


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        # symbols next to a form word or a purity grade
        ("6N Ge lumps, intrinsic grade", "licence_required", "listed"),
        ("Te lumps 5N", "licence_required", "listed"),
        ("W sputtering targets, 5N purity", "licence_required", "conditional"),
        # an oxide, alloy or compound of a listed class, named by no list
        ("antimony pentoxide powder", "licence_required", "conditional"),
        ("镁钆中间合金（Mg-20Gd）", "licence_required", "listed"),
        ("gadolinium nitrate", "licence_required", "listed"),
        ("indium tin oxide", "not_listed", "unlisted_form"),
        ("Tellurium dioxide powder 99.99%", "not_listed", "unlisted_form"),
        # a chemical shaped as powder stays the chemical; a metal's powder is not a chemical's
        ("二硫化钼润滑粉，MoS2≥98.5%", "not_listed", "unlisted_form"),
        ("tungsten powder 99.9%", "not_listed", "unlisted_form"),
        # sizes: the piece is too small for any shape the entry names
        ("tungsten wire 99.95% W, 0.05 mm diameter", "not_listed", "below_threshold"),
        ("tungsten plate 99.95% W, 100 x 100 x 10 mm", "not_listed", "below_threshold"),
        ("tungsten rod 99.95% W, diameter 150 mm, length 300 mm", "licence_required", "listed"),
        # particle sizes in mm, grades stated as a minimum, compositions written out
        ("喷涂用钼粉，Mo≥99.9%，平均粒径0.08mm", "not_listed", "below_threshold"),
        ("Sb2O3, assay 99.97% min", "not_listed", "below_threshold"),
        # the main content of a chemical is its grade
        ("锑白（阻燃级，含量99.8%）", "not_listed", "below_threshold"),
        ("antimony trioxide, Sb2O3 content 99.995%", "licence_required", "listed"),
        (
            "93W-4.9Ni-2.1Fe bars: density 17.6 g/cm3, UTS 900 MPa, elastic limit 620 MPa",
            "not_listed",
            "below_threshold",
        ),
        # gemstones are no diamond window
        ("polished lab-grown diamonds, 1-3 ct", "not_listed", "unlisted_form"),
        ("负极材料用立式造粒釜，有效容积3立方米", "not_listed", "below_threshold"),
    ],
)
def test_products_as_people_write_them(base: KnowledgeBase, text: str, value: str, kind: str) -> None:
    lines = [line for line in _classify(base, text, kinds=("equipment",) if "釜" in text else ()).lines]
    line = next(ln for ln in lines if ln.kind == kind) if len(lines) > 1 else lines[0]
    assert (line.value, line.kind) == (value, kind), lines


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a trade name restated by the product's own name is one product
        ("磁钢（也就是烧结钕铁硼N42），不含镝和铽", "below_threshold"),
        # an ore's grade, written as its compound, is no product of its own
        ("黑钨精矿一批，WO3含量60%", "unlisted_form"),
        ("wolframite concentrate grading 60% WO3", "unlisted_form"),
        ("钨精矿（黑钨精矿，WO3 65%）", "unlisted_form"),
        # the alternative set against the product, in Chinese, is not folded into it
        ("二氧化碲粉4N要不要许可证，还是只管金属碲？", "unlisted_form"),
    ],
)
def test_one_product_named_twice_is_one_line(base: KnowledgeBase, text: str, kind: str) -> None:
    lines = _classify(base, text).lines
    assert [(line.value, line.kind) for line in lines] == [("not_listed", kind)], lines


def test_a_compound_with_its_purity_beside_another_product_is_a_product_of_its_own(
    base: KnowledgeBase,
) -> None:
    # only beside an ore or a concentrate is a compound's percentage a grade
    lines = _classify(base, "APT and WO3 99.95% for a customer in Japan").lines
    assert [line.value for line in lines] == ["licence_required", "licence_required"], lines


def test_a_product_of_a_family_its_elements_do_not_name_is_shown_that_familys_items(
    base: KnowledgeBase,
) -> None:
    # cubic boron nitride holds no carbon, yet its kin on the lists are the superhard materials
    (line,) = _classify(base, "CBN abrasive grit, 80/100 mesh").lines
    assert (line.value, line.kind) == ("not_listed", "unlisted_form")
    assert line.related and all(item.family == "superhard materials" for item in line.related)


def test_a_product_said_free_of_an_element_is_compared_with_that_elements_item_in_force(
    base: KnowledgeBase,
) -> None:
    (line,) = _classify(base, "烧结钕铁硼磁体，不含镝铽").lines
    assert line.kind == "below_threshold" and line.item is not None
    assert line.item.element.casefold() in {"terbium", "dysprosium"}
    assert line.item.document_id == "mofcom-gac-2025-18"


def test_a_unit_after_a_number_is_no_symbol(base: KnowledgeBase) -> None:
    lines = _classify(base, "Microwave plasma CVD unit, rated 8000 W at 2.45 GHz", kinds=("equipment",)).lines
    assert [line.kind for line in lines] == ["below_threshold"]
    assert _classify(base, "What does Announcement No. 99 of 2024 say?").lines == ()


def test_a_product_named_in_the_premise_is_not_what_is_asked(base: KnowledgeBase) -> None:
    text = (
        "We ship 4H-SiC substrates to Germany. Since gallium nitride wafers need a MOFCOM licence, do "
        "silicon carbide wafers fall under the same rules?"
    )
    assert [line.value for line in _classify(base, text).lines] == ["not_listed"]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        # a magnet or cell whose material rules out the listed family
        ("铁氧体磁钢（锶铁氧体，Y30BH）", "not_listed", "unlisted_element"),
        ("ferrite magnets Y30BH", "not_listed", "unlisted_element"),
        ("sodium-ion battery cells", "not_listed", "unlisted_element"),
        ("NdFeB magnets", "licence_required", "conditional"),
        # a cell named by its cathode chemistry is compared with the cell entry
        ("磷酸铁锂电芯 165Wh/kg", "not_listed", "below_threshold"),
        ("21700 cells: nominal 3.6 V, 5,000 mAh, 70 g per cell", "not_listed", "below_threshold"),
        # crystal structure said or not
        ("Polycrystalline InSb ingot, 6N (99.9999%), not single crystal", "not_listed", "below_threshold"),
        ("InSb wafers", "licence_required", "conditional"),
        # a pure metal is no alloy of other metals; a one-element "alloy" says nothing of the rest
        ("纯钨条99.95%，规格18×18×400mm，HS 8101.9400.01", "not_listed", "below_threshold"),
        ("钨钢刀片（硬质合金数控车刀片，YG8牌号）", "not_listed", "below_threshold"),
        ("高比重钨合金配重块", "licence_required", "conditional"),
        ("tungsten alloy rods, density 18.5 g/cm3", "licence_required", "conditional"),
        ("W-Ni-Fe: 18.5 g/cc, UTS 1,350 MPa, yield 1,050 MPa, elongation 14%", "licence_required", "listed"),
        ("银钨触头（AgW），钨含量和尺寸未定", "licence_required", "conditional"),
    ],
)  # fmt: skip
def test_what_a_product_is_made_of_decides_what_it_is_compared_with(
    base: KnowledgeBase, text: str, value: str, kind: str
) -> None:
    lines = _classify(base, text).lines
    assert [(line.value, line.kind) for line in lines] == [(value, kind)], lines


def test_what_a_product_is_used_to_make_is_not_a_second_product(base: KnowledgeBase) -> None:
    text = "MPCVD systems: 6 kW, 2.45 GHz, for growing single-crystal diamond plates"
    lines = _classify(base, text, kinds=("equipment",)).lines
    assert [(line.value, line.kind) for line in lines] == [("not_listed", "below_threshold")]


def test_a_form_named_again_is_the_same_product(base: KnowledgeBase) -> None:
    text = "Do foreign-made rare-earth magnets fall under the 0.1% rule? We sell the magnets to Thailand."
    assert len(_classify(base, text).lines) == 1


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        # an alloy's notation gives its contents; a disc's thickness is its length
        ("钨铜W75Cu25电极棒，直径150mm长200mm", "not_listed", "below_threshold"),
        ("钨铜W80Cu20圆饼，直径130mm厚60mm", "licence_required", "listed"),
        ("W80Cu20 disc, diameter 130 mm, 40 mm thick", "not_listed", "below_threshold"),
        # the magnet named by its main constituents, its dopants denied one by one
        ("sintered NdFeB magnets, Nd-Pr-Fe-B only. No Dy and no Tb added", "not_listed", "below_threshold"),
    ],
)  # fmt: skip
def test_what_the_words_say_of_contents_and_sizes(
    base: KnowledgeBase, text: str, value: str, kind: str
) -> None:
    lines = _classify(base, text).lines
    assert [(line.value, line.kind) for line in lines] == [(value, kind)], lines


@pytest.mark.parametrize(
    "text",
    [
        "neodymium oxide (Nd2O3 99.5%) for magnet alloy",
        "氧化镧La2O3 99.99%，算不算管制的中重稀土？",
    ],
)
def test_a_use_or_a_class_asked_about_is_not_a_second_product(base: KnowledgeBase, text: str) -> None:
    lines = _classify(base, text).lines
    assert [line.value for line in lines] == ["not_listed"], lines


def test_an_unlisted_rare_earth_is_shown_the_rare_earths_that_are_listed(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "cerium oxide, CeO2 99%").lines
    assert line.kind == "unlisted_element"
    assert line.related and "cerium" not in {item.element for item in line.related}
    assert line.related and all("oxide" in item.name.lower() for item in line.related)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Our synthetic graphite is below the listed purity threshold, so it's off the list.",
            "below_threshold",
        ),
        ("我们的人造石墨纯度低于管制门槛，是不是就可以随便出口了？", "below_threshold"),
        ("synthetic graphite, licence?", "conditional"),
    ],
)
def test_a_product_the_question_says_falls_short_is_below_the_threshold(
    base: KnowledgeBase, text: str, kind: str
) -> None:
    (line,) = _classify(base, text).lines
    assert line.kind == kind, line
    if kind == "below_threshold":
        assert line.assessment is not None
        assert [c.condition.quantity for c in line.assessment.missed] == ["purity"]


@pytest.mark.parametrize(
    "text",
    [
        "Selenium powder 99.99% - gallium selenide is controlled, so is plain selenium caught too?",
        "金属镉锭（Cd 99.995%）出口，需要两用物项许可证吗？碲化镉不是已经管了吗？",
        "二硫化钼润滑粉，MoS2≥98.5%，出口要不要许可？有人说钼粉已经管制了，会不会被算进去。",
        "客户是做磁材的，要采购金属钕（块状），听说中重稀土都管了，那金属钕出口要不要办证？",
    ],
)
def test_a_product_said_to_be_controlled_already_is_the_reference_not_the_question(
    base: KnowledgeBase, text: str
) -> None:
    assert [line.value for line in _classify(base, text).lines] == ["not_listed"]


@pytest.mark.parametrize("text", ["germanium single crystal", "锗单晶", "polycrystalline germanium"])
def test_an_elements_crystal_is_caught_by_an_item_of_every_form(base: KnowledgeBase, text: str) -> None:
    (line,) = _classify(base, text).lines
    assert (line.value, line.kind) == ("licence_required", "listed"), line
    assert line.item is not None and line.item.control_code == "3C002.a"


def test_a_product_asked_whether_it_is_controlled_too_is_the_question(base: KnowledgeBase) -> None:
    lines = _classify(base, "钨粉也管吗？钨条呢？").lines
    assert "钨粉" in {line.product for line in lines}


def test_a_cell_said_to_fall_short_on_energy_density(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "Our LFP cells are below the listed energy density threshold.").lines
    assert line.kind == "below_threshold", line
    assert line.assessment is not None
    assert [c.condition.quantity for c in line.assessment.missed] == ["energy_density"]


@pytest.mark.parametrize(
    ("text", "value", "missed"),
    [
        # a flat window is caught only from 3 inches across and 65% transmittance; a curved one always
        ("平面CVD金刚石窗口片，直径1.5英寸，透过率80%", "not_listed", "diameter"),
        (
            "polycrystalline diamond optical window, flat, 50 mm diameter, transmittance 72%",
            "not_listed",
            "diameter",
        ),
        ("flat CVD diamond window, 4-inch, visible transmittance 70%", "licence_required", None),
        ("CVD diamond dome for a seeker head", "licence_required", None),
    ],
)
def test_diamond_windows_are_compared_by_shape_and_size(
    base: KnowledgeBase, text: str, value: str, missed: str | None
) -> None:
    (line,) = _classify(base, text).lines
    assert line.value == value, line
    assert line.item is not None and "window" in line.item.name.casefold()
    if missed:
        assert line.assessment is not None and any(
            c.condition.quantity == missed for c in line.assessment.missed
        )


def test_a_diamond_plate_that_is_no_window_is_not_the_window_item(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "polycrystalline CVD diamond heat-spreader wafers, 25 x 25 mm").lines
    assert line.value == "not_listed" and line.kind != "below_threshold"
    assert _classify(base, "the exit window of our CO2 laser, made of ZnSe").lines == () or all(
        "window" not in (ln.item.name.casefold() if ln.item else "")
        for ln in _classify(base, "the exit window of our CO2 laser, made of ZnSe").lines
    )


def test_goods_made_by_a_named_process_are_the_goods_not_the_technology(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "烧结钕铁硼N48H，晶界扩散工艺，出口意大利", kinds=("technology",)).lines
    assert line.item is not None and line.item.kind == "item"
    # passing the process on is the technology
    (tech,) = _classify(base, "把钕铁硼晶界扩散的工艺文件发给意大利客户", kinds=("technology",)).lines
    assert tech.item is not None and tech.item.kind == "technology" and tech.value == "prohibited"


def test_the_alternative_and_the_named_control_are_not_second_products(base: KnowledgeBase) -> None:
    (line,) = _classify(
        base, "Does ferro-molybdenum need it as well, or is it only the molybdenum powder?"
    ).lines
    assert "molybdenum" in line.product.casefold() and "powder" not in line.product.casefold()
    lines = _classify(
        base, "Is NCM523 cathode material caught by the lithium-battery material export controls?"
    ).lines
    assert len(lines) == 1 and "cathode" in lines[0].product.casefold()


@pytest.mark.parametrize(
    ("day", "value"),
    [(dt.date(2026, 3, 1), "suspended"), (dt.date(2026, 12, 1), "uncertain")],
)
def test_goods_made_abroad_are_classified_by_the_rules_on_foreign_made_goods(
    base: KnowledgeBase, day: dt.date, value: str
) -> None:
    (line,) = _classify(base, "SmCo magnets made in Malaysia with Chinese samarium, sold to India", day).lines
    assert line.item is not None and line.item.document_id == "mofcom-2025-61"
    assert line.value == value
    # the same magnets made in China are the dual-use list's item
    (home,) = _classify(base, "SmCo magnets made in Ningbo, sold to India", day).lines
    assert home.item is not None and home.item.document_id != "mofcom-2025-61"
    # and so are magnets sold from China to a maker abroad, whatever that maker makes there
    (sold,) = _classify(
        base, "We sell SmCo magnets to a Korean maker whose motors are made in Korea", day
    ).lines
    assert sold.item is not None and sold.item.document_id != "mofcom-2025-61"
    # the asker's own making abroad, in either language
    own_making = (
        "We make SmCo magnets in Malaysia from Chinese samarium",
        "我们马来西亚工厂用中国产的钐做钐钴磁体",
        "Our Vietnamese factory makes SmCo magnets from Chinese samarium",
        "我们是越南的一家磁材厂，钐钴磁体里用了从中国买的钐",
        "We're a Vietnamese magnet maker selling SmCo magnets with Chinese samarium",
    )
    for text in own_making:
        (own,) = _classify(base, text, day).lines
        assert own.item is not None and own.item.document_id == "mofcom-2025-61", text
    for text in ("We make SmCo magnets in Ningbo", "我们是宁波的一家磁材厂，做钐钴磁体"):
        (local,) = _classify(base, text, day).lines
        assert local.item is not None and local.item.document_id != "mofcom-2025-61", text
    # a plant abroad the goods are shipped to is no making abroad
    (shipped,) = _classify(base, "We ship SmCo magnets to our Vietnamese factory", day).lines
    assert shipped.item is not None and shipped.item.document_id != "mofcom-2025-61"


@pytest.mark.parametrize(
    ("day", "value"),
    [(dt.date(2026, 3, 1), "suspended"), (dt.date(2026, 12, 1), "uncertain")],
)
def test_china_origin_goods_a_party_abroad_sells_on_are_classified_by_the_rules_on_re_export(
    base: KnowledgeBase, day: dt.date, value: str
) -> None:
    resales = (
        "We're a Singapore trader. We buy dysprosium oxide from a Chinese exporter and resell it.",
        "我们是马来西亚的贸易公司，从中国买了一批氧化镝，现在想转卖到欧洲。",
    )
    for text in resales:
        (line,) = _classify(base, text, day).lines
        assert line.item is not None and line.item.document_id == "mofcom-2025-61", text
        assert line.value == value, text
    # an oxide the re-export annex does not name stays the dual-use list's item
    (other,) = _classify(
        base, "We're a Singapore trader. We buy yttrium oxide from a Chinese exporter and resell it.", day
    ).lines
    assert other.item is not None and other.item.document_id != "mofcom-2025-61"
    # the Chinese exporter's buyer reselling is no party abroad asking
    (ours,) = _classify(
        base, "Our Malaysian buyer will resell the dysprosium oxide we ship from China to Europe.", day
    ).lines
    assert ours.item is not None and ours.item.document_id != "mofcom-2025-61"
    # before the rules on re-export existed, the ordinary item
    (early,) = _classify(base, resales[0], dt.date(2025, 6, 1)).lines
    assert early.item is not None and early.item.document_id != "mofcom-2025-61"


def test_battery_parts_named_without_a_chemistry_take_the_cells_sodium(base: KnowledgeBase) -> None:
    lines = _classify(
        base, "我们做钠离子电池的，层状氧化物正极，准备发一批储能模组去西班牙，受不受锂电池相关的管制？"
    ).lines
    assert lines and all(line.value == "not_listed" for line in lines), lines
    # a lithium cathode beside sodium-ion cells is still the lithium item
    mixed = _classify(base, "LFP cathode material and sodium-ion cells").lines
    assert any(line.item is not None and "phosphate" in line.item.name.casefold() for line in mixed)
    # and a cathode named alone is compared with the listed cathodes as before
    (alone,) = _classify(base, "cathode material for EV batteries").lines
    assert alone.value != "not_listed"


@pytest.mark.parametrize(
    "text",
    [
        # named as what the control holds
        "氧化镨钕（TREO≥99%），想确认一下：镨、钕在不在商务部2025年管制的那几种中重稀土里面？",
        # said to be controlled, then the goods' own size asked
        "CVD多晶金刚石平面窗口片，直径2英寸（50.8mm），透过率约71%。金刚石窗口材料好像是管制的，这个尺寸需要许可证吗？",
        # what the goods named first are made of
        "UHP石墨电极，灰分≤0.2%，体积密度1.68 g/cm³，抗折强度12 MPa。这个是人造石墨，出口要办许可吗？",
        # named as the control, with the control's own figure
        "钠离子电池电芯，能量密度160Wh/kg。锂电那个300Wh/kg的管制对钠电有没有影响？",
        "锑锭的管制对三氧化二锑有没有影响？三氧化二锑纯度99.5%",
    ],
)
def test_a_listed_item_named_as_the_reference_leaves_the_goods_their_own_verdict(
    base: KnowledgeBase, text: str
) -> None:
    lines = _classify(base, text).lines
    assert len(lines) == 1 and lines[0].value == "not_listed", lines


def test_a_listed_item_asked_about_is_no_reference(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "金刚石窗口材料是管制的吗？").lines
    assert line.value == "licence_required"


def test_each_product_is_measured_by_the_figures_given_after_it(base: KnowledgeBase) -> None:
    text = "石墨电极：碳含量99.8%，抗折强度12MPa，体积密度1.70；人造石墨块：纯度99.99%，强度45MPa，密度1.85"
    electrode, block = _classify(base, text).lines
    assert electrode.value == "not_listed" and electrode.assessment is not None
    # the electrode's own 99.8%, not the block's 99.99%, is set against the purity threshold
    assert len(electrode.assessment.missed) == 3
    assert block.value == "licence_required"
    # figures given once for all the goods still measure each of them
    (alone,) = _classify(base, "carbon 99.8%, 12 MPa, 1.70 g/cm3: graphite electrodes").lines
    assert alone.value == "not_listed"


def test_a_buyers_business_is_no_product_even_beside_a_family_name(base: KnowledgeBase) -> None:
    lines = _classify(base, "Can we still export gallium to our American LED customer?").lines
    assert [line.kind for line in lines] == ["family"], lines


@pytest.mark.parametrize(
    "text",
    [
        "antimony ingot 99.65% 10 t and industrial antimony trioxide 99.5% 5 t to Thailand",
        "一个柜子里拼两种货：锑定（99.65%）10吨，再加工业级三氧化二锑（99.5%）5吨，发泰国",
    ],
)
def test_a_metal_and_its_oxide_are_two_products(base: KnowledgeBase, text: str) -> None:
    # "锑定" is a common misprint of 锑锭 (antimony ingot)
    ingot, oxide = _classify(base, text).lines
    assert ingot.item is not None and ingot.value == "licence_required"
    assert oxide.item is not None and oxide.kind == "below_threshold" and oxide.value == "not_listed"
    assert ingot.item != oxide.item
