"""A bad file is a skipped file: whatever lands in the corpus folder, the rest keeps answering, and
``kb validate`` names the file and the problem. Forged front matter never rules from a user's folder,
and no address but http(s) is ever shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.cli import main
from kb.config import Settings
from kb.corpus.documents import user_document_id
from kb.corpus.links import choose_link
from kb.corpus.loading import load_corpus
from kb.corpus.parsing import parse_file
from tests.corpus.conftest import NEW


def _still_answers(folder: Path) -> None:
    base = KnowledgeBase(Settings(sources=folder))
    (result,) = base.lookup("gallium nitride", as_of="2026-06-01")[:1]
    assert result.verdict.value == "licence_required"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("junk.md", b"---\n\x00\xff\xfe garbage \x81\x82\n", "not UTF-8"),
        ("no-kind.md", b"---\nid: no-kind\ntitle: x\n---\n# x\n", "kind"),
        ("mofcom-gac-2023-23-copy.md", None, "also used by"),
        ("mofcom-2026-903.md", None, "link ignored"),
    ],
)
def test_one_bad_file_is_skipped_and_named(
    corpus_copy: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = corpus_copy / name
    if name.endswith("-copy.md"):  # a second file with an official document's id
        shutil.copy(corpus_copy / "mofcom-gac-2023-23.md", path)
    elif content is None:  # a file that names a document the corpus does not hold
        path.write_text(
            NEW.read_text(encoding="utf-8")
            .replace("mofcom-2026-901", "mofcom-2026-903")
            .replace("target: mofcom-2024-46", "target: mofcom-2024-999"),
            encoding="utf-8",
        )
    else:
        path.write_bytes(content)
    corpus = load_corpus(corpus_copy)
    # A file with a dangling link is kept without the link; every other bad file is left out.
    assert len(corpus) == (69 if problem == "link ignored" else 68)
    assert any(name in s and problem in s for s in corpus.skipped), corpus.skipped
    assert "mofcom-gac-2023-23" in corpus.documents
    _still_answers(corpus_copy)
    checked = CliRunner().invoke(main, ["validate"], env={"KB_SOURCES": str(corpus_copy)})
    assert checked.exit_code == 1 and name in checked.output


def test_a_document_naming_a_skipped_one_keeps_answering_without_the_link(corpus_copy: Path) -> None:
    (corpus_copy / "mofcom-2024-46.md").write_text("---\nid: mofcom-2024-46\n---\n", encoding="utf-8")
    corpus = load_corpus(corpus_copy)
    assert "mofcom-2024-46" not in corpus.documents and "mofcom-2025-72" in corpus.documents
    assert corpus.documents["mofcom-2025-72"].meta.relations == []
    assert any("mofcom-2025-72.md" in s and "link ignored" in s for s in corpus.skipped)
    _still_answers(corpus_copy)


def test_a_missing_corpus_folder_points_to_the_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lookup", "gallium"], env={"KB_SOURCES": str(tmp_path / "moved")})
    assert result.exit_code == 1
    assert "corpus folder not found" in result.stderr and "KB_SOURCES" in result.stderr


def test_chinese_file_names_get_ids_of_their_own(tmp_path: Path) -> None:
    first, second = tmp_path / "通知.md", tmp_path / "公告.md"
    assert user_document_id(first) != user_document_id(second)
    assert user_document_id(first).startswith("doc-")
    assert user_document_id(tmp_path / "Notice 2026.md") == "notice-2026"


def test_forged_front_matter_in_a_users_file_is_metadata_only(tmp_path: Path) -> None:
    forged = tmp_path / "mofcom-2026-99.md"
    forged.write_text(
        "---\nid: mofcom-gac-2023-23\nkind: announcement\ntitle: Announcement No. 99 of 2026\n"
        "number: MOFCOM Announcement No. 99 of 2026\n"
        "relations:\n  - {type: suspends, target: mofcom-gac-2023-23}\n"
        "items:\n  - {name: Made-up item, family: gallium, control: prohibited}\n"
        "urls: {official_zh: 'javascript:alert(1)'}\n---\n"
        "# Announcement No. 99 of 2026\n\nGallium is free.\n",
        encoding="utf-8",
    )
    doc = parse_file(forged, "user")
    assert doc.id == "mofcom-2026-99" and doc.meta.kind == "user"
    assert doc.meta.items == [] and doc.meta.relations == [] and doc.link is None
    assert doc.title == "Announcement No. 99 of 2026"


def test_an_official_file_with_a_script_address_does_not_validate(corpus_copy: Path) -> None:
    path = corpus_copy / NEW.name
    path.write_text(
        NEW.read_text(encoding="utf-8").replace(
            "official_zh: https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/example.html",
            "official_zh: 'javascript:alert(1)'",
        ),
        encoding="utf-8",
    )
    corpus = load_corpus(corpus_copy)
    assert "mofcom-2026-901" not in corpus.documents
    assert any("http(s) address" in s for s in corpus.skipped)


def test_only_web_addresses_are_ever_shown() -> None:
    assert choose_link(["javascript:alert(1)"], ["file:///etc/passwd"]) is None
    link = choose_link(["javascript:alert(1)"], ["data:text/html,x", "https://www.reuters.com/a"])
    assert link is not None and link.url == "https://www.reuters.com/a" and not link.official


def test_an_open_ended_suspension_says_so(corpus_copy: Path) -> None:
    text = (
        NEW.read_text(encoding="utf-8")
        .replace("target: mofcom-2024-46", "target: mofcom-gac-2023-23")
        .replace("    refs: [Art. 2]\n", "    refs: []\n")
        .replace("    until: 2027-11-27\n", "    until: null\n")
    )
    (corpus_copy / NEW.name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["lookup", "gallium nitride", "--as-of", "2026-12-01"], env={"KB_SOURCES": str(corpus_copy)}
    )
    assert result.exit_code == 0, result.output
    assert "verdict as of 2026-12-01: suspended" in result.output
    assert "with no end date set" in result.output
    assert "until ." not in result.output and "None" not in result.output
