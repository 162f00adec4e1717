"""The lookup tab's table: controlled items with their verdicts, why each row matched, and the CSV.

Rows come from the catalogue (a name, HS code or control code, or every item); a row says why it
matched the query in words (``Why it matched``), so a search for "copper" that finds tungsten
alloys says that "copper" appears in their names. An item that several documents list with the
same names, codes and verdict (an announcement and the consolidated list that carries it over) is
one row naming every document. Each CSV download is a file of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.answering.knowledge import KnowledgeBase
from kb.answering.wording import VERDICT_LABELS, verdict_when
from kb.app.downloads import fresh_folder
from kb.errors import KbError
from kb.language.codes import classify_query
from kb.language.countries import check_country
from kb.language.phrases import normalise
from kb.verdicts.catalogue import CatalogueItem, Match
from kb.verdicts.timeline import Verdict

__all__ = [
    "LOOKUP_HEADERS",
    "VERDICT_COLUMN",
    "LookupTable",
    "lookup_rows",
    "lookup_table",
    "why_matched",
    "write_csv",
]

LOOKUP_HEADERS: tuple[str, ...] = (
    "Family", "Item", "名称", "Verdict", "Note", "Why it matched",
    "HS codes", "Control code", "Document", "Ref",
)  # fmt: skip
VERDICT_COLUMN = LOOKUP_HEADERS.index("Verdict")


@dataclass(frozen=True)
class LookupTable:
    """The rows of the lookup tab, the verdict value of each row (for its colour), and a line
    saying what they are."""

    rows: list[list[str]]
    note: str
    verdicts: tuple[str, ...] = ()


def _note(verdict: Verdict) -> str:
    return verdict_when(verdict)


def _shown_phrase(item: CatalogueItem, matched: str) -> str:
    """The item's own spelling of a matched (normalised) phrase, shortened for the table."""
    for name in (item.name, item.name_zh, *item.aliases):
        if normalise(name) == matched:
            matched = name
            break
    return matched if len(matched) <= 70 else matched[:69].rstrip() + "…"


def why_matched(query: str, match: Match) -> str:
    """Why ``match`` answers ``query``, in words (from how the catalogue matched it)."""
    q = query.strip()
    item, found = match.item, match.matched
    kind = classify_query(q)
    if kind == "hs_code":
        if match.score >= 1.0:
            return f"lists HS code {found}"
        return (
            f"HS code {found} is under {q}"
            if found.startswith(q.replace(".", ""))
            else f"{q} is under HS {found}"
        )
    if kind == "control_code":
        if match.score >= 1.0:
            return f"control code {found.upper() if found.isalnum() else found}"
        return f"control code {item.control_code or found} is part of {q}"
    if match.score >= 1.0:
        return f"named “{_shown_phrase(item, found)}”"
    if match.score >= 0.9:
        return f"in the {found} family"
    if match.score >= 0.7:
        return f"“{q}” appears in “{_shown_phrase(item, found)}”"
    if match.score >= 0.6:
        return f"close spelling of “{_shown_phrase(item, found)}”"
    return f"close to the family name “{found}”"


def lookup_rows(query: str, found: Sequence[tuple[CatalogueItem, Verdict, Match | None]]) -> LookupTable:
    """Table rows for catalogue items and their verdicts (``Match`` when a query found them);
    rows that differ only in the document that lists the item are merged into one."""
    merged: dict[tuple[object, ...], tuple[list[str], str]] = {}
    for item, verdict, match in found:
        why = why_matched(query, match) if match is not None else ""
        row = [
            item.family,
            item.name,
            item.name_zh,
            VERDICT_LABELS[verdict.value]["en"],
            _note(verdict),
            why,
            ", ".join(item.hs_codes),
            item.control_code or "",
            item.number or item.document_id,
            item.ref,
        ]
        key = (item.family, item.name, item.name_zh, verdict.value, row[4], row[6], row[7])
        if key in merged:
            kept, _ = merged[key]
            if row[8] not in kept[8].split("; "):
                kept[8] = f"{kept[8]}; {row[8]}"
                kept[9] = f"{kept[9]}; {row[9]}"
            continue
        merged[key] = (row, verdict.value)
    rows = [row for row, _ in merged.values()]
    return LookupTable(rows, "", tuple(value for _, value in merged.values()))


def lookup_table(
    base: KnowledgeBase, query: str, family: str | None, day: dt.date, destination: str | None
) -> LookupTable:
    """Every controlled item (or those matching ``query``), of one ``family`` or all, with their
    verdicts on ``day`` to ``destination``, why each matched, and a line saying what they are."""
    text = (query or "").strip()
    found: list[tuple[CatalogueItem, Verdict, Match | None]]
    try:
        dest = check_country(destination) if destination else None
        if text:
            found = [
                (r.match.item, r.verdict, r.match) for r in base.lookup(text, as_of=day, destination=dest)
            ]
        else:
            found = [(i, base.timeline.verdict(i, day, dest), None) for i in base.catalogue.items]
        if text and not found:
            return LookupTable([], base.not_listed_note(text))
    except KbError as exc:
        return LookupTable([], f"⚠ {exc}")
    if family:
        found = [entry for entry in found if entry[0].family == family]
    table = lookup_rows(text, found)
    where = f" to {dest}" if dest else ""
    what = f" matching {text!r}" if text else ""
    count = f"{len(table.rows)} {'entry' if len(table.rows) == 1 else 'entries'}"
    note = f"{count}{what}; verdicts as of {day.isoformat()}{where}."
    scores = [match.score for _, _, match in found if match is not None]
    if scores and max(scores) < 0.9 and text:
        how = "contain it in a name or alias" if max(scores) >= 0.7 else "are close spellings or families"
        note += f" No entry is named {text!r} itself: these {how} (see “Why it matched”)."
    return LookupTable(table.rows, note, table.verdicts)


def write_csv(table: LookupTable, folder: Path, day: dt.date) -> Path:
    """The table as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names), in a
    folder of its own under ``folder`` (see :func:`kb.app.downloads.fresh_folder`)."""
    path = fresh_folder(folder) / f"controlled-items-{day.isoformat()}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LOOKUP_HEADERS)
        writer.writerows(table.rows)
    return path
