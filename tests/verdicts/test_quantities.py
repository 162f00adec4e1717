"""Specifications read from a question, in canonical units, English and Chinese."""

from __future__ import annotations

import pytest

from kb.verdicts.lexicon import default_lexicon
from kb.verdicts.quantities import composition_in, notation_contents, quantities_in


def _stated(text: str) -> list[tuple[str | None, float | None, float | None, str]]:
    return [(s.quantity, s.low, s.high, s.unit) for s in quantities_in(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99.8% carbon", [("purity", 99.8, 99.8, "%")]),
        ("Dy content 0.8 wt%", [("content", 0.8, 0.8, "%")]),
        ("镝含量约0.8wt%", [("content", 0.8, 0.8, "%")]),
        ("4N5 indium", [("purity", 99.995, 99.995, "%")]),
        ("5 nines indium", [("purity", 99.999, 99.999, "%")]),
        ("flexural strength 12 MPa", [("flexural_strength", 12.0, 12.0, "MPa")]),
        ("density 1.70 g/cm³", [("density", 1.7, 1.7, "g/cm3")]),
        ("MPCVD of 6 kW", [("power", 6.0, 6.0, "kW")]),
        ("cells of 165 Wh/kg", [("energy_density", 165.0, 165.0, "Wh/kg")]),
        ("average particle size about 100 um", [("particle_size", 100.0, 100.0, "um")]),
        ("3-inch window", [("diameter", 76.2, 76.2, "mm")]),
        ("below 10 kW", [("power", None, 10.0, "kW")]),
        ("5-8 kW", [("power", 5.0, 8.0, "kW")]),
        (
            "抗折强度12兆帕，密度1.70克/立方厘米",
            [("flexural_strength", 12.0, 12.0, "MPa"), ("density", 1.7, 1.7, "g/cm3")],
        ),
        ("功率6千瓦", [("power", 6.0, 6.0, "kW")]),
        ("纯度99.99%", [("purity", 99.99, 99.99, "%")]),
        ("cubic press 6 GPa", [("pressure", 6.0, 6.0, "GPa")]),
        ("design pressure 55 kbar", [("pressure", 5.5, 5.5, "GPa")]),
        # what is not ash is carbon: an ash limit is a purity floor
        ("ash content max 0.05%", [("purity", 99.95, None, "%")]),
        ("石墨块，灰分0.3%", [("purity", 99.7, 99.7, "%")]),
        # a comma before three digits groups thousands; before one or two it is a decimal point
        ("UTS 1,350 MPa", [("tensile_strength", 1350.0, 1350.0, "MPa")]),
        ("1,5 kW", [("power", 1.5, 1.5, "kW")]),
        # energy is no power
        ("a 1.2 kWh pack", []),
    ],
)
def test_quantities(text: str, expected: list[tuple[str | None, float | None, float | None, str]]) -> None:
    assert _stated(text) == expected


def test_a_bare_mpa_keeps_the_quantities_it_could_be() -> None:
    (stated,) = quantities_in("12 MPa")
    assert stated.quantity is None and stated.could_be("flexural_strength") and stated.could_be("pressure")


@pytest.mark.parametrize(
    ("text", "contains", "free_of"),
    [
        ("plain NdFeB magnets without Dy/Tb", set(), {"dysprosium", "terbium"}),
        ("Dy-free NdFeB", set(), {"dysprosium"}),
        ("不含镝铽的钕铁硼磁体", set(), {"dysprosium", "terbium"}),
        ("NdFeB containing terbium", {"terbium"}, set()),
        ("含镝的钕铁硼", {"dysprosium"}, set()),
        ("Tb-doped magnets", {"terbium"}, set()),
        # a list joined by "or"/"and", and "free of" before it
        ("N35 magnets without Dy or Tb", set(), {"dysprosium", "terbium"}),
        ("NdFeB magnets free of dysprosium and terbium", set(), {"dysprosium", "terbium"}),
        ("NdFeB containing Dy and Tb, shipped to Japan", {"dysprosium", "terbium"}, set()),
        ("magnets without Dy and in stock", set(), {"dysprosium"}),
        # a Chinese list taken up again, of the same kind or of the other
        ("成分只有镨钕、铁、硼，不含镝也不含铽（有ICP报告）", set(), {"dysprosium", "terbium"}),
        ("含镝也含铽的磁体", {"dysprosium", "terbium"}, set()),
        ("不含镝但含铽", {"terbium"}, {"dysprosium"}),
    ],
)
def test_composition(text: str, contains: set[str], free_of: set[str]) -> None:
    lexicon = default_lexicon()
    found = composition_in(text, lexicon.symbols, lexicon.names_zh)
    assert found.contains == contains and found.free_of == free_of


def test_heavy_rare_earth_free_names_the_heavy_rare_earths() -> None:
    lexicon = default_lexicon()
    found = composition_in("heavy rare earth free magnets", lexicon.symbols, lexicon.names_zh)
    assert {"dysprosium", "terbium"} <= found.free_of


