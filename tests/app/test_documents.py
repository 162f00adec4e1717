"""The user's own documents from the app: uploads checked, saved under safe names, indexed, listed
beside the official sources, searchable, shown labelled as the user's own, removable; a file that
cannot be read is named and the rest indexed. None of it changes a verdict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.app.documents import DOCUMENT_HEADERS, check_upload, safe_name
from kb.app.state import WebApp
from kb.config import Settings
from tests.conftest import SOURCES, BuiltIndex, copy_home, make_docx, store_ids

TODAY = dt.date.today().isoformat()


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        ("guide.docx", "guide.docx"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\Report.PDF", "Report.pdf"),
        (".hidden.md", "hidden.md"),
        ("README.md", "readme-document.md"),
        ("报告 2024 (final).docx", "报告-2024-final.docx"),
        ("<script>.html", "script.html"),
        ("x" * 300 + ".txt", "x" * 90 + ".txt"),
    ],
)
def test_uploads_get_safe_file_names(given: str, saved: str) -> None:
    assert safe_name(given) == saved


def test_uploads_are_checked_for_type_and_size() -> None:
    assert check_upload("a.docx", 10, 2**20) is None
    assert (
        check_upload("tool.exe", 10, 2**20)
        == "tool.exe: type .exe is not accepted; upload .md .txt .html .htm .pdf .docx files"
    )
    assert "no file type" in str(check_upload("Makefile", 10, 2**20))
    too_big = check_upload("big.pdf", 3 * 2**20, 2**20)
    assert too_big == "big.pdf: 3.0 MB is over the 1 MB limit (KB_MAX_UPLOAD_MB raises it)"
    assert check_upload("empty.txt", 0, 2**20) == "empty.txt: the file is empty"


@pytest.fixture
def web(built_index: BuiltIndex, tmp_path: Path) -> WebApp:
    home = copy_home(built_index, tmp_path)
    return WebApp(Settings(home=home, sources=SOURCES), embedder=built_index.embedder)


@pytest.mark.slow
def test_an_uploaded_docx_is_listed_searchable_shown_and_removable(web: WebApp, tmp_path: Path) -> None:
    question = "Does molybdenum powder need an export licence?"
    before = web.base.answer(question, as_of="2026-11-22")
    chunks_before = store_ids(web.settings)
    path = make_docx(tmp_path / "Molybdenum shipping guide.docx")
    message = web.upload([(path.name, path)])
    assert message.startswith("✓ Added to your own documents: Molybdenum shipping guide.docx (")
    assert "never change a verdict" in message and str(tmp_path) not in message
    (own,) = [row for row in web.documents() if row.kind == "your own"]
    assert (own.title, own.upload, own.status) == (
        "Molybdenum shipping guide",
        "Molybdenum-shipping-guide.docx",
        "indexed",
    )
    assert own.chunks >= 2 and own.dates == f"added {TODAY}" and len(own.cells()) == len(DOCUMENT_HEADERS)
    official = [row for row in web.documents() if row.kind == "official"]
    assert len(official) == len([d for d in web.base.corpus if d.meta.kind != "user"])
    assert all(row.status == "indexed" and row.chunks > 0 for row in official)
    assert (web.settings.uploads_path / "Molybdenum-shipping-guide.docx").is_file()

    hits = web.search_documents("keep the licence number on the invoice warehouse")
    assert '<span class="kb-kind kb-kind-own">your own</span><b>Molybdenum shipping guide</b>' in hits
    shown = web.open_source(own.document_id, "Licences", TODAY)
    assert (
        "your own document · evidence only" in shown
        and '<section class="kb-hit" id="kb-hit"><h4>Licences</h4>' in shown
    )

    after = web.base.answer(question, as_of="2026-11-22")
    assert (after.verdict, [c.document_id for c in after.citations]) == (
        before.verdict,
        [c.document_id for c in before.citations],
    ), "an upload changed an answer's verdict or its official sources"

    assert web.remove("Molybdenum-shipping-guide.docx").startswith(
        "✓ Removed Molybdenum-shipping-guide.docx ("
    )
    assert [row for row in web.documents() if row.kind == "your own"] == []
    assert store_ids(web.settings) == chunks_before
    assert "Molybdenum shipping guide" not in web.search_documents(
        "keep the licence number on the invoice warehouse"
    )
    assert web.remove("Molybdenum-shipping-guide.docx").startswith(
        "⚠ 'Molybdenum-shipping-guide.docx' is not one"
    )
    assert web.remove("../manifest.json").startswith("⚠")


@pytest.mark.slow
def test_a_file_that_cannot_be_read_is_named_and_the_rest_indexed(web: WebApp, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a PDF")
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "Antimony ingot packing notes\n\nIngots are packed in steel drums of 25 kg.\n", encoding="utf-8"
    )
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ")
    message = web.upload([("broken.pdf", broken), ("notes.txt", notes), ("tool.exe", tool)])
    assert "✓ Added to your own documents: notes.txt (" in message
    assert "⚠ Not added (2):" in message and "- broken.pdf: cannot parse: not a readable PDF" in message
    assert "- tool.exe: type .exe is not accepted" in message
    assert str(tmp_path) not in message and str(web.settings.home) not in message
    assert sorted(p.name for p in web.settings.uploads_path.iterdir()) == ["notes.txt"]
    assert [row.upload for row in web.documents() if row.kind == "your own"] == ["notes.txt"]


@pytest.mark.slow
def test_the_upload_limit_is_a_setting(built_index: BuiltIndex, tmp_path: Path) -> None:
    home = copy_home(built_index, tmp_path)
    settings = Settings.from_env({"KB_HOME": str(home), "KB_SOURCES": str(SOURCES), "KB_MAX_UPLOAD_MB": "1"})
    web = WebApp(settings, embedder=built_index.embedder)
    big = tmp_path / "big.txt"
    big.write_text("word " * 300_000, encoding="utf-8")
    message = web.upload([("big.txt", big)])
    assert (
        message == "⚠ Not added (1):\n- big.txt: 1.4 MB is over the 1 MB limit (KB_MAX_UPLOAD_MB raises it)"
    )
    assert web.upload([]).startswith("Choose one or more files")
