"""Evaluation metrics as pure functions: per question, then in aggregate.

Definitions (``../shared/evals/README.md``):

- **verdict accuracy**: the answer's verdict is one of the accepted values (questions with a verdict);
- **source recall@k**: an expected document is among the top-k retrieved chunks (questions with sources);
- **citation hit**: an expected document is among the answer's citations (questions with sources);
- **citation precision**: share of the answer's citations whose document is expected or whose cited
  text contains one of the expected facts (answers that cite something, on questions that say what a
  right citation is: expected sources or facts, or ``no_answer``, where any citation is wrong);
- **fact recall**: share of the ``facts`` regexes (case-insensitive) found in the answer text;
- **abstention accuracy**: ``no_answer`` questions answered with ``no_answer``, and no other question
  answered with it (every question, for a system that gives verdicts);
- **latency**: p50 and p95 seconds per question.

A metric with no applicable question is ``None``, never 0 or 1. Nothing here runs a model or reads
a file; :mod:`kb.evaluate` feeds these functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.evaluation.questions import Question

if TYPE_CHECKING:
    from kb.answering.records import Answer

__all__ = [
    "DEFAULT_KS",
    "Aggregate",
    "QuestionScore",
    "Response",
    "abstention_correct",
    "aggregate",
    "citation_hit",
    "citation_precision",
    "fact_found",
    "fact_recall",
    "percentile",
    "score",
    "source_recall",
    "verdict_correct",
]

#: The cut-offs of source recall that every report carries.
DEFAULT_KS: tuple[int, ...] = (5, 10)


@dataclass(frozen=True)
class Response:
    """What a pipeline answered to one question, in the terms the metrics read.

    ``gives_verdicts`` is False for a pipeline that never states a verdict (the baseline): verdict
    accuracy and abstention accuracy then do not apply to it.
    """

    verdict: str | None
    text: str
    #: (document id, cited text) per citation, in the answer's order.
    citations: tuple[tuple[str, str], ...]
    #: Document ids of the retrieved chunks, best first.
    retrieved: tuple[str, ...]
    latency_s: float
    gives_verdicts: bool = True

    @classmethod
    def from_answer(cls, answer: Answer, latency_s: float) -> Response:
        """The response of the system: ``kb.answer``'s ``Answer`` and the time it took."""
        return cls(
            verdict=answer.verdict,
            text=answer.text,
            citations=tuple((c.document_id, c.text) for c in answer.citations),
            retrieved=tuple(document_id for document_id, _ in answer.retrieved),
            latency_s=latency_s,
        )


# -- one metric, one question --------------------------------------------------------------------


def verdict_correct(verdict: str | None, accepted: Sequence[str]) -> bool | None:
    """Whether ``verdict`` is accepted; ``None`` when the question expects no verdict."""
    if not accepted:
        return None
    return verdict in accepted


