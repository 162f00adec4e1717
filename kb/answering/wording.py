"""How verdicts and their reasons are said, in English and in Chinese.

The timeline decides; this module only words what it decided, so the CLI, the answers, the app
and the briefing packs all say the same thing the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from kb.answering.records import Lang
from kb.corpus.documents import Corpus
from kb.corpus.schema import Rule
from kb.language.countries import country_name
from kb.verdicts.catalogue import CatalogueItem
from kb.verdicts.freshness import Freshness, LapsedEnd, Unconfirmed
from kb.verdicts.timeline import Reason, Verdict, VerdictValue

__all__ = [
    "CATCH_ALL",
    "CATCH_ALL_APPLIES",
    "HEADINGS",
    "NO_ANSWER",
    "OFFICIAL",
    "VERDICT_LABELS",
    "date_text",
    "document_name",
    "first_line",
    "foreign_pointer",
    "headline",
    "in_force_sentence",
    "item_label",
    "lapsed_sentence",
    "locator_text",
    "low_confidence",
    "not_listed_headline",
    "not_listed_note",
    "past_knowledge_limit",
    "premise_correction",
    "quoted_fact",
    "relies_on_lapsed",
    "say",
    "scheduled_sentence",
    "start_date_correction",
    "status_record",
    "status_words",
    "unconfirmed_sentence",
    "verdict_when",
]

VERDICT_LABELS: dict[str, dict[Lang, str]] = {
    "licence_required": {"en": "licence required", "zh": "需要许可证"},
    "prohibited": {"en": "prohibited", "zh": "禁止出口"},
    "suspended": {"en": "suspended", "zh": "管制暂停实施"},
    "not_listed": {"en": "not listed", "zh": "未列入管制"},
    "uncertain": {"en": "uncertain", "zh": "状态不确定"},
    "no_answer": {"en": "no answer", "zh": "无法回答"},
}

_FAMILIES_ZH = {
    "gallium": "镓",
    "germanium": "锗",
    "antimony": "锑",
    "graphite": "石墨",
    "superhard materials": "超硬材料",
    "tungsten": "钨",
    "tellurium": "碲",
    "bismuth": "铋",
    "molybdenum": "钼",
    "indium": "铟",
    "rare earths": "稀土",
    "lithium batteries": "锂电池",
}


def date_text(day: dt.date, lang: Lang) -> str:
    """'1 August 2023 (2023-08-01)' or '2023年8月1日（2023-08-01）'."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日（{day.isoformat()}）"
    return f"{day.day} {day:%B %Y} ({day.isoformat()})"


def document_name(corpus: Corpus, doc_id: str, lang: Lang) -> str:
    """A document's number in the answer's language, with the other form where the corpus has it."""
    doc = corpus.documents.get(doc_id)
    if doc is None:
        return doc_id
    en = doc.meta.short_title or doc.meta.number or doc.meta.title
    zh = doc.meta.short_title_zh or doc.meta.number_zh or doc.meta.title_zh
    if lang == "zh":
        return zh or en
    return en


def military_ban_scope(document: str, country: str, listed: bool, lang: Lang) -> str:
    """For a civil question to a destination with a ban on military end users: what the ban reaches.
    ``listed``: the product needs a licence anyway; otherwise it is on no list."""
    place = country_name(country, lang)
    if lang == "zh":
        ban = f"{document}禁止向{place}军事用户或军事用途出口两用物项"
        if listed:
            return f"{ban}；买方为民用企业、用途为民用的，不在该禁令范围内，但仍须按上述规定申请许可。"
        return (
            f"{ban}；未列入清单的产品只有在上述全面管控条款适用时才受其约束，"
            "民用买方、民用用途不因该禁令而须申请许可。"
        )
    ban = f"{document} bans exports of dual-use items to military end users and military end uses in {place}"
    if listed:
        return f"{ban}; a civil buyer with a civil use is outside that ban but still needs the licence above."
    return (
        f"{ban}; a product on no list falls under it only through the catch-all rule above, so for a civil "
        "buyer and a civil use that ban is not a reason for a licence."
    )


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_NUMERALS = "零一二三四五六七八九十"
_LOCATOR_WORDS = {
    "Summary": "摘要", "Items": "物项表", "Status history": "状态沿革", "Preamble": "序言",
    "Sole operative para.": "正文", "Measures": "措施", "Parties": "所列实体", "Annexes": "附件",
}  # fmt: skip


