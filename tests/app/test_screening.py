"""The screening tab's work as plain functions: one name under the As-of date, and a CSV file of
customers screened by the batch code of ``kb screen --csv``, bad rows named by line, the report
written under a name of its own for each download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.app.screening import MAX_SCREEN_ROWS, SCREEN_HEADERS
from kb.app.state import WebApp
from kb.config import Settings
from kb.verdicts.screening import REPORT_COLUMNS
from tests.conftest import WordOverlapSearcher

DAY = "2026-11-22"
CUSTOMERS = """customer,cc
MP Materials,US
MP Materails Corp,
"Acme, Widgets GmbH",DE
,US
Red Cat Holdings,XX
芒廷帕斯材料公司,
!!!,
"""


@pytest.fixture(scope="module")
def shared_base() -> KnowledgeBase:
    return KnowledgeBase(Settings(), searcher=WordOverlapSearcher())


@pytest.fixture
def web(shared_base: KnowledgeBase) -> WebApp:
    return WebApp(Settings.from_env(), shared_base)


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "upload-7f3a" / "customers.csv"
    path.parent.mkdir()
    path.write_text(CUSTOMERS, encoding="utf-8")
    return path


def _report(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_one_listed_name_on_the_date(web: WebApp) -> None:
    shown = web.screen("MP Materials", "", DAY)
    assert 'data-outcome="listed"' in shown and "listed since 2026-06-22" in shown
    assert "MOFCOM Announcement No. 23 of 2026" in shown and "(score 100)" in shown


def test_one_name_follows_the_date(web: WebApp) -> None:
    shown = web.screen("MP Materials", "", "2026-01-01")
    assert 'data-outcome="no_match"' in shown and "was not yet listed on 2026-01-01" in shown


def test_a_country_that_differs_makes_a_listed_name_possible(web: WebApp) -> None:
    shown = web.screen("MP Materials", "DE", DAY)
    assert 'data-outcome="possible_match"' in shown and "but the list gives US, not DE" in shown


@pytest.mark.parametrize(
    ("name", "country", "day", "said"),
    [
        ("", "", DAY, "Type a name to screen"),
        ("!!!", "", DAY, "contains no letters or digits to screen"),
        ("MP Materials", "", "2024/13/45", "is not a date"),
    ],
)
def test_what_cannot_be_screened_is_a_message(
    web: WebApp, name: str, country: str, day: str, said: str
) -> None:
    shown = web.screen(name, country, day)
    assert said in shown and "kb-party-card" not in shown


def test_one_name_is_escaped(web: WebApp) -> None:
    shown = web.screen('<img src="http://198.51.100.7/x.png">Acme', "", DAY)
    assert "<img" not in shown and "&lt;img" in shown


def test_a_customer_file_is_screened_with_its_bad_rows_named(
    web: WebApp, customers: Path, tmp_path: Path
) -> None:
    done = web.screen_csv(customers, "customer", "cc", DAY, tmp_path / "exports")
    assert done.message.startswith("Screened 4 of 7 rows of **customers.csv** (column “customer”) as of")
    assert "2 listed, 1 possible match — check, 1 not found on the lists held" in done.message
    assert "is not a clearance" in done.message and done.path is not None
    assert f"Report: `{done.path.name}`." in done.message
    for problem in ("- line 5: no name", "- line 6: country 'XX' is not an ISO 3166 alpha-2 country code",
                    "- line 8: name '!!!' has no letters or digits"):  # fmt: skip
        assert problem in done.message
    assert str(customers.parent) not in done.message
    assert [row[0] for row in done.rows] == ["2", "3", "4", "5", "6", "7", "8"]
    assert len(done.rows[0]) == len(SCREEN_HEADERS)
    assert done.outcomes == ("listed", "possible_match", "no_match", "error", "error", "listed", "error")
    assert done.rows[1][3] == "possible match — check" and done.rows[2][3] == "not found on the lists held"
    assert done.path is not None and done.path.parent.parent == tmp_path / "exports"
    report = _report(done.path)
    assert list(report[0]) == list(REPORT_COLUMNS)
    assert [r["outcome"] for r in report] == ["listed", "possible_match", "no_match", "error", "error",
                                              "listed", "error"]  # fmt: skip
    assert report[0]["party"] == "MP Materials Corp." and report[0]["document_id"] == "mofcom-2026-23"
    assert report[0]["status"] == "listed since 2026-06-22"


def test_every_download_has_a_file_name_of_its_own(web: WebApp, customers: Path, tmp_path: Path) -> None:
    first = web.screen_csv(customers, "customer", "cc", DAY, tmp_path)
    second = web.screen_csv(customers, "customer", "cc", DAY, tmp_path)
    assert first.path is not None and second.path is not None
    assert first.path.name != second.path.name and first.path.parent != second.path.parent
    assert first.path.name.startswith(f"customers-screened-{DAY}-") and first.path.suffix == ".csv"


def test_the_country_column_defaults_to_country(web: WebApp, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Country\nMP Materials,DE\n", encoding="utf-8")
    done = web.screen_csv(path, "name", "", DAY, tmp_path / "out")
    assert done.outcomes == ("possible_match",) and done.rows[0][2] == "DE"


@pytest.mark.parametrize(
    ("text", "column", "said"),
    [
        ("customer,cc\nMP Materials,US\n", "name",
         "customers.csv has no column 'name' (its columns: 'customer', 'cc'); type one in “Name column”"),
        ("", "name", "customers.csv is empty"),
        ("name\n", "name", "customers.csv has a header row but no names"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_screened_is_a_message(
    web: WebApp, tmp_path: Path, text: str, column: str, said: str
) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    done = web.screen_csv(path, column, "", DAY, tmp_path / "out")
    assert done.message.startswith("⚠ Nothing was screened") and said in done.message
    assert done.path is None and done.rows == [] and str(tmp_path) not in done.message


def test_a_file_that_is_not_utf8_or_too_long_is_a_message(web: WebApp, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name\nSociété Générale\n".encode("latin-1"))
    assert "latin.csv is not UTF-8 text" in web.screen_csv(path, "name", "", DAY, tmp_path).message
    path = tmp_path / "long.csv"
    path.write_text("name\n" + "Acme Widgets\n" * (MAX_SCREEN_ROWS + 1), encoding="utf-8")
    done = web.screen_csv(path, "name", "", DAY, tmp_path)
    assert f"the app screens up to {MAX_SCREEN_ROWS:,} at a time" in done.message and done.path is None


def test_no_file_or_a_bad_date_screens_nothing(web: WebApp, customers: Path, tmp_path: Path) -> None:
    assert web.screen_csv(None, "name", "", DAY, tmp_path).message.startswith("Choose a CSV file")
    done = web.screen_csv(customers, "customer", "", "2024/13/45", tmp_path)
    assert "is not a date" in done.message and done.path is None


def test_names_in_the_message_cannot_make_markup(web: WebApp, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("name\n<>**__\n", encoding="utf-8")
    done = web.screen_csv(path, "name", "", DAY, tmp_path / "out")
    assert "- line 2: name '\\<\\>\\*\\*\\_\\_' has no letters or digits" in done.message


@pytest.mark.parametrize(
    ("day", "state", "said"),
    [
        ("2025-04-01", "not_yet_listed", "was not yet listed on 2025-04-01"),
        ("2025-04-20", "listed", "listed since 2025-04-04"),
        ("2025-06-01", "suspended", "measures suspended until"),
        ("2026-11-22", "unknown", "the suspension ran until 2026-11-10 and no later official word is held"),
    ],
)
def test_a_suspended_listing_before_during_and_after(web: WebApp, day: str, state: str, said: str) -> None:
    shown = web.screen("High Point Aerotechnologies", "", day)
    assert f'data-state="{state}"' in shown and said in shown


def test_a_chinese_name_is_screened(web: WebApp) -> None:
    shown = web.screen("芒廷帕斯材料公司", "", DAY)
    assert 'data-outcome="listed"' in shown and "the same name as the listed Chinese name" in shown
