"""The command that classifies products without a question: ``kb classify``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.group import friendly_errors, main, print_json, settings_of
from kb.errors import KbError


@main.command()
@click.argument("description", required=False)
@click.option("--as-of", "as_of", default=None, help="Date of the verdict, ISO (2026-11-22); default today.")
@click.option("--destination", default=None, help="Destination country, ISO alpha-2 (US, JP, DE ...).")
@click.option("--end-use", "end_use", default="", help="The end use or end user, in words ('missile radar').")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Classify every row of a CSV (a 'description' column, or the first; optional 'hs_code').",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where --csv writes its report (default: <file>-classified.csv).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@friendly_errors
def classify(
    ctx: click.Context,
    description: str | None,
    as_of: str | None,
    destination: str | None,
    end_use: str,
    csv_file: Path | None,
    output: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Is this product controlled? Classify a product description (specifications, trade names and
    HS codes allowed) as of a date, without retrieval: one verdict per product it names, the listed
    entry compared, the thresholds met or missed, and what would change the verdict.

    \b
    Examples:
      kb classify "graphite electrode, 99.8% C, 12 MPa, 1.70 g/cm3"
      kb classify "antimony ingots" --destination US --end-use "missile primers"
      kb classify "烧结钕铁硼磁钢，不含镝铽" --json
      kb classify --csv products.csv -o products-classified.csv
    """
    from kb.answering.knowledge import KnowledgeBase
    from kb.answering.products import classify_csv, classify_product
    from kb.answering.wording import VERDICT_LABELS
    from kb.language.dates import parse_date

    base = KnowledgeBase(settings_of(ctx))
    day = parse_date(as_of)
    if csv_file is not None:
        if description:
            raise KbError("give a DESCRIPTION or --csv FILE, not both")
        target = output or csv_file.with_name(f"{csv_file.stem}-classified.csv")
        report = classify_csv(
            base, csv_file, target, day, destination, end_use, progress=not quiet and not as_json
        )
        if as_json:
            print_json({"rows": report.rows, "classified": report.classified, "problems": report.problems,
                        "counts": report.counts, "report": str(target)})  # fmt: skip
        else:
            for problem in report.problems:
                click.echo(f"skipped {problem}", err=True)
            counts = ", ".join(f"{n} {verdict}" for verdict, n in sorted(report.counts.items()))
            click.echo(f"{report.classified} of {report.rows} rows classified ({counts}); wrote {target}")
        return
    if not description:
        raise KbError("give a product DESCRIPTION (or --csv FILE); see kb classify --help")
    result = classify_product(base, description, day, destination, end_use)
    if as_json:
        print_json(result.to_dict())
        return
    click.echo(f"As of {result.as_of.isoformat()}: {VERDICT_LABELS[result.verdict]['en']}")
    for record in result.lines():
        why = _KINDS.get(str(record["kind"]), "")
        label = VERDICT_LABELS[str(record["verdict"])]["en"]
        click.echo(f"- {record['product']}: {label}" + (f" ({why})" if why else ""))
        if record["item"]:
            click.echo(f"  compared with: {record['item']} — {record['document']}, {record['ref']}")
        for condition in record["conditions"]:  # type: ignore[attr-defined]
            click.echo(f"  condition: {condition}")
        for missed in record["missed"]:  # type: ignore[attr-defined]
            click.echo(f"  not met: {missed}")
        click.echo(f"  {record['reason']}")
    if result.note:
        click.echo(f"Note: {result.note}")
    sys.stdout.flush()


#: How each classification line came about, in words (the JSON keeps the ``kind`` value).
_KINDS = {
    "listed": "a listed item",
    "conditional": "listed if the conditions below are met",
    "below_threshold": "a listed kind of product that does not meet the listed thresholds",
    "unlisted_form": "a form of the element that no list holds",
    "unlisted_element": "an element that no list holds",
    "unlisted_code": "a customs code that no list holds",
    "family": "a family of listed items; name the product for a verdict",
    "unrecognised": "no product recognised",
}
