"""Rebuilds never leave a hole: a new generation is built beside the index in use and switched to
in one rename; a rebuild killed half-way leaves the old index answering."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.answering.knowledge import KnowledgeBase
from kb.config import Settings
from kb.errors import KbError
from kb.indexing.health import index_problem, rebuild_index
from kb.indexing.ingest import ingest
from kb.retrieval.hybrid import Retriever
from tests.conftest import ROOT, SOURCES, BuiltIndex, FakeEmbedder, copy_home, store_ids


def _generations(settings: Settings) -> list[str]:
    folder = settings.home / "generations"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_rebuild_is_a_new_generation_and_old_ones_are_cleaned_up(indexed: Settings) -> None:
    first = indexed.current_generation()
    assert first and _generations(indexed) == [first]
    assert indexed.chroma_path == indexed.home / "generations" / first / "chroma"
    reader = Retriever(indexed.pinned(), embedder=FakeEmbedder())
    ids = store_ids(indexed)

    assert rebuild_index(indexed, embedder=FakeEmbedder(), progress=False).ok
    second = indexed.current_generation()
    assert second != first and _generations(indexed) == sorted([first, second])
    assert json.loads(indexed.pointer_path.read_text()) == {"generation": second, "previous": first}
    assert store_ids(indexed) == ids and index_problem(indexed) is None
    # A reader pinned to the replaced generation still answers from it.
    assert reader.search("antimony ingots")

    assert rebuild_index(indexed, embedder=FakeEmbedder(), progress=False).ok
    third = indexed.current_generation()
    assert _generations(indexed) == sorted([second, third])  # the first is gone
    # An update works in place: no new generation.
    (indexed.sources / "extra.txt").write_text("Tellurium ingots need a licence.\n", encoding="utf-8")
    assert ingest(indexed, embedder=FakeEmbedder(), progress=False).added >= 1
    assert indexed.current_generation() == third


def test_an_index_built_before_generations_is_read_then_replaced(indexed: Settings) -> None:
    gen = indexed.index_path
    folders = [p.name for p in gen.glob("keyword.*") if p.is_dir()]
    for name in ("chroma", "keyword.json", "manifest.json", *folders):
        os.replace(gen / name, indexed.home / name)
    shutil.rmtree(indexed.home / "generations")
    indexed.pointer_path.unlink()
    assert indexed.current_generation() == "" and index_problem(indexed) is None
    assert Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots")

    assert rebuild_index(indexed, embedder=FakeEmbedder(), progress=False).ok
    assert indexed.current_generation() and (indexed.home / "keyword.json").exists()  # kept once
    assert rebuild_index(indexed, embedder=FakeEmbedder(), progress=False).ok
    assert not (indexed.home / "keyword.json").exists() and not (indexed.home / "chroma").exists()
    assert not any(indexed.home.glob("keyword.*"))


def test_a_half_built_generation_is_removed_by_the_next_ingest(indexed: Settings) -> None:
    stale = indexed.home / "generations" / "20260101000000-abcdef"
    (stale / "chroma").mkdir(parents=True)
    assert ingest(indexed, embedder=FakeEmbedder(), progress=False).ok
    assert _generations(indexed) == [indexed.current_generation()]


@pytest.mark.slow
def test_a_rebuild_killed_half_way_leaves_the_old_index_answering(
    built_index: BuiltIndex, tmp_path: Path
) -> None:
    """`kb ingest --rebuild` (real model, real Chroma) is SIGKILLed while it embeds: answers given
    during the rebuild and after the kill still cite the corpus."""
    home = copy_home(built_index, tmp_path)
    settings = Settings(home=home, sources=SOURCES)
    question = "Do I need a licence to export gallium nitride?"

    def cited() -> list[str]:
        base = KnowledgeBase(settings, retriever=Retriever(settings, embedder=built_index.embedder))
        answer = base.answer(question, as_of="2026-11-22")
        return [c.document_id for c in answer.citations]

    before = cited()
    assert before
    env = {**os.environ, "KB_HOME": str(home), "KB_SOURCES": str(SOURCES), "HF_HUB_OFFLINE": "1"}
    rebuild = subprocess.Popen(
        [str(Path(sys.executable).with_name("kb")), "ingest", "--rebuild"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert rebuild.stderr is not None
        seen = b""
        deadline = time.monotonic() + 300
        while b"embedding" not in seen:  # the progress bar: the model is at work
            chunk = rebuild.stderr.read1(4096)
            assert chunk or rebuild.poll() is None, seen.decode(errors="replace")
            assert time.monotonic() < deadline, "the rebuild never started embedding"
            seen += chunk
        time.sleep(1.0)
        assert rebuild.poll() is None, "the rebuild finished before it could be killed"
        during = cited()
        os.kill(rebuild.pid, signal.SIGKILL)
        rebuild.wait(timeout=30)
    finally:
        if rebuild.poll() is None:
            rebuild.kill()
            rebuild.wait()
    assert during == before
    assert cited() == before and index_problem(settings) is None


def test_a_new_generation_made_for_a_few_files_still_holds_the_corpus(
    indexed: Settings, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.txt"
    extra.write_text("Tellurium ingots need a licence.\n", encoding="utf-8")
    # Another model: the index must be built again, though only one file was named.
    report = ingest(indexed, [extra], embedder=FakeEmbedder("another-model"), progress=False)
    assert report.ok
    files = json.loads(indexed.manifest_path.read_text())["files"]
    assert str(extra) in files and any("user-notes.md" in path for path in files)


def test_an_unreadable_pointer_says_to_rebuild_and_a_rebuild_repairs_it(indexed: Settings) -> None:
    from kb.app.state import WebApp
    from kb.errors import KbError

    indexed.pointer_path.write_text("{not json", encoding="utf-8")
    problem = index_problem(indexed)
    assert problem is not None and f"cannot read the index pointer {indexed.pointer_path}" in problem
    with pytest.raises(KbError, match=r"run `kb ingest --rebuild`"):
        ingest(indexed, embedder=FakeEmbedder(), progress=False)
    message = WebApp(indexed).ensure_index(progress=False, embedder=FakeEmbedder())
    assert message.startswith("the search index was damaged (cannot read the index pointer")
    assert index_problem(indexed) is None
    assert Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots")


def test_the_pointer_is_read_again_only_when_it_is_replaced(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert settings.current_generation() == ""
    settings.pointer_path.write_text(json.dumps({"generation": "g1"}))
    assert settings.current_generation() == "g1"
    # a rebuild switches the pointer in one rename: the new name is seen at once
    fresh = tmp_path / "index.json.new"
    fresh.write_text(json.dumps({"generation": "g2"}))
    os.replace(fresh, settings.pointer_path)
    assert settings.current_generation() == "g2"
    settings.pointer_path.unlink()
    assert settings.current_generation() == ""
    settings.pointer_path.write_text("{broken")
    with pytest.raises(KbError, match="index pointer"):
        settings.current_generation()