def source_recall(retrieved: Sequence[str], expected: Iterable[str], k: int) -> bool | None:
    """Whether an expected document is among the first ``k`` retrieved; ``None`` without expectations."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    wanted = set(expected)
    if not wanted:
        return None
    return any(document_id in wanted for document_id in retrieved[:k])


def citation_hit(cited: Iterable[str], expected: Iterable[str]) -> bool | None:
    """Whether an expected document is cited; ``None`` when no source is expected."""
    wanted = set(expected)
    if not wanted:
        return None
    return any(document_id in wanted for document_id in cited)


def fact_found(pattern: str, text: str) -> bool:
    """Whether the regex ``pattern`` occurs in ``text``, ignoring case."""
    return re.search(pattern, text, re.IGNORECASE) is not None


def citation_precision(
    citations: Sequence[tuple[str, str]],
    expected_sources: Iterable[str],
    facts: Sequence[str],
    expects_no_answer: bool = False,
) -> float | None:
    """Share of citations whose document is expected or whose text holds an expected fact.

    ``None`` when nothing is cited, or when the question gives no way to judge a citation (no
    sources, no facts) unless it is out of scope, where every citation is a wrong one.
    """
    wanted = set(expected_sources)
    if not citations or not (wanted or facts or expects_no_answer):
        return None
    good = sum(
        1
        for document_id, text in citations
        if document_id in wanted or any(fact_found(fact, text) for fact in facts)
    )
    return good / len(citations)


def fact_recall(text: str, facts: Sequence[str]) -> float | None:
    """Share of ``facts`` found in ``text``; ``None`` when the question lists no facts."""
    if not facts:
        return None
    return sum(1 for fact in facts if fact_found(fact, text)) / len(facts)


def abstention_correct(verdict: str | None, accepted: Sequence[str]) -> bool:
    """Right to abstain or not: ``no_answer`` exactly when it is the only accepted verdict.

    Where ``no_answer`` is one of several accepted verdicts, abstaining or not is both right.
    """
    abstained = verdict == "no_answer"
    if tuple(accepted) == ("no_answer",):
        return abstained
    return not abstained or "no_answer" in accepted


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks; ``None`` if empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- one question, every metric -------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionScore:
    """Every metric for one question (``None`` where a metric does not apply)."""

    question_id: str
    verdict: bool | None
    #: (k, recalled) for each cut-off.
    recall: tuple[tuple[int, bool | None], ...]
    citation_hit: bool | None
    citation_precision: float | None
    fact_recall: float | None
    abstention: bool | None
    latency_s: float
    #: The facts not found in the answer text, for the report.
    missing_facts: tuple[str, ...] = ()

    def recall_at(self, k: int) -> bool | None:
        for cut, value in self.recall:
            if cut == k:
                return value
        raise KeyError(f"recall@{k} was not computed (cut-offs: {[cut for cut, _ in self.recall]})")

    @property
    def passed(self) -> bool:
        """True when nothing that applies falls short (recall at the first cut-off)."""
        first = self.recall[0][1] if self.recall else None
        checks = (self.verdict, first, self.citation_hit, self.abstention)
        fractions = (self.citation_precision, self.fact_recall)
        return all(c is not False for c in checks) and all(f is None or f >= 1.0 for f in fractions)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"verdict": self.verdict}
        data.update({f"source_recall_at_{k}": value for k, value in self.recall})
        data.update(
            {
                "citation_hit": self.citation_hit,
                "citation_precision": self.citation_precision,
                "fact_recall": self.fact_recall,
                "abstention": self.abstention,
                "latency_s": round(self.latency_s, 4),
                "missing_facts": list(self.missing_facts),
                "passed": self.passed,
            }
        )
        return data


def score(question: Question, response: Response, ks: Sequence[int] = DEFAULT_KS) -> QuestionScore:
    """Every metric of ``response`` against what ``question`` expects."""
    cited = [document_id for document_id, _ in response.citations]
    return QuestionScore(
        question_id=question.id,
        verdict=verdict_correct(response.verdict, question.verdicts) if response.gives_verdicts else None,
        recall=tuple((k, source_recall(response.retrieved, question.sources, k)) for k in ks),
        citation_hit=citation_hit(cited, question.sources),
        citation_precision=citation_precision(
            response.citations, question.sources, question.facts, question.expects_no_answer
        ),
        fact_recall=fact_recall(response.text, question.facts),
        abstention=abstention_correct(response.verdict, question.verdicts)
        if response.gives_verdicts
        else None,
        latency_s=response.latency_s,
        missing_facts=tuple(f for f in question.facts if not fact_found(f, response.text)),
    )


# -- a whole set ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    """A set's metrics: fractions in 0..1, seconds, ``None`` where no question applies."""

    questions: int
    verdict_accuracy: float | None
    #: (k, recall@k) for each cut-off.
    source_recall: tuple[tuple[int, float | None], ...]
    citation_hit: float | None
    citation_precision: float | None
    fact_recall: float | None
    abstention_accuracy: float | None
    latency_p50_s: float | None
    latency_p95_s: float | None
    #: How many questions each metric was computed on.
    counts: dict[str, int] = field(default_factory=dict)

    def recall_at(self, k: int) -> float | None:
        for cut, value in self.source_recall:
            if cut == k:
                return value
        raise KeyError(f"recall@{k} was not computed")

    def to_dict(self) -> dict[str, object]:
        """The JSON form: the keys of the README, in its order."""
        data: dict[str, object] = {
            "questions": self.questions,
            "verdict_accuracy": _round(self.verdict_accuracy),
        }
        data.update({f"source_recall_at_{k}": _round(value) for k, value in self.source_recall})
        data.update(
            {
                "citation_hit": _round(self.citation_hit),
                "citation_precision": _round(self.citation_precision),
                "fact_recall": _round(self.fact_recall),
                "abstention_accuracy": _round(self.abstention_accuracy),
                "latency_p50_s": _round(self.latency_p50_s),
                "latency_p95_s": _round(self.latency_p95_s),
            }
        )
        return data


def aggregate(scores: Sequence[QuestionScore], ks: Sequence[int] = DEFAULT_KS) -> Aggregate:
    """Mean of each metric over the questions it applies to; latency percentiles over all."""
    latencies = [s.latency_s for s in scores]
    recall = tuple((k, _mean(s.recall_at(k) for s in scores)) for k in ks)
    counts = {
        "verdict_accuracy": _count(s.verdict for s in scores),
        **{f"source_recall_at_{k}": _count(s.recall_at(k) for s in scores) for k in ks},
        "citation_hit": _count(s.citation_hit for s in scores),
        "citation_precision": _count(s.citation_precision for s in scores),
        "fact_recall": _count(s.fact_recall for s in scores),
        "abstention_accuracy": _count(s.abstention for s in scores),
    }
    return Aggregate(
        questions=len(scores),
        verdict_accuracy=_mean(s.verdict for s in scores),
        source_recall=recall,
        citation_hit=_mean(s.citation_hit for s in scores),
        citation_precision=_mean(s.citation_precision for s in scores),
        fact_recall=_mean(s.fact_recall for s in scores),
        abstention_accuracy=_mean(s.abstention for s in scores),
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
        counts=counts,
    )


def _mean(values: Iterable[bool | float | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _count(values: Iterable[bool | float | None]) -> int:
    return sum(1 for v in values if v is not None)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
