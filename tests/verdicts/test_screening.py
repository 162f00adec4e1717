"""Batch screening: customer CSVs read (bad rows named by line), screened, reported one row per customer."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from kb.corpus.loading import load_corpus
from kb.errors import KbError
from kb.verdicts.parties import PartyRegistry
from kb.verdicts.screening import REPORT_COLUMNS, read_customers, screen_file, write_report
from tests.conftest import FIXTURES, SOURCES

NOW = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def registry() -> PartyRegistry:
    return PartyRegistry(load_corpus(SOURCES))


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_named_by_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Customer,Country\n"
        "MP Materials,US\n"
        ",DE\n"  # line 3: no name
        "Acme GmbH,XX\n"  # line 4: bad country
        '"Hensoldt AG",DE\n'
        "Red, Hat,US\n"  # line 6: too many fields
        "---,US\n"  # line 7: no letters
        "\n"
        "斯巴鲁株式会社,\n",
    )
    customers = read_customers(path, column="customer")
    assert [(c.line, c.name, c.country) for c in customers.customers] == [
        (2, "MP Materials", "US"),
        (5, "Hensoldt AG", "DE"),
        (9, "斯巴鲁株式会社", None),
    ]
    assert [str(b) for b in customers.bad] == [
        "line 3: no name",
        "line 4: country 'XX' is not an ISO 3166 alpha-2 country code (e.g. US, JP, DE) or a country name "
        "the knowledge base knows (e.g. United States)",
        "line 6: 3 fields but the header has 2 (a comma in a name needs quotes)",
        "line 7: name '---' has no letters or digits",
    ]
    assert customers.column == "Customer" and customers.country_column == "Country"


def test_a_missing_column_names_the_columns_there_are(tmp_path: Path) -> None:
    path = _csv(tmp_path, "company,cc\nMP Materials,US\n")
    with pytest.raises(KbError, match=r"no column 'name' \(its columns: 'company', 'cc'\)"):
        read_customers(path)
    with pytest.raises(KbError, match="no column 'country'"):
        read_customers(path, column="company", country_column="country")
    assert read_customers(path, column="company", country_column="cc").customers[0].country == "US"


def test_unreadable_files(tmp_path: Path) -> None:
    empty = _csv(tmp_path, "")
    with pytest.raises(KbError, match="is empty"):
        read_customers(empty)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name\nSoci\xe9t\xe9 G\xe9n\xe9rale\n".encode("latin-1"))
    with pytest.raises(KbError, match="not UTF-8"):
        read_customers(latin1)


def test_the_report_has_a_row_per_customer_in_line_order(registry: PartyRegistry, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "name,country\nMP Materials Corp.,US\n,US\nHuntington Ingals Industries,US\nAcme Widgets GmbH,DE\n"
        "Rheinmetall AG,DE\n",
    )
    report = tmp_path / "report.csv"
    counts = write_report(report, screen_file(registry, read_customers(path), NOW))
    assert counts == {"listed": 2, "possible_match": 1, "no_match": 1, "error": 1}
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert list(rows[0]) == list(REPORT_COLUMNS)
    assert [(r["line"], r["outcome"]) for r in rows] == [
        ("2", "listed"),
        ("3", "error"),
        ("4", "possible_match"),
        ("5", "no_match"),
        ("6", "listed"),
    ]
    listed, error, possible, missing, low = rows
    assert listed["party"] == "MP Materials Corp." and listed["party_zh"] == "芒廷帕斯材料公司"
    assert listed["list"] == "MOFCOM's export-control control list"
    assert (
        listed["announcement"] == "MOFCOM Announcement No. 23 of 2026"
        and listed["document_id"] == "mofcom-2026-23"
    )
    assert listed["status"] == "listed since 2026-06-22" and listed["score"] == "100"
    assert listed["measures"].startswith("Exporters may not export dual-use items")
    assert listed["note"].startswith("Listed: MP Materials Corp.")
    assert error["note"] == "no name"
    assert possible["note"].startswith("Possible match — check: 'Huntington Ingals Industries'")
    assert (
        "uel-2025-5" not in possible["document_id"] and "UEL Working Mechanism" in possible["other_matches"]
    )
    assert missing["party"] == "" and "not found on the lists held as of 2026-11-22" in missing["note"]
    assert "(this is not a clearance)" in missing["note"]
    assert low["confidence"] == "low" and "unconfirmed (confidence: low)" in low["note"]


def test_a_listing_that_starts_later_is_reported_as_not_found_with_its_date(
    registry: PartyRegistry, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "name\nMP Materials\n")
    report = tmp_path / "report.csv"
    write_report(report, screen_file(registry, read_customers(path), dt.date(2026, 1, 1)))
    row = next(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert row["outcome"] == "no_match"
    assert "not found on the lists held as of 2026-01-01" in row["note"]
    assert "lists it from 2026-06-22" in row["note"]


def test_the_fixture_gives_the_outcomes_it_was_written_for(registry: PartyRegistry, tmp_path: Path) -> None:
    fixture = FIXTURES / "customers-1000.csv"
    report = tmp_path / "report.csv"
    customers = read_customers(fixture)
    assert len(customers.customers) == 1000 and not customers.bad
    write_report(report, screen_file(registry, customers, NOW))
    expected = [row["expected"] for row in csv.DictReader(fixture.open(encoding="utf-8"))]
    got = [row["outcome"] for row in csv.DictReader(report.open(encoding="utf-8-sig"))]
    wrong = [(i + 2, e, g) for i, (e, g) in enumerate(zip(expected, got, strict=True)) if e != g]
    assert wrong == []
