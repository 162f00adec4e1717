"""How verdicts and their reasons are said, in English and in Chinese.

The timeline decides; this module only words what it decided, so the CLI, the answers, the app
and the briefing packs all say the same thing the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from kb.sources import Corpus, Rule
from kb.timeline import Reason, VerdictValue

__all__ = ["VERDICT_LABELS", "Lang", "date_text", "document_name", "say"]

Lang = Literal["en", "zh"]

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
_COUNTRIES = {"US": ("the United States", "美国"), "JP": ("Japan", "日本")}


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
    en = doc.meta.number or doc.meta.title
    zh = doc.meta.number_zh or doc.meta.title_zh
    if lang == "zh":
        return f"{zh}（{en}）" if zh else en
    return en


def _country(code: str, lang: Lang) -> str:
    names = _COUNTRIES.get(code)
    return (names[1] if lang == "zh" else names[0]) if names else code


def _rule_text(rule: Rule, lang: Lang) -> str:
    where = _country(rule.destination, lang)
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
        if lang == "zh":
            control = "禁止出口" if item.control == "prohibited" else "出口须申领两用物项出口许可证"
            code = f"管制编码{item.control_code}" if item.control_code else "无管制编码"
            hs = f"，海关商品编号{codes}" if codes else ""
            return f"{item.name_zh}（{item.name}）列于{source}{item.ref}（{code}{hs}），{control}。"
        control = "its export is prohibited" if item.control == "prohibited" else "its export needs a licence"
        code = f"control code {item.control_code}" if item.control_code else "no control-list code"
        hs = f", HS {codes}" if codes else ""
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
            return f"{subject}已由{source}暂停实施，暂停期至{day}止。"
        return f"{subject} is suspended by {source} until {day}."
    if reason.kind == "lapsed":
        if lang == "zh":
            return (
                f"{source}规定的暂停期已于{day}届满；知识库中没有关于其后延长、终止或取代的官方文本，"
                f"因此{subject}目前的状态不确定。"
            )
        return (
            f"The suspension of {subject} by {source} ran until {day}; the knowledge base holds no official "
            "text on whether it was extended, lapsed or replaced, so its status now is uncertain."
        )
    rule = reason.rule
    assert rule is not None
    if reason.kind == "rule":
        if lang == "zh":
            return f"{source}{rule.ref}：{_rule_text(rule, lang)}。"
        return f"{source}, {rule.ref}: {_rule_text(rule, lang)}"
    if reason.kind == "rule_suspended":
        if lang == "zh":
            return f"{subject}{rule.ref}已由{source}暂停实施至{day}，暂停期间按一般许可程序逐案审查。"
        return (
            f"{rule.ref} of {subject} is suspended by {source} until {day}, so ordinary case-by-case "
            "licensing applies meanwhile."
        )
    if lang == "zh":
        return (
            f"{source}对{subject}{rule.ref}的暂停期已于{day}届满；知识库中没有其后情况的官方文本，"
            "该规定是否重新适用不确定。"
        )
    return (
        f"The suspension of {rule.ref} of {subject} by {source} ran until {day}; the knowledge base holds "
        "no official text on what followed, so whether the rule applies again is uncertain."
    )


def headline(value: VerdictValue, lang: Lang) -> str:
    return VERDICT_LABELS[value][lang]
