"""Specifications read from a question, in canonical units, English and Chinese."""

from __future__ import annotations

import pytest

from kb.verdicts.lexicon import default_lexicon
from kb.verdicts.quantities import composition_in, quantities_in


def _stated(text: str) -> list[tuple[str | None, float | None, float | None, str]]:
    return [(s.quantity, s.low, s.high, s.unit) for s in quantities_in(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99.8% carbon", [("purity", 99.8, 99.8, "%")]),
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