def locator_text(locator: str, lang: Lang) -> str:
    """A provision's locator in the answer's language: 'Art. 12(3)' -> '第12条(3)', 'Part I(1)' ->
    '第一部分(1)', 'Annex 1 Part 2' -> '附件1第2部分' (English answers keep it as it is)."""
    if lang != "zh":
        return locator
    if locator in _LOCATOR_WORDS:
        return _LOCATOR_WORDS[locator]

    def part(match: re.Match[str]) -> str:
        number = match.group(1)
        value = _ROMAN.get(number)
        shown = _NUMERALS[value] if value is not None and value <= 10 else number
        return f"第{shown}部分"

    text = re.sub(
        r"\bArts?\.\s*(\d+(?:\s*[-–]\s*\d+)?)", lambda m: f"第{m.group(1).replace(' ', '')}条", locator
    )
    text = re.sub(r"\bPart\s+([IVX]+|\d+)", part, text)
    text = re.sub(r"\bAnnex\s+(\d+)\s*", r"附件\1", text)
    text = re.sub(r"\bitem\s+(\d+)", r"第\1项", text)
    return text.replace(" ", "") if text != locator else locator


def _rule_text(rule: Rule, lang: Lang) -> str:
    where = country_name(rule.destination, lang)
    if lang == "en":
        return rule.note
    families = "、".join(_FAMILIES_ZH.get(f, f) for f in rule.families if f != "all")
    if rule.end_use == "military":
        return f"禁止向{where}军事用户或军事用途出口两用物项"
    if rule.effect == "prohibited":
        return f"{families}相关两用物项对{where}出口原则上不予许可"
    return f"对{where}出口{families}两用物项实施更严格的最终用户和最终用途审查"


