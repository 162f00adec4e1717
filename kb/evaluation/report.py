"""The report of an evaluation run: its records, the aggregate table, and the files written (every
answer and score as JSON, a Markdown summary, a bar chart of system vs baseline)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KbError
from kb.evaluation.breakdown import breakdown
from kb.evaluation.metrics import Aggregate, QuestionScore, Response, fact_found
from kb.evaluation.questions import Question, QuestionSet
from kb.evaluation.targets import LATENCY_FACTOR, TARGETS, metric_label, misses

__all__ = ["EvalReport", "Outcome", "PipelineRun", "format_table", "target_misses", "write_reports"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One question answered by one pipeline: what it said, and its scores."""

    question: Question
    response: Response
    score: QuestionScore
    #: The full answer as JSON (``Answer.to_dict()`` for the system), for the report.
    detail: dict[str, object]


@dataclass(frozen=True)
class PipelineRun:
    """One pipeline over the whole set."""

    name: str
    outcomes: tuple[Outcome, ...]
    aggregate: Aggregate


@dataclass(frozen=True)
class EvalReport:
    """A finished run: the set, both pipelines' results and where the reports were written."""

    question_set: QuestionSet
    started: dt.datetime
    ks: tuple[int, ...]
    system: PipelineRun
    baseline: PipelineRun | None
    baseline_info: dict[str, object] | None
    json_path: Path | None = None
    markdown_path: Path | None = None
    chart_path: Path | None = None

    def summary(self) -> dict[str, object]:
        """The aggregate as one JSON object (``kb eval --json``): the README's keys, plus ``baseline``."""
        data: dict[str, object] = {"set": self.question_set.name}
        data.update(self.system.aggregate.to_dict())
        if self.baseline is not None:
            data["baseline"] = self.baseline.aggregate.to_dict()
        data["report"] = str(self.json_path) if self.json_path else None
        data.update(breakdown(self.system.outcomes, self.ks))
        return data

    def to_dict(self) -> dict[str, object]:
        """Everything: aggregates and every question's answers and scores."""
        by_id = {o.question.id: o for o in self.baseline.outcomes} if self.baseline else {}
        questions = []
        for outcome in self.system.outcomes:
            entry = outcome.question.to_dict()
            entry["system"] = {**outcome.detail, "scores": outcome.score.to_dict()}
            other = by_id.get(outcome.question.id)
            entry["baseline"] = {**other.detail, "scores": other.score.to_dict()} if other else None
            questions.append(entry)
        return {
            "set": self.question_set.name,
            "file": str(self.question_set.path),
            "as_of": self.question_set.as_of.isoformat() if self.question_set.as_of else None,
            "started": self.started.isoformat(timespec="seconds"),
            "ks": list(self.ks),
            "system": {"pipeline": self.system.name, **self.system.aggregate.to_dict()},
            "baseline": (
                {
                    "pipeline": self.baseline.name,
                    **(self.baseline_info or {}),
                    **self.baseline.aggregate.to_dict(),
                }
                if self.baseline
                else None
            ),
            "counts": self.system.aggregate.counts,
            **breakdown(self.system.outcomes, self.ks),
            "targets": {**TARGETS, "latency_p50_vs_baseline": LATENCY_FACTOR},
            "target_misses": target_misses(self),
            "questions": questions,
        }


def target_misses(report: EvalReport) -> list[str]:
    """Sentences naming each target the system misses on this run (empty when it meets them all)."""
    theirs = report.baseline.aggregate.to_dict() if report.baseline else None
    return misses(report.system.aggregate.to_dict(), theirs, report.ks)


