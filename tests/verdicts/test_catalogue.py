"""Lookups by English and Chinese name, alias, HS code and control-list code."""

from __future__ import annotations

import pytest

from kb.corpus.loading import load_corpus
from kb.errors import QueryError
from kb.language.codes import classify_query
from kb.language.phrases import normalise
from kb.verdicts.catalogue import Catalogue
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(load_corpus(SOURCES))


@pytest.mark.parametrize(
    ("query", "name", "document"),
    [
        ("gallium nitride", "Gallium nitride", "mofcom-gac-2023-23"),
        ("Gallium-Nitride", "Gallium nitride", "mofcom-gac-2023-23"),
        ("galium nitride", "Gallium nitride", "mofcom-gac-2023-23"),  # a small misspelling
        ("GaN", "Gallium nitride", "mofcom-gac-2023-23"),
        ("氮化镓", "Gallium nitride", "mofcom-gac-2023-23"),
        ("2850001901", "Gallium nitride", "mofcom-gac-2023-23"),
        ("2850.00.19.01", "Gallium nitride", "mofcom-gac-2023-23"),
        ("3C001.b", "Gallium nitride", "mofcom-gac-2023-23"),
        ("germanium dioxide", "Germanium dioxide", "mofcom-gac-2023-23"),
        ("二氧化锗", "Germanium dioxide", "mofcom-gac-2023-23"),
        ("2841801000", "Ammonium paratungstate (APT)", "mofcom-gac-2025-10"),
        ("APT", "Ammonium paratungstate (APT)", "mofcom-gac-2025-10"),
        ("antimony ingots", "Antimony metal and products", "mofcom-gac-2024-33"),
        ("六面顶压机设备", "Cubic (six-anvil) press equipment", "mofcom-gac-2024-33"),
        ("2B901", "Cubic (six-anvil) press equipment", "mofcom-gac-2024-33"),
        (
            "spherical graphite",
            "Natural flake graphite and its products (including spherical and expanded graphite)",
            "mofcom-gac-2023-39",
        ),
        ("holmium oxide", "Holmium oxide and mixtures; holmium compounds and mixtures", "mofcom-gac-2025-57"),
        ("lithium iron phosphate", "Lithium iron phosphate cathode material", "mofcom-gac-2025-58"),
    ],
)  # fmt: skip
def test_lookup_finds_the_item(catalogue: Catalogue, query: str, name: str, document: str) -> None:
    matches = catalogue.lookup(query)
    assert matches, f"nothing found for {query!r}"
    best = {(m.item.name, m.item.document_id) for m in matches if m.score == matches[0].score}
    assert (name, document) in best


def test_family_and_element_find_their_items(catalogue: Catalogue) -> None:
    samarium = catalogue.by_name("samarium")
    rare_earths = catalogue.by_name("rare earths")
    assert samarium and all(m.item.element == "samarium" or "samarium" in m.matched for m in samarium)
    assert {m.item.document_id for m in samarium} >= {"mofcom-gac-2025-18"}
    assert any(m.item.element == "samarium" for m in rare_earths)


def test_control_code_prefix_finds_every_sub_item(catalogue: Catalogue) -> None:
    codes = {
        m.item.control_code
        for m in catalogue.by_control_code("3C001")
        if m.item.document_id == "mofcom-gac-2023-23"
    }
    assert codes == {f"3C001.{c}" for c in "abcdefgh"}


def test_eight_digit_hs_code_finds_lines_below_it(catalogue: Catalogue) -> None:
    assert {m.item.name for m in catalogue.by_hs_code("28500019")} >= {"Gallium nitride"}


def test_unknown_item_finds_nothing(catalogue: Catalogue) -> None:
    assert catalogue.lookup("copper cathode") == []
    assert catalogue.lookup("9999999999") == []


@pytest.mark.parametrize(
    ("query", "kind"),
    [("2850001901", "hs_code"), ("2850.0019", "hs_code"), ("1C117.d", "control_code"), ("GaN", "name")],
)
def test_classify_query(query: str, kind: str) -> None:
    assert classify_query(query) == kind


@pytest.mark.parametrize("query", ["", "   ", "12345", "123456789012"])
def test_bad_queries_raise_query_error(query: str) -> None:
    with pytest.raises(QueryError):
        classify_query(query)


def test_mentions_prefer_the_longest_phrase(catalogue: Catalogue) -> None:
    matches, families = catalogue.mentions("Do I need a licence to export gallium nitride wafers?")
    assert {m.item.name for m in matches} == {"Gallium nitride"}
    assert families == []
    matches, families = catalogue.mentions("出口氧化镓需要申请许可证吗？")
    assert {m.item.name for m in matches} == {"Gallium oxide"}
    _, families = catalogue.mentions("Is antimony controlled?")
    assert families == ["antimony"]


def test_mentions_find_codes(catalogue: Catalogue) -> None:
    matches, _ = catalogue.mentions("HS 8112929010 — is that controlled?")
    assert any(m.item.name.startswith("Metallic gallium") for m in matches)


def test_normalise() -> None:
    assert normalise("  Samarium–Cobalt  MAGNETS! ") == "samarium cobalt magnets"
    assert normalise("氧化镓（粉末）") == "氧化镓 粉末"
