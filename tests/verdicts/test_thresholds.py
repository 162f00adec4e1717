"""An item's thresholds against stated specifications: jointly, alternatively, per form."""

from __future__ import annotations

from kb.corpus.schema import Condition, ThresholdGroup
from kb.verdicts.quantities import Composition, quantities_in
from kb.verdicts.thresholds import assess, combine

GRAPHITE = [
    ThresholdGroup(
        apply="jointly",
        conditions=[
            Condition(quantity="purity", op=">", value=99.9, unit="%"),
            Condition(quantity="flexural_strength", op=">", value=30, unit="MPa"),
            Condition(quantity="density", op=">", value=1.73, unit="g/cm3"),
        ],
    )
]
PRESS = [
    ThresholdGroup(
        apply="alternatively",
        conditions=[
            Condition(quantity="bore", op=">=", value=500, unit="mm"),
            Condition(quantity="pressure", op=">=", value=5, unit="GPa"),
        ],
    )
]
MAGNET = [
    ThresholdGroup(
        form="magnet", conditions=[Condition(quantity="composition", op="contains", value=["terbium"])]
    )
]


def _outcome(groups: list[ThresholdGroup], text: str, form: str | None = None,
             composition: Composition | None = None) -> str | None:  # fmt: skip
    assessment = assess(groups, form, quantities_in(text), composition or Composition())
    return assessment.outcome if assessment else None


def test_jointly_one_missed_condition_is_enough_to_fall_short() -> None:
    assert _outcome(GRAPHITE, "99.8% carbon, 40 MPa, 1.80 g/cm3") == "not_met"
    assert _outcome(GRAPHITE, "99.95% carbon, 40 MPa, 1.80 g/cm3") == "met"
    assert _outcome(GRAPHITE, "99.95% carbon") == "unknown"
    assert _outcome(GRAPHITE, "") == "unknown"


def test_the_limit_itself_and_ranges() -> None:
    assert _outcome(GRAPHITE, "99.9% purity, 40 MPa, 1.80 g/cm3") == "not_met"  # "above 99.9" excludes 99.9
    assert _outcome(PRESS, "bore 500 mm") == "met"  # "at least 500" includes 500
    assert _outcome(PRESS, "pressure below 4 GPa, bore 300 mm") == "not_met"


def test_alternatively_one_met_condition_is_enough() -> None:
    assert _outcome(PRESS, "450 mm bore, 6 GPa") == "met"
    assert _outcome(PRESS, "450 mm bore") == "unknown"


def test_an_unspecified_mpa_value_speaks_to_the_only_mpa_condition() -> None:
    assert _outcome(GRAPHITE, "99.95%, 12 MPa, 1.8 g/cm3") == "not_met"


def test_form_limited_groups() -> None:
    assert _outcome(MAGNET, "", form="metal") is None  # other forms are caught without a threshold
    assert _outcome(MAGNET, "", form="magnet") == "unknown"
    present = Composition(contains=frozenset({"terbium"}))
    assert _outcome(MAGNET, "", form="magnet", composition=present) == "met"
    absent = Composition(free_of=frozenset({"terbium"}))
    assert _outcome(MAGNET, "", form="magnet", composition=absent) == "not_met"


def test_a_dopant_is_not_ruled_out_by_a_name_but_a_main_constituent_is() -> None:
    ndfeb = Composition(constituents=frozenset({"neodymium", "iron", "boron"}))
    assert _outcome(MAGNET, "", form="magnet", composition=ndfeb) == "unknown"  # Tb may be added to NdFeB
    samarium = [ThresholdGroup(form="magnet", conditions=[Condition(quantity="composition", op="contains",
                                                                    value=["samarium"])])]  # fmt: skip
    assert _outcome(samarium, "", form="magnet", composition=ndfeb) == "not_met"


def test_combine() -> None:
    assert combine(["met", "unknown"], "jointly") == "unknown"
    assert combine(["met", "unknown"], "alternatively") == "met"
    assert combine(["not_met", "not_met"], "alternatively") == "not_met"
