"""How screening results are said, in English and in Chinese: every user-facing sentence about a
listed party lives here once, for the CLI, the batch report, the answers and the app.

The registry decides (:mod:`kb.verdicts.parties`); this module only words what it decided. A name
that matches nothing is "not found on the lists held", never "cleared".
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from kb.corpus.schema import PartyList
from kb.language.countries import country_name
from kb.verdicts.parties import Announcement, MatchReason, Outcome, PartyStatus, ScreenHit

__all__ = [
    "LIST_NAMES",
    "OUTCOME_LABELS",
    "Lang",
    "announcement_name",
    "effect_sentence",
    "hit_label",
    "hit_sentence",
    "measures_text",
    "not_found_sentence",
    "not_yet_sentence",
    "party_label",
    "probable_sentence",
    "status_text",
    "unconfirmed_sentence",
    "why_text",
]

Lang = Literal["en", "zh"]

LIST_NAMES: dict[PartyList, dict[Lang, str]] = {
    "control_list": {"en": "MOFCOM's export-control control list", "zh": "商务部出口管制管控名单"},
    "watch_list": {"en": "MOFCOM's export-control watch list", "zh": "商务部出口管制关注名单"},
    "unreliable_entity_list": {"en": "the Unreliable Entity List", "zh": "不可靠实体清单"},
}

OUTCOME_LABELS: dict[Outcome, dict[Lang, str]] = {
    "listed": {"en": "listed", "zh": "已列入名单"},
    "possible_match": {"en": "possible match — check", "zh": "可能匹配——请核实"},
    "no_match": {
        "en": "not found on the lists held (this is not a clearance)",
        "zh": "未在所掌握的名单中找到（这并不等于可以放行）",
    },
}

_FIELDS: dict[str, dict[Lang, str]] = {
    "name": {"en": "name", "zh": "名称"},
    "name_zh": {"en": "Chinese name", "zh": "中文名称"},
    "alias": {"en": "alias", "zh": "别名"},
    "parent": {"en": "parent", "zh": "母公司"},
}


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "?"


def announcement_name(announcement: Announcement, lang: Lang) -> str:
    """``MOFCOM Announcement No. 23 of 2026`` or ``商务部公告2026年第23号``."""
    en = announcement.number or announcement.title
    if lang == "zh":
        return announcement.number_zh or announcement.title_zh or en
    return en


def party_label(hit: ScreenHit, lang: Lang) -> str:
    """``MP Materials Corp. (芒廷帕斯材料公司, US)``; in Chinese the Chinese name leads."""
    party = hit.party
    if lang == "zh" and party.name_zh:
        extra = [party.name, country_name(party.country, "zh") if party.country else ""]
        return f"{party.name_zh}（{'，'.join(x for x in extra if x)}）"
    extra = [party.name_zh or "", party.country or ""]
    inside = ", ".join(x for x in extra if x)
    return f"{party.name} ({inside})" if inside else party.name


def status_text(status: PartyStatus, lang: Lang) -> str:
    """What the listing means on the date: listed since, suspended until, measures stopped since..."""
    since, until = _day(status.since), _day(status.until)
    zh = lang == "zh"
    if status.state == "listed":
        return f"自{since}起列入名单" if zh else f"listed since {since}"
    if status.state == "not_yet_listed":
        if zh:
            return f"{status.as_of.isoformat()}尚未列入，自{since}起列入"
        return f"not yet listed on {status.as_of.isoformat()}; listed from {since}"
    if status.state == "suspended":
        if status.until is None:
            return (
                f"措施自{since}起暂停实施，未说明截止日期"
                if zh
                else f"measures suspended since {since}, no end date stated"
            )
        if zh:
            return f"措施暂停实施至{until}（含当日），自{since}起暂停"
        return f"measures suspended until {until} (inclusive), since {since}"
    if status.state == "stopped":
        return f"措施自{since}起停止实施" if zh else f"measures stopped since {since}"
    if status.state == "removed":
        return f"已于{since}移出名单" if zh else f"removed from the list on {since}"
    if status.lapsed:
        if zh:
            return f"自{since}起状态不明：暂停期至{until}届满，此后未见官方说明，请向商务部核实"
        return (
            f"status unknown since {since}: the suspension ran until {until} and no later official word "
            "is held; check with MOFCOM"
        )
    return (
        f"自{since}起状态不明，请向商务部核实" if zh else f"status unknown since {since}; check with MOFCOM"
    )


def measures_text(hit: ScreenHit, lang: Lang) -> str:
    """The announcement's measures, then its exception, in one paragraph."""
    if lang == "zh":
        measures = list(hit.measures_zh) or list(hit.measures)
        exception = hit.exception_zh or hit.exception
        return "".join(measures) + (f"例外：{exception}" if exception else "")
    text = " ".join(hit.measures)
    return text + (f" Exception: {hit.exception}" if hit.exception else "")