def say(reason: Reason, corpus: Corpus, lang: Lang) -> str:
    """One sentence stating ``reason``."""
    subject = document_name(corpus, reason.subject, lang) if reason.subject else ""
    source = document_name(corpus, reason.document_id, lang)
    day = date_text(reason.date, lang) if reason.date else ""
    if reason.kind == "listed":
        item = reason.item
        assert item is not None
        codes = ", ".join(item.hs_codes)
        newer = [c for c in item.hs_codes_2026 if c not in item.hs_codes]
        if lang == "zh":
            control = "禁止出口" if item.control == "prohibited" else "出口须申领两用物项出口许可证"
            code = f"管制编码{item.control_code}" if item.control_code else "无管制编码"
            hs = f"，海关商品编号{codes}" if codes else ""
            if newer:
                hs += f"；2026年目录另列{', '.join(newer)}" + (
                    "（部分未经确认）" if item.hs_2026_unconfirmed else ""
                )
            return f"{item.name_zh}列于{source}{locator_text(item.ref, lang)}（{code}{hs}），{control}。"
        control = "its export is prohibited" if item.control == "prohibited" else "its export needs a licence"
        code = f"control code {item.control_code}" if item.control_code else "no control-list code"
        hs = f", HS {codes}" if codes else ""
        if newer:
            unsure = " (some unconfirmed)" if item.hs_2026_unconfirmed else ""
            hs += f"; the 2026 catalogue adds {', '.join(newer)}{unsure}"
        return f"{item.name} ({item.name_zh}) is listed in {source}, {item.ref} ({code}{hs}); {control}."
    if reason.kind == "in_force":
        if lang == "zh":
            return f"{subject}自{day}起施行。" if day else f"{subject}现行有效。"
        return f"The control under {subject} has applied since {day}." if day else f"{subject} is in force."
    if reason.kind == "not_yet":
        if lang == "zh":
            return f"当日该物项尚未受管制：{subject}自{day}起才实施管制。"
        return (
            f"On that date the item was not yet controlled: the control under {subject} applies from {day}."
        )
    if reason.kind == "repealed":
        if lang == "zh":
            return f"{subject}已于{day}废止。"
        return f"{subject} was repealed on {day}."
    if reason.kind == "suspended":
        if lang == "zh":
            return (
                f"{subject}已由{source}暂停实施，暂停期至{day}止。"
                if day
                else f"{subject}已由{source}暂停实施，未定结束日期。"
            )
        if not day:
            return f"{subject} is suspended by {source}, with no end date set."
        return f"{subject} is suspended by {source} until {day}."
    if reason.kind == "lapsed":
        if lang == "zh":
            return (
                f"{source}对{subject}的暂停期已于{day}届满；自暂停期结束起，知识库中没有任何官方文本说明其后是延长、"
                "恢复实施还是另有安排，因此该管制目前是否重新适用无法确定。"
            )
        return (
            f"The suspension of {subject} by {source} ran until {day}. Since the end of the suspension the "
            "knowledge base holds no official text saying whether it was extended, the control applies again "
            "or something else replaced it, so whether the control applies now is unknown."
        )
    rule = reason.rule
    assert rule is not None
    if reason.kind == "rule":
        if lang == "zh":
            return f"{source}{locator_text(rule.ref, lang)}：{_rule_text(rule, lang)}。"
        return f"{source}, {rule.ref}: {_rule_text(rule, lang)}"
    if reason.kind == "rule_suspended":
        if lang == "zh":
            until_zh = f"至{day}" if day else "（未定结束日期）"
            return (
                f"{subject}{locator_text(rule.ref, lang)}已由{source}暂停实施{until_zh}，"
                "暂停期间按一般许可程序逐案审查。"
            )
        until_en = f"until {day}" if day else "with no end date set"
        return (
            f"{rule.ref} of {subject} is suspended by {source} {until_en}, so ordinary case-by-case "
            "licensing applies meanwhile."
        )
    if lang == "zh":
        where = f"{subject}{locator_text(rule.ref, lang)}"
        return (
            f"{source}对{where}的暂停期已于{day}届满；自暂停期结束起，知识库中没有其后情况的官方文本，"
            "该规定是否重新适用无法确定。"
        )
    return (
        f"The suspension of {rule.ref} of {subject} by {source} ran until {day}. Since the end of the "
        "suspension the knowledge base holds no official text on what followed, so whether the rule applies "
        "again is unknown."
    )


# -- answers ------------------------------------------------------------------------------------

