"""The ``kb`` command line. Each command's docstring is its help; the logic lives in the modules."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kb.config import Settings
from kb.errors import KbError
from kb.sources import validate_corpus

F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(func: F) -> F:
    """Show a ``KbError`` as one clear line and exit 1, instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KbError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _settings(ctx: click.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show progress details and debug logging.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Export-control knowledge base: cited answers on China's export controls on strategic
    minerals (gallium, germanium, antimony, graphite, tungsten, rare earths, ...), as of a date.

    Settings come from KB_* environment variables (KB_HOME, KB_SOURCES, KB_CHROMA_URL, KB_LLM_URL,
    KB_LLM_MODEL, KB_AUTH); see README.md.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        ctx.obj = Settings.from_env()
    except KbError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option(
    "--sources",
    "folder",
    type=click.Path(file_okay=False),
    help="Corpus folder (default: KB_SOURCES or sources/).",
)
@click.pass_context
@_friendly_errors
def validate(ctx: click.Context, folder: str | None) -> None:
    """Check every corpus file: schema, unique ids matching file names, ISO dates, HS codes of 8 or
    10 digits, and relations that point at existing documents. Prints each problem with its file and
    field; exits 1 if there is any."""
    from pathlib import Path

    path = Path(folder) if folder else _settings(ctx).sources
    problems = validate_corpus(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {path}", err=True)
        sys.exit(1)
    count = len([p for p in path.glob("*.md") if p.name.lower() != "readme.md"])
    click.echo(f"ok: {count} documents in {path} are valid")


@main.command()
@click.argument("query")
@click.option("--as-of", "as_of", default=None, help="Date of the verdict, ISO (2026-11-22); default today.")
@click.option("--destination", default=None, help="Destination country, ISO alpha-2 (US, JP, DE ...).")
@click.option("--military", is_flag=True, help="The end user or end use is military.")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@click.pass_context
@_friendly_errors
def lookup(
    ctx: click.Context, query: str, as_of: str | None, destination: str | None, military: bool, as_json: bool
) -> None:
    """Find controlled items by name or alias (English or Chinese), HS code (8 or 10 digits, dots
    allowed) or control-list code, with the verdict as of a date and destination.

    \b
    Examples:
      kb lookup "gallium nitride"
      kb lookup 2850001901 --json
      kb lookup 3C001 --as-of 2025-03-01 --destination US
      kb lookup 氧化镓
    """
    from kb.knowledge import KnowledgeBase, parse_date
    from kb.wording import say

    base = KnowledgeBase(_settings(ctx))
    results = base.lookup(query, as_of=as_of, destination=destination, military=military)
    day = parse_date(as_of)
    if as_json:
        _print_json(
            {
                "query": query,
                "as_of": day.isoformat(),
                "destination": destination.upper() if destination else None,
                "verdict": results[0].verdict.value if results else "not_listed",
                "matches": [r.to_dict(base.corpus) for r in results],
                "note": None if results else base.not_listed_note(query),
            }
        )
        return
    if not results:
        click.echo(f"As of {day.isoformat()}: not_listed")
        click.echo(base.not_listed_note(query))
        return
    for result in results:
        item, verdict = result.match.item, result.verdict
        codes = ", ".join(item.hs_codes) or "none given"
        click.echo(f"{item.name} ({item.name_zh})  [{item.family}, {item.kind}]")
        click.echo(
            f"  verdict as of {day.isoformat()}: {verdict.value}"
            + (f" until {verdict.until}" if verdict.until else "")
        )
        click.echo(f"  {item.number}, {item.ref}; control code {item.control_code or '-'}; HS {codes}")
        for reason in verdict.reasons[1:]:
            click.echo(f"  - {say(reason, base.corpus, 'en')}")
        for caveat in verdict.caveats:
            click.echo(f"  ! {caveat}")


@main.command()
@click.argument("question")
@click.option(
    "--as-of", "as_of", default=None, help="Answer as of this date, ISO (2026-11-22); default today."
)
@click.option("--destination", default=None, help="Destination country, ISO alpha-2 (US, JP ...).")
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default=None, help="Answer language (default: the question's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.pass_context
@_friendly_errors
def ask(
    ctx: click.Context,
    question: str,
    as_of: str | None,
    destination: str | None,
    lang: str | None,
    as_json: bool,
) -> None:
    """Answer a question with a verdict as of a date, key facts and numbered sources.

    \b
    Examples:
      kb ask "Do I need a licence to export gallium nitride wafers?"
      kb ask "Can antimony ingots go to the United States today?" --json
      kb ask "出口氧化镓需要申请许可证吗？"
      kb ask "Did germanium dioxide need a licence?" --as-of 2023-06-15
    """
    from kb.knowledge import KnowledgeBase

    base = KnowledgeBase(_settings(ctx))
    result = base.answer(question, as_of=as_of, destination=destination, lang=lang)
    if as_json:
        _print_json(result.to_dict())
    else:
        click.echo(result.text)


@main.command()
@click.argument("families", nargs=-1, required=True)
@click.option("--as-of", "as_of", default=None, help="Date of the pack, ISO (2026-11-22); default today.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "docx"]),
    default=None,
    help="Output format (default: from the file name's suffix, else md).",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write ('-' for stdout)."
)
@click.pass_context
@_friendly_errors
def brief(
    ctx: click.Context, families: tuple[str, ...], as_of: str | None, fmt: str | None, output: str
) -> None:
    """Write a briefing pack on one or more mineral families as of a date: what is controlled, the
    items with codes and verdicts, dates and status history, destination rules, licence procedure,
    penalties and a short FAQ, every fact cited [n] with its numbered source.

    \b
    Examples:
      kb brief gallium -o gallium.md
      kb brief gallium germanium --as-of 2025-03-01 -o ga-ge.html
      kb brief "rare earths" --format docx -o rare-earths.docx
    """
    import os
    from pathlib import Path

    from kb.briefing import build_briefing
    from kb.briefing_render import format_for, render
    from kb.knowledge import KnowledgeBase, parse_date

    base = KnowledgeBase(_settings(ctx))
    pack = build_briefing(base, families, parse_date(as_of))
    chosen = format_for(output, fmt)
    data = render(pack, chosen)
    if output == "-":
        sys.stdout.buffer.write(data)
        return
    path = Path(output)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise KbError(f"cannot write {path}: {exc.strerror}") from exc
    click.echo(
        f"wrote {path} ({chosen}, {len(data):,} bytes): {', '.join(pack.families)} as of "
        f"{pack.as_of.isoformat()}, {len(pack.items)} items, {len(pack.citations)} sources"
    )


@main.command()
@click.option(
    "--host",
    envvar="KB_HOST",
    show_envvar=True,
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on.",
)
@click.option(
    "--port",
    envvar="KB_PORT",
    show_envvar=True,
    type=click.IntRange(1, 65535),
    default=7860,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--queue-size",
    envvar="KB_QUEUE_SIZE",
    show_envvar=True,
    type=click.IntRange(1, 100_000),
    default=64,
    show_default=True,
    help="Requests that may wait for a worker before new ones are turned away.",
)
@click.option("--no-build", is_flag=True, help="Do not build a missing index at start (answers will fail).")
@click.pass_context
@_friendly_errors
def serve(ctx: click.Context, host: str, port: int, queue_size: int, no_build: bool) -> None:
    """Start the web app (chat, lookup and briefing tabs), building the index first if it is missing.

    Options also come from KB_HOST, KB_PORT and KB_QUEUE_SIZE; KB_AUTH=user:password[,user:password]
    turns on a login. Analytics are off and nothing is fetched from outside the machine.

    \b
    Examples:
      kb serve                      # http://127.0.0.1:7860
      KB_AUTH=alice:s3cret kb serve --host 0.0.0.0 --port 8080
    """
    import importlib.util

    from kb.config import PROJECT_ROOT

    path = PROJECT_ROOT / "app.py"
    spec = importlib.util.spec_from_file_location("kb_app", path)
    if not path.is_file() or spec is None or spec.loader is None:
        raise KbError(f"the app is not at {path}; run `kb serve` from a checkout of the project")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    logging.getLogger("kb").setLevel(logging.INFO)
    app.launch(_settings(ctx), host=host, port=port, queue_size=queue_size, build_index=not no_build)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Build the corpus index again from scratch (a store that no longer opens is moved aside).",
)
@click.pass_context
@_friendly_errors
def ingest(ctx: click.Context, paths: tuple[Path, ...], quiet: bool, as_json: bool, rebuild: bool) -> None:
    """Index the corpus (KB_SOURCES or sources/) or the files and folders given, incrementally.

    Reads .md (with or without front matter), .txt, .html, .pdf and .docx. Unchanged files are not
    parsed or embedded again; files that are gone from a given folder leave the index. A file that
    cannot be parsed is skipped and named, its previous chunks are kept, and the command exits 1.

    \b
    Examples:
      kb ingest
      kb ingest ~/Downloads/mofcom-notice.pdf my-notes/
      kb ingest --rebuild
    """
    from kb.index import ingest as run_ingest
    from kb.index import rebuild_index

    progress = not quiet and not as_json
    if rebuild and paths:
        raise KbError("--rebuild builds the corpus index; run it without paths, then add your files")
    if rebuild:
        report = rebuild_index(_settings(ctx), progress=progress)
    else:
        report = run_ingest(_settings(ctx), list(paths) or None, progress=progress)
    if as_json:
        _print_json(report.to_dict())
    else:
        for error in report.errors:
            click.echo(f"skipped: {error}", err=True)
        click.echo(report.summary())
    if report.errors:
        sys.exit(1)


@main.command()
@click.argument("query")
@click.option(
    "-k", "--k", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="How many hits."
)
@click.option("--as-of", "as_of", default=None, help="Only documents issued on or before this ISO date.")
@click.option("--family", default=None, help="Only documents on this mineral family (gallium, ...).")
@click.option("--kind", default=None, help="Only documents of this kind (announcement, law, press, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_context
@_friendly_errors
def search(
    ctx: click.Context,
    query: str,
    k: int,
    as_of: str | None,
    family: str | None,
    kind: str | None,
    as_json: bool,
) -> None:
    """Search the index (dense + keyword, fused) and print the best provisions with their scores.

    \b
    Examples:
      kb search "review time limit for licence applications"
      kb search 3C001.b --json
      kb search 氧化镓 --family gallium --as-of 2024-01-01
    """
    from kb.retrieve import Retriever

    hits = Retriever(_settings(ctx)).search(query, k=k, as_of=as_of, family=family, kind=kind)
    if as_json:
        _print_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        click.echo("no matching provisions")
        return
    for n, hit in enumerate(hits, start=1):
        meta = hit.chunk.metadata
        label = meta.get("number") or meta.get("title")
        dense = "-" if hit.dense_score is None else f"{hit.dense_score:.2f}"
        keyword = "-" if hit.keyword_score is None else f"{hit.keyword_score:.1f}"
        click.echo(f"{n}. {hit.document_id} · {hit.locator} · {label}")
        click.echo(f"   score {hit.score:.4f} (dense {dense}, keyword {keyword})")
        snippet = " ".join(hit.text.split())
        click.echo(f"   {snippet[:240]}{'…' if len(snippet) > 240 else ''}")


@main.group()
def bench() -> None:
    """Measure indexing and search speed and memory (figures to compare against the targets)."""


@bench.command("index")
@click.pass_context
@_friendly_errors
def bench_index_command(ctx: click.Context) -> None:
    """Build the whole corpus into a temporary store, then re-ingest it unchanged; print build
    seconds, chunks/s, re-ingest seconds and peak RSS. The real index is not touched."""
    from kb.bench import bench_index

    _echo_lines(bench_index(_settings(ctx), progress=True).lines())


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
    from kb.bench import default_question_file
    from kb.questions import load_question_set

    path = path or default_question_file()
    if path is None:
        raise KbError("no question set found; name one with --questions FILE (e.g. evals/project.yaml)")
    return path, list(load_question_set(path).questions)


@bench.command("search")
@_QUESTIONS_OPTION
@click.option("--repeat", type=click.IntRange(1, 100), default=3, show_default=True, help="Passes.")
@click.pass_context
@_friendly_errors
def bench_search_command(ctx: click.Context, questions: Path | None, repeat: int) -> None:
    """Time searches of the existing index over a question set; print p50/p95 ms and peak RSS."""
    from kb.bench import bench_search

    path, chosen = _bench_questions(questions)
    _echo_lines([f"questions from {path.name}", *bench_search(_settings(ctx), chosen, repeat=repeat).lines()])


@bench.command("ask")
@_QUESTIONS_OPTION
@click.option("--repeat", type=click.IntRange(1, 100), default=2, show_default=True, help="Passes.")
@click.pass_context
@_friendly_errors
def bench_ask_command(ctx: click.Context, questions: Path | None, repeat: int) -> None:
    """Time whole answers (kb.answer, warm, extractive) over a question set; print p50/p95 s."""
    from kb.bench import bench_ask

    path, chosen = _bench_questions(questions)
    _echo_lines([f"questions from {path.name}", *bench_ask(_settings(ctx), chosen, repeat=repeat).lines()])


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
@_friendly_errors
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
    from kb.baseline import BaselinePipeline
    from kb.evaluate import DEFAULT_REPORT_DIR, evaluate, format_table, parse_ks, target_misses
    from kb.knowledge import KnowledgeBase
    from kb.questions import load_question_set

    cuts = parse_ks(ks)
    question_set = load_question_set(set_file)
    settings = _settings(ctx)
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
        _print_json(report.summary())
        return
    click.echo(f"{question_set.name}: {len(question_set)} questions from {set_file}")
    click.echo(format_table(report))
    for miss in target_misses(report):
        click.echo(f"target missed: {miss}")
    for path in (report.json_path, report.markdown_path, report.chart_path):
        click.echo(f"wrote {path}")