def why_text(why: MatchReason, lang: Lang) -> str:
    """Which listed name matched, after which normalisation, and what the country says."""
    field = _FIELDS[why.field][lang]
    matched = why.matched
    removed = ", ".join(dict.fromkeys([*why.removed, *why.removed_listed]))
    zh = lang == "zh"
    texts: dict[str, tuple[str, str]] = {
        "exact": (f"the same name as the listed {field} '{matched}'", f"与名单所列{field}“{matched}”相同"),
        "normalised": (
            f"the listed {field} '{matched}' once case, punctuation and spacing are ignored"
            + (f" and '{removed}' left out" if removed else ""),
            "忽略大小写、标点和空格"
            + (f"并去掉“{removed}”" if removed else "")
            + f"后与名单所列{field}“{matched}”相同",
        ),
        "word_order": (
            f"the listed {field} '{matched}' with its words in another order",
            f"与名单所列{field}“{matched}”用词相同，仅词序不同",
        ),
        "acronym": (
            f"the short alias '{matched}', which other organisations may also use",
            f"与简称“{matched}”相同，其他机构也可能使用该简称",
        ),
        "close_spelling": (
            f"a close spelling of the listed {field} '{matched}'",
            f"与名单所列{field}“{matched}”拼写相近",
        ),
        "contains": (
            f"holds the listed {field} '{matched}' (a subsidiary, a branch or a namesake?)",
            f"包含名单所列{field}“{matched}”（可能是其子公司、分支机构或同名机构）",
        ),
        "shares_word": (
            f"shares its leading word with the listed {field} '{matched}' (a parent, a sister company or a "
            "namesake?)",
            f"与名单所列{field}“{matched}”的首个名称词相同（可能是其母公司、关联公司或同名机构）",
        ),
        "parent": (
            f"is named in the file as the parent of this listed party ('{matched}'): the listing covers the "
            "subsidiary or branch, not necessarily the parent",
            f"被文件列为该名单主体的母公司（“{matched}”）：列入名单的是其子公司或分支机构，不一定包括母公司",
        ),
        "part_of": (
            f"is part of the listed {field} '{matched}' (a parent company or a short form?)",
            f"是名单所列{field}“{matched}”的一部分（可能是其母公司或简称）",
        ),
    }
    text = texts[why.method][1 if zh else 0]
    check = why.country_check
    if check == "same":
        text += f"；国家/地区相同（{why.country_given}）" if zh else f"; same country ({why.country_given})"
    elif check == "different":
        if zh:
            text += f"；但名单所列国家/地区为{why.country_listed}，而非{why.country_given}"
        else:
            text += f"; but the list gives {why.country_listed}, not {why.country_given}"
    elif check == "not_stated":
        text += "；名单未注明国家/地区" if zh else "; the list gives no country"
    return text


def hit_label(hit: ScreenHit, lang: Lang) -> str:
    """A hit's kind in a few words: listed, possible match — check, or not yet listed."""
    if not hit.status.in_effect:
        return "尚未列入" if lang == "zh" else "not yet listed"
    return OUTCOME_LABELS["listed" if hit.certain else "possible_match"][lang]


def hit_sentence(hit: ScreenHit, lang: Lang) -> str:
    """One sentence for a hit: a listed match states list, announcement, status and measures; a
    possible match says "possible match — check" and why."""
    ann, zh = hit.announcement, lang == "zh"
    where = LIST_NAMES[hit.list][lang]
    number = announcement_name(ann, lang)
    status = status_text(hit.status, lang)
    if hit.certain:
        if zh:
            return (
                f"已列入名单：{party_label(hit, lang)}依据{number}列入{where}；"
                f"{hit.status.as_of.isoformat()}状态：{status}。措施：{measures_text(hit, lang)}"
            )
        return (
            f"Listed: {party_label(hit, lang)} is on {where} under {number}; on "
            f"{hit.status.as_of.isoformat()}: {status}. Measures: {measures_text(hit, lang)}"
        )
    if zh:
        return (
            f"可能匹配——请核实：“{hit.why.query}”{why_text(hit.why, lang)}（得分{hit.score}）。"
            f"{party_label(hit, lang)}依据{number}列入{where}；{hit.status.as_of.isoformat()}状态：{status}。"
        )
    return (
        f"Possible match — check: '{hit.why.query}' {_as_clause(hit.why)} (score {hit.score}). "
        f"{party_label(hit, lang)} is on {where} under {number}; on {hit.status.as_of.isoformat()}: {status}."
    )


