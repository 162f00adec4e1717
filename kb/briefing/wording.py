"""How a briefing pack says things (in English: packs are for trainers' English material). The pack
decides what to say from the catalogue and the timeline; these functions only word it."""

from __future__ import annotations

import datetime as dt

from kb.answering.wording import date_text
from kb.corpus.schema import STATUS_WORDS

__all__ = [
    "FAQ_APPLY",
    "FAQ_PENALTIES",
    "FAQ_UNLISTED",
    "controlled_sentence",
    "dates_sentence",
    "faq_licence",
    "faq_us",
    "history_sentence",
    "rule_state_sentence",
    "state_sentence",
]

_STATE_WORDS = {
    "in_force": "in force",
    "not_yet_in_force": "not yet in force",
    "suspended": "suspended",
    "uncertain": "of uncertain status",
    "repealed": "repealed",
    "ended": "no longer in effect",
}
_NOUNS = {
    "item": ("item", "items"),
    "technology": ("technology", "technologies"),
    "equipment": ("piece of equipment", "pieces of equipment"),
}

FAQ_APPLY = "How does an exporter apply for a licence?"
FAQ_PENALTIES = "What happens to an export made without a licence?"
FAQ_UNLISTED = "If an item is on no list, is it free to export?"


def controlled_sentence(
    name: str, title_zh: str | None, counts: dict[str, int], prohibited: bool, start: dt.date | None
) -> str:
    """'No. 23 of 2023 (...) controls 8 items; their export needs a dual-use export licence, from ...'."""
    counted = ", ".join(f"{n} {_NOUNS[kind][n > 1]}" for kind, n in counts.items() if n)
    whose = "its export" if sum(counts.values()) == 1 else "their export"
    effect = f"{whose} is prohibited" if prohibited else f"{whose} needs a dual-use export licence"
    zh = f" ({title_zh})" if title_zh else ""
    text = f"{name}{zh} controls {counted}; {effect}"
    return text + (f", from {date_text(start, 'en')}." if start else ".")


def dates_sentence(name: str, issued: dt.date | None, effective: dt.date | None, published: bool) -> str:
    """'No. 23 of 2023: issued ..., effective ...' ('published' for a statement not put in force)."""
    dates = [
        f"{'published' if published else 'issued'} {date_text(issued, 'en')}" if issued else "",
        f"effective {date_text(effective, 'en')}" if effective else "",
    ]
    return f"{name}: {', '.join(d for d in dates if d) or 'dates not known'}."


def history_sentence(name: str, day: dt.date | None, status: str, by: str | None, note: str | None) -> str:
    """One entry of a document's status history."""
    when = date_text(day, "en") if day else "date unknown"
    through = f", through {by}" if by else ""
    said = f" {note.rstrip('.')}." if note else ""
    return f"{name}, {when}: {STATUS_WORDS[status]}{through}.{said}"


def state_sentence(name: str, day: dt.date, state: str, until: dt.date | None) -> str:
    """'On 22 November 2026 No. 46 of 2024 is in force.'"""
    words = _STATE_WORDS[state]
    if state == "suspended" and until:
        words += f" until {date_text(until, 'en')}"
    elif state == "uncertain" and until:
        words += f" (a suspension ended {date_text(until, 'en')}; what followed is not held)"
    elif state == "ended" and until:
        words += f": the suspension it ordered ran until {date_text(until, 'en')}"
    return f"On {date_text(day, 'en')} {name} is {words}."


def rule_state_sentence(day: dt.date, state: str, start: dt.date | None, effect: str, gap: str = "") -> str:
    """Whether a destination rule applies on ``day``; ``gap`` words a suspension of it."""
    when = date_text(day, "en")
    if gap:
        return f"On {when}: {gap}"
    if state == "not_yet" and start:
        return f"On {when} this rule did not apply yet (from {date_text(start, 'en')})."
    if state == "repealed":
        return f"On {when} this rule no longer applies (repealed)."
    said = "prohibited" if effect == "prohibited" else "a licence with a stricter review"
    return f"On {when} this rule applies: {said}."


def faq_licence(name: str, day: dt.date, label: str, why: str) -> tuple[str, str]:
    """(question, answer) on whether an item of a family needs a licence on ``day``."""
    return f"Does exporting {name} need a licence on {date_text(day, 'en')}?", f"Verdict: {label}. {why}"


def faq_us(name: str, day: dt.date, label: str, rules: list[str]) -> tuple[str, str]:
    """(question, answer) on exporting an item of a family to the United States on ``day``."""
    answer = f"Verdict for the United States: {label}. "
    answer += " ".join(rules) if rules else "No destination rule held changes the verdict."
    return f"Can {name} be exported to the United States on {date_text(day, 'en')}?", answer
