"""The ``kb`` command line. Each command's docstring is its help; the logic lives in the modules."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
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