HEADINGS: dict[Lang, tuple[str, str, str]] = {
    "en": ("Key facts:", "Caveats:", "Sources:"),
    "zh": ("要点：", "注意事项：", "来源："),
}
OFFICIAL: dict[Lang, str] = {
    "en": "The official text published by MOFCOM governs; this answer is not legal advice.",
    "zh": "以商务部公布的正式文本为准；本回答不构成法律意见。",
}
CATCH_ALL: dict[Lang, str] = {
    "en": (
        "Not being listed does not mean no licence is needed: under the catch-all rule of the Export "
        "Control Law (Art. 12(3)) a licence is still required where the exporter knows or should know, or "
        "is told by the authorities, that the export may endanger national security or serve weapons of "
        "mass destruction or terrorism."
    ),
    "zh": (
        "未列入管制不等于无需许可：根据《出口管制法》第十二条第三款（全面管控条款），出口经营者知道或者应当知道，"
        "或者经主管部门通知，相关出口可能危害国家安全或被用于大规模杀伤性武器、恐怖主义目的的，仍须申请许可。"
    ),
}
CATCH_ALL_APPLIES: dict[Lang, str] = {
    "en": (
        "The product is on no control list, but it is said to be for weapons of mass destruction, their "
        "means of delivery (missiles) or terrorism: under the catch-all rule of the Export Control Law "
        "(Art. 12(3)) such an export needs a licence from MOFCOM."
    ),
    "zh": (
        "该产品未列入管制清单，但所述用途涉及大规模杀伤性武器及其运载工具（导弹）或恐怖主义：根据《出口管制法》"
        "第十二条第三款（全面管控条款），此类出口须向商务部申请许可。"
    ),
}
NO_ANSWER: dict[Lang, str] = {
    "en": (
        "The knowledge base holds nothing on this question. It covers China's export controls on "
        "strategic minerals (gallium, germanium, antimony, graphite, superhard materials, tungsten, "
        "tellurium, bismuth, molybdenum, indium, rare earths and related technologies) and the Chinese "
        "rules on dual-use export "
        "licensing. Other countries' export rules are published by their own authorities; China's are "
        "published by MOFCOM (www.mofcom.gov.cn and its export-control portal)."
    ),
    "zh": (
        "知识库中没有与该问题相关的内容。本知识库涵盖中国对镓、锗、锑、石墨、超硬材料、钨、碲、铋、钼、铟、稀土等战略矿产"
        "及相关技术的出口管制和两用物项出口许可规则。其他国家的出口管制规则由其本国主管机关发布；"
        "中国的规则以商务部网站（www.mofcom.gov.cn）及其出口管制信息网公布的为准。"
    ),
}


def not_listed_headline(lang: Lang) -> str:
    """The headline of a verdict question whose item no document held lists."""
    if lang == "zh":
        return "该问题所涉物项未列入本知识库收录的任何管制清单或公告。"
    return (
        "The item asked about is not listed in any control list or announcement held in this knowledge base."
    )


def not_listed_note(query: str) -> str:
    """What a lookup that finds nothing says: never 'no licence needed'."""
    return (
        f"{query.strip()!r} is not in any control list or announcement held in this knowledge base. "
        "That does not mean no licence is needed: under Art. 12(3) of the Export Control Law "
        "(catch-all control) an exporter who knows or should know that an item may endanger national "
        "security or be used for weapons of mass destruction or terrorism must still apply for a licence."
    )


def low_confidence(name: str, lang: Lang) -> str:  # name: the document's number in the answer's language
    """The caveat for a cited document whose facts are not all confirmed."""
    if lang == "zh":
        return f"{name}：该文件部分事实未经确认（低可信度），请以官方文本核实。"
    return f"{name} rests on facts that are not fully confirmed (low confidence); check the official text."


def quoted_fact(where: str, quote: str, n: int, lang: Lang) -> str:
    """A key fact quoting a provision: 'No. 23 of 2023, Art. 1: ... [2]'."""
    return f"{where}: {quote} [{n}]" if lang == "en" else f"{where}：{quote} [{n}]"


def first_line(value: VerdictValue | None, day: dt.date, lang: Lang) -> str:
    """'As of 2026-11-22: licence required.' (a procedural question has no item verdict)."""
    if lang == "zh":
        label = VERDICT_LABELS[value]["zh"] if value else "程序性问题，无物项结论"
        return f"截至{day.isoformat()}：{label}。"
    label = VERDICT_LABELS[value]["en"] if value else "no item verdict (an informational question)"
    return f"As of {day.isoformat()}: {label}."


def item_label(item: CatalogueItem, lang: Lang) -> str:
    """An item's name in a sentence: 'gallium nitride (氮化镓)' or '氮化镓'."""
    if lang == "zh":
        return item.name_zh
    name = item.name
    if len(name) > 1 and name[1].islower():  # "Gallium nitride" reads "gallium nitride" mid-sentence
        name = name[0].lower() + name[1:]
    return f"{name} ({item.name_zh})"


