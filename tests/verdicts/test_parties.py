"""Screening names and texts against the real party-list announcements of ``sources/parties/``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import yaml

from kb.corpus.loading import load_corpus
from kb.errors import QueryError
from kb.verdicts.parties import POSSIBLE_SCORE, PartyRegistry, ScreenHit, outcome_of
from kb.verdicts.party_index import parents_named
from tests.conftest import ROOT, SOURCES

D = dt.date.fromisoformat
NOW = D("2026-11-22")


@pytest.fixture(scope="module")
def registry() -> PartyRegistry:
    return PartyRegistry(load_corpus(SOURCES))


def _hits(registry: PartyRegistry, name: str, day: dt.date = NOW, **kwargs: str) -> list[ScreenHit]:
    return registry.screen(name, as_of=day, **kwargs)


def _only(hits: list[ScreenHit], document_id: str) -> ScreenHit:
    found = [h for h in hits if h.document_id == document_id and h.certain]
    assert len(found) == 1, [(h.party.name, h.document_id) for h in hits]
    return found[0]


def test_every_party_of_every_announcement_is_held(registry: PartyRegistry) -> None:
    corpus = load_corpus(SOURCES)
    lists = [doc for doc in corpus if doc.meta.kind == "party_list"]
    assert set(registry.announcements) == {doc.id for doc in lists}
    assert len(registry) == sum(len(doc.meta.parties) for doc in lists)


# -- names ------------------------------------------------------------------------------------------


def test_exact_name(registry: PartyRegistry) -> None:
    hits = _hits(registry, "MP Materials Corp.")
    hit = hits[0]
    assert (hit.party.name, hit.document_id, hit.list) == (
        "MP Materials Corp.",
        "mofcom-2026-23",
        "control_list",
    )
    assert hit.certain and hit.score == 100 and hit.why.method == "exact" and hit.why.field == "name"
    assert hit.status.state == "listed" and hit.status.since == D("2026-06-22")
    assert hit.measures[0].startswith("Exporters may not export dual-use items")
    assert hit.measures_zh and hit.exception and hit.exception_zh
    assert hit.confidence == "high" and not hit.unconfirmed
    assert outcome_of(hits) == "listed"


@pytest.mark.parametrize(
    ("name", "party", "field"),
    [
        ("MP Materials", "MP Materials Corp.", "alias"),
        ("Red Cat", "Red Cat Holdings, Inc.", "alias"),
        ("JAXA", "Japan Aerospace Exploration Agency", "alias"),
        ("Wroclaw University of Science and Technology", "Politechnika Wroclawska", "alias"),
    ],
)
def test_alias(registry: PartyRegistry, name: str, party: str, field: str) -> None:
    hit = _hits(registry, name)[0]
    assert hit.certain and (hit.party.name, hit.why.field, hit.why.matched) == (party, field, name)


@pytest.mark.parametrize(
    ("name", "party", "document_id"),
    [
        ("芒廷帕斯材料公司", "MP Materials Corp.", "mofcom-2026-23"),
        ("芒廷帕斯材料", "MP Materials Corp.", "mofcom-2026-23"),
        ("斯巴鲁株式会社", "SUBARU Corporation", "mofcom-2026-12"),
        ("汉翔航空工业", "Aerospace Industrial Development Corp.", "mofcom-2025-35"),
        ("洛克希德马丁公司", "Lockheed Martin Corporation", "uel-2023-1"),
        ("美国稀土公司", "USA Rare Earth, Inc.", "mofcom-2026-23"),
    ],
)
def test_chinese_name(registry: PartyRegistry, name: str, party: str, document_id: str) -> None:
    hit = _only(_hits(registry, name), document_id)
    assert hit.certain and hit.party.name == party and hit.why.field == "name_zh"


@pytest.mark.parametrize(
    ("name", "party", "removed"),
    [
        ("Hensoldt GmbH", "HENSOLDT AG", {"gmbh", "ag"}),
        (
            "MITSUBISHI HEAVY INDUSTRIES SHIPBUILDING CO., LTD",
            "Mitsubishi Heavy Industries Shipbuilding Co.",
            {"co", "ltd"},
        ),
        ("Tokin Corp", "Tokin Corporation", {"corp", "corporation"}),
        (
            "The Fujikura Parachute Company",
            "The Fujikura Parachute Co., Ltd.",
            {"the", "company", "co", "ltd"},
        ),
        ("Lafert SRL", "Lafert S.p.A.", {"srl", "spa"}),
    ],
)
def test_legal_forms_case_and_punctuation_do_not_matter(
    registry: PartyRegistry, name: str, party: str, removed: set[str]
) -> None:
    hit = _hits(registry, name)[0]
    assert hit.certain and hit.score == 100 and hit.party.name == party
    assert hit.why.method == "normalised"
    assert set(hit.why.removed) | set(hit.why.removed_listed) == removed


def test_word_order(registry: PartyRegistry) -> None:
    hit = _hits(registry, "Materials MP")[0]
    assert hit.certain and hit.why.method == "word_order" and hit.party.name == "MP Materials Corp."
    assert hit.score == 97


def test_spacing(registry: PartyRegistry) -> None:
    hit = _hits(registry, "L3Harris Technologies")[0]
    assert hit.certain and hit.party.name == "L3 Harris Technologies"


@pytest.mark.parametrize(
    ("name", "party"),
    [
        ("Huntington Ingals Industries", "Huntington Ingalls Industries, Inc."),
        ("Lockhead Martin", "Lockheed Martin Corporation"),
        ("Hensold AG", "HENSOLDT AG"),
        ("Skydeo", "Skydio, Inc."),
        ("芒延帕斯材料公司", "MP Materials Corp."),
    ],
)
def test_a_misspelt_name_is_a_possible_match(registry: PartyRegistry, name: str, party: str) -> None:
    hits = _hits(registry, name)
    assert not any(h.certain for h in hits)
    best = next(h for h in hits if h.party.name == party)
    assert best.why.method == "close_spelling" and POSSIBLE_SCORE <= best.score < 100
    assert outcome_of(hits) == "possible_match"


def test_a_misspelt_name_finds_every_listing_of_the_party(registry: PartyRegistry) -> None:
    hits = _hits(registry, "Huntington Ingals Industries")
    states = {h.document_id: h.status.state for h in hits}
    assert states == {"mofcom-2025-51": "listed", "uel-2025-5": "stopped"}
    assert all(h.score >= 95 for h in hits)


def test_a_merely_similar_name_is_possible_not_listed(registry: PartyRegistry) -> None:
    hits = _hits(registry, "Red Hat")
    assert [h.party.name for h in hits] == ["Red Cat Holdings, Inc."]
    assert not hits[0].certain and hits[0].score < 90
    assert outcome_of(hits) == "possible_match"


@pytest.mark.parametrize(
    ("name", "party", "method"),
    [
        ("Lockheed Martin Space", "Lockheed Martin Corporation", "contains"),
        ("Hensoldt Sensors GmbH", "HENSOLDT AG", "contains"),
        ("Mitsubishi Heavy Industries", "Mitsubishi Heavy Industries Shipbuilding Co.", "part_of"),
        ("The Boeing Company", "Boeing Defense, Space & Security", "part_of"),
        ("General Atomics", "General Atomics Aeronautical Systems", "part_of"),
    ],
)
def test_subsidiaries_and_parents_are_possible_matches(
    registry: PartyRegistry, name: str, party: str, method: str
) -> None:
    hits = _hits(registry, name)
    hit = next(h for h in hits if h.party.name == party)
    assert not hit.certain and hit.why.method == method and hit.score >= POSSIBLE_SCORE


def test_a_parent_named_in_a_note_is_a_possible_match(registry: PartyRegistry) -> None:
    insitu = [h for h in _hits(registry, "The Boeing Company") if h.party.name == "Insitu, Inc."]
    assert {h.document_id for h in insitu} == {"mofcom-2025-22", "uel-2025-7"}
    assert all(not h.certain and h.why.method == "parent" and h.why.matched == "Boeing" for h in insitu)
    rtx = _hits(registry, "Raytheon Technologies")[0]
    assert (rtx.party.name, rtx.why.method, rtx.score) == ("Raytheon Missiles & Defense", "parent", 85)
    mitsui = next(h for h in _hits(registry, "Mitsui & Co.") if h.why.method == "parent")
    assert mitsui.party.name == "Mitsui Bussan Aerospace Co., Ltd."
    # A parent's name in a question does not name the listed subsidiary.
    assert registry.find_in_text("Can we sell tungsten to Boeing?", as_of=NOW) == []


def test_parents_named() -> None:
    assert parents_named("A Boeing subsidiary. Also on the Unreliable Entity List") == ("Boeing",)
    assert parents_named("A business unit of Raytheon Technologies (RTX) at the time") == (
        "Raytheon Technologies",
    )
    assert parents_named("A subsidiary of Mitsui & Co. Its Maintenance Center was put") == ("Mitsui & Co",)
    assert parents_named("A TechInsights branch named in the announcement.") == ("TechInsights",)
    assert parents_named("The parent company of the Rheinmetall group.") == ()
    assert parents_named("The US arm of Elbit Systems; the Israeli parent company is not named.") == (
        "Elbit Systems",
    )


def test_a_short_alias_is_only_a_possible_match(registry: PartyRegistry) -> None:
    hit = _hits(registry, "GD")[0]
    assert hit.party.name == "General Dynamics" and hit.why.method == "acronym" and not hit.certain
    # An initialism that is the party's own name is certain.
    tdk = _hits(registry, "TDK")[0]
    assert tdk.party.name == "TDK Corporation" and tdk.certain and tdk.list == "watch_list"


@pytest.mark.parametrize(
    "name", ["Siemens AG", "Toyota Motor Corporation", "BASF SE", "General", "Heavy Industries", "Acme"]
)
def test_unlisted_names_find_nothing(registry: PartyRegistry, name: str) -> None:
    hits = _hits(registry, name)
    assert hits == [] and outcome_of(hits) == "no_match"


def test_the_same_party_on_two_lists_gives_two_hits(registry: PartyRegistry) -> None:
    hits = _hits(registry, "Skydio")
    assert {h.document_id: h.status.state for h in hits} == {
        "mofcom-2025-13": "stopped",
        "uel-2025-7": "unknown",
    }
    assert all(h.certain for h in hits)


# -- countries --------------------------------------------------------------------------------------


def test_the_same_country_raises_a_possible_match(registry: PartyRegistry) -> None:
    plain = _hits(registry, "Hensold AG")[0]
    same = _hits(registry, "Hensold AG", country="DE")[0]
    assert same.score == min(99, plain.score + 5) and not same.certain
    assert same.why.country_check == "same"


def test_another_country_lowers_but_never_hides(registry: PartyRegistry) -> None:
    hit = _hits(registry, "Hensoldt AG", country="FR")[0]
    assert hit.party.name == "HENSOLDT AG"
    assert not hit.certain and hit.score == 85 and hit.why.country_check == "different"
    weak = _hits(registry, "Red Hat", country="JP")
    assert weak and weak[0].score < POSSIBLE_SCORE


def test_a_party_without_a_country(registry: PartyRegistry) -> None:
    hit = _hits(registry, "Garnet S.r.l.", country="IT")[0]
    assert hit.certain and hit.why.country_check == "not_stated"


def test_bad_input_is_a_query_error(registry: PartyRegistry) -> None:
    with pytest.raises(QueryError, match="no letters or digits"):
        registry.screen("!!!")
    with pytest.raises(QueryError, match="ISO 3166"):
        registry.screen("MP Materials", country="XX")
    with pytest.raises(QueryError, match="ISO date"):
        registry.screen("MP Materials", as_of="22/11/2026")


# -- status on a date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state", "since", "until"),
    [
        ("2025-04-03", "not_yet_listed", "2025-04-04", None),
        ("2025-04-04", "listed", "2025-04-04", None),
        ("2025-05-13", "listed", "2025-04-04", None),
        ("2025-05-14", "suspended", "2025-05-14", "2025-08-12"),
        ("2025-08-12", "suspended", "2025-05-14", "2025-11-10"),
        ("2026-06-01", "suspended", "2025-05-14", "2026-11-10"),
        ("2026-11-10", "suspended", "2025-05-14", "2026-11-10"),  # the last day is still suspended
        ("2026-11-11", "unknown", "2026-11-11", "2026-11-10"),  # lapsed, no later word
    ],
)
@pytest.mark.parametrize(
    ("document_id", "name"), [("mofcom-2025-21", "Sierra Nevada"), ("uel-2025-7", "Neros")]
)
def test_a_suspended_listing_before_during_and_after(
    registry: PartyRegistry,
    document_id: str,
    name: str,
    day: str,
    state: str,
    since: str,
    until: str | None,
) -> None:
    status = _only(_hits(registry, name, D(day)), document_id).status
    assert (status.state, status.since, status.until) == (state, D(since), D(until) if until else None)
    assert status.lapsed == (state == "unknown")


def test_the_unknown_status_carries_the_corpus_note(registry: PartyRegistry) -> None:
    status = _only(_hits(registry, "Sierra Nevada", D("2026-12-01")), "mofcom-2025-21").status
    assert status.note and "No official text on what followed" in status.note


def test_a_lapsed_suspension_with_no_later_entry_is_unknown(registry: PartyRegistry) -> None:
    real = registry.announcements["mofcom-2025-21"]
    without_word = dataclasses.replace(real, status_history=real.status_history[:-1])
    status = without_word.status_on(D("2026-11-11"))
    assert (status.state, status.since, status.until, status.note) == (
        "unknown",
        D("2026-11-11"),
        D("2026-11-10"),
        None,
    )
    assert without_word.status_on(D("2026-11-10")).state == "suspended"


@pytest.mark.parametrize(
    ("document_id", "name", "day", "state", "since"),
    [
        ("mofcom-2025-22", "Novotech", "2025-08-11", "suspended", "2025-05-14"),
        ("mofcom-2025-22", "Novotech", "2025-08-12", "stopped", "2025-08-12"),
        ("uel-2025-5", "Cubic Corporation", "2025-11-09", "listed", "2025-03-04"),
        ("uel-2025-5", "Cubic Corporation", "2025-11-10", "stopped", "2025-11-10"),
        ("uel-2025-8", "Shield AI", "2025-06-01", "suspended", "2025-05-14"),
        ("mofcom-2025-1", "General Dynamics", "2026-12-02", "listed", "2025-01-02"),
    ],
)
def test_measures_stopped_and_open_suspensions(
    registry: PartyRegistry, document_id: str, name: str, day: str, state: str, since: str
) -> None:
    status = _only(_hits(registry, name, D(day)), document_id).status
    assert (status.state, status.since) == (state, D(since))
    if document_id == "uel-2025-8":
        assert status.until is None  # the suspension's end was not stated


def test_a_listing_not_yet_in_effect_is_not_an_outcome(registry: PartyRegistry) -> None:
    hits = _hits(registry, "MP Materials", D("2026-06-21"))
    assert hits[0].certain and hits[0].status.state == "not_yet_listed"
    assert outcome_of(hits) == "no_match"
    assert outcome_of(_hits(registry, "MP Materials", D("2026-06-22"))) == "listed"


def test_low_confidence_facts_are_flagged(registry: PartyRegistry) -> None:
    hit = _hits(registry, "Rheinmetall AG")[0]
    assert hit.document_id == "mofcom-2026-30" and hit.confidence == "low" and hit.unconfirmed


def test_hits_as_json(registry: PartyRegistry) -> None:
    data = _hits(registry, "Universal Logistics", D("2026-12-01"))[0].to_dict()
    assert data["match"] == "listed" and data["list"] == "control_list"
    assert data["number"] == "MOFCOM Announcement No. 21 of 2025"
    assert data["status"] == {
        "state": "unknown",
        "as_of": "2026-12-01",
        "since": "2026-11-11",
        "until": "2026-11-10",
        "note": data["status"]["note"],
    }
    assert data["why"]["field"] == "alias" and data["why"]["method"] == "exact"


# -- free text --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Can I export samarium magnets to MP Materials?", "MP Materials Corp."),
        ("卖给芒廷帕斯材料公司可以吗", "MP Materials Corp."),
        ("our customer Hensoldt AG in Germany", "HENSOLDT AG"),
        ("Lockheed Martin Aeronautics wants gallium", "Lockheed Martin Aeronautics"),
        ("洛克希德马丁导弹与火控公司要采购金属镓", "Lockheed Martin Missiles and Fire Control"),
        ("Cubic Corporation wants germanium", "Cubic Corporation"),
        ("Mitsui E&S Co., Ltd. asked for tungsten", "MITSUI E&S Co., Ltd."),
        ("L3哈里斯公司采购锗", "L3 Harris Technologies"),
        ("Is USA Rare Earth allowed to buy dysprosium?", "USA Rare Earth, Inc."),
    ],
)
def test_find_in_text(registry: PartyRegistry, text: str, party: str) -> None:
    hits = registry.find_in_text(text, as_of=NOW)
    assert hits and hits[0].party.name == party and hits[0].certain
    assert hits[0].why.query in text


def test_find_in_text_prefers_the_longest_name(registry: PartyRegistry) -> None:
    hits = registry.find_in_text("Lockheed Martin Aeronautics wants gallium", as_of=NOW)
    assert {h.party.name for h in hits} == {"Lockheed Martin Aeronautics"}


def test_a_misspelt_name_in_text_is_possible(registry: PartyRegistry) -> None:
    hits = registry.find_in_text("Shipping to Lockhead Martin next week", as_of=NOW)
    assert hits and all(not h.certain for h in hits)
    assert hits[0].party.name == "Lockheed Martin Corporation" and hits[0].why.query == "Lockhead Martin"


def test_find_in_text_gives_the_status_on_the_date(registry: PartyRegistry) -> None:
    before = registry.find_in_text("Can I export samarium magnets to MP Materials?", as_of=D("2026-01-01"))
    assert before[0].status.state == "not_yet_listed"


def _questions(party: bool) -> list[str]:
    found = []
    # The held-out sets are run once, at the end: no test reads them.
    for path in sorted(p for p in (ROOT / "evals").glob("*.yaml") if "holdout" not in p.name):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if (question.get("category") == "party") == party:
                found.append(question["question"])
    return found


def test_every_party_question_of_the_evals_names_a_listed_party(registry: PartyRegistry) -> None:
    questions = _questions(party=True)
    assert len(questions) >= 20
    missing = [q for q in questions if not registry.find_in_text(q, as_of=NOW)]
    assert missing == []


def test_questions_without_a_party_find_none(registry: PartyRegistry) -> None:
    questions = _questions(party=False)
    assert len(questions) >= 100
    fired = {q: [h.party.name for h in registry.find_in_text(q, as_of=NOW)] for q in questions}
    assert {q: names for q, names in fired.items() if names} == {}


@pytest.mark.parametrize(
    "text",
    [
        "Do I need a licence for gallium nitride?",
        "Technology for manufacturing large cubic presses - can we transfer it abroad?",
        "Cubic boron nitride inserts to Germany",
        "Can we sell to USA rare earth magnet makers?",
        "Is rapid flight testing equipment controlled?",
        "Garnet abrasive to Italy",
        "立方氮化硼出口需要许可证吗",
        "美国稀土出口管制有哪些？",
        "gd and tb oxides",
        "Our red cat figurines contain no rare earths",
    ],
)
def test_product_words_and_ordinary_words_are_not_parties(registry: PartyRegistry, text: str) -> None:
    assert registry.find_in_text(text, as_of=NOW) == []


def test_registry_needs_no_party_files(tmp_path: Path) -> None:
    empty = PartyRegistry(load_corpus(tmp_path))
    assert len(empty) == 0 and empty.screen("MP Materials") == [] and empty.find_in_text("MP Materials") == []
