"""Classifying product descriptions without a question around them: one product (``kb classify``) or
a product master file (``kb classify --csv``), with the reasons a compliance officer checks."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.answering.analysis import is_military, kinds_in, serves_weapons_of_mass_destruction
from kb.answering.knowledge import KnowledgeBase
from kb.answering.product_wording import condition_text, conditions_of, line_explanation, line_headline
from kb.answering.records import Lang
from kb.answering.wording import CATCH_ALL, CATCH_ALL_APPLIES, VERDICT_LABELS, headline, say
from kb.corpus.documents import Corpus
from kb.errors import QueryError
from kb.files import write_atomic
from kb.language.countries import check_country
from kb.language.script import question_language
from kb.verdicts.classify import Classification, Line, classify_text

__all__ = ["CSV_COLUMNS", "BatchReport", "ProductVerdict", "classify_csv", "classify_product"]

#: The columns of the report ``kb classify --csv`` writes.
CSV_COLUMNS = (
    "line", "description", "hs_code", "verdict", "product", "kind", "item", "document", "ref", "conditions",
    "missed", "reason",
)  # fmt: skip
_DESCRIPTION = ("description", "product", "item", "name", "品名", "产品", "描述", "货物名称")
_HS = ("hs_code", "hs", "hs code", "code", "商品编号", "海关编码", "税号")


@dataclass(frozen=True)
class ProductVerdict:
    """The classification of one description, ready to print or write."""

    description: str
    as_of: dt.date
    destination: str | None
    military: bool
    classification: Classification
    lang: Lang
    #: For the wording of destination and suspension reasons.
    corpus: Corpus | None = None
    #: Whether the description or end use says weapons of mass destruction, missiles or terrorism.
    weapons: bool = False

    @property
    def verdict(self) -> str:
        value = self.classification.value or "not_listed"
        # on no list, but for weapons of mass destruction: the catch-all rule asks for a licence
        return "licence_required" if value == "not_listed" and self.weapons else value

    @property
    def note(self) -> str | None:
        """What the catch-all rule says of goods on no list (that it applies, for weapons end uses)."""
        if self.weapons and self.classification.value in (None, "not_listed"):
            return CATCH_ALL_APPLIES[self.lang]
        if not self.classification.lines or self.verdict == "not_listed":
            return CATCH_ALL[self.lang]
        return None

    def lines(self) -> list[dict[str, object]]:
        return [line_record(line, self.lang, self.corpus) for line in self.classification.lines]

    def to_dict(self) -> dict[str, object]:
        return {
            "description": self.description,
            "as_of": self.as_of.isoformat(),
            "destination": self.destination,
            "military": self.military,
            "verdict": self.verdict,
            "products": self.lines(),
            "note": None if self.classification.lines and not self.weapons else self.note,
        }


def line_record(line: Line, lang: Lang, corpus: Corpus | None = None) -> dict[str, object]:
    """One product line with its reason in words (destination and suspension reasons need ``corpus``)."""
    item = line.item
    reason = line_headline(line, lang)
    if not reason and line.verdict is not None:
        reason = headline(line.verdict, False, lang)
    extra = line_explanation(line, lang)
    reasons = line.verdict.reasons if line.verdict is not None and corpus is not None else ()
    rules = [say(r, corpus, lang) for r in reasons if r.kind != "listed" and corpus is not None]
    return {
        "product": line.product,
        "verdict": line.value,
        "label": VERDICT_LABELS[line.value][lang],
        "kind": line.kind,
        "item": item.name if item else None,
        "document": item.number or item.document_id if item else None,
        "document_id": item.document_id if item else None,
        "ref": item.ref if item else None,
        "conditions": conditions_of(line.assessment, lang) if line.kind == "conditional" else [],
        "missed": [condition_text(c.condition, lang) for c in line.assessment.missed]
        if line.assessment
        else [],
        "reason": " ".join(part for part in [reason, extra, *rules] if part),
    }


def classify_product(
    base: KnowledgeBase,
    description: str,
    as_of: dt.date | None = None,
    destination: str | None = None,
    end_use: str = "",
    lang: Lang | None = None,
) -> ProductVerdict:
    """Classify one product description (and its stated end use) as of a date for a destination."""
    text = " ".join(description.split())
    if not text:
        raise QueryError("the product description is empty")
    day = as_of or dt.date.today()
    country = check_country(destination) if destination else None
    military = is_military(f"{text} {end_use}")
    classification = classify_text(
        text, base.catalogue, base.timeline, day, country, military, kinds=kinds_in(text)
    )
    chosen: Lang = lang or ("zh" if question_language(text) == "zh" else "en")
    weapons = serves_weapons_of_mass_destruction(f"{text} {end_use}")
    return ProductVerdict(text, day, country, military, classification, chosen, base.corpus, weapons)


@dataclass
class BatchReport:
    """What a CSV run did: rows classified, rows that could not be read (with their line numbers)."""

    rows: int = 0
    classified: int = 0
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def classify_csv(
    base: KnowledgeBase,
    source: Path,
    output: Path,
    as_of: dt.date | None = None,
    destination: str | None = None,
    end_use: str = "",
    progress: bool = True,
) -> BatchReport:
    """Classify every row of a CSV of product descriptions (a ``description`` column, or the first
    one; an optional ``hs_code`` column) and write the report to ``output``. A row that cannot be read
    is named with its line number; the rest is classified."""
    from tqdm import tqdm

    rows = list(_rows(source))
    report = BatchReport(rows=len(rows))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for number, description, code, problem in tqdm(
        rows, desc="classifying", unit="row", disable=not progress
    ):
        if problem:
            report.problems.append(f"line {number}: {problem}")
            continue
        text = f"{description} {code}".strip()
        try:
            result = classify_product(base, text, as_of, destination, end_use)
        except QueryError as exc:
            report.problems.append(f"line {number}: {exc}")
            continue
        report.classified += 1
        report.counts[result.verdict] = report.counts.get(result.verdict, 0) + 1
        records = result.lines() or [
            {"verdict": "not_listed", "kind": "unrecognised", "reason": CATCH_ALL[result.lang]}
        ]
        if result.weapons and result.verdict == "licence_required" and result.note:
            records = [{**r, "verdict": "licence_required", "reason": result.note} for r in records]
        for record in records:
            writer.writerow({
                "line": number, "description": description, "hs_code": code,
                "verdict": record["verdict"], "product": record.get("product", ""), "kind": record["kind"],
                "item": record.get("item") or "", "document": record.get("document") or "",
                "ref": record.get("ref") or "", "conditions": "; ".join(record.get("conditions") or []),  # type: ignore[arg-type]
                "missed": "; ".join(record.get("missed") or []),  # type: ignore[arg-type]
                "reason": record["reason"],
            })  # fmt: skip
    write_atomic(output, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return report


def _rows(source: Path) -> Iterator[tuple[int, str, str, str]]:
    """(line number, description, HS code, problem) for every data row of the CSV."""
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise QueryError(f"cannot read {source}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise QueryError(f"{source} is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise QueryError(f"{source} is empty")
    names = [h.strip().casefold() for h in header]
    description = next((names.index(n) for n in _DESCRIPTION if n in names), None)
    code = next((names.index(n) for n in _HS if n in names), None)
    if description is None:  # no header: the first column holds descriptions
        description = 0
        reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a NUL byte, an unclosed quote at the end of the file
            yield reader.line_num, "", "", f"cannot read this row ({exc})"
            return
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if description >= len(row) or not row[description].strip():
            yield number, "", "", "no product description in this row"
            continue
        value = row[code].strip() if code is not None and code < len(row) else ""
        yield number, row[description].strip(), value, ""