def test_sizes_given_as_products_of_figures() -> None:
    plate = {(s.quantity, s.low) for s in quantities_in("Tungsten plates 99.95% W, 100 x 100 x 10 mm")}
    assert {("length", 100.0), ("width", 100.0), ("height", 10.0), ("purity", 99.95)} == plate
    rod = {(s.quantity, s.low) for s in quantities_in("tungsten rod Ø130 x 60 mm")}
    assert rod == {("diameter", 130.0), ("length", 60.0)}
    # a Chinese specification writes the diameter sign as Φ, with the unit after each figure
    rod = {(s.quantity, s.low) for s in quantities_in("纯钨棒，规格Φ60 mm×300 mm") if s.unit == "mm"}
    assert rod == {("diameter", 60.0), ("length", 300.0)}
    # the sign after a named size does not rename it
    assert [(s.quantity, s.low) for s in quantities_in("缸径Φ420mm") if s.unit == "mm"] == [("bore", 420.0)]
    assert {(s.quantity, s.low) for s in quantities_in("a 2 x 3 cm sheet")} == {
        ("length", 20.0),
        ("width", 30.0),
    }


def test_volumes_in_cubic_metres_and_litres() -> None:
    assert [(s.quantity, s.low, s.unit) for s in quantities_in("mixing chambers of 20 m3")] == [
        ("volume", 20.0, "m3")
    ]
    assert [(s.quantity, s.low) for s in quantities_in("混合室容积8立方米")] == [("volume", 8.0)]
    assert [(s.quantity, s.low) for s in quantities_in("a 500 litre tank")] == [("volume", 0.5)]


@pytest.mark.parametrize(
    ("text", "density"),
    [
        ("21700 cell: nominal 3.6 V, 5,000 mAh, 70 g", 257.1),
        ("电芯 3.2V 280Ah，重5.4kg", 165.9),
        ("pack of 1.2 kWh weighing 6 kg", 200.0),
    ],
)
def test_energy_density_follows_from_a_datasheet(text: str, density: float) -> None:
    (stated,) = [s for s in quantities_in(text) if s.quantity == "energy_density"]
    assert (stated.low, stated.unit) == (density, "Wh/kg")
    assert "Wh/kg" in stated.text


def test_no_energy_density_when_a_figure_is_missing_or_repeated() -> None:
    assert not [s for s in quantities_in("cells of 3.6 V and 5,000 mAh") if s.quantity == "energy_density"]
    two_masses = "3.6 V, 5,000 mAh, 70 g per cell, 20 kg per carton"
    assert not [s for s in quantities_in(two_masses) if s.quantity == "energy_density"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("直径150mm长200mm", [("diameter", 150.0, 150.0, "mm"), ("length", 200.0, 200.0, "mm")]),
        ("直径130mm厚60mm", [("diameter", 130.0, 130.0, "mm"), ("thickness", 60.0, 60.0, "mm")]),
        ("1 mm thick", [("thickness", 1.0, 1.0, "mm")]),
        ("wall thickness 30 mm", [("wall_thickness", 30.0, 30.0, "mm")]),
        ("宽120mm高50mm", [("width", 120.0, 120.0, "mm"), ("height", 50.0, 50.0, "mm")]),
    ],
)
def test_sizes_by_their_short_names(text: str, expected: list[tuple[str, float, float, str]]) -> None:
    assert _stated(text) == expected


def test_an_alloys_notation_gives_its_contents() -> None:
    symbols = default_lexicon().symbols
    found = [(s.of, s.low) for s in notation_contents("钨铜W75Cu25电极棒", symbols)]
    assert found == [("tungsten", 75.0), ("copper", 25.0)]
    assert [(s.of, s.low) for s in notation_contents("93W-4.9Ni-2.1Fe bars", symbols)] == [
        ("tungsten", 93.0),
        ("nickel", 4.9),
        ("iron", 2.1),
    ]
    # a formula is no alloy: its figures are atoms, not percentages
    assert notation_contents("Nd2O3 99.5%", symbols) == []
    assert _stated("W80Cu20 disc") == []


def test_dopants_denied_one_by_one() -> None:
    lexicon = default_lexicon()
    found = composition_in("No Dy and no Tb added (checked by ICP).", lexicon.symbols, lexicon.names_zh)
    assert found.free_of == {"dysprosium", "terbium"}
    assert not found.contains


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ram bore 0.46 m", [("bore", 460.0, 460.0, "mm")]),
        ("长2米", [("length", 2000.0, 2000.0, "mm")]),
        ("20 m3 chamber", [("volume", 20.0, 20.0, "m3")]),
        ("10 mt of oxide", []),
        # a density named by two words is the longer name's
        ("压实密度2.45g/cc", [("compaction_density", 2.45, 2.45, "g/cm3")]),
        ("compaction density 2.6 g/cm3", [("compaction_density", 2.6, 2.6, "g/cm3")]),
        ("tap density 1.3 g/cc", [("tap_density", 1.3, 1.3, "g/cm3")]),
    ],
)
def test_metres_and_named_densities(text: str, expected: list[tuple[str, float, float, str]]) -> None:
    assert _stated(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("等静压石墨，体积密度1.70，抗折强度45MPa", [("density", 1.7)]),
        ("bulk density 1.82 and 99.99% carbon", [("density", 1.82)]),
        ("振实密度1.0，压实密度3.6", [("tap_density", 1.0), ("compaction_density", 3.6)]),
        # a unit given is read as before, and a figure no solid's density can be is none
        ("体积密度1.70g/cm³", [("density", 1.7)]),
        ("密度 12 吨", []),
        ("位错密度 5000", []),
    ],
)
def test_a_density_given_without_its_unit_is_read_in_grams_per_cubic_centimetre(
    text: str, expected: list[tuple[str, float]]
) -> None:
    densities = [q for q in quantities_in(text) if q.quantity and "density" in q.quantity]
    assert [(q.quantity, q.low) for q in densities] == expected
    assert all(q.unit == "g/cm3" and q.low == q.high for q in densities)
