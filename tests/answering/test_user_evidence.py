"""The user's own documents are evidence beside the official sources, never instead of them: however
many of them match a question, the answer keeps its official facts and sources, and the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.answering.knowledge import USER_HITS, KnowledgeBase
from kb.config import Settings
from tests.conftest import BuiltIndex, copy_home


@pytest.mark.slow
def test_many_matching_user_documents_do_not_crowd_out_the_sources(
    built_index: BuiltIndex, tmp_path: Path
) -> None:
    from kb.indexing.ingest import ingest

    home = copy_home(built_index, tmp_path)
    settings = Settings(home=home, sources=built_index.settings.sources)
    folder = tmp_path / "mine"
    folder.mkdir()
    for n in range(12):
        (folder / f"note-{n}.md").write_text(
            f"# Gallium nitride note {n}\n\nGallium nitride gallium nitride export licence GaN wafers "
            f"gallium nitride licence export gallium nitride. Note {n}: nothing official here.\n",
            encoding="utf-8",
        )
    assert ingest(settings, [folder], embedder=built_index.embedder, progress=False).ok
    answer = KnowledgeBase(settings).answer(
        "Do I need a licence to export gallium nitride?", as_of="2026-06-01"
    )
    assert answer.verdict == "licence_required"
    own = [c for c in answer.citations if c.trust == "user"]
    official = [c for c in answer.citations if c.trust == "official"]
    assert official and any(c.document_id == "mofcom-gac-2023-23" for c in official)
    assert len(own) <= USER_HITS
    users_retrieved = [d for d, _ in answer.retrieved if d.startswith("note-")]
    assert len(users_retrieved) <= USER_HITS
    assert "Key facts:" in answer.text and answer.text.split("Key facts:")[1].strip().startswith("-")
