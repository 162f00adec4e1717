"""``kb screen``: one name (text and JSON) and a CSV of customers, through click's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from kb.verdicts.screening import REPORT_COLUMNS


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_listed_name() -> None:
    code, out, _ = _run("screen", "MP Materials", "--as-of", "2026-11-22")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "'MP Materials' as of 2026-11-22: listed"
    assert "MP Materials Corp. (芒廷帕斯材料公司, US)  [listed, score 100]" in out
    assert "list:       MOFCOM's export-control control list" in out
    assert "document:   MOFCOM Announcement No. 23 of 2026, effective 2026-06-22" in out
    assert "status:     listed since 2026-06-22" in out
    assert "measures:   Exporters may not export dual-use items" in out
    assert "why:        the same name as the listed alias 'MP Materials'" in out


def test_a_chinese_name_on_a_suspended_listing() -> None:
    code, out, _ = _run("screen", "内华达山脉公司", "--as-of", "2025-06-01")
    assert code == 0
    assert "measures suspended until 2025-08-12 (inclusive), since 2025-05-14" in out
    assert "measures suspended since 2025-05-14, no end date stated" in out  # its UEL listing


def test_a_possible_match_says_check() -> None:
    code, out, _ = _run("screen", "Huntington Ingals Industries", "--country", "US", "--as-of", "2026-11-22")
    assert code == 0
    assert out.splitlines()[0] == "'Huntington Ingals Industries' as of 2026-11-22: possible match — check"
    assert "[possible match — check, score 99]" in out
    flowing = " ".join(out.split())  # long lines are wrapped
    assert (
        "a close spelling of the listed name 'Huntington Ingalls Industries, Inc.'; same country (US)"
        in flowing
    )


def test_not_found_is_not_a_clearance() -> None:
    code, out, _ = _run("screen", "Acme Widgets GmbH", "--as-of", "2026-11-22")
    assert code == 0
    assert out.splitlines()[0] == (
        "'Acme Widgets GmbH' as of 2026-11-22: not found on the lists held (this is not a clearance)"
    )
    assert "other lists and the catch-all controls may still apply" in out


def test_json() -> None:
    code, out, _ = _run("screen", "Universal Logistics Holdings", "--as-of", "2026-12-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"query", "country", "as_of", "outcome", "label", "note", "hits", "held"}
    assert (data["outcome"], data["as_of"], data["held"]["announcements"]) == ("listed", "2026-12-01", 26)
    hit = data["hits"][0]
    assert hit["party"]["name"] == "Universal Logistics Holdings, Inc." and hit["certain"] is True
    assert hit["status"]["state"] == "unknown" and hit["status"]["until"] == "2026-11-10"
    assert hit["document_id"] == "mofcom-2025-21" and hit["list"] == "control_list"
    assert hit["sentence"].startswith("Listed: Universal Logistics Holdings, Inc.")
    assert "status unknown since 2026-11-11" in hit["sentence"]


def test_json_not_found() -> None:
    data = json.loads(_run("screen", "Acme Widgets GmbH", "--json")[1])
    assert data["outcome"] == "no_match" and data["hits"] == []
    assert "this is not a clearance" in data["label"] and "not found on the lists held" in data["note"]


def _customers(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(
        "customer,cc\nMP Materials Corp.,US\nAcme Widgets,XX\nRed Hat Inc.,US\n,US\nSiemens AG,DE\n",
        encoding="utf-8",
    )
    return path


def test_csv_report(tmp_path: Path) -> None:
    path = _customers(tmp_path)
    report = tmp_path / "out" / "report.csv"
    code, out, err = _run(
        "screen", "--csv", str(path), "--column", "customer", "--country-column", "cc",
        "-o", str(report), "--as-of", "2026-11-22", "-q",
    )  # fmt: skip
    assert code == 0, err
    assert "skipped line 3: country 'XX' is not an ISO 3166 alpha-2 country code" in err
    assert "skipped line 5: no name" in err
    assert "screened 5 rows of customers.csv as of 2026-11-22" in out
    assert "1 listed, 1 possible match, 1 no match, 2 error" in out
    assert f"wrote {report}" in out
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert list(rows[0]) == list(REPORT_COLUMNS)
    assert [(r["line"], r["name"], r["outcome"]) for r in rows] == [
        ("2", "MP Materials Corp.", "listed"),
        ("3", "Acme Widgets", "error"),
        ("4", "Red Hat Inc.", "possible_match"),
        ("5", "", "error"),
        ("6", "Siemens AG", "no_match"),
    ]
    assert (
        rows[2]["party"] == "Red Cat Holdings, Inc." and "possible match — check" in rows[2]["note"].lower()
    )


def test_csv_json_and_default_output(tmp_path: Path) -> None:
    path = _customers(tmp_path)
    code, out, _ = _run(
        "screen", "--csv", str(path), "--column", "customer", "--country-column", "cc", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["output"] == str(tmp_path / "customers-screened.csv")
    assert (tmp_path / "customers-screened.csv").is_file()
    assert data["rows"] == 5
    assert data["counts"] == {"listed": 1, "possible_match": 1, "no_match": 1, "error": 2}
    assert [b["line"] for b in data["bad"]] == [3, 5]


def test_usage_errors(tmp_path: Path) -> None:
    code, _, err = _run("screen")
    assert code == 2 and "give one NAME to screen, or --csv FILE" in err
    path = _customers(tmp_path)
    code, _, err = _run("screen", "MP Materials", "--csv", str(path))
    assert code == 2
    code, _, err = _run("screen", "--csv", str(path))
    assert code == 1 and "has no column 'name' (its columns: 'customer', 'cc')" in err
    assert "Traceback" not in err
    code, _, err = _run("screen", "MP Materials", "--country", "XX")
    assert code == 1 and "ISO 3166" in err
