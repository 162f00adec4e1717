"""The screening tab's work: one name against the party lists held, or a CSV file of customers
screened with the batch code of ``kb screen --csv`` and its report offered for download.

A file is read by :func:`kb.verdicts.screening.read_customers` (a bad row is named with its line
number and the rest screened) and its report written by :func:`kb.verdicts.screening.write_report`
(the same columns as the CLI's) under a file name of its own for each download. Messages name the
uploaded file by its own name, never by where the server keeps it.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kb.app.downloads import fresh_folder
from kb.app.party_view import screening_html
from kb.errors import KbError
from kb.verdicts.parties import PartyRegistry
from kb.verdicts.screening import CustomerFile, ReportRow, read_customers, screen_file, write_report

__all__ = [
    "MAX_SCREEN_ROWS",
    "OUTCOME_WORDS",
    "SCREEN_HEADERS",
    "BatchScreening",
    "screen_name",
    "screen_upload",
]

#: The most rows the app screens from one file (``kb screen --csv`` takes any number).
MAX_SCREEN_ROWS = 5000
#: How many rows of the report the tab shows (the downloaded report has them all).
SHOWN_ROWS = 500

SCREEN_HEADERS: tuple[str, ...] = (
    "Line", "Name", "Country", "Outcome", "Score", "Party", "List", "Announcement", "Status on the date",
    "Why it matched",
)  # fmt: skip
#: How the table words each outcome (the report CSV keeps the machine values).
OUTCOME_WORDS = {
    "listed": "listed",
    "possible_match": "possible match — check",
    "no_match": "not found on the lists held",
    "error": "not screened (bad row)",
}


@dataclass(frozen=True)
class BatchScreening:
    """A screened file: what to say (Markdown), the rows to show, each row's outcome (for its
    colour) and the report to download (``None`` when nothing could be screened)."""

    message: str
    rows: list[list[str]]
    outcomes: tuple[str, ...] = ()
    path: Path | None = None


def screen_name(registry: PartyRegistry, name: str, country: str | None, day: dt.date) -> str:
    """The screening of one name on ``day`` as HTML (see :func:`kb.app.party_view.screening_html`);
    a name or country that cannot be screened is a message."""
    text = (name or "").strip()
    if not text:
        return '<p class="kb-note">Type a name to screen (English or Chinese, any legal form).</p>'
    try:
        hits = registry.screen(text, country=country or None, as_of=day)
    except KbError as exc:
        return f'<p class="kb-note">⚠ {html.escape(str(exc))}</p>'
    return screening_html(text, hits, day, len(registry.announcements))


def _header(path: Path, shown: str) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise KbError(f"{shown} is not UTF-8 text (save the CSV as UTF-8)") from exc
    except (OSError, csv.Error) as exc:
        raise KbError(f"cannot read {shown}: {exc}") from exc


def _read(path: Path, shown: str, column: str, country_column: str | None) -> CustomerFile:
    """The customers of an uploaded file; a missing column is named in the tab's own words."""
    header = _header(path, shown)
    if not header:
        raise KbError(f"{shown} is empty: it needs a header row with a column of names")
    columns = {h.strip().casefold() for h in header}
    listed = ", ".join(repr(h.strip()) for h in header)
    for wanted, box in ((column, "Name column"), (country_column, "Country column")):
        if wanted and wanted.strip().casefold() not in columns:
            raise KbError(f"{shown} has no column {wanted!r} (its columns: {listed}); type one in “{box}”")
    try:
        return read_customers(path, column, country_column)
    except KbError as exc:
        raise KbError(str(exc).replace(str(path), shown)) from exc


def _cells(row: ReportRow) -> list[str]:
    cells = row.cells()
    why = cells["why"] or cells["note"]
    return [
        cells["line"],
        cells["name"],
        cells["country"],
        OUTCOME_WORDS[row.label],
        cells["score"],
        " ".join(x for x in (cells["party"], cells["party_zh"]) if x),
        cells["list"],
        cells["announcement"],
        cells["status"],
        why,
    ]


def _report_name(shown: str, day: dt.date) -> str:
    """``customers-screened-2026-12-02-3fa9c1.csv``: a name of its own for every download."""
    stem = re.sub(r"[^\w-]+", "-", Path(shown).stem).strip("-")[:40] or "customers"
    return f"{stem}-screened-{day.isoformat()}-{secrets.token_hex(3)}.csv"


def screen_upload(
    registry: PartyRegistry,
    path: Path,
    shown: str,
    column: str,
    country_column: str | None,
    day: dt.date,
    folder: Path,
) -> BatchScreening:
    """Screen every row of the CSV file at ``path`` (called ``shown`` to the user) on ``day``, and
    write the report into a folder of its own under ``folder``."""
    column = (column or "").strip() or "name"
    country_column = (country_column or "").strip() or None
    try:
        customers = _read(path, shown, column, country_column)
    except KbError as exc:
        return BatchScreening(f"⚠ Nothing was screened: {exc}", [])
    total = len(customers.customers) + len(customers.bad)
    if total > MAX_SCREEN_ROWS:
        return BatchScreening(
            f"⚠ Nothing was screened: {shown} has {total:,} rows; the app screens up to "
            f"{MAX_SCREEN_ROWS:,} at a time (`kb screen --csv` takes any number).",
            [],
        )
    if not customers.customers and not customers.bad:
        return BatchScreening(f"⚠ Nothing was screened: {shown} has a header row but no names.", [])
    rows = list(screen_file(registry, customers, day))
    target = fresh_folder(folder) / _report_name(shown, day)
    try:
        counts: Counter[str] = write_report(target, rows)
    except KbError as exc:
        return BatchScreening(f"⚠ The report could not be written: {exc}", [])
    summary = ", ".join(
        f"{counts.get(k, 0)} {OUTCOME_WORDS[k]}" for k in ("listed", "possible_match", "no_match")
    )
    message = (
        f"Screened {len(customers.customers):,} of {total:,} rows of **{_md(shown)}** (column "
        f"“{_md(customers.column)}”) as of {day.isoformat()}: {summary}. “Not found on the lists held” "
        f"is not a clearance; check every possible match. Report: `{target.name}`."
    )
    if customers.bad:
        bad = [f"- line {row.line}: {_md(row.problem)}" for row in customers.bad[:20]]
        if len(customers.bad) > 20:
            bad.append(f"- … and {len(customers.bad) - 20} more (see the report)")
        message += f"\n\n{len(customers.bad)} row(s) could not be screened (in the report as errors):\n"
        message += "\n".join(bad)
    if len(rows) > SHOWN_ROWS:
        message += f"\n\nThe table shows the first {SHOWN_ROWS} rows; the report has all {len(rows):,}."
    shown_rows = rows[:SHOWN_ROWS]
    return BatchScreening(
        message, [_cells(row) for row in shown_rows], tuple(row.label for row in shown_rows), target
    )


def _md(text: str) -> str:
    """Text from the file, safe inside the tab's Markdown: no markup, no HTML."""
    return re.sub(r"([\\`*_{}\[\]<>#|~])", r"\\\1", text)