def _cell(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _rows(report: EvalReport) -> list[tuple[str, str, str, str]]:
    mine = report.system.aggregate.to_dict()
    theirs = report.baseline.aggregate.to_dict() if report.baseline else {}
    rows = []
    for key in mine:
        target = f">= {TARGETS[key]}" if key in TARGETS else ""
        if key == "latency_p50_s" and report.baseline:
            target = f"<= {LATENCY_FACTOR}x baseline"
        rows.append(
            (metric_label(key), _cell(mine[key]), _cell(theirs.get(key)) if report.baseline else "", target)
        )
    return rows


def format_table(report: EvalReport) -> str:
    """The aggregate as an aligned text table, system beside baseline, with the targets."""
    header = ("metric", "system", "baseline" if report.baseline else "", "target")
    rows = [header, *_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1])]
        if report.baseline:
            cells.append(row[2].rjust(widths[2]))
        cells.append(row[3])
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# -- writing the reports ----------------------------------------------------------------------------


def write_reports(report: EvalReport, output_dir: Path) -> EvalReport:
    from dataclasses import replace

    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", report.question_set.name).strip("-") or "set"
    stem = f"{slug}-{report.started:%Y%m%d-%H%M%S}"
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        chart = output_dir / f"{stem}.png"
        _render_chart(report, chart)
        done = replace(report, json_path=output_dir / f"{stem}.json", markdown_path=output_dir / f"{stem}.md",
                       chart_path=chart)  # fmt: skip
        assert done.json_path is not None and done.markdown_path is not None
        done.json_path.write_text(
            json.dumps(done.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
        done.markdown_path.write_text(_render_markdown(done), encoding="utf-8")
    except OSError as exc:
        raise KbError(f"cannot write the evaluation report into {output_dir}: {exc.strerror or exc}") from exc
    log.info("wrote %s", done.json_path)
    return done


def _render_markdown(report: EvalReport) -> str:
    qs = report.question_set
    lines = [
        f"# Evaluation: {qs.name} ({len(qs)} questions)",
        "",
        f"Run {report.started.isoformat(timespec='seconds')} on `{qs.path.name}`"
        + (f", as of {qs.as_of.isoformat()} unless a question says otherwise" if qs.as_of else "")
        + f"; recall cut-offs k = {', '.join(map(str, report.ks))}.",
        f"System: {report.system.name}, through `KnowledgeBase.answer` (the app's path).",
    ]
    if report.baseline is not None and report.baseline_info is not None:
        info = report.baseline_info
        lines.append(
            f"Baseline: {report.baseline.name}; {info['chunks']} chunks from {info['files']} files, "
            f"built in {info['build_s']} s; answer = text of the top {info['answer_k']} chunks."
        )
    header = "| metric | system | baseline | target |" if report.baseline else "| metric | system | target |"
    lines += ["", header, "|---|---:|---:|---|" if report.baseline else "|---|---:|---|"]
    for label, mine, theirs, target in _rows(report):
        cells = [label, mine, theirs, target] if report.baseline else [label, mine, target]
        lines.append("| " + " | ".join(cells) + " |")
    if report.chart_path is not None:
        lines += ["", f"![system vs baseline]({report.chart_path.name})"]
    parts = breakdown(report.system.outcomes, report.ks)
    for title, key in (("By category", "by_category"), ("By language", "by_language")):
        groups = parts[key]
        assert isinstance(groups, dict)
        lines += ["", f"## {title}", "", "| group | questions | verdict | cited | facts | abstention |"]
        lines.append("|---|---:|---:|---:|---:|---:|")
        for name, figures in groups.items():
            cells = [name, *(_cell(figures[k]) for k in ("questions", "verdict_accuracy", "citation_hit",
                                                          "fact_recall", "abstention_accuracy"))]  # fmt: skip
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    if parts["latin_share_zh"] is not None:
        lines += ["", f"Latin letters in Chinese answers (outside codes, numbers, addresses and the sources "
                      f"list): {parts['latin_share_zh']:.1%}."]  # fmt: skip
    misses = target_misses(report)
    lines += ["", "## Targets missed", ""]
    lines += [f"- {miss}" for miss in misses] or ["- none"]
    failing = [o for o in report.system.outcomes if not o.score.passed]
    lines += ["", f"## Questions that fall short ({len(failing)})", ""]
    for outcome in failing:
        lines += _failure_lines(outcome)
    lines += [
        "",
        "## Every question",
        "",
        "| id | lang | expected | got | recall@5 | cited | precision | facts | s |",
    ]
    lines.append("|---|---|---|---|---|---|---|---|---:|")
    for outcome in report.system.outcomes:
        q, sc = outcome.question, outcome.score
        cells = [q.id, q.lang or "-", "/".join(q.verdicts) or "-", str(outcome.response.verdict or "-"),
                 _cell(sc.recall_at(5)), _cell(sc.citation_hit), _cell(sc.citation_precision),
                 _cell(sc.fact_recall), f"{sc.latency_s:.3f}"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _failure_lines(outcome: Outcome) -> list[str]:
    q, sc, r = outcome.question, outcome.score, outcome.response
    cited = list(dict.fromkeys(d for d, _ in r.citations))
    lines = [f"### `{q.id}`: {q.question}", ""]
    if sc.verdict is False or sc.abstention is False:
        lines.append(f"- verdict: expected {' or '.join(q.verdicts) or 'any but no_answer'}, got {r.verdict}")
    if sc.recall[0][1] is False:
        lines.append(
            f"- expected {', '.join(q.sources)}; retrieved top 5: {', '.join(r.retrieved[:5]) or 'nothing'}"
        )
    if sc.citation_hit is False:
        lines.append(f"- no expected source cited; cited: {', '.join(cited) or 'nothing'}")
    if sc.citation_precision is not None and sc.citation_precision < 1:
        marks = ", ".join(f"{d} {'✓' if _supports(q, d, t) else '✗'}" for d, t in r.citations)
        lines.append(
            f"- citation precision {sc.citation_precision:.2f} (✓ expected or holds a fact): {marks}"
        )
    if sc.missing_facts:
        lines.append("- facts not in the answer: " + "; ".join(f"`{f}`" for f in sc.missing_facts))
    if "error" in outcome.detail:
        lines.append(f"- error: {outcome.detail['error']}")
    return [*lines, ""]


def _supports(question: Question, document_id: str, text: str) -> bool:
    return document_id in question.sources or any(fact_found(f, text) for f in question.facts)


def _render_chart(report: EvalReport, path: Path) -> None:
    """Grouped bars: the fraction metrics (left) and latency (right), system vs baseline."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    mine = report.system.aggregate.to_dict()
    theirs = report.baseline.aggregate.to_dict() if report.baseline else None
    keys = [k for k in mine if k not in ("questions", "latency_p50_s", "latency_p95_s")]
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, width_ratios=[4, 1])
    sides = [("system", mine, "#1f77b4")] + ([("baseline", theirs, "#ff7f0e")] if theirs else [])
    width = 0.8 / len(sides)
    for n, (name, data, colour) in enumerate(sides):
        xs = [i + (n - (len(sides) - 1) / 2) * width for i in range(len(keys))]
        values = [data.get(k) for k in keys]
        heights = [v if isinstance(v, float) else 0.0 for v in values]
        bars = left.bar(xs, heights, width, label=name, color=colour)
        for bar, value in zip(bars, values, strict=True):
            text = f"{value:.2f}" if isinstance(value, float) else "n/a"
            left.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                          va="bottom", fontsize=7, xytext=(0, 2), textcoords="offset points")  # fmt: skip
        lat = [data.get("latency_p50_s"), data.get("latency_p95_s")]
        lat_x = [i + (n - (len(sides) - 1) / 2) * width for i in range(2)]
        right.bar(lat_x, [v if isinstance(v, float) else 0.0 for v in lat], width, color=colour)
    left.set_xticks(range(len(keys)), [metric_label(k) for k in keys], rotation=25, ha="right", fontsize=8)
    left.set_ylim(0, 1.25)
    left.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    left.set_ylabel("fraction")
    left.legend(loc="upper center", ncols=len(sides), fontsize=8, frameon=False)
    left.set_title(f"{report.question_set.name}: {len(report.question_set)} questions", fontsize=10)
    right.set_xticks(range(2), ["p50", "p95"], fontsize=8)
    right.set_ylabel("seconds per question")
    right.set_title("latency", fontsize=10)
    figure.savefig(path, dpi=110)