def headline(verdict: Verdict, military: bool, lang: Lang) -> str:
    """The sentence after the verdict line that says what the verdict means for this item."""
    item = verdict.item
    what = item_label(item, lang) if item else ("两用物项" if lang == "zh" else "dual-use items")
    dest = verdict.destination
    to_en = f" to {country_name(dest, 'en')}" if dest else ""
    to_zh = f"向{country_name(dest, 'zh')}" if dest else ""
    military_en = " for military end users or uses" if military and dest else ""
    military_zh = "军事用户或军事用途" if military and dest else ""
    until = date_text(verdict.until, lang) if verdict.until else ""
    start = date_text(verdict.controlled_from, lang) if verdict.controlled_from else ""
    if lang == "zh":
        texts = {
            "licence_required": f"出口{what}须向商务部申领两用物项出口许可证。",
            "prohibited": f"{to_zh}{military_zh}出口{what}不被允许。",
            "suspended": f"{what}的出口管制暂停实施，暂停期至{until}止。"
            if until
            else f"{what}的出口管制暂停实施，未定结束日期。",
            "uncertain": _uncertain_headline(verdict, what, until, lang),
            "not_listed": f"该日期{what}尚未列入管制；管制自{start}起实施。",
        }
    else:
        texts = {
            "licence_required": f"Exporting {what}{to_en} needs a dual-use export licence from MOFCOM.",
            "prohibited": f"Exporting {what}{to_en}{military_en} is not permitted.",
            "suspended": f"The export control on {what} is suspended until {until}."
            if until
            else f"The export control on {what} is suspended, with no end date set.",
            "uncertain": _uncertain_headline(verdict, what, until, lang),
            "not_listed": f"On that date {what} was not yet controlled; the control applies from {start}.",
        }
    return texts[verdict.value]


def _uncertain_headline(verdict: Verdict, what: str, until: str, lang: Lang) -> str:
    """An uncertain verdict says what is certain and names the one thing that is unknown."""
    rule = next((r for r in verdict.reasons if r.kind == "rule_lapsed"), None)
    dest = verdict.destination
    if rule is not None and verdict.item is not None and verdict.item.control == "licence":
        if lang == "zh":
            to = f"向{country_name(dest, 'zh')}出口的专门规定" if dest else "针对该目的地的规定"
            return (
                f"出口{what}无论如何都须申领两用物项出口许可证，这一点是确定的；不确定的是{to}是否重新适用："
                f"其暂停期已于{until}届满，自暂停期结束起知识库中没有任何官方文本。"
            )
        to = f"the rule for exports to {country_name(dest, 'en')}" if dest else "the destination rule"
        return (
            f"A licence is needed to export {what} in any case; that part is certain. What is unknown is "
            f"whether {to} applies again: since the end of its suspension on {until} the knowledge base "
            "holds no official text."
        )
    if lang == "zh":
        return (
            f"{what}的管制暂停期已于{until}届满；自暂停期结束起知识库中没有任何官方文本，"
            "因此该管制目前是否重新适用无法确定；若重新适用，出口须申领许可证。"
        )
    return (
        f"The suspension of the control on {what} ended on {until}; since then the knowledge base holds no "
        "official text, so whether the control applies again is unknown. If it does, a licence is needed."
    )


def verdict_when(verdict: Verdict, lang: Lang = "en") -> str:
    """The dates a verdict hangs on, in a few words: 'until 2026-11-10' while suspended, 'suspension
    ended 2026-11-27; nothing held since' once it lapsed, 'since 2023-08-01' for a control in force."""
    zh = lang == "zh"
    until = verdict.until.isoformat() if verdict.until else ""
    start = verdict.controlled_from.isoformat() if verdict.controlled_from else ""
    if until and verdict.value == "uncertain":
        ended = f"暂停期已于{until}届满，其后未见官方文本"
        return ended if zh else f"suspension ended {until}; nothing held since"
    if until:
        return f"至{until}" if zh else f"until {until}"
    if start and verdict.value == "not_listed":
        return f"自{start}起管制" if zh else f"controlled from {start}"
    if start:
        return f"自{start}起" if zh else f"since {start}"
    return ""


