"""Faults: a damaged or deleted index is found at start and rebuilt; a killed ingest leaves the
previous index usable."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.app.state import WebApp
from kb.cli import main
from kb.config import Settings
from kb.errors import KbError
from kb.indexing.health import index_problem, rebuild_index
from kb.indexing.ingest import ingest
from kb.indexing.keyword import keyword_index_path, read_keyword_index
from kb.retrieval.hybrid import Retriever
from tests.conftest import FIXTURES, ROOT, FakeEmbedder, store_ids


@pytest.fixture
def indexed(tmp_path: Path) -> Settings:
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURES, folder)
    settings = Settings(home=tmp_path / "home", sources=folder)
    report = ingest(settings, embedder=FakeEmbedder(), progress=False)
    assert report.embedded > 0 and index_problem(settings) is None
    return settings


def _damage_store(settings: Settings) -> None:
    (settings.chroma_path / "chroma.sqlite3").write_bytes(b"not a database" * 100)


def _delete_store(settings: Settings) -> None:
    shutil.rmtree(settings.chroma_path)


def _truncate_keywords(settings: Settings) -> None:
    path = keyword_index_path(settings)
    path.write_bytes(path.read_bytes()[:100])


def _delete_manifest(settings: Settings) -> None:
    settings.manifest_path.unlink()


@pytest.mark.parametrize(
    ("damage", "symptom"),
    [
        (_damage_store, "file is not a database"),
        (_delete_store, "is missing"),
        (_truncate_keywords, "keyword index"),
        (_delete_manifest, "manifest"),
    ],
)
def test_a_damaged_index_is_found_at_start_and_rebuilt(
    indexed: Settings, damage: Callable[[Settings], None], symptom: str
) -> None:
    chunks = store_ids(indexed)
    damage(indexed)
    problem = index_problem(indexed)
    assert problem is not None and symptom in problem

    message = WebApp(indexed).ensure_index(progress=False, embedder=FakeEmbedder())
    assert message.startswith(f"the search index was damaged ({problem}); rebuilt it in {indexed.home}")
    assert index_problem(indexed) is None
    assert store_ids(indexed) == chunks
    assert Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots"), (
        "nothing found after rebuild"
    )


def test_a_store_that_does_not_open_is_moved_aside_not_deleted(indexed: Settings) -> None:
    _damage_store(indexed)
    with pytest.raises(KbError, match=r"file is not a database.*kb ingest --rebuild"):
        ingest(indexed, embedder=FakeEmbedder(), progress=False)

    env = {"KB_HOME": str(indexed.home), "KB_SOURCES": str(indexed.sources)}
    refused = CliRunner().invoke(main, ["ingest", "--rebuild", str(indexed.sources)], env=env)
    assert refused.exit_code != 0 and "without paths" in refused.output
    assert rebuild_index(indexed, embedder=FakeEmbedder(), progress=False).ok
    assert index_problem(indexed) is None
    aside = [p for p in indexed.home.iterdir() if p.name.startswith("chroma.broken-")]
    assert len(aside) == 1 and (aside[0] / "chroma.sqlite3").read_bytes().startswith(b"not a database")


# An ingest killed (SIGKILL, no clean-up) at the worst moments: half-way through adding vectors
# to the store, and while the new keyword index is being written.
_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    import kb.indexing.keyword as keyword
    import kb.indexing.store as store
    from kb.config import Settings
    from kb.indexing.ingest import ingest
    from tests.conftest import FakeEmbedder

    where = {where!r}
    if where == "store":
        real_add = store.ChunkStore.add
        def add(self, chunks, vectors):
            real_add(self, chunks[: len(chunks) // 2], vectors[: len(vectors) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        store.ChunkStore.add = add
    else:
        real_write = keyword.write_json_atomic
        def write(path, data):
            if path.name == "keyword.json":
                tmp = path.with_name(f".{{path.name}}.{{os.getpid()}}.tmp")
                tmp.write_text(str(data)[:1000], encoding="utf-8")
                os.kill(os.getpid(), signal.SIGKILL)
            real_write(path, data)
        keyword.write_json_atomic = write
    settings = Settings(home=Path({home!r}), sources=Path({sources!r}))
    ingest(settings, embedder=FakeEmbedder(), progress=False)
    """
)


@pytest.mark.parametrize("where", ["store", "keyword index"])
def test_an_ingest_killed_half_way_leaves_the_previous_index_usable(indexed: Settings, where: str) -> None:
    before = {p: p.read_bytes() for p in (keyword_index_path(indexed), indexed.manifest_path)}
    first_hit = Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots")[0]
    (Path(indexed.sources) / "new-notice.txt").write_text(
        "Notice on tellurium exports.\n\nTellurium ingots need a licence from 1 March 2025.\n",
        encoding="utf-8",
    )
    script = _KILLER.format(root=str(ROOT), where=where, home=str(indexed.home), sources=str(indexed.sources))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()

    # What the retriever reads is exactly what was there before, and it still answers.
    assert {p: p.read_bytes() for p in before} == before
    assert index_problem(indexed) is None
    again = Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots")[0]
    assert (again.document_id, again.locator) == (first_hit.document_id, first_hit.locator)

    # The next ingest finishes the job and leaves no orphans behind.
    report = ingest(indexed, embedder=FakeEmbedder(), progress=False)
    assert report.ok and report.added >= 1
    ids = {r["id"] for r in read_keyword_index(indexed)["chunks"]}
    assert store_ids(indexed) == ids
