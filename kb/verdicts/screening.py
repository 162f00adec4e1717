"""Batch screening of a customer list: read a CSV of names (and optional countries), screen every
row, write a report with one row per customer.

A row that cannot be screened (no name, a name without letters, a bad country code, more fields than
the header) is reported with its line number and left out; the rest is screened. The report's columns
are ``REPORT_COLUMNS``; ``outcome`` is ``listed``, ``possible_match``, ``no_match`` or ``error``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KbError, QueryError
from kb.files import write_atomic
from kb.language.countries import check_country
from kb.verdicts.parties import Outcome, PartyRegistry, ScreenHit, outcome_of
from kb.verdicts.party_wording import (
    LIST_NAMES,
    announcement_name,
    hit_sentence,
    measures_text,
    not_found_sentence,
    not_yet_sentence,
    status_text,
    unconfirmed_sentence,
    why_text,
)

__all__ = [
    "MAX_NAME_LENGTH",
    "REPORT_COLUMNS",
    "BadRow",
    "Customer",
    "CustomerFile",
    "ReportRow",
    "read_customers",
    "screen_customers",
    "screen_file",
    "write_report",
]

#: A longer "name" is taken for a pasted paragraph, not a customer name.
MAX_NAME_LENGTH = 300

REPORT_COLUMNS = (
    "line",  # the customer's line in the input file
    "name",
    "country",
    "outcome",  # listed | possible_match | no_match | error
    "score",  # of the best hit, 0-100
    "party",  # the best hit: the listed name, its Chinese name and country
    "party_zh",
    "party_country",
    "list",
    "announcement",
    "document_id",
    "status",  # on the as-of date: listed since, measures suspended until, stopped since, unknown since
    "measures",
    "why",  # which listed name matched, after which normalisation
    "confidence",  # of the announcement: high | medium | low (unconfirmed)
    "other_matches",  # further hits: name, announcement, status, score
    "note",  # the sentence to read: what was found, or "not found on the lists held"
)


@dataclass(frozen=True)
class Customer:
    """One row of a customer file."""

    line: int
    name: str
    country: str | None


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be screened, and why."""

    line: int
    problem: str
    #: The name as the row gives it (may be empty).
    name: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


@dataclass(frozen=True)
class CustomerFile:
    """What a customer file holds: rows to screen and rows that could not be read."""

    customers: tuple[Customer, ...]
    bad: tuple[BadRow, ...]
    column: str
    country_column: str | None


@dataclass(frozen=True)
class ReportRow:
    """The screening of one customer (or the problem of one bad row)."""

    line: int
    name: str
    country: str | None
    outcome: Outcome | None
    hits: tuple[ScreenHit, ...] = ()
    problem: str | None = None
    as_of: dt.date | None = None
    announcements: int = 0

    @property
    def label(self) -> str:
        return "error" if self.outcome is None else self.outcome

    def cells(self) -> dict[str, str]:
        """The row in ``REPORT_COLUMNS`` (English)."""
        row = dict.fromkeys(REPORT_COLUMNS, "")
        row.update(line=str(self.line), name=self.name, country=self.country or "", outcome=self.label)
        if self.outcome is None:
            row["note"] = self.problem or ""
            return row
        begun = [h for h in self.hits if h.status.in_effect]
        if not begun:
            assert self.as_of is not None
            notes = [not_found_sentence(self.name, self.as_of, "en", self.announcements)]
            notes.extend(not_yet_sentence(h, "en") for h in self.hits if h.certain)
            row["note"] = " ".join(notes)
            return row
        best = begun[0]
        row.update(
            score=str(best.score),
            party=best.party.name,
            party_zh=best.party.name_zh or "",
            party_country=best.party.country or "",
            list=LIST_NAMES[best.list]["en"],
            announcement=announcement_name(best.announcement, "en"),
            document_id=best.document_id,
            status=status_text(best.status, "en"),
            measures=measures_text(best, "en"),
            why=why_text(best.why, "en"),
            confidence=best.confidence,
            other_matches="; ".join(_brief(h) for h in begun[1:]),
            note=hit_sentence(best, "en")
            + (f" {unconfirmed_sentence(best, 'en')}" if best.unconfirmed else ""),
        )
        return row


def _brief(hit: ScreenHit) -> str:
    kind = "listed" if hit.certain else "possible"
    return (
        f"{hit.party.name} ({kind}, {announcement_name(hit.announcement, 'en')}, "
        f"{status_text(hit.status, 'en')}, score {hit.score})"
    )