_STATUS_WORDS: dict[str, tuple[str, str]] = {
    "published": ("published {day}", "发布于{day}"),
    "in_force": ("in force", "有效"),
    "not_yet_in_force": ("not yet in force (from {day})", "尚未施行（自{day}起）"),
    "suspended": ("suspended until {day}", "暂停实施至{day}"),
    "uncertain": ("uncertain after {day}", "{day}后状态不确定"),
    "repealed": ("repealed {day}", "已于{day}废止"),
    "ended": ("ended: the suspension it ordered ran until {day}", "已届满：其规定的暂停期至{day}止"),
}


#: The same states when the file gives no date (an open-ended suspension, an unknown start).
_UNDATED: dict[str, tuple[str, str]] = {
    "suspended": ("suspended, with no end date set", "暂停实施，未定结束日期"),
    "not_yet_in_force": ("not yet in force", "尚未施行"),
    "uncertain": ("status uncertain", "状态不确定"),
    "repealed": ("repealed", "已废止"),
    "ended": ("ended", "已届满"),
}


def status_words(state: str, day: dt.date | None, lang: Lang) -> str:
    """A document's state as a citation shows it: 'suspended until 2026-11-10', '有效'."""
    if state == "published" and day is None:
        return "发布日期不详" if lang == "zh" else "publication date unknown"
    if day is None and state in _UNDATED:
        en, zh = _UNDATED[state]
        return zh if lang == "zh" else en
    en, zh = _STATUS_WORDS[state]
    return (zh if lang == "zh" else en).format(day=day)


# -- scope and premises -------------------------------------------------------------------------


def foreign_pointer(regime: str, lang: Lang) -> str:
    """The polite pointer for a question about another jurisdiction's own rules."""
    if lang == "zh":
        return (
            f"该问题涉及其他国家或地区自身的规则（{regime}），不属于本知识库的范围：本知识库只收录中国的出口管制规定。"
            "请查阅该国或地区主管机关发布的正式文本；如需了解中国对该国出口的管制要求，可以换个方式提问。"
        )
    return (
        f"This question is about another jurisdiction's own rules ({regime}), which this knowledge base does "
        "not hold: it covers China's export controls only. Please check that authority's official texts; "
        "for China's rules on exports to that country, ask about the product and the destination."
    )


def in_force_sentence(name: str, since: dt.date, lang: Lang) -> str:
    """'Dual-use Items Export Control Regulations: in force since 1 December 2024 (2024-12-01).'"""
    if lang == "zh":
        return f"{name}自{date_text(since, lang)}起施行。"
    return f"{name}: in force since {date_text(since, lang)}."


def start_date_correction(name: str, said: dt.date, day_given: bool, since: dt.date, lang: Lang) -> str:
    """The first thing to say when the question dates a document's start wrongly."""
    if lang == "zh":
        told = f"{said.year}年{said.month}月{said.day}日" if day_given else f"{said.year}年{said.month}月"
        return f"与问题的前提不同：{name}自{date_text(since, lang)}起施行，而不是{told}。"
    told = f"on {said.day} {said:%B %Y}" if day_given else f"in {said:%B %Y}"
    return (
        f"Contrary to what the question assumes, {name} took effect on {date_text(since, lang)}, not {told}."
    )


