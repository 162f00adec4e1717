"""Commands that answer: ask, lookup, brief."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.group import friendly_errors, main, print_json, settings_of
from kb.errors import KbError, QueryError
from kb.files import write_atomic


@main.command()
@click.argument("query")
@click.option("--as-of", "as_of", default=None, help="Date of the verdict, ISO (2026-11-22); default today.")
@click.option("--destination", default=None, help="Destination country, ISO alpha-2 (US, JP, DE ...).")
@click.option("--military", is_flag=True, help="The end user or end use is military.")
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@click.pass_context
@friendly_errors
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
    from kb.answering.knowledge import KnowledgeBase
    from kb.answering.wording import VERDICT_LABELS, say, verdict_when
    from kb.language.codes import classify_query
    from kb.language.countries import check_country
    from kb.language.dates import parse_date

    base = KnowledgeBase(settings_of(ctx))
    results = base.lookup(query, as_of=as_of, destination=destination, military=military)
    day = parse_date(as_of)
    related = base.related_codes(query)
    if as_json:
        print_json(
            {
                "query": query,
                "as_of": day.isoformat(),
                "destination": check_country(destination) if destination else None,
                "verdict": results[0].verdict.value if results else "not_listed",
                "matches": [r.to_dict(base.corpus) for r in results],
                "note": None if results else base.not_listed_note(query),
                "related": [
                    {"hs_code": code, "name": item.name, "name_zh": item.name_zh, "number": item.number}
                    for code, item in related
                ],
            }
        )
        return
    if not results:
        click.echo(f"As of {day.isoformat()}: {VERDICT_LABELS['not_listed']['en']}")
        click.echo(base.not_listed_note(query))
        if related:
            click.echo("Related codes of the same heading (not a match; check the description):")
            for code, item in related:
                click.echo(f"  {code}  {item.name} ({item.name_zh}) — {item.number}")
        return
    for result in results:
        item, verdict = result.match.item, result.verdict
        codes = ", ".join(item.hs_codes) or "none given"
        click.echo(f"{item.name} ({item.name_zh})  [{item.family}, {item.kind}]")
        if result.match.matched != item.name and classify_query(query) == "hs_code":
            source = "the 2026 catalogue" if result.match.matched not in item.hs_codes else "the announcement"
            click.echo(f"  matched HS {result.match.matched}, a code of {source}")
        when = verdict_when(verdict) if verdict.until else ""
        label = VERDICT_LABELS[verdict.value]["en"]
        click.echo(f"  verdict as of {day.isoformat()}: {label}" + (f" ({when})" if when else ""))
        click.echo(f"  {item.number}, {item.ref}; control code {item.control_code or '-'}; HS {codes}")
        newer = [c for c in item.hs_codes_2026 if c not in item.hs_codes]
        if newer:
            confidence = f" ({item.hs_2026_confidence} confidence)" if item.hs_2026_confidence else ""
            unconfirmed = [c for c in newer if c in item.hs_2026_unconfirmed]
            flag = f"; unconfirmed: {', '.join(unconfirmed)}" if unconfirmed else ""
            click.echo(f"  2026 catalogue codes{confidence}: {', '.join(newer)}{flag}")
        doc = base.corpus.get(item.document_id)
        link = doc.link if doc else None
        if link is not None:
            kind = "issuer's page" if link.official else "secondary copy, not the issuer's page"
            click.echo(f"  {kind}: {link.url}")
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
@friendly_errors
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
    from kb.answering.knowledge import KnowledgeBase

    settings = settings_of(ctx)
    if len(question) > settings.max_question_chars:
        raise QueryError(
            f"the question has {len(question):,} characters; the limit is {settings.max_question_chars:,}. "
            "Shorten it, or raise KB_MAX_QUESTION_CHARS"
        )
    base = KnowledgeBase(settings)
    result = base.answer(question, as_of=as_of, destination=destination, lang=lang)
    if as_json:
        print_json(result.to_dict())
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
@click.option(
    "--parties",
    is_flag=True,
    help="Include the party lists: every party listed on the date (control list, watch list, "
    "Unreliable Entity List) and its status, with the announcement cited.",
)
@click.pass_context
@friendly_errors
def brief(
    ctx: click.Context,
    families: tuple[str, ...],
    as_of: str | None,
    fmt: str | None,
    output: str,
    parties: bool,
) -> None:
    """Write a briefing pack on one or more mineral families as of a date: what is controlled, the
    items with codes and verdicts, dates and status history, destination rules, licence procedure,
    penalties and a short FAQ, every fact cited [n] with its numbered source. With --parties, also
    the party lists on the date: each announcement's measures and status, and every party it lists.

    \b
    Examples:
      kb brief gallium -o gallium.md
      kb brief gallium germanium --as-of 2025-03-01 -o ga-ge.html
      kb brief "rare earths" --format docx -o rare-earths.docx
      kb brief samarium --parties --as-of 2026-11-22 -o samarium-and-parties.docx
    """
    from kb.answering.knowledge import KnowledgeBase
    from kb.briefing.pack import build_briefing
    from kb.briefing.render import format_for, render
    from kb.language.dates import parse_date

    base = KnowledgeBase(settings_of(ctx))
    pack = build_briefing(base, families, parse_date(as_of), parties=parties)
    chosen = format_for(output, fmt)
    data = render(pack, chosen)
    if output == "-":
        sys.stdout.buffer.write(data)
        return
    path = Path(output)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise KbError(f"cannot write {path}: {exc.strerror}") from exc
    click.echo(
        f"wrote {path} ({chosen}, {len(data):,} bytes): {', '.join(pack.families)} as of "
        f"{pack.as_of.isoformat()}, {len(pack.items)} items, "
        + (f"{len(pack.party_rows)} listed parties, " if pack.parties is not None else "")
        + f"{len(pack.citations)} sources"
    )
