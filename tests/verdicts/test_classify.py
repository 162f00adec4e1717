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


def test_before_a_control_started(base: KnowledgeBase) -> None:
    (line,) = _classify(base, "germanium dioxide", dt.date(2023, 6, 15)).lines
    assert line.value == "not_listed" and line.verdict is not None
