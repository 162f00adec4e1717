"""A run's figures per category and per language, and how much of the Chinese answers is in Latin
letters (outside codes, numbers, web addresses and the sources list)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from kb.evaluation.metrics import QuestionScore, Response, aggregate
from kb.evaluation.questions import Question
from kb.language.script import has_chinese, question_language


class Outcome(Protocol):
    """One question's outcome as a report holds it (:class:`kb.evaluation.report.Outcome`)."""

    @property
    def question(self) -> Question: ...

    @property
    def response(self) -> Response: ...

    @property
    def score(self) -> QuestionScore: ...


__all__ = ["breakdown", "latin_share"]

#: Figures shown per group (the other keys of the aggregate stay in the totals).
_KEYS = ("questions", "verdict_accuracy", "citation_hit", "fact_recall", "abstention_accuracy")
#: What does not count as Latin prose: web addresses, and codes or numbers (any token with a digit).
_NOT_PROSE = re.compile(r"https?://\S+|[A-Za-z.\-/]*\d[\w.\-/%]*")
#: The sources list begins with this heading; titles and numbers of documents live there.
_SOURCES = re.compile(r"^(Sources|来源)[:：]", re.MULTILINE)


def latin_share(text: str) -> float:
    """Latin letters as a share of all letters (Latin and Chinese) in ``text`` before its sources
    list, leaving out codes, numbers and web addresses."""
    body = _SOURCES.split(text, maxsplit=1)[0]
    body = _NOT_PROSE.sub(" ", body)
    latin = len(re.findall(r"[A-Za-z]", body))
    chinese = sum(1 for ch in body if has_chinese(ch))
    return latin / (latin + chinese) if latin + chinese else 0.0


def _language(outcome: Outcome) -> str:
    question = outcome.question
    return question.lang or question_language(question.question)


def breakdown(outcomes: Sequence[Outcome], ks: Sequence[int]) -> dict[str, object]:
    """``by_category`` and ``by_language`` (questions, verdict accuracy, citation hit, fact recall,
    abstention accuracy each) and ``latin_share_zh`` (mean over the Chinese questions' answers)."""

    def figures(group: list[Outcome]) -> dict[str, object]:
        data = aggregate([o.score for o in group], ks).to_dict()
        return {key: data[key] for key in _KEYS}

    categories: dict[str, list[Outcome]] = {}
    languages: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        categories.setdefault(outcome.question.category or "uncategorised", []).append(outcome)
        languages.setdefault(_language(outcome), []).append(outcome)
    chinese = [latin_share(o.response.text) for o in outcomes if _language(o) == "zh"]
    return {
        "by_category": {name: figures(group) for name, group in sorted(categories.items())},
        "by_language": {name: figures(group) for name, group in sorted(languages.items())},
        "latin_share_zh": round(sum(chinese) / len(chinese), 4) if chinese else None,
    }