def _as_clause(why: MatchReason) -> str:
    text = why_text(why, "en")
    return text if why.method in ("contains", "part_of", "shares_word", "parent") else f"is {text}"


def unconfirmed_sentence(hit: ScreenHit, lang: Lang) -> str:
    """Said with every hit on a low-confidence announcement."""
    number = announcement_name(hit.announcement, lang)
    if lang == "zh":
        return f"{number}的相关事实尚未得到确认（可信度低），依据前请向商务部核实。"
    return (
        f"The facts of {number} are unconfirmed (confidence: low); check with MOFCOM before relying on them."
    )


def not_found_sentence(name: str, as_of: dt.date, lang: Lang, announcements: int) -> str:
    """Said when a name matches no listed party: never a clearance."""
    if lang == "zh":
        return (
            f"“{name}”：截至{as_of.isoformat()}，未在所掌握的名单中找到（这并不等于可以放行）。"
            f"所掌握的{announcements}份公告未必完整，其他名单和兜底管制条款仍可能适用。"
        )
    return (
        f"'{name}': not found on the lists held as of {as_of.isoformat()} (this is not a clearance). The "
        f"{announcements} announcements held may not be complete; other lists and the catch-all controls "
        "may still apply."
    )


def not_yet_sentence(hit: ScreenHit, lang: Lang) -> str:
    """Said for a listed name whose listing only starts after the date asked about."""
    number = announcement_name(hit.announcement, lang)
    since, on = _day(hit.status.since), hit.status.as_of.isoformat()
    if lang == "zh":
        return f"{party_label(hit, lang)}在{on}尚未列入名单，依据{number}自{since}起列入。"
    return f"{party_label(hit, lang)} was not yet listed on {on}; {number} lists it from {since}."


def probable_sentence(hit: ScreenHit, lang: Lang) -> str:
    """Said before the verdict a close spelling of a listed name leads to: it is read as that party."""
    asked, listed, score = hit.why.query, hit.why.matched, hit.score
    if lang == "zh":
        close = f"仅差一两个字母（可能匹配，得分{score}）"
        return f"“{asked}”与名单所列“{listed}”{close}，以下按同一主体判断，请核实："
    match = f"possible match, score {score}"
    return f"'{asked}' reads as a close spelling of the listed '{listed}' ({match}); if that is the buyer:"


def effect_sentence(
    hit: ScreenHit, value: str | None, all_goods: bool, lang: Lang, unlisted_product: bool = False
) -> str:
    """What a listed buyer means for the export, for the first line of an answer: the verdict the
    listing sets on the date, or why it sets none (suspended, stopped, not yet listed, unknown)."""
    zh = lang == "zh"
    who, where = party_label(hit, lang), LIST_NAMES[hit.list][lang]
    number = announcement_name(hit.announcement, lang)
    status = status_text(hit.status, lang)
    on = hit.status.as_of.isoformat()
    listed = f"{who}依据{number}列入{where}" if zh else f"{who} is on {where} under {number}"
    if value == "prohibited":
        if zh:
            goods = "任何货物" if all_goods else "两用物项"
            exception = hit.exception_zh or hit.exception
            return f"{listed}（{status}），不得向其出口{goods}。" + (
                f"例外：{exception}" if exception else ""
            )
        goods = "any goods" if all_goods else "dual-use items"
        tail = f" Exception: {hit.exception}" if hit.exception else ""
        return f"{listed} ({status}): exporting {goods} to it is prohibited.{tail}"
    if value == "licence_required":
        if zh:
            return f"{listed}（{status}）：向其出口两用物项须申领许可，并须履行关注名单的额外义务。"
        duties = "with the watch list's extra duties"
        return f"{listed} ({status}): exporting dual-use items to it needs a licence, {duties}."
    if value == "uncertain":
        if zh:
            return f"{listed}，但{status}，因此向其出口的结论无法确定。"
        return f"{listed}, but its {status}, so the verdict for exports to it is uncertain."
    if unlisted_product and hit.status.state == "listed":
        if zh:
            return f"{listed}（{status}）；名单措施针对两用物项，所问产品不是两用物项，但兜底管制仍须注意。"
        return (
            f"{listed} ({status}); its measures concern dual-use items, which the product asked about is "
            "not, but the catch-all controls weigh on any export to a listed party."
        )
    if zh:
        return f"{listed}；{on}：{status}，因此不改变物项本身的结论。"
    return f"{listed}; on {on}: {status}, so the listing does not change the item's own verdict."
