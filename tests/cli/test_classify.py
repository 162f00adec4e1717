"""kb classify: one description or a CSV of them, verdicts with the entry compared and the reasons."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main


def _classify(*args: str) -> dict:
    result = CliRunner().invoke(main, ["classify", *args, "--json", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_listed_compound_names_its_entry() -> None:
    data = _classify("gallium nitride wafers")
    assert data["verdict"] == "licence_required"
    product = data["products"][0]
    assert product["kind"] == "listed"
    assert product["document_id"] == "mofcom-gac-2023-23"
    assert product["ref"].startswith("Art. 1")


def test_a_specification_below_the_threshold_is_not_listed_and_says_which() -> None:
    data = _classify("graphite electrode, 99.8% C, 12 MPa, 1.70 g/cm3")
    product = data["products"][0]
    assert product["verdict"] == "not_listed"
    assert product["kind"] == "below_threshold"
    assert product["missed"], "the threshold that is not met must be named"


def test_a_product_without_its_specification_is_conditional_with_the_conditions() -> None:
    data = _classify("synthetic graphite block")
    product = data["products"][0]
    assert product["kind"] == "conditional"
    assert product["verdict"] == "licence_required"  # the verdict if the thresholds are met
    assert any("99.9%" in condition and "30 MPa" in condition for condition in product["conditions"])


def test_a_military_end_use_raises_the_verdict() -> None:
    civil = _classify("antimony ingots", "--destination", "DE")
    military = _classify("antimony ingots", "--destination", "DE", "--end-use", "ammunition primers")
    assert civil["verdict"] == "licence_required"
    assert military["military"] is True and civil["military"] is False


def test_goods_on_no_list_for_missiles_need_a_licence_under_the_catch_all_rule(tmp_path: Path) -> None:
    plain = _classify("industrial alumina powder")
    assert plain["verdict"] == "not_listed"
    weapons = _classify("industrial alumina powder", "--end-use", "a missile research institute")
    assert weapons["verdict"] == "licence_required"
    assert "Art. 12(3)" in weapons["note"] and weapons["products"][0]["verdict"] == "not_listed"
    denied = _classify("industrial alumina powder", "--end-use", "not for missiles, ceramics kiln")
    assert denied["verdict"] == "not_listed"
    # the CSV report says so on each row
    source, report = tmp_path / "products.csv", tmp_path / "report.csv"
    source.write_text("description\nindustrial alumina powder\n", encoding="utf-8")
    args = ["classify", "--csv", str(source), "-o", str(report), "--end-use", "导弹研发"]
    args += ["--as-of", "2026-11-22"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(report.open(encoding="utf-8")))
    assert row["verdict"] == "licence_required" and "12" in row["reason"]


def test_an_unlisted_element_is_not_listed() -> None:
    data = _classify("copper cathode grade A")
    assert data["verdict"] == "not_listed"
    assert [p["kind"] for p in data["products"]] == ["unlisted_element"]
    assert "not listed" in data["products"][0]["reason"]


def test_chinese_description_is_answered_in_chinese() -> None:
    data = _classify("氮化镓晶圆")
    assert data["verdict"] == "licence_required"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["products"][0]["reason"])


def test_csv_rows_are_classified_and_bad_rows_named_by_line(tmp_path: Path) -> None:
    source = tmp_path / "products.csv"
    source.write_text(
        'description,hs_code\n"gallium nitride wafers",\n,2811\n\n"multi\nline tungsten carbide powder",\n'
        "copper cathode,7403110000\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["classify", "--csv", str(source), "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    assert "3 of 4 rows classified" in result.output
    assert "skipped line 3: no product description" in result.output
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    by_line = {row["line"]: row for row in rows}
    assert by_line["2"]["verdict"] == "licence_required"
    assert by_line["6"]["verdict"] == "licence_required"  # the quoted row ends on line 6
    assert by_line["7"]["verdict"] == "not_listed" and by_line["7"]["hs_code"] == "7403110000"


def test_csv_that_is_not_utf8_is_refused_with_the_file_named(tmp_path: Path) -> None:
    source = tmp_path / "latin.csv"
    source.write_bytes("description\nm\u00e9tal\n".encode("utf-16"))
    result = CliRunner().invoke(main, ["classify", "--csv", str(source)])
    assert result.exit_code != 0
    assert "latin.csv" in result.output and "UTF-8" in result.output


def test_description_and_csv_together_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text("description\ngallium\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", "gallium", "--csv", str(source)])
    assert result.exit_code != 0 and "not both" in result.output


def test_an_unrecognised_description_gets_the_catch_all_note() -> None:
    data = _classify("office chairs with armrests")
    assert data["verdict"] == "not_listed" and data["products"] == []
    assert "Art. 12(3)" in data["note"]


def test_plain_output_names_the_entry_and_the_missed_threshold() -> None:
    result = CliRunner().invoke(main, ["classify", "graphite electrode, 99.8% C", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("As of 2026-11-22: not listed")
    assert (
        "electrode: not listed (a listed kind of product that does not meet the listed thresholds)"
        in result.output
    )
    assert "compared with:" in result.output and "not met:" in result.output


@pytest.mark.parametrize(
    ("description", "verdict"),
    [
        ("Tungsten plates 99.95% W, 100 x 100 x 10 mm, sintered and rolled", "not_listed"),
        ("Tungsten blocks 99.95% W, 150 x 150 x 60 mm", "licence_required"),
        ("Mixer-settler extraction tanks with 20 m3 mixing chambers", "not_listed"),
        ("Mixer-settler extraction tanks with 5 m3 mixing chambers", "suspended"),
    ],
)
def test_sizes_and_volumes_decide_against_the_listed_limits(description: str, verdict: str) -> None:
    result = CliRunner().invoke(main, ["classify", description, "--as-of", "2026-03-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verdict"] == verdict
