"""The corpus loads and validates; broken copies fail naming the file and the field."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kb.corpus.loading import load_corpus, validate_corpus
from kb.corpus.markdown import load_source, split_front_matter, split_sections
from kb.errors import SourceError
from tests.conftest import SOURCES


def test_corpus_is_valid() -> None:
    assert validate_corpus(SOURCES) == []


def test_every_fact_base_document_is_in_the_corpus(shared_dir: Path) -> None:
    fact_ids = {p.stem for p in (shared_dir / "facts" / "documents").glob("*.yaml")}
    corpus_ids = set(load_corpus(SOURCES).documents)
    assert fact_ids - corpus_ids == set()


def _facts(shared_dir: Path) -> list[dict[str, object]]:
    return [
        yaml.safe_load(p.read_text()) for p in sorted((shared_dir / "facts" / "documents").glob("*.yaml"))
    ]


def test_figures_match_the_fact_base(shared_dir: Path) -> None:
    """Numbers, dates and codes carry over exactly: only sentences are rewritten."""
    corpus = load_corpus(SOURCES)
    mismatches = []
    for fact in _facts(shared_dir):
        doc = corpus.get(str(fact["id"]))
        assert doc is not None, fact["id"]
        meta = doc.meta
        for key in ("kind", "title", "number", "number_zh", "issued", "effective", "confidence"):
            if getattr(meta, key) != fact.get(key):
                mismatches.append(f"{doc.id}: {key} {getattr(meta, key)!r} != {fact.get(key)!r}")
        ours = [(e.date, e.status) for e in meta.status_history]
        theirs = [(e["date"], e["status"]) for e in fact.get("status_history") or []]  # type: ignore[attr-defined]
        if ours != theirs:
            mismatches.append(f"{doc.id}: status_history {ours} != {theirs}")
        items = fact.get("items") or []
        if [(i.hs_codes, i.control_code, i.ref) for i in meta.items] != [
            (list(i["hs_codes"]), i["control_code"], i["ref"])  # type: ignore[index]
            for i in items  # type: ignore[attr-defined]
        ]:
            mismatches.append(f"{doc.id}: items differ in codes or locators")
        provisions = [p["ref"] for p in fact.get("provisions") or []]  # type: ignore[attr-defined]
        if [s.locator for s in doc.sections] != provisions:
            mismatches.append(f"{doc.id}: provision locators differ")
    assert mismatches == []


def test_low_confidence_documents_say_so(shared_dir: Path) -> None:
    corpus = load_corpus(SOURCES)
    for fact in _facts(shared_dir):
        if fact.get("confidence") == "low":
            doc = corpus.get(str(fact["id"]))
            assert doc is not None
            assert doc.meta.confidence == "low"
            assert re.search(r"unconfirmed|not confirmed|low confidence", doc.summary, re.IGNORECASE), doc.id


def test_every_document_has_a_chinese_summary() -> None:
    for doc in load_corpus(SOURCES):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in doc.meta.summary_zh), doc.id


def test_sections_follow_locators() -> None:
    doc = load_source(SOURCES / "mofcom-gac-2023-23.md")
    assert doc.summary.startswith("MOFCOM and the General Administration")
    assert doc.section("Art. 2") is not None
    assert "end-user and end-use certificate" in doc.section("Art. 2").text  # type: ignore[union-attr]


def test_split_front_matter_and_sections() -> None:
    header, body = split_front_matter(
        "---\na: 1\n---\n# T\n\nintro\n\n## Art. 1\n\none\n### sub\nmore\n## Art. 2\ntwo"
    )
    assert header == "a: 1"
    preamble, title, sections = split_sections(body)
    assert (preamble, title) == ("intro", "T")
    assert [(s.locator, s.text) for s in sections] == [("Art. 1", "one\n### sub\nmore"), ("Art. 2", "two")]
    assert split_front_matter("no header") == (None, "no header")


def test_unclosed_front_matter_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text("---\nid: broken\n")
    with pytest.raises(SourceError, match=r"broken\.md: front matter: .*never closed"):
        load_source(path)


def test_user_markdown_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "My Notes 2025.md"
    path.write_text("# Internal memo on gallium\n\nWe ship GaN wafers.\n")
    doc = load_source(path)
    assert (doc.id, doc.meta.kind, doc.title) == ("my-notes-2025", "user", "Internal memo on gallium")


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("issued: 2023-07-03", "issued: 2023-13-03", "issued", "date"),
        ("confidence: medium", "confidence: medium\nconfidance: high", "confidance", "unknown field"),
        ('hs_codes: ["2850001901"', 'hs_codes: ["28500019"', None, None),
        ('hs_codes: ["2850001901"', 'hs_codes: ["285000190"', "items.1.hs_codes", "8 or 10 digits"),
        ("by: mofcom-2024-46", "by: mofcom-2099-1", "status_history.2.by", "not in the corpus"),
        ("family: gallium", "family: galium", "items.0.family", "Input should be"),
        ("id: mofcom-gac-2023-23", "id: mofcom-gac-2023-24", "id", "does not match the file name"),
    ],
)
def test_broken_copy_names_file_and_field(
    corpus_copy: Path, old: str, new: str, field: str | None, message: str | None
) -> None:
    target = corpus_copy / "mofcom-gac-2023-23.md"
    _edit(target, old, new)
    problems = validate_corpus(corpus_copy)
    if field is None:  # an 8-digit code is valid
        assert problems == []
        return
    assert problems, "the broken copy should not validate"
    text = "\n".join(str(p) for p in problems)
    assert "mofcom-gac-2023-23.md" in text
    assert any(p.field == field and message in p.problem for p in problems), text


def test_dangling_relation_target(corpus_copy: Path) -> None:
    _edit(corpus_copy / "mofcom-2025-72.md", "target: mofcom-2024-46", "target: mofcom-2024-99")
    problems = validate_corpus(corpus_copy)
    assert [(Path(p.path).name, p.field) for p in problems] == [("mofcom-2025-72.md", "relations.0.target")]


def test_duplicate_ids_and_undecodable_files(corpus_copy: Path) -> None:
    (corpus_copy / "copy.md").write_text((corpus_copy / "mofcom-2025-72.md").read_text(encoding="utf-8"))
    # Not FF FE: that is UTF-16's byte-order mark, and such a file is read as UTF-16.
    (corpus_copy / "binary.md").write_bytes(b"\xff\xfd\x00garbage")
    problems = {(Path(p.path).name, p.field): p.problem for p in validate_corpus(corpus_copy)}
    assert "not UTF-8" in problems[("binary.md", None)]
    assert any(name == "copy.md" and field == "id" for name, field in problems)


def test_relation_dates_are_ordered(corpus_copy: Path) -> None:
    _edit(corpus_copy / "mofcom-2025-72.md", "until: 2026-11-27", "until: 2024-01-01")
    problems = validate_corpus(corpus_copy)
    assert [p.field for p in problems] == ["relations.0.until"]


def test_dates_are_real_dates() -> None:
    for doc in load_corpus(SOURCES):
        for entry in doc.meta.status_history:
            assert entry.date is None or isinstance(entry.date, dt.date)
