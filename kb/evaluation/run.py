"""Evaluation runs: a curated question set through ``kb.answer``, optionally beside the baseline.

Every question goes through :meth:`KnowledgeBase.answer`, the path the app and ``kb ask`` use, and
is scored by :mod:`kb.metrics`. With a :class:`~kb.baseline.BaselinePipeline` the same questions also
go through the plain llama-index pipeline, scored on the metrics that apply to it. A run writes
``<set>-<timestamp>.json`` (every answer, verdict, citation and score), a Markdown report and a bar
chart (PNG) of system vs baseline into ``evals/reports/`` (or the folder given), and returns the
:class:`EvalReport` with both aggregates.

Both pipelines answer one untimed warm-up question first, so latency measures answering, not
loading the model and the index.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from kb.answering.knowledge import KnowledgeBase
from kb.config import PROJECT_ROOT
from kb.errors import KbError, QueryError
from kb.evaluation.baseline import BASELINE_NAME, BaselinePipeline
from kb.evaluation.metrics import DEFAULT_KS, Response, aggregate, score
from kb.evaluation.questions import Question, QuestionSet, check_sources
from kb.evaluation.report import EvalReport, Outcome, PipelineRun, write_reports

__all__ = [
    "DEFAULT_REPORT_DIR",
    "evaluate",
    "parse_ks",
]

log = logging.getLogger(__name__)

DEFAULT_REPORT_DIR = PROJECT_ROOT / "evals" / "reports"

#: Asked once, untimed, by each pipeline before a run.
WARM_UP_QUESTION = "Do gallium nitride wafers need an export licence?"


def parse_ks(text: str) -> tuple[int, ...]:
    """'5,10' -> (5, 10); 5 and 10 are always included, since every report carries them."""
    values: set[int] = set(DEFAULT_KS)
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise KbError(f"--k {text!r}: each cut-off must be a whole number of at least 1, e.g. 5,10")
        values.add(int(part))
    return tuple(sorted(values))


def evaluate(
    question_set: QuestionSet,
    base: KnowledgeBase,
    *,
    ks: Sequence[int] = DEFAULT_KS,
    baseline: BaselinePipeline | None = None,
    output_dir: Path | None = DEFAULT_REPORT_DIR,
    progress: bool = False,
) -> EvalReport:
    """Run ``question_set`` through ``base.answer`` (and ``baseline``), score it, write the reports.

    The set's expected sources are checked against the corpus first. ``output_dir=None`` writes
    nothing. Raises ``KbError`` subclasses (``QuestionSetError``, ``IndexNotBuilt``, ...).
    """
    from tqdm import tqdm

    cuts = tuple(sorted(set(ks) | set(DEFAULT_KS)))
    check_sources(question_set, base.corpus.documents)
    started = dt.datetime.now().astimezone()
    # Untimed warm-up: loads the index and the models, so latency measures answering only.
    base.answer(WARM_UP_QUESTION)
    if baseline is not None:
        if not baseline.built:
            baseline.build(progress=progress)
        baseline.search(WARM_UP_QUESTION)
    system: list[Outcome] = []
    other: list[Outcome] = []
    bar = tqdm(question_set.questions, desc=f"eval {question_set.name}", unit="q", disable=not progress)
    for question in bar:
        system.append(_ask_system(base, question, cuts))
        if baseline is not None:
            response = baseline.ask(question.question, k=max(baseline.top_k, *cuts))
            other.append(
                Outcome(question, response, score(question, response, cuts), _baseline_detail(response))
            )
    generator = base.generator.name if base.generator else "extractive"
    report = EvalReport(
        question_set=question_set,
        started=started,
        ks=cuts,
        system=PipelineRun(
            f"kb.answer ({generator})", tuple(system), aggregate([o.score for o in system], cuts)
        ),
        baseline=(
            PipelineRun(BASELINE_NAME, tuple(other), aggregate([o.score for o in other], cuts))
            if baseline is not None
            else None
        ),
        baseline_info=baseline.describe() if baseline is not None else None,
    )
    if output_dir is None:
        return report
    return write_reports(report, output_dir)


def _ask_system(base: KnowledgeBase, question: Question, ks: tuple[int, ...]) -> Outcome:
    started = time.perf_counter()
    try:
        answer = base.answer(question.question, as_of=question.as_of, destination=question.destination,
                             lang=question.lang)  # fmt: skip
    except QueryError as exc:
        # One unusable question must not sink the run; it is scored as a failed answer and named.
        latency = time.perf_counter() - started
        log.warning("question %s could not be answered: %s", question.id, exc)
        response = Response(verdict=None, text="", citations=(), retrieved=(), latency_s=latency)
        return Outcome(
            question, response, score(question, response, ks), {"error": str(exc), "verdict": None}
        )
    latency = time.perf_counter() - started
    response = Response.from_answer(answer, latency)
    return Outcome(question, response, score(question, response, ks), answer.to_dict())


def _baseline_detail(response: Response) -> dict[str, object]:
    return {
        "verdict": None,
        "text": response.text,
        "citations": [{"document_id": d, "text": t} for d, t in response.citations],
        "retrieved": list(response.retrieved),
    }
