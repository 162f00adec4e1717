"""The product lexicon: what a question names, even when no list holds it."""

from __future__ import annotations

import pytest
import yaml

from kb.verdicts.lexicon import LEXICON_PATH, default_lexicon


def _products(text: str) -> list[tuple[str, tuple[str, ...], str | None]]:
    return [(p.text, p.elements, p.form) for p in default_lexicon().products_in(text)]


def test_every_element_is_there_once() -> None:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    symbols = [e["symbol"] for e in data["elements"]]
    assert len(symbols) == 118 == len(set(symbols))
    assert {"gallium", "indium", "dysprosium", "silver", "copper"} <= set(default_lexicon().elements)


@pytest.mark.parametrize(
    ("text", "elements", "form"),
    [
        ("plain indium metal ingot 4N5", ("indium",), "ingot"),
        ("silver granules 99.99%", ("silver",), "granules"),
        ("我们出口金属铟锭需要许可证吗", ("indium",), "ingot"),
        ("metallic gallium to the US", ("gallium",), "metal"),
        ("锗片出口", ("germanium",), "wafer"),
        ("moly oxide to Korea", ("molybdenum",), "oxide"),
        ("APT shipment", ("tungsten",), "compound"),
        ("Molybdnum powder 99.95%", ("molybdenum",), "powder"),
    ],
)
def test_one_product_its_element_and_form(text: str, elements: tuple[str, ...], form: str) -> None:
    ((_, found_elements, found_form),) = _products(text)
    assert set(elements) <= set(found_elements) and found_form == form


def test_a_trade_name_known_by_its_form_alone() -> None:
    assert _products("磁钢出口要许可吗") == [("磁钢", (), "magnet")]


def test_products_joined_by_and_share_a_form_and_stay_apart() -> None:
    found = _products("antimony and bismuth ingots")
    assert [(e, f) for _, e, f in found] == [(("antimony",), "ingot"), (("bismuth",), "ingot")]
    assert len(_products("copper cathodes and gallium metal")) == 2


def test_battery_grade_is_a_grade_not_a_battery() -> None:
    ((_, elements, form),) = _products("battery-grade lithium carbonate")
    assert elements == ("lithium",) and form == "compound"


def test_everyday_words_are_not_elements() -> None:
    assert _products("Do we need a licence for the lead time of an application?") == []


def test_a_window_is_flat_or_curved_as_the_words_say() -> None:
    assert _products("flat polycrystalline CVD diamond windows")[0][2] == "window_flat"
    assert _products("domed diamond windows")[0][2] == "window_curved"


def test_a_word_that_holds_an_elements_name_names_no_product() -> None:
    # 金额 (an amount of money) holds 金 (gold), 铁路 (a railway) holds 铁 (iron)
    assert _products("一笔两用物项交易，金额大概80万，走铁路运输") == []
    assert [p[1] for p in _products("黄金首饰")] == [("gold",)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("germainum dioxide 5N powder", "germanium dioxide 5N powder"),
        ("Molybdnum powder 99.9%", "Molybdenum powder 99.9%"),
        ("Gallum nitride wafers", "Gallium nitride wafers"),
        # words that are no slip of an element, or a slip with no form after it, stay as written
        ("silicone rubber parts", "silicone rubber parts"),
        ("Indian oxide supplier", "Indian oxide supplier"),
        ("germainum, please", "germainum, please"),
        ("出口二氧化锗", "出口二氧化锗"),
    ],
)
def test_a_slip_in_an_elements_name_before_its_form_is_put_right(text: str, expected: str) -> None:
    assert default_lexicon().respelt(text) == expected
