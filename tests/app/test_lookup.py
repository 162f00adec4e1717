"""The lookup table: why each row matched, one row per item, coloured verdicts, a CSV per download."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.app.downloads import EXPORT_TTL_S, fresh_folder
from kb.app.lookup import LOOKUP_HEADERS, why_matched
from kb.app.state import ALL_FAMILIES, WebApp
from kb.config import Settings
from tests.conftest import WordOverlapSearcher

WHY = LOOKUP_HEADERS.index("Why it matched")


@pytest.fixture(scope="module")
def shared_base() -> KnowledgeBase:
    return KnowledgeBase(Settings(), searcher=WordOverlapSearcher())


@pytest.fixture
def web(shared_base: KnowledgeBase) -> WebApp:
    return WebApp(Settings.from_env(), shared_base)


def test_a_word_inside_other_names_says_why_each_row_matched(web: WebApp) -> None:
    table = web.lookup("copper", ALL_FAMILIES, "2026-11-22", "")
    assert table.rows and {row[0] for row in table.rows} <= {"tungsten", "rare earths"}
    for row in table.rows:
        assert row[WHY].startswith("“copper” appears in “") and "copper" in row[WHY].lower()
    assert "No entry is named 'copper' itself: these contain it in a name or alias" in table.note


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("2850001901", "lists HS code 2850001901"),
        ("28500019", "HS code 2850001901 is under 28500019"),
        ("3C001.b", "control code"),
        ("gallium nitride", "named “Gallium nitride”"),
        ("galium nitride", "close spelling of “Gallium nitride”"),
    ],
)
def test_why_a_code_or_name_matched(shared_base: KnowledgeBase, query: str, why: str) -> None:
    (first, *_) = shared_base.lookup(query)
    assert why_matched(query, first.match).startswith(why)


def test_an_item_several_documents_list_is_one_row(web: WebApp) -> None:
    table = web.lookup("", "gallium", "2026-11-22", "")
    keys = [tuple(row[:8]) for row in table.rows]
    assert len(keys) == len(set(keys))
    (merged,) = [row for row in table.rows if row[1].startswith("Gallium-related items")]
    assert "; " in merged[LOOKUP_HEADERS.index("Document")]
    assert len(table.verdicts) == len(table.rows) and set(table.verdicts) == {"licence_required"}


def test_each_csv_download_is_a_file_of_its_own(web: WebApp, tmp_path: Path) -> None:
    table = web.lookup("", "gallium", "2026-11-22", "")
    other = web.lookup("", "germanium", "2026-11-22", "")
    first = web.lookup_csv(table, tmp_path, "2026-11-22")
    second = web.lookup_csv(other, tmp_path, "2026-11-22")
    assert first != second and first.name == second.name == "controlled-items-2026-11-22.csv"
    rows = list(csv.reader(io.StringIO(first.read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == LOOKUP_HEADERS and rows[1:] == table.rows
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheet programs read Chinese as UTF-8


def test_old_downloads_are_cleared(tmp_path: Path) -> None:
    old = fresh_folder(tmp_path, now=time.time() - EXPORT_TTL_S - 10)
    (old / "f.csv").write_text("x")
    kept = fresh_folder(tmp_path)
    assert not old.exists() and kept.exists() and len(os.listdir(tmp_path)) == 1


def test_lookup_problems_are_messages(web: WebApp) -> None:
    assert web.lookup("12345", ALL_FAMILIES, "", "").note.startswith("⚠ '12345' has 5 digits")
    assert web.lookup("GaN", ALL_FAMILIES, "", "XX").note.startswith("⚠ destination 'XX' is not an ISO")
    assert web.lookup("GaN", ALL_FAMILIES, "2024/13/45", "").note.startswith("⚠ “2024/13/45” is not a date")
    nothing = web.lookup("copper cathode", ALL_FAMILIES, "", "")
    assert nothing.rows == [] and "does not mean no licence is needed" in nothing.note
