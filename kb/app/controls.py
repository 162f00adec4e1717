"""The chat's controls, read so that they never surprise: the As of date and the Destination.

- :func:`read_date` reads what was typed in the date box: an ISO date, or a written one with a day
  ("15 March 2025", "2025/03/15", "2025年3月15日"), which it says how it read. Anything else is a
  message, never a silent fallback to another date.
- :func:`step_date` moves the date by whole days (the buttons beside the box).
- :func:`resolve` decides which date and destination an answer uses when the question names one
  of its own: the question wins, and the turn carries a notice saying so when the controls differ.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kb.language.countries import COUNTRY_NAMES, find_destination
from kb.language.dates import date_in_text
from kb.language.script import has_chinese

__all__ = [
    "NO_DESTINATION",
    "DateReading",
    "Resolved",
    "country_label",
    "destination_choices",
    "question_problem",
    "read_date",
    "resolve",
    "step_date",
]

NO_DESTINATION = "Any destination"

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_NUMERIC = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ tT].*)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$")


@dataclass(frozen=True)
class DateReading:
    """What the date box holds: the day (``None`` when it cannot be read) and what to tell the user."""

    day: dt.date | None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.day is not None


def _bad(text: str, why: str = "") -> DateReading:
    reason = f" ({why})" if why else ""
    return DateReading(
        None,
        f"⚠ “{text}” is not a date{reason}: write it as YYYY-MM-DD, e.g. 2026-11-22. Nothing was answered.",
    )


def read_date(text: str | None, today: dt.date | None = None) -> DateReading:
    """The day the date box names; an empty box is today. A date written another way than ISO is
    read and the message says how; one that does not parse is a message and no day."""
    today = today or dt.date.today()
    raw = (text or "").strip()
    if not raw or raw.lower() in ("today", "now", "今天"):
        return DateReading(today)
    parts: tuple[int, int, int] | None = None
    if (match := _NUMERIC.match(raw)) or (match := _CHINESE.match(raw)):
        parts = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    elif (match := _DAY_MONTH_YEAR.match(raw)) and match.group(2).lower() in _MONTHS:
        parts = (int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    elif (match := _MONTH_DAY_YEAR.match(raw)) and match.group(1).lower() in _MONTHS:
        parts = (int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
    if parts is None:
        return _bad(raw)
    year, month, day = parts
    if not 1 <= month <= 12:
        return _bad(raw, f"there is no month {month}")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return _bad(raw, f"{calendar.month_name[month]} {year} has no day {day}")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return _bad(raw)
    iso = value.isoformat()
    if raw == iso or raw[:10] == iso:
        return DateReading(value)
    return DateReading(value, f"Read “{raw}” as {iso}.")


def step_date(text: str | None, days: int, today: dt.date | None = None) -> tuple[str, str]:
    """(new box text, message): the date moved by ``days``; an unreadable date is left as typed."""
    reading = read_date(text, today)
    if reading.day is None:
        return (text or ""), reading.message
    try:
        return (reading.day + dt.timedelta(days=days)).isoformat(), ""
    except OverflowError:
        return reading.day.isoformat(), "⚠ That date is out of range."


def destination_choices() -> list[tuple[str, str]]:
    """(label, ISO code) pairs for the destination control, ``NO_DESTINATION`` first."""
    labels = _labels()
    ordered = sorted(labels.items(), key=lambda kv: kv[1])
    return [(NO_DESTINATION, "")] + [(f"{label} ({code})", code) for code, label in ordered]


def _labels() -> dict[str, str]:
    codes: dict[str, str] = {}
    for name, code in COUNTRY_NAMES.items():  # each code's first name is the country's own name
        if name.isascii() and code not in codes:
            codes[code] = name.title()
    return codes


def country_label(code: str) -> str:
    """'Japan (JP)', or the code alone for a country the control does not list."""
    label = _labels().get(code)
    return f"{label} ({code})" if label else code


@dataclass(frozen=True)
class Resolved:
    """What an answer is asked for: ``as_of``/``destination`` are passed to ``KnowledgeBase.answer``
    (``None`` lets the question's own date or destination stand), ``notices`` go with the turn."""

    as_of: dt.date | None
    destination: str | None
    notices: tuple[str, ...] = ()


def resolve(
    question: str, control_day: dt.date, control_destination: str | None, today: dt.date | None = None
) -> Resolved:
    """The question wins over the controls: a date or destination it names is the one answered
    for. When the control says otherwise (a date other than today, a destination chosen), the
    turn says which one was used and why."""
    today = today or dt.date.today()
    zh = has_chinese(question)
    notices: list[str] = []
    named_day = date_in_text(question, today)
    as_of: dt.date | None = control_day
    if named_day is not None:
        as_of = None  # the answering stage reads the question's date itself
        if control_day != today and named_day != control_day:
            notices.append(
                f"按问题中的日期 {named_day.isoformat()} 作答，"
                f"而不是“截至日期”中设置的 {control_day.isoformat()}。"
                if zh
                else f"Answered as of {named_day.isoformat()}, the date your question names, "
                f"not {control_day.isoformat()} set in As of."
            )
    named_destination = find_destination(question)
    destination = control_destination or None
    if named_destination is not None:
        destination = None  # likewise: the question's destination stands
        if control_destination and named_destination != control_destination:
            named, chosen = country_label(named_destination), country_label(control_destination)
            notices.append(
                f"按问题中的目的地 {named} 作答，而不是“目的地”中选择的 {chosen}。"
                if zh
                else f"Answered for {named}, the destination your question names, not {chosen} "
                "chosen in Destination."
            )
    return Resolved(as_of, destination, tuple(notices))


def question_problem(question: str, limit: int) -> str | None:
    """Why the app will not take ``question`` (too long), or ``None``."""
    if len(question) > limit:
        return (
            f"⚠ The question has {len(question):,} characters; the limit is {limit:,}. Shorten it, or "
            "ask the administrator to raise KB_MAX_QUESTION_CHARS."
        )
    return None
