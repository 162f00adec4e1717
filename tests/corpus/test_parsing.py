"""Every parser on a small file of its format, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.corpus.parsing import SUPPORTED_SUFFIXES, parse_file
from kb.errors import ParseError
from kb.language.script import document_language
from tests.conftest import FIXTURES, make_docx, make_pdf

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


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_every_supported_suffix_parses_a_file_of_its_format(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"sample{suffix}"
    if suffix == ".pdf":
        path.write_bytes(make_pdf([["Germanium wafers need a licence."]]))
    elif suffix == ".docx":
        make_docx(path)
    elif suffix in (".html", ".htm"):
        path.write_text("<html><body><main><p>Germanium wafers need a licence.</p></main></body></html>")
    else:
        path.write_text("# Notes\n\nGermanium wafers need a licence.\n", encoding="utf-8")
    doc = parse_file(path)
    text = " ".join([doc.summary, *(s.text for s in doc.sections)])
    assert doc.meta.kind == "user" and ("licence" in text or "Molybdenum" in doc.title)


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
