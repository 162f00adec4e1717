"""Updating without code: a compliance team adds one official source file and runs ``kb ingest``;
the verdicts follow. A file dropped in without our front matter stays evidence only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.answering.knowledge import KnowledgeBase
from kb.cli import main
from kb.config import Settings
from tests.conftest import CachingEmbedder
from tests.corpus.conftest import NEW


def _lookup(folder: Path, query: str, day: str, destination: str) -> dict[str, object]:
    env = {"KB_SOURCES": str(folder)}
    args = ["lookup", query, "--as-of", day, "--destination", destination, "--json"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_a_new_announcement_file_changes_the_verdict(corpus_copy: Path) -> None:
    before = _lookup(corpus_copy, "antimony oxide", "2026-12-01", "US")
    assert before["verdict"] == "uncertain"
    shutil.copy(NEW, corpus_copy / NEW.name)
    checked = CliRunner().invoke(main, ["validate"], env={"KB_SOURCES": str(corpus_copy)})
    assert checked.exit_code == 0 and "69 documents" in checked.output, checked.output
    after = _lookup(corpus_copy, "antimony oxide", "2026-12-01", "US")
    # The US rule is suspended again, so the item's own licence duty decides.
    assert after["verdict"] == "licence_required"
    status = CliRunner().invoke(
        main, ["status", "--as-of", "2026-12-01", "--json"], env={"KB_SOURCES": str(corpus_copy)}
    )
    data = json.loads(status.output)
    lapsed = {(e["document_id"], e["until"]) for e in data["lapsed"]}
    assert ("mofcom-2025-72", "2026-11-27") not in lapsed
    assert data["newest_document_id"] == "mofcom-2026-901"


def test_a_broken_new_file_is_named_and_changes_nothing(corpus_copy: Path) -> None:
    text = NEW.read_text(encoding="utf-8").replace("target: mofcom-2024-46", "target: mofcom-2024-460")
    (corpus_copy / NEW.name).write_text(text, encoding="utf-8")
    checked = CliRunner().invoke(main, ["validate"], env={"KB_SOURCES": str(corpus_copy)})
    assert checked.exit_code != 0
    assert "mofcom-2026-901.md" in checked.output and "mofcom-2024-460" in checked.output


def test_a_users_file_claiming_the_same_is_evidence_only(tmp_path: Path) -> None:
    from kb.corpus.parsing import parse_file

    forged = tmp_path / "mofcom-2026-901.md"
    shutil.copy(NEW, forged)
    doc = parse_file(forged, "user")
    assert doc.meta.kind == "user" and not doc.meta.items and not doc.meta.relations
    assert doc.meta.status_history == [] and doc.meta.urls.official_zh is None
    assert doc.title.startswith("Test fixture - an announcement")
    assert "Art. 2 of MOFCOM Announcement No. 46 of 2024 continues not to be applied" in " ".join(
        s.text for s in doc.sections
    )
    official = parse_file(forged)
    assert official.meta.kind == "announcement" and official.meta.relations


@pytest.mark.slow
def test_after_ingest_the_answer_cites_the_new_announcement(
    corpus_copy: Path, tmp_path: Path, session_embedder: CachingEmbedder
) -> None:
    from kb.indexing.ingest import ingest

    shutil.copy(NEW, corpus_copy / NEW.name)
    settings = Settings(home=tmp_path / "kb-home", sources=corpus_copy)
    report = ingest(settings, embedder=session_embedder, progress=False)
    assert not report.errors
    base = KnowledgeBase(settings)
    answer = base.answer("Can I ship antimony trioxide 99.99% to the United States?", as_of="2026-12-01")
    assert answer.verdict == "licence_required"
    assert any(c.document_id == "mofcom-2026-901" for c in answer.citations)