def premise_correction(
    kind: str, value: VerdictValue, day: dt.date, until: dt.date | None, lang: Lang
) -> str:
    """What to say first when the question assumes a status the timeline contradicts ('' if none)."""
    when = date_text(day, lang)
    end = date_text(until, lang) if until else ""
    zh = lang == "zh"
    if kind == "repealed" and value in ("licence_required", "prohibited"):
        if zh:
            return f"与问题的前提不同：截至{when}，该管制并未因文件废止或被取代而失效，仍在实施。"
        return (
            "Contrary to what the question assumes, the control did not end with a repeal or replacement: "
            f"on {when} it still applies."
        )
    if kind in ("suspended", "lifted") and value in ("licence_required", "prohibited"):
        if zh:
            return f"与问题的前提不同：截至{when}，该管制并未暂停或取消，仍在实施。"
        return (
            f"Contrary to what the question assumes, the control has not been suspended or lifted: on {when} "
            "it still applies."
        )
    if kind == "not_in_force" and value in ("licence_required", "prohibited"):
        if zh:
            return f"与问题的前提不同：相关规定已正式施行，截至{when}该管制在实施。"
        return (
            f"Contrary to what the question assumes, the rules are in force: on {when} the control applies."
        )
    if kind == "banned" and value == "licence_required":
        if zh:
            return "与问题的前提不同：该出口并未被禁止，而是须申请许可。"
        return "Contrary to what the question assumes, the export is not banned: it needs a licence."
    if kind in ("banned", "in_force") and value == "suspended":
        if zh:
            return f"与问题的前提不同：该措施在{when}处于暂停实施状态" + (
                f"（暂停至{end}）。" if end else "。"
            )
        return f"Contrary to what the question assumes, the measure is suspended on {when}" + (
            f" (until {end})." if end else "."
        )
    if kind in ("extended", "in_force") and value == "uncertain":
        if zh:
            return f"知识库中没有延长该暂停或确认其后状态的官方文本：暂停期已于{end}届满，其后情况未经确认。"
        return (
            "The knowledge base holds no official text that extends the suspension or settles what followed: "
            f"it "
            f"ran until {end}, and the status since is unconfirmed."
        )
    return ""


def restated_sentence(origin: str, title: str, where: str, since: dt.date | None, n: int, lang: Lang) -> str:
    """That a document's items went on into a list that restates them (``where``: its number and
    entry), in force since ``since``: the control did not end."""
    when = date_text(since, lang) if since else ""
    if lang == "zh":
        start = f"，自{when}起施行" if when else ""
        name = title if "《" in title else f"《{title}》"
        return f"{origin}所列物项已纳入{name}（{where}）{start}：该管制由其延续，并未终止。 [{n}]"
    start = f", in force since {when}" if when else ""
    return (
        f"The items of {origin} went on into the {title} ({where}){start}: it carries the control on, "
        f"it did not end it. [{n}]"
    )


def suspended_elsewhere_sentence(
    by: str, targets: Sequence[str], until: dt.date | None, n: int, lang: Lang
) -> str:
    """What was suspended instead, when a question takes a control for suspended that is not: ``by``
    suspends ``targets`` (document names) until ``until``."""
    end = date_text(until, lang) if until else ""
    if lang == "zh":
        to = f"，暂停至{end}" if end else ""
        return f"暂停实施的是其他措施：{by}暂停实施{'、'.join(targets)}{to}；本管制不在其列。 [{n}]"
    names = targets[0] if len(targets) == 1 else f"{', '.join(targets[:-1])} and {targets[-1]}"
    to = f" until {end}" if end else ""
    return (
        f"What was suspended is another set of measures: {by} suspends {names}{to}; this control is not "
        f"among them. [{n}]"
    )


# -- freshness ----------------------------------------------------------------------------------


def lapsed_sentence(end: LapsedEnd, corpus: Corpus, lang: Lang) -> str:
    """A fixed last day that has passed with nothing later held, said plainly."""
    by = document_name(corpus, end.document_id, lang)
    target = document_name(corpus, end.target_id, lang)
    day = date_text(end.until, lang)
    zh = lang == "zh"
    if end.kind == "listing":
        if zh:
            ended = f"{target}所列实体的措施暂停期已于{day}届满"
            return f"{ended}；此后知识库中没有任何官方文本，这些实体目前的状态不明。"
        return (
            f"The suspension of the measures against the parties of {target} ran until {day}; since then the "
            "knowledge base holds no official text, so their status now is unknown."
        )
    refs = "、".join(locator_text(r, lang) for r in end.refs) if zh else ", ".join(end.refs)
    if zh:
        what = f"{target}{refs}" if refs else target
        return f"{by}对{what}的暂停已于{day}届满；自暂停期结束起，知识库中没有任何官方文本说明其后的情况。"
    what = f"{refs} of {target}" if refs else target
    return (
        f"The suspension of {what} by {by} ran until {day}; since the end of the suspension the knowledge "
        "base holds no official text on what followed."
    )


