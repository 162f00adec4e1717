"""Commands on the corpus and the index: validate, ingest, search."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.group import friendly_errors, main, print_json, settings_of
from kb.corpus.loading import load_corpus, validate_corpus
from kb.errors import KbError


@main.command()
@click.option(
    "--sources",
    "folder",
    type=click.Path(file_okay=False),
    help="Corpus folder (default: KB_SOURCES or sources/).",
)
@click.pass_context
@friendly_errors
def validate(ctx: click.Context, folder: str | None) -> None:
    """Check every corpus file: schema, unique ids matching file names, ISO dates, HS codes of 8 or
    10 digits, and relations that point at existing documents. Prints each problem with its file and
    field; exits 1 if there is any."""
    from pathlib import Path

    path = Path(folder) if folder else settings_of(ctx).sources
    problems = validate_corpus(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {path}", err=True)
        sys.exit(1)
    count = len(load_corpus(path))
    click.echo(f"ok: {count} documents in {path} are valid")


@main.command("export-model")
@click.option("--check", is_flag=True, help="Only say whether the export is there and sound; exit 1 if not.")
@click.pass_context
@friendly_errors
def export_model_command(ctx: click.Context, check: bool) -> None:
    """Export the packaged embedding model to ONNX under KB_HOME/model, for queries without torch.

    Traces the model with torch (needs the onnx package: pip install onnx==1.23.2), stores beside it
    reference vectors from sentence-transformers, and checks the export against them (every load
    checks it again). kb ingest makes it too when it is missing. Without it, queries embed with
    sentence-transformers, which is slower to start.
    """
    from kb.indexing.embedding import serving_embedder
    from kb.indexing.onnx_embedder import OnnxEmbedder, export_problem

    settings = settings_of(ctx)
    if check:
        problem = export_problem(settings.model_path)
        if problem:
            click.echo(f"{problem}; make it with `kb export-model`")
            sys.exit(1)
        embedder = serving_embedder(settings)
        if not isinstance(embedder, OnnxEmbedder):
            sys.exit(1)
        click.echo(f"the ONNX export in {settings.model_path} is sound")
        return
    from kb.indexing.export import export_model

    click.echo(export_model(settings).summary())


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
@friendly_errors
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
    from kb.indexing.health import rebuild_index
    from kb.indexing.ingest import ingest as run_ingest

    progress = not quiet and not as_json
    if rebuild and paths:
        raise KbError("--rebuild builds the corpus index; run it without paths, then add your files")
    if rebuild:
        report = rebuild_index(settings_of(ctx), progress=progress)
    else:
        report = run_ingest(settings_of(ctx), list(paths) or None, progress=progress)
    _warm_topics(ctx, quiet=as_json)
    if as_json:
        print_json(report.to_dict())
    else:
        for error in report.errors:
            click.echo(f"skipped: {error}", err=True)
        click.echo(report.summary())
    if report.errors:
        sys.exit(1)


def _warm_topics(ctx: click.Context, quiet: bool) -> None:
    """Embed the procedural topics' paraphrases now when KB_HOME does not hold them yet, so that the
    first question does not wait for them (an unchanged re-ingest loads nothing more)."""
    import time

    from kb.answering.knowledge import KnowledgeBase, topic_vectors_missing

    settings = settings_of(ctx)
    if not topic_vectors_missing(settings.home):
        return
    started = time.perf_counter()
    try:
        KnowledgeBase(settings).topic_matcher.warm()
    except (KbError, OSError, RuntimeError, ValueError) as exc:  # the index itself is built; answers say more
        click.echo(f"warning: the topics' paraphrases were not embedded: {exc}", err=True)
        return
    took = time.perf_counter() - started
    if took > 1 and not quiet:
        click.echo(f"embedded the topics' paraphrases for question matching in {took:.0f} s", err=True)


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
@friendly_errors
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
    from kb.retrieval.hybrid import Retriever

    hits = Retriever(settings_of(ctx)).search(query, k=k, as_of=as_of, family=family, kind=kind)
    if as_json:
        print_json([hit.to_dict() for hit in hits])
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


@main.command()
@click.option(
    "--as-of", "as_of", default=None, help="The date to report on, ISO (2026-12-01); default today."
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", help="Language of the report.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@friendly_errors
def status(ctx: click.Context, as_of: str | None, lang: str, as_json: bool) -> None:
    """How current the knowledge is: how far it reaches, which fixed end dates have passed with no
    later official text held, what ends soon, and which facts are unconfirmed.

    \b
    Examples:
      kb status
      kb status --as-of 2026-12-01 --json
      kb status --lang zh
    """
    from kb.answering.knowledge import KnowledgeBase
    from kb.answering.records import Lang
    from kb.answering.wording import (
        date_text,
        document_name,
        lapsed_sentence,
        scheduled_sentence,
        status_record,
        unconfirmed_sentence,
    )
    from kb.language.dates import parse_date
    from kb.verdicts.freshness import freshness

    base = KnowledgeBase(settings_of(ctx))
    day = parse_date(as_of)
    report = freshness(base.corpus, base.timeline, day)
    corpus = base.corpus
    language: Lang = "zh" if lang == "zh" else "en"
    if as_json:
        print_json(status_record(report, corpus, language))
        return
    zh = language == "zh"
    newest = (
        f"{date_text(report.newest, language)}{'，' if zh else ', '}"
        f"{document_name(corpus, report.newest_id, language)}"
        if report.newest and report.newest_id
        else "-"
    )
    checked = date_text(report.checked, language) if report.checked else "-"
    if zh:
        click.echo(
            f"截至{day.isoformat()}：知识库收录{report.documents}份官方文件；最新一份发布或施行于{newest}；"
            f"所记录的最近一次状态核查日期为{checked}。"
        )
    else:
        click.echo(
            f"As of {day.isoformat()}: {report.documents} official documents. The newest was issued or took "
            f"effect on {newest}; the latest status recorded is dated {checked}."
        )
    passed = (
        "已届满且无后续官方文本的固定期限"
        if zh
        else "Fixed end dates passed with no later official text held"
    )
    sections = [
        (passed, [lapsed_sentence(e, corpus, language) for e in report.lapsed]),
        ("即将届满的期限" if zh else "Fixed end dates still ahead",
         [scheduled_sentence(e, corpus, language) for e in report.scheduled]),
        ("未经确认的事实" if zh else "Unconfirmed facts",
         [unconfirmed_sentence(u, corpus, language) for u in report.unconfirmed]),
    ]  # fmt: skip
    for title, lines in sections:
        click.echo("")
        click.echo(f"{title}{'：' if zh else ':'}")
        for line in lines or ["无" if zh else "none"]:
            click.echo(f"- {line}")
