"""Commands that measure: eval and the benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kb.cli.group import friendly_errors, main, print_json, settings_of
from kb.errors import KbError


@main.group()
def bench() -> None:
    """Measure indexing and search speed and memory (figures to compare against the targets)."""


@bench.command("index")
@click.pass_context
@friendly_errors
def bench_index_command(ctx: click.Context) -> None:
    """Build the whole corpus into a temporary store, then re-ingest it unchanged; print build
    seconds, chunks/s, re-ingest seconds and peak RSS. The real index is not touched."""
    from kb.evaluation.bench import bench_index

    _echo_lines(bench_index(settings_of(ctx), progress=True).lines())


_QUESTIONS_OPTION = click.option(
    "--questions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Question-set YAML (default: the development set beside the project).",
)


def _echo_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def _bench_questions(path: Path | None) -> tuple[Path, list[Any]]:
    from kb.evaluation.bench import default_question_file
    from kb.evaluation.questions import load_question_set

    path = path or default_question_file()
    if path is None:
        raise KbError("no question set found; name one with --questions FILE (e.g. evals/project.yaml)")
    return path, list(load_question_set(path).questions)


@bench.command("search")
@_QUESTIONS_OPTION
@click.option("--repeat", type=click.IntRange(1, 100), default=3, show_default=True, help="Passes.")
@click.pass_context
@friendly_errors
def bench_search_command(ctx: click.Context, questions: Path | None, repeat: int) -> None:
    """Time searches of the existing index over a question set; print p50/p95 ms and peak RSS."""
    from kb.evaluation.bench import bench_search

    path, chosen = _bench_questions(questions)
    _echo_lines(
        [f"questions from {path.name}", *bench_search(settings_of(ctx), chosen, repeat=repeat).lines()]
    )


@bench.command("ask")
@_QUESTIONS_OPTION
@click.option("--repeat", type=click.IntRange(1, 100), default=2, show_default=True, help="Passes.")
@click.pass_context
@friendly_errors
def bench_ask_command(ctx: click.Context, questions: Path | None, repeat: int) -> None:
    """Time whole answers (kb.answer, warm, extractive) over a question set; print p50/p95 s."""
    from kb.evaluation.bench import bench_ask

    path, chosen = _bench_questions(questions)
    _echo_lines([f"questions from {path.name}", *bench_ask(settings_of(ctx), chosen, repeat=repeat).lines()])


@bench.command("soak")
@_QUESTIONS_OPTION
@click.option(
    "--requests",
    type=click.IntRange(1, 10_000_000),
    default=10_000,
    show_default=True,
    help="Questions to send.",
)
@click.option(
    "--every", type=click.IntRange(1, 10_000_000), default=1_000, show_default=True, help="RSS checkpoint."
)
@click.pass_context
@friendly_errors
def bench_soak_command(ctx: click.Context, questions: Path | None, requests: int, every: int) -> None:
    """Send many questions through the app's answering path (sessions of 10, each saved and restored
    as the browser does) and print the resident memory at the start, every --every requests and at
    the end: a long run should keep it flat."""
    from kb.evaluation.bench import bench_soak

    path, chosen = _bench_questions(questions)
    click.echo(f"questions from {path.name}")
    result = bench_soak(settings_of(ctx), chosen, requests=requests, every=every, echo=click.echo)
    _echo_lines(result.lines()[:2] + result.lines()[-1:])


@bench.command("screen")
@click.option(
    "--rows", type=click.IntRange(1, 1_000_000), default=1000, show_default=True, help="Rows to screen."
)
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Customer CSV with a 'name' column (default: tests/fixtures/customers-1000.csv).",
)
@click.option("--as-of", "as_of", default=None, help="Date of the statuses, ISO (default: 2026-11-22).")
@click.pass_context
@friendly_errors
def bench_screen_command(ctx: click.Context, rows: int, path: Path | None, as_of: str | None) -> None:
    """Screen a customer file as kb screen --csv does (read, screen every row, write a report to a
    temporary file); print rows, registry build seconds, screening seconds, rows/s and the count per
    outcome (and rows whose outcome differs from the file's 'expected' column). A file shorter
    than --rows is repeated."""
    from kb.evaluation.bench import bench_screen
    from kb.language.dates import parse_date

    day = parse_date(as_of) if as_of else None
    _echo_lines(bench_screen(settings_of(ctx), path, rows=rows, as_of=day).lines())


@main.command("eval")
@click.argument("set_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--baseline", is_flag=True, help="Also run the plain llama-index pipeline, side by side.")
@click.option(
    "--k", "ks", default="5,10", show_default=True, help="Source-recall cut-offs (5 and 10 always included)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the aggregate as one JSON object.")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the JSON/Markdown/PNG reports (default: evals/reports/).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@friendly_errors
def eval_command(
    ctx: click.Context,
    set_file: Path,
    baseline: bool,
    ks: str,
    as_json: bool,
    output: Path | None,
    quiet: bool,
) -> None:
    """Score the system on a curated question set (format: ../shared/evals/README.md): verdict
    accuracy, source recall@k, citation hit and precision, fact recall, abstention accuracy and
    latency p50/p95, every question through the same kb.answer the app uses. Writes
    <set>-<timestamp>.json (every answer and score), a Markdown report and a bar chart (PNG).
    Needs the index (kb ingest).

    \b
    Examples:
      kb eval evals/project.yaml
      kb eval ../shared/evals/dev.yaml --baseline
      kb eval evals/project-zh.yaml --baseline --json -o my-reports/
    """
    from kb.answering.knowledge import KnowledgeBase
    from kb.evaluation.baseline import BaselinePipeline
    from kb.evaluation.questions import load_question_set
    from kb.evaluation.report import format_table, target_misses
    from kb.evaluation.run import DEFAULT_REPORT_DIR, evaluate, parse_ks

    cuts = parse_ks(ks)
    question_set = load_question_set(set_file)
    settings = settings_of(ctx)
    pipeline = BaselinePipeline(settings.sources, top_k=max(cuts)) if baseline else None
    report = evaluate(
        question_set,
        KnowledgeBase(settings),
        ks=cuts,
        baseline=pipeline,
        output_dir=output or DEFAULT_REPORT_DIR,
        progress=not quiet,
    )
    if as_json:
        print_json(report.summary())
        return
    click.echo(f"{question_set.name}: {len(question_set)} questions from {set_file}")
    click.echo(format_table(report))
    for miss in target_misses(report):
        click.echo(f"target missed: {miss}")
    for path in (report.json_path, report.markdown_path, report.chart_path):
        click.echo(f"wrote {path}")


@bench.command("scale")
@_QUESTIONS_OPTION
@click.option(
    "--factors",
    default="10,100",
    show_default=True,
    help="Sizes to measure, as multiples of the corpus's chunks, comma separated.",
)
@click.option(
    "--embedding",
    type=click.Choice(["compose", "model"]),
    default="compose",
    show_default=True,
    help="compose: synthetic sections get vectors composed from the corpus's real ones (the real "
    "model's throughput is measured on a sample); model: embed everything with the real model (slow).",
)
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep each size's index under this folder (default: a temporary folder, removed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as one JSON list.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw how each figure grows with the collection into this PNG.",
)
@click.pass_context
@friendly_errors
def bench_scale_command(
    ctx: click.Context,
    questions: Path | None,
    factors: str,
    embedding: str,
    keep: Path | None,
    as_json: bool,
    plot: Path | None,
) -> None:
    """Index the corpus plus a synthetic user collection (deterministic, made of the corpus's own
    words) at each size, under a temporary KB_HOME, and print per size: ingest chunks/s, index size
    on disk, index load time, search and answer p50/p95 and the peak RSS of serving it. The real
    index is not touched. 100x takes about ten minutes.

    \b
    Examples:
      kb bench scale                           # 10x and 100x
      kb bench scale --factors 1,10,100 --plot docs/scale.png
    """
    import json

    from kb.evaluation.scale import bench_scale, scale_lines, scale_plot

    try:
        sizes = [int(f) for f in factors.split(",") if f.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"not a list of whole numbers: {factors!r}", param_hint="--factors") from exc
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("give at least one size of 1 or more", param_hint="--factors")
    path, chosen = _bench_questions(questions)
    rows = bench_scale(
        settings_of(ctx), chosen, sizes, embedding, keep, echo=lambda line: click.echo(line, err=True)
    )
    if plot is not None:
        click.echo(f"plot: {scale_plot(rows, plot)}", err=True)
    if as_json:
        click.echo(json.dumps([row.to_dict() for row in rows], indent=2))
    else:
        _echo_lines([f"questions from {path.name}", *scale_lines(rows)])


@bench.command("cold")
@click.option(
    "--question", default="Do I need a licence to export gallium nitride wafers?", show_default=True
)
@click.option("--runs", type=click.IntRange(1, 50), default=5, show_default=True, help="Cold kb ask runs.")
@click.option("--no-app", is_flag=True, help="Do not start the app.")
@click.option(
    "--answers",
    type=click.IntRange(0, 1000),
    default=10,
    show_default=True,
    help="Questions asked of the app.",
)
@click.pass_context
@friendly_errors
def bench_cold_command(ctx: click.Context, question: str, runs: int, no_app: bool, answers: int) -> None:
    """Time `kb ask` in fresh processes (wall seconds and peak RSS of each) and the app from start
    until its page answers (and its RSS then, and after --answers questions), on the existing index."""
    from kb.evaluation.scale import bench_cold

    _echo_lines(bench_cold(settings_of(ctx), question, runs=runs, app=not no_app, answers=answers).lines())
