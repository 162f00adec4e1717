"""Ingest: incremental, atomic, skips bad files by name, embedded Chroma or a Chroma server."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.config import Settings
from kb.errors import IndexNotBuilt, KbError
from kb.evaluation.serving import free_port, stop_process
from kb.indexing.ingest import ingest
from kb.indexing.keyword import keyword_index_path, read_keyword_index
from kb.indexing.store import ChunkStore
from kb.retrieval.hybrid import Retriever
from tests.conftest import (
    FIXTURES,
    SOURCES,
    BuiltIndex,
    CachingEmbedder,
    CountingEmbedder,
    FakeEmbedder,
    make_pdf,
    store_ids,
)

pytestmark = pytest.mark.slow


def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copytree(SOURCES, folder, dirs_exist_ok=True)
    return folder


def records(settings: Settings) -> dict[str, dict[str, object]]:
    return {r["id"]: r for r in read_keyword_index(settings)["chunks"]}


# --- the whole corpus and the seeds --------------------------------------------------------------


def test_built_index_holds_every_corpus_document(built_index: BuiltIndex) -> None:
    from kb.corpus.loading import load_corpus

    report, settings = built_index.report, built_index.settings
    assert report.ok, report.errors
    corpus = load_corpus(SOURCES)
    assert report.files == len(corpus)
    indexed = records(settings)
    assert {r["document_id"] for r in indexed.values()} == set(corpus.documents)
    assert store_ids(settings) == set(indexed)
    print(f"\nbuilt index: {report.summary()}")


def test_corpus_and_seeds_second_ingest_embeds_nothing(
    tmp_path: Path, session_embedder: CachingEmbedder, shared_dir: Path
) -> None:
    settings = Settings(home=tmp_path / "home", sources=SOURCES)
    seeds = shared_dir / "seeds"
    counting = CountingEmbedder(session_embedder)
    first = ingest(settings, paths=[SOURCES, seeds], embedder=counting, progress=False)
    assert first.ok, first.errors
    seed_files = sorted(p for p in seeds.iterdir() if p.is_file())
    assert first.files == len([p for p in SOURCES.rglob("*.md") if p.name != "README.md"]) + len(seed_files)
    assert counting.texts == first.embedded == first.added > 0
    indexed = records(settings)
    seed_ids = {r["document_id"] for r in indexed.values() if r["metadata"]["kind"] == "user"}  # type: ignore[index]
    assert len(seed_ids) == len(seed_files)

    counting.calls = counting.texts = 0
    second = ingest(settings, paths=[SOURCES, seeds], embedder=counting, progress=False)
    assert (counting.calls, counting.texts, second.embedded) == (0, 0, 0)
    assert (second.changed, second.added, second.updated, second.removed) == (0, 0, 0, 0)
    assert second.unchanged == first.added
    # The default scope (the corpus folder) leaves documents from elsewhere alone.
    third = ingest(settings, embedder=counting, progress=False)
    assert (third.removed, counting.calls) == (0, 0)
    assert records(settings).keys() == indexed.keys() == store_ids(settings)


def test_edit_and_delete_touch_only_that_file(tmp_path: Path, session_embedder: CachingEmbedder) -> None:
    folder = corpus_copy(tmp_path)
    settings = Settings(home=tmp_path / "home", sources=folder)
    ingest(settings, embedder=session_embedder, progress=False)
    before = records(settings)
    files = sorted(p for p in folder.glob("*.md") if p.name != "README.md")
    if len(files) < 2:
        pytest.skip("needs at least two corpus documents")
    edited, deleted = files[0], files[-1]
    edited_id, deleted_id = edited.stem, deleted.stem

    # Edit one provision of one document.
    text = edited.read_text(encoding="utf-8")
    start = text.index("\n## ")
    end = text.find("\n## ", start + 4)
    end = len(text) if end < 0 else end
    edited.write_text(
        text[:end].rstrip() + " An extra sentence for the test.\n" + text[end:], encoding="utf-8"
    )
    counting = CountingEmbedder(session_embedder)
    report = ingest(settings, embedder=counting, progress=False)
    after = records(settings)
    new_ids, gone_ids = set(after) - set(before), set(before) - set(after)
    assert len(new_ids) == len(gone_ids) == counting.texts == report.embedded == report.updated == 1
    assert (report.changed, report.added, report.removed) == (1, 0, 0)
    assert (
        {after[i]["document_id"] for i in new_ids}
        == {before[i]["document_id"] for i in gone_ids}
        == {edited_id}
    )
    assert "An extra sentence for the test." in str(after[next(iter(new_ids))]["text"])
    assert store_ids(settings) == set(after)
    for cid, record in before.items():
        if record["document_id"] != edited_id:
            assert after[cid] == record

    # A change of metadata only (the confidence) re-stores the document's vectors, embeds nothing.
    text = edited.read_text(encoding="utf-8")
    level = re.search(r"^confidence: (\w+)$", text, re.MULTILINE)
    assert level is not None
    other = "low" if level.group(1) != "low" else "high"
    edited.write_text(text.replace(level.group(0), f"confidence: {other}", 1), encoding="utf-8")
    counting.texts = 0
    report = ingest(settings, embedder=counting, progress=False)
    doc_chunks = {cid for cid, r in records(settings).items() if r["document_id"] == edited_id}
    assert (report.embedded, counting.texts, report.updated) == (0, 0, len(doc_chunks))
    stored = ChunkStore(settings).collection.get(ids=sorted(doc_chunks), include=["metadatas"])
    assert {m["confidence"] for m in stored["metadatas"]} == {other}
    after = records(settings)

    # Delete another document: its chunks leave Chroma and the keyword index; nothing is embedded.
    deleted_chunks = {cid for cid, r in after.items() if r["document_id"] == deleted_id}
    deleted.unlink()
    counting.texts = 0
    report = ingest(settings, embedder=counting, progress=False)
    final = records(settings)
    assert (report.removed, report.embedded, counting.texts) == (len(deleted_chunks), 0, 0)
    assert not deleted_chunks & set(final)
    assert not deleted_chunks & store_ids(settings)
    assert set(final) == set(after) - deleted_chunks
    retriever = Retriever(settings, embedder=session_embedder)
    assert all(hit.document_id != deleted_id for hit in retriever.search(deleted_id.replace("-", " "), k=20))


# --- bad input and failures ----------------------------------------------------------------------


def test_bad_files_are_skipped_named_and_keep_their_previous_chunks(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("notice.txt", "user-notes.md", "page.html"):
        shutil.copy(FIXTURES / name, folder / name)
    settings = Settings(home=tmp_path / "home", sources=folder)
    embedder = FakeEmbedder()
    assert ingest(settings, embedder=embedder, progress=False).ok
    notice_chunks = {cid for cid, r in records(settings).items() if r["document_id"] == "notice"}

    (folder / "notice.txt").write_bytes("caf\u00e9 notice".encode("latin-1"))  # now undecodable
    (folder / "broken.pdf").write_bytes(make_pdf([["hello"]])[:150])
    (folder / "bad-front-matter.md").write_text("---\nid: x\ncolour: red\n---\n# T\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "fresh.txt").write_text("A new, valid note on bismuth exports.\n", encoding="utf-8")
    report = ingest(settings, embedder=embedder, progress=False)

    assert report.skipped == 4
    reasons = {
        Path(e.split(": cannot parse: ")[0]).name: e.split(": cannot parse: ")[1] for e in report.errors
    }
    assert set(reasons) == {"notice.txt", "broken.pdf", "bad-front-matter.md", "empty.txt"}
    assert "not UTF-8" in reasons["notice.txt"]
    assert "not a readable PDF" in reasons["broken.pdf"]
    assert "front matter" in reasons["bad-front-matter.md"]
    assert "empty" in reasons["empty.txt"]
    indexed = records(settings)
    assert notice_chunks <= set(indexed) and notice_chunks <= store_ids(settings)
    assert {r["document_id"] for r in indexed.values()} == {"notice", "user-notes", "page", "fresh"}

    result = CliRunner().invoke(
        main, ["ingest", "-q"], env={"KB_HOME": str(settings.home), "KB_SOURCES": str(folder)}
    )
    assert result.exit_code == 1
    assert "skipped: " in result.output and "broken.pdf" in result.output


def test_failure_mid_ingest_leaves_the_previous_index_usable(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / "notice.txt", folder / "notice.txt")
    settings = Settings(home=tmp_path / "home", sources=folder)
    good = FakeEmbedder()
    ingest(settings, embedder=good, progress=False)
    snapshot = {p: p.read_bytes() for p in (keyword_index_path(settings), settings.manifest_path)}
    ids = store_ids(settings)

    shutil.copy(FIXTURES / "user-notes.md", folder / "user-notes.md")
    with pytest.raises(KbError, match="crashed"):
        ingest(settings, embedder=FakeEmbedder(fail=True), progress=False)
    assert {p: p.read_bytes() for p in snapshot} == snapshot
    assert store_ids(settings) == ids
    assert Retriever(settings, embedder=good).search("antimony ingots")[0].document_id == "notice"

    report = ingest(settings, embedder=good, progress=False)
    assert report.ok and report.added == 3
    assert {r["document_id"] for r in records(settings).values()} == {"notice", "user-notes"}


def test_another_model_rebuilds_the_index(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", sources=FIXTURES)
    first = ingest(settings, embedder=FakeEmbedder("model-a"), progress=False)
    with pytest.raises(IndexNotBuilt, match="model-a"):
        Retriever(settings, embedder=FakeEmbedder("model-b")).search("tungsten")
    counting = CountingEmbedder(FakeEmbedder("model-b"))
    second = ingest(settings, embedder=counting, progress=False)
    assert counting.texts == second.embedded == first.embedded
    assert store_ids(settings) == set(records(settings))


def test_user_documents_with_the_same_name_get_distinct_ids(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notes.md").write_text("# Notes\n\nOn tellurium.\n", encoding="utf-8")
    (folder / "notes.txt").write_text("Notes\n\nOn indium.\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", sources=folder)
    assert ingest(settings, embedder=FakeEmbedder(), progress=False).ok
    assert {r["document_id"] for r in records(settings).values()} == {"notes", "notes-txt"}


def test_missing_path_is_reported(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", sources=FIXTURES)
    report = ingest(settings, paths=[tmp_path / "nowhere"], embedder=FakeEmbedder(), progress=False)
    assert report.errors == (f"{tmp_path / 'nowhere'}: no such file or folder",)


def test_cli_ingest_prints_a_summary(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / "chinese-notice.txt", folder / "chinese-notice.txt")
    env = {"KB_HOME": str(tmp_path / "home")}
    result = CliRunner().invoke(main, ["ingest", str(folder), "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 files (1 parsed, 0 skipped): 1 chunks added" in result.output
    result = CliRunner().invoke(main, ["ingest", str(folder), "--json"], env=env)
    assert json.loads(result.output)["unchanged"] == 1


def test_search_without_an_index_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuilt, match="run `kb ingest`"):
        Retriever(Settings(home=tmp_path / "empty"))
    result = CliRunner().invoke(main, ["search", "gallium"], env={"KB_HOME": str(tmp_path / "empty")})
    assert result.exit_code == 1
    assert result.output.startswith("error: no search index in") and "run `kb ingest`" in result.output


# --- a real Chroma server ------------------------------------------------------------------------


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """``chroma run`` on 127.0.0.1 and a free port, stopped after the test."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma CLI is not installed beside this Python")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        stop_process(server)
        log.close()


