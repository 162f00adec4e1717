"""Dates, parsed in one place: ISO dates given by users, dates written in questions, day numbers."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator

from kb.errors import QueryError

__all__ = ["date_in_text", "day_number", "parse_date", "stated_start_dates"]

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})


def parse_date(value: str | dt.date | None) -> dt.date:
    """An ISO date (``2026-11-22``; a time part after it is ignored), ``today``/``now``, empty or
    ``None`` (today); anything else is a ``QueryError`` saying what is expected."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    text = value.strip().lower()
    if re.match(r"^\d{4}-\d{2}-\d{2}[ t]", text):
        text = text[:10]
    if text in ("", "today", "now"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise QueryError(f"date {value!r} is not an ISO date such as 2026-11-22") from exc


def day_number(day: dt.date) -> int:
    """``yyyymmdd`` as an integer, for fast date comparisons in index filters."""
    return day.year * 10000 + day.month * 100 + day.day


def date_in_text(text: str, today: dt.date) -> dt.date | None:
    """A date a question names: ISO, '1 August 2023', 'June 2023', '2023年6月', 'today'. A date
    that says when something began ("since Feb 2025", "自2025年2月起") is history, not the date asked
    about."""
    for match, year, month, day in _written_dates(text):
        if not _since(text, match):
            return _safe_date(year, month, 15 if day is None else day)
    if re.search(r"\b(today|now|currently|at present)\b|今天|目前|现在|当前", text, re.IGNORECASE):
        return today
    return None


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_WORDS_DATE = re.compile(r"\b(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?,?\s+(?:(\d{1,2}),?\s+)?(\d{4})\b")


def _written_dates(text: str) -> Iterator[tuple[re.Match[str], int, int, int | None]]:
    """(match, year, month, day or ``None``) of each date written in ``text``: ISO ones first, then
    Chinese ones, then those in English words."""
    for iso in _ISO_DATE.finditer(text):
        yield iso, int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    for zh in _ZH_DATE.finditer(text):
        yield zh, int(zh.group(1)), int(zh.group(2)), int(zh.group(3)) if zh.group(3) else None
    for words in _WORDS_DATE.finditer(text):
        month = _MONTHS.get(words.group(2).lower())
        if month:
            day_text = words.group(1) or words.group(3)
            yield words, int(words.group(4)), month, int(day_text) if day_text else None


_SINCE_BEFORE = re.compile(
    r"(?:\bsince|\bstarting(?: from)?|\bbeginning|自|从)\s*(?:early |late |mid-?)?$", re.IGNORECASE
)
_SINCE_AFTER = re.compile(r"^\s*(?:才|就|正式)?\s*(?:起|以来|开始)")


def _since(text: str, match: re.Match[str]) -> bool:
    return bool(
        _SINCE_BEFORE.search(text[max(0, match.start() - 20) : match.start()])
        or _SINCE_AFTER.match(text[match.end() : match.end() + 4])
    )


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


#: Words saying that rules took effect: after a Chinese date ("2024年12月1日才开始施行"), before an
#: English one ("took effect on 1 December 2024").
#: Not a date the rules are said to be in force on ("2025年3月1日还在实施吗", "已生效").
_IN_FORCE_AFTER = re.compile(r"^[^，。？！,.?!]{0,8}?(?<![在已否])(?:施行|生效|实施)")
_IN_FORCE_BEFORE = re.compile(
    r"(?:(?:took|take|takes) effect|came into (?:force|effect)|entered into force|kicked in|started)\s+"
    r"(?:on |from |in )?(?:early |late |mid-?)?$|effective (?:from|since) $",
    re.IGNORECASE,
)


#: What else may start on a date near it: a licence, a contract, an order.
_OTHER_SUBJECT = re.compile(r"licen[cs]e|permit|contract|\border\b|许可证|证件|合同|订单", re.IGNORECASE)


def stated_start_dates(text: str) -> list[tuple[dt.date, bool]]:
    """The dates a question says rules took effect on ("the law only took effect on 1 December
    2024", "是2024年12月1日才开始施行的"), each with whether it names the day (else only the month)."""
    found: list[tuple[dt.date, bool]] = []

    def tied(match: re.Match[str]) -> bool:
        before = text[max(0, match.start() - 30) : match.start()]
        if _OTHER_SUBJECT.search(before):
            return False  # "our licence took effect on ...": the start of something else
        return bool(
            _IN_FORCE_AFTER.match(text[match.end() : match.end() + 12]) or _IN_FORCE_BEFORE.search(before)
        )

    for match, year, month, day in _written_dates(text):
        start = _safe_date(year, month, 1 if day is None else day)
        if start and tied(match):
            found.append((start, day is not None))
    return found