def unconfirmed_sentence(entry: Unconfirmed, corpus: Corpus, lang: Lang) -> str:
    """A document or some customs codes the corpus does not hold as confirmed."""
    name = document_name(corpus, entry.document_id, lang)
    codes = ", ".join(entry.codes)
    if entry.what == "codes":
        if lang == "zh":
            return f"{name}：2026年目录中的海关编码{codes}未经确认，报关前请向海关核实。"
        return f"{name}: the 2026 catalogue codes {codes} are unconfirmed; check them with customs."
    return low_confidence(name, lang)


def past_knowledge_limit(limit: dt.date, lang: Lang) -> str:
    """The caveat of an answer for a day after the last one the documents speak of."""
    if lang == "zh":
        return (
            f"知识库所载官方文件截至{date_text(limit, lang)}；"
            "对更晚的日期，请向商务部核实其后是否发布了新的公告。"
        )
    return (
        f"The knowledge base's official documents run to {date_text(limit, lang)}; for a later date, check "
        "with MOFCOM whether anything has been issued since."
    )


def relies_on_lapsed(ends: list[dt.date], lang: Lang) -> str:
    """Said first among an answer's caveats when it rests on a rule whose end date has passed."""
    days = ", ".join(sorted({day.isoformat() for day in ends}))
    if lang == "zh":
        return f"本回答所依据的规定的固定期限（{days}）已过，知识库中没有其后的官方文本：请向商务部核实现状。"
    return (
        f"This answer rests on a rule whose fixed end date ({days}) has passed with no later official text "
        "held: check the current position with MOFCOM."
    )


def scheduled_sentence(end: LapsedEnd, corpus: Corpus, lang: Lang) -> str:
    """A fixed last day still ahead: what ends, by which document, on which day."""
    by = document_name(corpus, end.document_id, lang)
    target = document_name(corpus, end.target_id, lang)
    day = date_text(end.until, lang)
    if lang == "zh":
        refs = "、".join(locator_text(r, lang) for r in end.refs)
        what = "所列实体措施的暂停" if end.kind == "listing" else f"{by}对{target}{refs}的暂停"
        return f"{target if end.kind == 'listing' else ''}{what}持续至{day}（含当日）。"
    if end.kind == "listing":
        return f"The suspension of the measures against the parties of {target} runs until {day} (inclusive)."
    refs = ", ".join(end.refs)
    what = f"{refs} of {target}" if refs else target
    return f"The suspension of {what} by {by} runs until {day} (inclusive)."


def status_record(report: Freshness, corpus: Corpus, lang: Lang) -> dict[str, object]:
    """The freshness report as JSON-ready data (``kb status --json``), each entry with its sentence."""

    def end(e: LapsedEnd, text: str) -> dict[str, object]:
        return {"document_id": e.document_id, "target_id": e.target_id, "refs": list(e.refs),
                "until": e.until.isoformat(), "kind": e.kind, "text": text}  # fmt: skip

    return {
        "as_of": report.as_of.isoformat(),
        "documents": report.documents,
        "newest": report.newest.isoformat() if report.newest else None,
        "newest_document_id": report.newest_id,
        "checked": report.checked.isoformat() if report.checked else None,
        "lapsed": [end(e, lapsed_sentence(e, corpus, lang)) for e in report.lapsed],
        "scheduled": [end(e, scheduled_sentence(e, corpus, lang)) for e in report.scheduled],
        "unconfirmed": [
            {
                "document_id": u.document_id,
                "what": u.what,
                "codes": list(u.codes),
                "text": unconfirmed_sentence(u, corpus, lang),
            }
            for u in report.unconfirmed
        ],
    }
