"""Screening results said in English and Chinese: list, announcement, measures, status, never a clearance."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.corpus.loading import load_corpus
from kb.verdicts.parties import PartyRegistry, PartyStatus, ScreenHit
from kb.verdicts.party_wording import (
    OUTCOME_LABELS,
    hit_label,
    hit_sentence,
    not_found_sentence,
    not_yet_sentence,
    status_text,
    unconfirmed_sentence,
    why_text,
)
from tests.conftest import SOURCES

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def registry() -> PartyRegistry:
    return PartyRegistry(load_corpus(SOURCES))


def _hit(registry: PartyRegistry, name: str, day: str = "2026-11-22", **kwargs: str) -> ScreenHit:
    return registry.screen(name, as_of=day, **kwargs)[0]


def test_a_listed_hit_states_list_announcement_status_and_measures(registry: PartyRegistry) -> None:
    hit = _hit(registry, "MP Materials")
    en = hit_sentence(hit, "en")
    assert en.startswith(
        "Listed: MP Materials Corp. (芒廷帕斯材料公司, US) is on MOFCOM's export-control control list"
    )
    assert "MOFCOM Announcement No. 23 of 2026" in en and "listed since 2026-06-22" in en
    assert "may not export dual-use items" in en and "Exception:" in en
    zh = hit_sentence(hit, "zh")
    assert zh.startswith("已列入名单：芒廷帕斯材料公司（MP Materials Corp.，美国）")
    assert "商务部公告2026年第23号" in zh and "管控名单" in zh and "自2026-06-22起列入名单" in zh
    assert "不得向上述实体出口两用物项" in zh and "例外：" in zh


def test_a_possible_match_says_check(registry: PartyRegistry) -> None:
    hit = _hit(registry, "Huntington Ingals Industries")
    en = hit_sentence(hit, "en")
    assert en.startswith("Possible match — check: 'Huntington Ingals Industries' is a close spelling of")
    assert "(score 98)" in en
    assert hit_sentence(hit, "zh").startswith("可能匹配——请核实：")
    assert hit_label(hit, "en") == OUTCOME_LABELS["possible_match"]["en"] == "possible match — check"


@pytest.mark.parametrize(
    ("status", "en", "zh"),
    [
        (
            PartyStatus("listed", D("2026-11-22"), D("2026-06-22")),
            "listed since 2026-06-22",
            "自2026-06-22起列入名单",
        ),
        (
            PartyStatus("not_yet_listed", D("2026-01-01"), D("2026-06-22")),
            "not yet listed on 2026-01-01; listed from 2026-06-22",
            "2026-01-01尚未列入，自2026-06-22起列入",
        ),
        (
            PartyStatus("suspended", D("2026-01-01"), D("2025-05-14"), D("2026-11-10")),
            "measures suspended until 2026-11-10 (inclusive), since 2025-05-14",
            "措施暂停实施至2026-11-10（含当日），自2025-05-14起暂停",
        ),
        (
            PartyStatus("suspended", D("2025-06-01"), D("2025-05-14")),
            "measures suspended since 2025-05-14, no end date stated",
            "措施自2025-05-14起暂停实施，未说明截止日期",
        ),
        (
            PartyStatus("stopped", D("2026-01-01"), D("2025-11-10")),
            "measures stopped since 2025-11-10",
            "措施自2025-11-10起停止实施",
        ),
        (
            PartyStatus("removed", D("2026-01-01"), D("2025-11-10")),
            "removed from the list on 2025-11-10",
            "已于2025-11-10移出名单",
        ),
        (
            PartyStatus("unknown", D("2026-12-01"), D("2026-11-11"), D("2026-11-10")),
            "status unknown since 2026-11-11: the suspension ran until 2026-11-10 and no later official "
            "word is held; check with MOFCOM",
            "自2026-11-11起状态不明：暂停期至2026-11-10届满，此后未见官方说明，请向商务部核实",
        ),
        (
            PartyStatus("unknown", D("2026-12-01"), D("2026-11-11")),
            "status unknown since 2026-11-11; check with MOFCOM",
            "自2026-11-11起状态不明，请向商务部核实",
        ),
    ],
)
def test_status_in_both_languages(status: PartyStatus, en: str, zh: str) -> None:
    assert status_text(status, "en") == en
    assert status_text(status, "zh") == zh


def test_why_says_the_normalisation_and_the_country(registry: PartyRegistry) -> None:
    hit = _hit(registry, "Hensoldt GmbH", country="FR")
    assert why_text(hit.why, "en") == (
        "the listed name 'HENSOLDT AG' once case, punctuation and spacing are ignored and 'gmbh, ag' left "
        "out; but the list gives DE, not FR"
    )
    assert why_text(hit.why, "zh") == (
        "忽略大小写、标点和空格并去掉“gmbh, ag”后与名单所列名称“HENSOLDT AG”相同；"
        "但名单所列国家/地区为DE，而非FR"
    )


def test_not_found_is_never_a_clearance() -> None:
    en = not_found_sentence("Acme GmbH", D("2026-11-22"), "en", 26)
    assert "not found on the lists held as of 2026-11-22 (this is not a clearance)" in en
    assert "cleared" not in en
    zh = not_found_sentence("Acme GmbH", D("2026-11-22"), "zh", 26)
    assert "未在所掌握的名单中找到（这并不等于可以放行）" in zh
    assert OUTCOME_LABELS["no_match"]["en"] == "not found on the lists held (this is not a clearance)"


def test_unconfirmed_and_not_yet(registry: PartyRegistry) -> None:
    low = _hit(registry, "Rheinmetall AG")
    assert "unconfirmed (confidence: low)" in unconfirmed_sentence(low, "en")
    assert "尚未得到确认" in unconfirmed_sentence(low, "zh")
    early = _hit(registry, "MP Materials", day="2026-01-01")
    assert not_yet_sentence(early, "en") == (
        "MP Materials Corp. (芒廷帕斯材料公司, US) was not yet listed on 2026-01-01; "
        "MOFCOM Announcement No. 23 of 2026 lists it from 2026-06-22."
    )
    assert hit_label(early, "en") == "not yet listed" and hit_label(early, "zh") == "尚未列入"
