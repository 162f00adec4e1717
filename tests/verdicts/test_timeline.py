"""Verdicts for (item, date, destination) triples taken from the fact base."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.answering.wording import say
from kb.verdicts.timeline import Verdict

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase()


def _verdict(
    base: KnowledgeBase,
    query: str,
    day: str,
    destination: str | None = None,
    military: bool = False,
    document: str | None = None,
) -> Verdict:
    results = base.lookup(query, as_of=day, destination=destination, military=military)
    assert results, f"no item found for {query!r}"
    if document:
        results = [r for r in results if r.match.item.document_id == document]
        assert results, f"{query!r} not found in {document}"
    return results[0].verdict


CASES = [
    # item, date, destination, military, expected verdict, document the item is looked up in
    ("gallium nitride", "2023-07-31", None, False, "not_listed", "mofcom-gac-2023-23"),
    ("gallium nitride", "2023-08-01", None, False, "licence_required", "mofcom-gac-2023-23"),
    ("germanium dioxide", "2023-06-15", None, False, "not_listed", "mofcom-gac-2023-23"),
    ("metallic gallium", "2025-03-01", "US", False, "prohibited", "mofcom-gac-2023-23"),
    ("metallic gallium", "2024-12-02", "US", False, "licence_required", "mofcom-gac-2023-23"),
    ("metallic gallium", "2026-11-22", "US", False, "licence_required", "mofcom-gac-2023-23"),
    ("metallic gallium", "2026-11-27", "US", False, "licence_required", "mofcom-gac-2023-23"),
    ("metallic gallium", "2026-11-28", "US", False, "uncertain", "mofcom-gac-2023-23"),
    ("metallic gallium", "2026-11-22", "US", True, "prohibited", "mofcom-gac-2023-23"),
    ("metallic gallium", "2026-11-22", "DE", False, "licence_required", "mofcom-gac-2023-23"),
    ("spherical graphite", "2025-03-01", "US", False, "licence_required", "mofcom-gac-2023-39"),
    ("spherical graphite", "2023-11-30", None, False, "not_listed", "mofcom-gac-2023-39"),
    ("antimony ingots", "2024-09-14", None, False, "not_listed", "mofcom-gac-2024-33"),
    ("antimony ingots", "2024-09-15", None, False, "licence_required", "mofcom-gac-2024-33"),
    ("antimony ingots", "2025-06-01", "US", False, "prohibited", "mofcom-gac-2024-33"),
    ("2841801000", "2025-02-03", None, False, "not_listed", "mofcom-gac-2025-10"),
    ("2841801000", "2025-02-04", None, False, "licence_required", "mofcom-gac-2025-10"),
    ("samarium-cobalt magnets", "2025-04-03", None, False, "not_listed", "mofcom-gac-2025-18"),
    ("samarium-cobalt magnets", "2025-04-04", None, False, "licence_required", "mofcom-gac-2025-18"),
    ("holmium oxide", "2025-10-20", None, False, "not_listed", "mofcom-gac-2025-57"),
    ("holmium oxide", "2026-01-15", None, False, "suspended", "mofcom-gac-2025-57"),
    ("holmium oxide", "2026-11-10", None, False, "suspended", "mofcom-gac-2025-57"),
    ("holmium oxide", "2026-11-22", None, False, "uncertain", "mofcom-gac-2025-57"),
    ("lithium iron phosphate", "2025-12-10", None, False, "suspended", "mofcom-gac-2025-58"),
    ("metallic gallium", "2026-03-01", "JP", True, "prohibited", "mofcom-gac-2023-23"),
    ("metallic gallium", "2025-12-01", "JP", True, "licence_required", "mofcom-gac-2023-23"),
    ("metallic gallium", "2026-03-01", "JP", False, "licence_required", "mofcom-gac-2023-23"),
]


@pytest.mark.parametrize(("query", "day", "destination", "military", "expected", "document"), CASES)
def test_verdict(base: KnowledgeBase, query: str, day: str, destination: str | None, military: bool,
                 expected: str, document: str) -> None:  # fmt: skip
    assert _verdict(base, query, day, destination, military, document).value == expected


def test_before_effect_says_from_when(base: KnowledgeBase) -> None:
    verdict = _verdict(base, "germanium dioxide", "2023-06-15", document="mofcom-gac-2023-23")
    assert verdict.controlled_from == D("2023-08-01")
    assert any("2023-08-01" in say(r, base.corpus, "en") for r in verdict.reasons)


def test_suspension_says_until_when_and_by_whom(base: KnowledgeBase) -> None:
    verdict = _verdict(base, "holmium oxide", "2026-01-15", document="mofcom-gac-2025-57")
    assert verdict.until == D("2026-11-10")
    assert any(r.document_id == "mofcom-gac-2025-70" for r in verdict.reasons)


def test_us_rule_suspension_is_cited(base: KnowledgeBase) -> None:
    verdict = _verdict(base, "metallic gallium", "2026-11-22", "US", document="mofcom-gac-2023-23")
    cited = {r.document_id for r in verdict.reasons}
    assert {"mofcom-2024-46", "mofcom-2025-72"} <= cited
    assert any("2026-11-27" in say(r, base.corpus, "en") for r in verdict.reasons)


def test_lapsed_suspension_is_uncertain_not_a_guess(base: KnowledgeBase) -> None:
    verdict = _verdict(base, "holmium oxide", "2026-11-22", document="mofcom-gac-2025-57")
    assert any("no official text" in say(r, base.corpus, "en") for r in verdict.reasons)


def test_prohibited_technology(base: KnowledgeBase) -> None:
    results = base.lookup("magnet", as_of="2026-11-22")
    prohibited = [r for r in results if r.verdict.value == "prohibited"]
    assert prohibited and all(r.match.item.document_id == "mofcom-most-2023-57" for r in prohibited)


def test_military_end_users_without_an_item(base: KnowledgeBase) -> None:
    us = base.timeline.destination_verdict("US", D("2026-11-22"), military=True)
    jp = base.timeline.destination_verdict("JP", D("2026-11-22"), military=True)
    assert us is not None and us.value == "prohibited" and us.reasons[0].document_id == "mofcom-2024-46"
    assert jp is not None and jp.value == "prohibited" and jp.reasons[0].document_id == "mofcom-2026-1"
    assert base.timeline.destination_verdict("JP", D("2025-06-01"), military=True) is None
    assert base.timeline.destination_verdict("DE", D("2026-11-22"), military=True) is None