def read_customers(path: Path, column: str = "name", country_column: str | None = None) -> CustomerFile:
    """Read the names (column ``column``) and countries (``country_column``, else a ``country``
    column when there is one) of a CSV file with a header row. Header names match case-insensitively.

    Raises ``KbError`` when the file cannot be read or lacks the columns asked for; bad rows are
    returned, not raised.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise KbError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise KbError(f"{path} is not UTF-8 text (save the CSV as UTF-8)") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise KbError(f"{path} is empty: expected a header row with a {column!r} column")
    columns = {h.strip().casefold(): i for i, h in enumerate(header)}
    name_at = _column(columns, column, path, header)
    country_at: int | None = None
    if country_column:
        country_at = _column(columns, country_column, path, header)
    elif "country" in columns:
        country_at, country_column = columns["country"], header[columns["country"]].strip()
    customers: list[Customer] = []
    bad: list[BadRow] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        problem = _problem(cells, len(header), name_at, country_at)
        if problem:
            raw = cells[name_at].strip() if name_at < len(cells) else ""
            bad.append(BadRow(line, problem, raw[:MAX_NAME_LENGTH]))
            continue
        country = cells[country_at].strip() if country_at is not None and country_at < len(cells) else ""
        customers.append(
            Customer(
                line, cells[name_at].strip(), check_country(country, destination=False) if country else None
            )
        )
    return CustomerFile(tuple(customers), tuple(bad), header[name_at].strip(), country_column)


def _column(columns: dict[str, int], wanted: str, path: Path, header: list[str]) -> int:
    index = columns.get(wanted.strip().casefold())
    if index is None:
        shown = ", ".join(repr(h) for h in header)
        raise KbError(f"{path} has no column {wanted!r} (its columns: {shown}); name one with --column")
    return index


def _problem(cells: list[str], width: int, name_at: int, country_at: int | None) -> str | None:
    if len(cells) > width:
        return f"{len(cells)} fields but the header has {width} (a comma in a name needs quotes)"
    name = cells[name_at].strip() if name_at < len(cells) else ""
    if not name:
        return "no name"
    if not any(ch.isalnum() for ch in name):
        return f"name {name!r} has no letters or digits"
    if len(name) > MAX_NAME_LENGTH:
        return f"name is {len(name)} characters long (at most {MAX_NAME_LENGTH})"
    if country_at is not None and country_at < len(cells) and cells[country_at].strip():
        try:
            check_country(cells[country_at], destination=False)
        except QueryError as exc:
            return str(exc).replace("destination", "country", 1)
    return None


def screen_customers(
    registry: PartyRegistry,
    customers: Iterable[Customer],
    as_of: dt.date,
    progress: bool = False,
    total: int | None = None,
) -> Iterator[ReportRow]:
    """Screen each customer on ``as_of``, in order, with a progress bar when ``progress``."""
    from tqdm import tqdm

    held = len(registry.announcements)
    for customer in tqdm(customers, desc="screening", unit="name", total=total, disable=not progress):
        hits = registry.screen(customer.name, country=customer.country, as_of=as_of)
        yield ReportRow(
            customer.line,
            customer.name,
            customer.country,
            outcome_of(hits),
            tuple(hits),
            as_of=as_of,
            announcements=held,
        )


def screen_file(
    registry: PartyRegistry, customers: CustomerFile, as_of: dt.date, progress: bool = False
) -> Iterator[ReportRow]:
    """Every row of a customer file in line order: each customer screened, each bad row as an
    ``error`` row naming its problem."""
    bad = sorted(customers.bad, key=lambda b: b.line)
    screened = screen_customers(registry, customers.customers, as_of, progress, len(customers.customers))
    for row in screened:
        while bad and bad[0].line < row.line:
            yield _error_row(bad.pop(0))
        yield row
    yield from (_error_row(b) for b in bad)


def _error_row(bad: BadRow) -> ReportRow:
    return ReportRow(bad.line, bad.name, None, None, problem=bad.problem)


def write_report(path: Path, rows: Iterable[ReportRow]) -> Counter[str]:
    """Write the report CSV (UTF-8 with a byte-order mark, so spreadsheets show Chinese names) in one
    atomic step, and return how many rows had each outcome."""
    counts: Counter[str] = Counter()
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        counts[row.label] += 1
        writer.writerow(row.cells())
    try:
        write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    except OSError as exc:
        raise KbError(f"cannot write {path}: {exc.strerror}") from exc
    return counts
