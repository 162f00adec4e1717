"""The screen command: a buyer's name, or a CSV of customers, against the party lists held."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.cli.group import friendly_errors, main, print_json, settings_of

if TYPE_CHECKING:
    from kb.verdicts.parties import PartyRegistry


@main.command("screen")
@click.argument("name", required=False)
@click.option(
    "--country",
    default=None,
    help="The buyer's country, ISO alpha-2 (US, JP, DE ...): raises or lowers scores.",
)
@click.option("--as-of", "as_of", default=None, help="Date of the status, ISO (2026-11-22); default today.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Screen every row of this CSV file (with a header row) instead of one NAME.",
)
@click.option("--column", default="name", show_default=True, help="CSV column holding the names.")
@click.option(
    "--country-column", default=None, help="CSV column holding ISO countries (default: 'country' if present)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Report CSV to write (default: <file>-screened.csv beside the input).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@friendly_errors
def screen_command(
    ctx: click.Context,
    name: str | None,
    country: str | None,
    as_of: str | None,
    as_json: bool,
    csv_file: Path | None,
    column: str,
    country_column: str | None,
    output: Path | None,
    quiet: bool,
) -> None:
    """Screen a buyer against the party lists held (MOFCOM's control list and watch list, the
    Unreliable Entity List): English or Chinese names, tolerant of legal forms (Inc., GmbH, 株式会社,
    有限公司), case, punctuation, word order, small misspellings and aliases. Each hit gives the list,
    the announcement, its measures and the status on the date (listed, suspended until, measures
    stopped, unknown after a lapsed suspension), with a score and why it matched. A near miss is a
    "possible match — check"; no hit is "not found on the lists held", which is not a clearance.

    With --csv, every row is screened and a report CSV is written, one row per customer (columns:
    line, name, country, outcome, score, party, party_zh, party_country, list, announcement,
    document_id, status, measures, why, confidence, other_matches, note). A bad row is reported with
    its line number and skipped; the exit code is 0 when the run completed.

    \b
    --json prints {query, country, as_of, outcome, label, note, hits: [{party, match, certain,
    score, why, list, document_id, number, measures, exception, status: {state, since, until,
    note}, confidence, unconfirmed, sentence}], held}; with --csv {file, output, as_of, rows,
    seconds, counts, bad: [{line, problem}]}.

    \b
    Examples:
      kb screen "MP Materials"
      kb screen 芒廷帕斯材料公司 --as-of 2026-07-01
      kb screen "Universal Logistics Holdings" --country US --as-of 2025-06-01 --json
      kb screen --csv customers.csv --column customer --country-column cc -o report.csv
    """
    from kb.corpus.loading import load_corpus
    from kb.language.dates import parse_date
    from kb.verdicts.parties import PartyRegistry

    if (name is None) == (csv_file is None):
        raise click.UsageError("give one NAME to screen, or --csv FILE (not both)")
    day = parse_date(as_of)
    registry = PartyRegistry(load_corpus(settings_of(ctx).sources))
    if csv_file is not None:
        _screen_csv(registry, csv_file, column, country_column, output, day, as_json, quiet)
    else:
        assert name is not None
        _screen_one(registry, name, country, day, as_json)


def _screen_one(registry: PartyRegistry, name: str, country: str | None, day: dt.date, as_json: bool) -> None:
    from kb.verdicts.parties import outcome_of
    from kb.verdicts.party_wording import (
        LIST_NAMES,
        OUTCOME_LABELS,
        announcement_name,
        hit_label,
        hit_sentence,
        measures_text,
        not_found_sentence,
        not_yet_sentence,
        party_label,
        status_text,
        unconfirmed_sentence,
        why_text,
    )

    hits = registry.screen(name, country=country, as_of=day)
    outcome = outcome_of(hits)
    begun = [h for h in hits if h.status.in_effect]
    notes = [] if begun else [not_found_sentence(name, day, "en", len(registry.announcements))]
    notes.extend(not_yet_sentence(h, "en") for h in hits if h.certain and not h.status.in_effect)
    if as_json:
        print_json(
            {
                "query": name,
                "country": country.upper() if country else None,
                "as_of": day.isoformat(),
                "outcome": outcome,
                "label": OUTCOME_LABELS[outcome]["en"],
                "note": " ".join(notes) or None,
                "hits": [{**h.to_dict(), "sentence": hit_sentence(h, "en")} for h in hits],
                "held": {"announcements": len(registry.announcements), "parties": len(registry)},
            }
        )
        return
    click.echo(f"{name!r} as of {day.isoformat()}: {OUTCOME_LABELS[outcome]['en']}")
    for note in notes:
        click.echo(note)
    for hit in hits:
        ann = hit.announcement
        click.echo("")
        click.echo(f"{party_label(hit, 'en')}  [{hit_label(hit, 'en')}, score {hit.score}]")
        click.echo(f"  list:       {LIST_NAMES[hit.list]['en']}")
        effective = ann.effective.isoformat() if ann.effective else "date not stated"
        click.echo(f"  document:   {announcement_name(ann, 'en')}, effective {effective}")
        click.echo(_wrapped("status:", status_text(hit.status, "en")))
        if hit.status.note:
            click.echo(_wrapped("", hit.status.note))
        click.echo(_wrapped("measures:", measures_text(hit, "en")))
        click.echo(_wrapped("why:", why_text(hit.why, "en")))
        if hit.party.note:
            click.echo(_wrapped("note:", hit.party.note))
        if ann.url:
            click.echo(f"  source:     {ann.url}")
        if hit.unconfirmed:
            click.echo(f"  ! {unconfirmed_sentence(hit, 'en')}")


def _wrapped(label: str, text: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=f"  {label:<11} ", subsequent_indent=" " * 14)


def _screen_csv(
    registry: PartyRegistry,
    path: Path,
    column: str,
    country_column: str | None,
    output: Path | None,
    day: dt.date,
    as_json: bool,
    quiet: bool,
) -> None:
    from kb.verdicts.screening import read_customers, screen_file, write_report

    started = time.perf_counter()
    customers = read_customers(path, column, country_column)
    target = output or path.with_name(f"{path.stem}-screened.csv")
    rows = screen_file(registry, customers, day, progress=not quiet and not as_json)
    counts = write_report(target, rows)
    seconds = time.perf_counter() - started
    total = len(customers.customers) + len(customers.bad)
    if as_json:
        print_json(
            {
                "file": str(path),
                "output": str(target),
                "as_of": day.isoformat(),
                "rows": total,
                "seconds": round(seconds, 2),
                "counts": {k: counts.get(k, 0) for k in ("listed", "possible_match", "no_match", "error")},
                "bad": [{"line": b.line, "problem": b.problem} for b in customers.bad],
            }
        )
        return
    for bad in customers.bad:
        click.echo(f"skipped {bad}", err=True)
    summary = ", ".join(
        f"{counts.get(k, 0)} {k.replace('_', ' ')}" for k in ("listed", "possible_match", "no_match", "error")
    )
    click.echo(
        f"screened {total:,} rows of {path.name} as of {day.isoformat()} in {seconds:.1f} s: {summary}"
    )
    click.echo(f"wrote {target}")
    sys.stdout.flush()