def test_same_ingest_and_search_against_a_chroma_server(
    tmp_path: Path, chroma_server: str, session_embedder: CachingEmbedder, built_index: BuiltIndex
) -> None:
    settings = dataclasses.replace(
        Settings(home=tmp_path / "home", sources=SOURCES), chroma_url=chroma_server
    )
    report = ingest(settings, embedder=session_embedder, progress=False)
    assert report.ok and report.embedded == report.added > 0
    assert ChunkStore(settings).count() == report.added
    assert not (settings.home / "chroma").exists()  # the vectors live on the server
    counting = CountingEmbedder(session_embedder)
    assert ingest(settings, embedder=counting, progress=False).embedded == counting.texts == 0

    server_retriever = Retriever(settings, embedder=session_embedder)
    for query in ("export licence application documents", "出口许可证", "dual-use items United States"):
        served = [(h.document_id, h.locator) for h in server_retriever.search(query)]
        local = [(h.document_id, h.locator) for h in built_index.retriever.search(query)]
        assert served == local


@pytest.mark.slow
def test_on_a_chroma_server_each_generation_is_a_collection_and_only_ours_are_dropped(
    tmp_path: Path, chroma_server: str
) -> None:
    import chromadb

    folder = tmp_path / "docs"
    shutil.copytree(FIXTURES, folder)
    settings = dataclasses.replace(Settings(home=tmp_path / "home", sources=folder), chroma_url=chroma_server)
    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    client.create_collection("kb_chunks-20200101000000-aaaaaa")  # another home's generation

    def ours() -> set[str]:
        return {str(getattr(c, "name", c)) for c in client.list_collections()}

    assert ingest(settings, embedder=FakeEmbedder(), progress=False).ok
    first = settings.current_generation()
    assert settings.collection_name == f"kb_chunks-{first}" and settings.collection_name in ours()
    for _ in range(2):
        assert ingest(settings, embedder=FakeEmbedder(), progress=False, fresh=True).ok
    assert f"kb_chunks-{first}" not in ours() and "kb_chunks-20200101000000-aaaaaa" in ours()
    assert Retriever(settings, embedder=FakeEmbedder()).search("antimony ingots")
