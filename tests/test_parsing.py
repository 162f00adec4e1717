"""Every parser on a small file of its format, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ParseError
from kb.parsing import SUPPORTED_SUFFIXES, document_language, parse_file

FIXTURES = Path(__file__).parent / "fixtures"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with a real text layer (Helvetica, one text line per string)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
        content = (
            "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({e}) Tj T*" for e in escaped) + " ET"
        ).encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Molybdenum shipping guide", 0)
    document.add_paragraph("How our warehouse ships molybdenum products abroad.")
    document.add_heading("Licences", 1)
    document.add_paragraph("Molybdenum powder needs an export licence before it leaves the warehouse.")
    document.add_paragraph("Keep the licence number on the invoice.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    cells = table.rows[0].cells + table.rows[1].cells
    for cell, text in zip(cells, ["item", "HS", "powder", "81029400"], strict=True):
        cell.text = text
    document.add_heading("Records", 1)
    document.add_paragraph("Records are kept for five years.")
    document.save(str(path))
    return path


# --- each parser on its format -------------------------------------------------------------------


def test_our_markdown_keeps_the_schema() -> None:
    doc = parse_file(FIXTURES / "mofcom-fixture-2024-1.md")
    assert doc.id == "mofcom-fixture-2024-1"
    assert doc.meta.kind == "announcement"
    assert doc.meta.number_zh == "商务部测试公告2024年第1号"
    assert [item.control_code for item in doc.meta.items] == ["1C117.d.1", None]
    assert [s.locator for s in doc.sections] == ["Art. 1", "Art. 2"]
    assert doc.summary.startswith("This fixture makes two tungsten test items")


def test_plain_markdown_is_a_user_document() -> None:
    doc = parse_file(FIXTURES / "user-notes.md")
    assert (doc.id, doc.meta.kind, doc.title) == ("user-notes", "user", "Notes on tungsten shipments")
    assert [s.locator for s in doc.sections] == ["Licensing", "Customs"]
    assert "- Ask the customer" in doc.section("Licensing").text  # type: ignore[union-attr]


def test_text_file_takes_its_first_line_as_title() -> None:
    doc = parse_file(FIXTURES / "notice.txt")
    assert (doc.id, doc.meta.kind, doc.title) == ("notice", "user", "Internal notice on antimony exports")
    assert "15 September 2024" in doc.summary
    assert doc.sections == ()


def test_chinese_text_file() -> None:
    doc = parse_file(FIXTURES / "chinese-notice.txt")
    assert doc.title == "关于镓产品出口的内部通知"
    assert "两用物项出口许可证" in doc.summary
    assert document_language(doc.summary) == "zh"
    assert document_language("Gallium nitride 氮化镓 needs a licence") == "en"


def test_html_keeps_main_text_only() -> None:
    doc = parse_file(FIXTURES / "page.html")
    assert doc.title == "Graphite export guidance"
    assert [s.locator for s in doc.sections] == ["Which items", "Codes"]
    everything = doc.summary + " ".join(s.text for s in doc.sections)
    assert "Spherical graphite for battery anodes needs an export licence" in everything
    assert "- High-purity spherical graphite" in everything
    assert "| spherical graphite | 3801.90.91 |" in everything
    for chrome in ("Menu item", "navigation script", "Copyright footer", "Related articles", "Home"):
        assert chrome not in everything


def test_pdf_text_layer_one_section_per_page(tmp_path: Path) -> None:
    path = tmp_path / "licence-notice.pdf"
    path.write_bytes(make_pdf([["Export licence notice", "Gallium (metal) needs a licence."], ["Page two."]]))
    doc = parse_file(path)
    assert (doc.id, doc.meta.kind, doc.title) == ("licence-notice", "user", "Export licence notice")
    assert [s.locator for s in doc.sections] == ["p. 1", "p. 2"]
    assert "Gallium (metal) needs a licence." in doc.sections[0].text


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    doc = parse_file(make_docx(tmp_path / "Molybdenum Guide.docx"))
    assert (doc.id, doc.meta.kind, doc.title) == ("molybdenum-guide", "user", "Molybdenum shipping guide")
    assert doc.summary == "How our warehouse ships molybdenum products abroad."
    assert [s.locator for s in doc.sections] == ["Licences", "Records"]
    licences = doc.sections[0].text
    assert "Keep the licence number on the invoice." in licences
    assert "| powder | 81029400 |" in licences


def test_every_supported_suffix_has_a_test() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx"}


# --- bad input ----------------------------------------------------------------------------------

BAD_FRONT_MATTER = {
    "unknown-field.md": (
        "---\nid: x\nkind: announcement\ntitle: T\nissuers: [MOFCOM]\nconfidence: high\n"
        "summary_zh: 摘要\ncolour: red\n---\n# T\n",
        "front matter field colour: unknown field",
    ),
    "not-yaml.md": ("---\nid: [unclosed\n---\n# T\n", "not valid YAML"),
    "never-closed.md": ("---\nid: x\n# T\n", "never closed"),
    "wrong-type.md": (
        "---\nid: x\nkind: announcement\ntitle: T\nissuers: [MOFCOM]\nissued: 3 May\n"
        "confidence: high\nsummary_zh: 摘要\n---\n# T\n",
        "front matter field issued",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FRONT_MATTER))
def test_bad_front_matter(tmp_path: Path, name: str) -> None:
    text, reason = BAD_FRONT_MATTER[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    assert name in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("garbage.pdf", b"this is not a pdf at all", "not a readable PDF"),
        ("truncated.pdf", make_pdf([["hello"]])[:150], "not a readable PDF"),
        ("scanned.pdf", make_pdf([[]]), "no text layer"),
        ("garbage.docx", b"PK\x03\x04 not really a zip", "not a readable .docx"),
        ("latin1.txt", "café au lait".encode("latin-1"), "not UTF-8"),
        ("latin1.md", "# Caf\u00e9\n\nna\u00efve".encode("cp1252"), "not UTF-8"),
        ("binary.txt", b"\x00\x01\x02binary", "binary data"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n \t\n", "empty"),
        ("empty.html", b"", "empty"),
        ("empty.pdf", b"", "empty"),
        ("empty.docx", b"", "empty"),
        (
            "chrome-only.html",
            b"<html><body><nav>menu</nav><script>x()</script></body></html>",
            "no main text",
        ),
        ("notes.rtf", b"{\\rtf1 hello}", "unsupported file type"),
    ],
)
def test_bad_input_raises_parse_error_naming_file_and_reason(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ParseError) as caught:
        parse_file(path)
    message = str(caught.value)
    assert caught.value.path == str(path)
    assert message.startswith(f"{path}: cannot parse: ")
    assert reason in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read"):
        parse_file(tmp_path / "gone.txt")
