"""Working out a fine on an amount the question states ("the deal was worth about RMB 3 million").

The fine bands are data: a provision's ``fines`` entry in its document's front matter (times the
turnover from a threshold up, a fixed band below it). This module reads the amount and its currency
from the question and does the arithmetic; it never converts a foreign currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.answering.records import Lang
from kb.corpus.schema import FineRule

__all__ = ["StatedAmount", "fine_band", "fine_sentence", "stated_amount"]


@dataclass(frozen=True)
class StatedAmount:
    """An amount of money the question names: its value and currency (``RMB`` or another code)."""

    value: float
    currency: str


_SCALE_EN = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_SCALE_ZH = {"千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8}
_RMB = r"(?:RMB|CNY|yuan|renminbi|¥|￥)"
_FOREIGN = {"USD": r"(?:USD|US\$|\$|dollars?)", "EUR": r"(?:EUR|€|euros?)", "JPY": r"(?:JPY|yen)"}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_SCALE = r"\s*(k|thousand|mn|m|million|bn|billion)\b"
_ZH_NUMBER = r"(\d[\d,]*(?:\.\d+)?)\s*(十万|百万|千万|万|千|亿)?\s*(?:元|人民币)"
_ZH_FOREIGN = {"USD": "美元", "EUR": "欧元", "JPY": "日元"}
_BASE = {"turnover": ("an illegal turnover", "违法经营额"), "gains": ("illegal gains", "违法所得")}
_BASE = {"turnover": ("an illegal turnover", "违法经营额"), "gains": ("illegal gains", "违法所得")}


def stated_amount(question: str) -> StatedAmount | None:
    """The sum of money the question states, if it states one with a currency."""
    text = question.replace("\u00a0", " ")
    for currency, word in [("RMB", _RMB), *_FOREIGN.items()]:
        before = re.search(rf"{word}\s*{_NUMBER}(?:{_SCALE})?", text, re.IGNORECASE)
        after = re.search(rf"{_NUMBER}(?:{_SCALE})?\s*{word}", text, re.IGNORECASE)
        match = before or after
        if match:
            return StatedAmount(_value(match.group(1), match.group(2)), currency)
    for currency, word in _ZH_FOREIGN.items():
        match = re.search(rf"(\d[\d,]*(?:\.\d+)?)\s*(十万|百万|千万|万|千|亿)?\s*{word}", text)
        if match:
            return StatedAmount(_value(match.group(1), None, match.group(2)), currency)
    match = re.search(_ZH_NUMBER, text) or re.search(_ZH_SUM, text)
    if match:
        return StatedAmount(_value(match.group(1), None, match.group(2)), "RMB")
    return None


#: A sum named as one with no 元 after it: "金额大概80万", "违法经营额约300万", "货值50万左右".
_ZH_SUM = (
    r"(?:金额|经营额|货值|价值|合同额|货款|交易额|销售额)[^\d，。？！]{0,6}?"
    r"(\d[\d,]*(?:\.\d+)?)\s*(十万|百万|千万|万|亿)"
)


def _value(number: str, scale_en: str | None, scale_zh: str | None = None) -> float:
    value = float(number.replace(",", ""))
    if scale_en:
        value *= _SCALE_EN[scale_en.casefold()]
    if scale_zh:
        value *= _SCALE_ZH[scale_zh]
    return value


def fine_band(rule: FineRule, amount: float) -> tuple[float, float | None, bool]:
    """(lowest fine, highest fine or None for "up to" bands, whether the multiple applies)."""
    if amount >= rule.threshold:
        return rule.times[0] * amount, rule.times[1] * amount, True
    if len(rule.otherwise) == 2:
        return float(rule.otherwise[0]), float(rule.otherwise[1]), False
    return 0.0, float(rule.otherwise[0]), False


def fine_sentence(rule: FineRule, amount: StatedAmount, where: str, n: int, lang: Lang) -> str:
    """The fine on the stated amount in words, cited to the provision that sets it."""
    zh = lang == "zh"
    if amount.currency != "RMB":
        if zh:
            return (
                f"{where}的罚款以人民币计算（以违法经营额{_money(rule.threshold, lang)}为界）；问题中的金额以"
                f"{amount.currency}表示，本知识库不做汇率换算，请按主管机关采用的汇率折算后对照。 [{n}]"
            )
        return (
            f"{where} sets its fines in RMB (with a threshold of {_money(rule.threshold, lang)}); the amount "
            f"in the question is in {amount.currency}, which this knowledge base does not convert: convert "
            f"it at the rate the authorities apply and compare. [{n}]"
        )
    low, high, multiple = fine_band(rule, amount.value)
    base = _BASE[rule.base]
    stated = _money(amount.value, lang)
    least, most = _number(rule.times[0]), _number(rule.times[1])
    times = f"{least}-{most}"
    threshold = _money(rule.threshold, lang)
    top = _money(high or 0, lang)
    if zh:
        if multiple:
            band = f"{least}倍以上{most}倍以下，即{_money(low, lang)}至{top}"
            return f"按{base[1]}{stated}计算（达到{threshold}），{where}规定的罚款为{base[1]}的{band}。 [{n}]"
        band = f"{_money(low, lang)}至{top}" if low else f"不超过{top}"
        return f"{base[1]}{stated}不足{threshold}，{where}规定的罚款为{band}。 [{n}]"
    if multiple:
        return (
            f"On {base[0]} of {stated} (at or above {threshold}), {where} sets a fine of {times} times "
            f"that amount: {_money(low, lang)} to {top}. [{n}]"
        )
    band = f"{_money(low, lang)} to {top}" if low else f"up to {top}"
    subject = f"{base[0][0].upper()}{base[0][1:]}"
    verb = "are" if rule.base == "gains" else "is"
    return f"{subject} of {stated} {verb} below {threshold}, so {where} sets a fixed fine of {band}. [{n}]"


def _number(value: float) -> str:
    return f"{value:g}"


def _money(value: float, lang: Lang) -> str:
    if lang == "zh":
        if value >= 1e4 and value % 1e4 == 0:
            return f"{value / 1e4:,.0f}万元"
        if value >= 1e4:
            return f"{value / 1e4:,.2f}万元".replace(".00万", "万")
        return f"{value:,.0f}元"
    return f"RMB {value:,.0f}"
