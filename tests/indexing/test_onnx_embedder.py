"""The ONNX export serves queries: the same vectors as sentence-transformers, checked at every load,
a stale or missing export falls back with a warning, no torch on the query path, no global lock."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.config import Settings
from kb.corpus.loading import load_corpus
from kb.errors import KbError, ModelUnavailable
from kb.indexing import export
from kb.indexing.chunks import chunk_document, dense_text
from kb.indexing.embedding import (
    BFLOAT16_MIN_TEXTS,
    BFloat16Embedder,
    MiniLMEmbedder,
    bfloat16_cpu,
    serving_embedder,
)
from kb.indexing.export import indexing_embedder
from kb.indexing.onnx_embedder import REFERENCE_COSINE, OnnxEmbedder, export_problem
from kb.retrieval.hybrid import Retriever
from tests.conftest import ROOT, SOURCES, BuiltIndex, CachingEmbedder, add_export, copy_home


def _cosines(a: list[list[float]], b: list[list[float]]) -> list[float]:
    return [sum(x * y for x, y in zip(u, v, strict=True)) for u, v in zip(a, b, strict=True)]


def _corpus_texts(limit: int = 120) -> list[str]:
    """What ingest embeds, from every document: short and long (truncated) chunks, both scripts."""
    docs = list(load_corpus(SOURCES))
    texts = [dense_text(c) for doc in docs for c in chunk_document(doc, path=doc.id)[:2]]
    chosen = sorted(set(texts), key=len)[:: max(1, len(texts) // limit)]
    # Whole provisions run together: far beyond the model's 256-token window, so truncation agrees.
    return chosen + [" ".join(s.text for s in doc.sections)[:4000] for doc in docs[:5]]


@pytest.mark.slow
def test_onnx_vectors_are_sentence_transformers_vectors_on_corpus_texts(
    onnx_export: Path, session_embedder: CachingEmbedder
) -> None:
    onnx = OnnxEmbedder.load(onnx_export)
    texts = _corpus_texts()
    assert len(texts) > 50 and max(map(len, texts)) > 2000  # some longer than the 256-token window
    cosines = _cosines(onnx.embed_documents(texts), session_embedder.embed_documents(texts))
    assert min(cosines) >= REFERENCE_COSINE, [
        t[:60] for t, c in zip(texts, cosines, strict=True) if c < 0.9999
    ]
    # Batched by token count, not by the order given: each vector still comes back in its text's place.
    mixed = texts[1::2] + texts[::2][::-1]
    mixed_cosines = _cosines(onnx.embed_documents(mixed), session_embedder.embed_documents(mixed))
    assert min(mixed_cosines) >= REFERENCE_COSINE
    queries = ["Do I need a licence to export gallium nitride wafers?", "antimony 2026 suspension", "镓"]
    query_cosines = _cosines(
        [onnx.embed_query(q) for q in queries], [session_embedder.embed_query(q) for q in queries]
    )
    assert min(query_cosines) >= REFERENCE_COSINE


@pytest.mark.slow
def test_serving_uses_the_export_and_retrieval_agrees(
    onnx_export: Path, built_index: BuiltIndex, tmp_path: Path
) -> None:
    home = copy_home(built_index, tmp_path)
    add_export(onnx_export, home)
    settings = Settings(home=home, sources=SOURCES)
    embedder = serving_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder) and embedder.name == built_index.embedder.name
    onnx_hits = Retriever(settings, embedder=embedder).search("licence for gallium nitride", k=5)
    reference_hits = built_index.retriever.search("licence for gallium nitride", k=5)
    assert [h.chunk.id for h in onnx_hits] == [h.chunk.id for h in reference_hits]


def _tamper_source(folder: Path) -> None:
    path = folder / "reference.json"
    data = json.loads(path.read_text())
    data["source"]["package"] = "0.0.1"
    path.write_text(json.dumps(data))


def _tamper_vectors(folder: Path) -> None:
    path = folder / "reference.json"
    data = json.loads(path.read_text())
    data["vectors"][0] = list(reversed(data["vectors"][0]))
    path.write_text(json.dumps(data))


def _delete_model(folder: Path) -> None:
    (folder / "model.onnx").unlink()


def _damage_model(folder: Path) -> None:
    (folder / "model.onnx").unlink()  # a hard link: never write into the session's file
    (folder / "model.onnx").write_bytes(b"not a model" * 100)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "symptom"),
    [
        (_tamper_source, "is stale: made from"),
        (_tamper_vectors, "differ from sentence-transformers'"),
        (_delete_model, "lacks model.onnx"),
        (_damage_model, "does not load"),
    ],
)
def test_a_stale_or_broken_export_falls_back_with_a_warning(
    onnx_export: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Any, symptom: str
) -> None:
    folder = add_export(onnx_export, tmp_path / "home")
    for name in ("reference.json",):  # edited below: a file of its own, not a link
        data = (folder / name).read_bytes()
        (folder / name).unlink()
        (folder / name).write_bytes(data)
    damage(folder)
    with pytest.raises(ModelUnavailable, match="kb export-model"):
        OnnxEmbedder.load(folder)
    with caplog.at_level(logging.WARNING, logger="kb.indexing.embedding"):
        embedder = serving_embedder(Settings(home=tmp_path / "home"))
    assert isinstance(embedder, MiniLMEmbedder)
    assert (
        symptom in caplog.text and "kb export-model" in caplog.text and "sentence-transformers" in caplog.text
    )


def test_a_missing_export_falls_back_with_a_warning_saying_how_to_make_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(home=tmp_path / "home")
    assert "there is no ONNX export" in (export_problem(settings.model_path) or "")
    with caplog.at_level(logging.WARNING, logger="kb.indexing.embedding"):
        embedder = serving_embedder(settings)  # the reference model is not loaded until used
    assert isinstance(embedder, MiniLMEmbedder)
    assert "make it with `kb export-model` (or `kb ingest`)" in caplog.text
    result = CliRunner().invoke(main, ["export-model", "--check"], env={"KB_HOME": str(settings.home)})
    assert result.exit_code == 1 and "make it with `kb export-model`" in result.output


_QUERY_PATH = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    {body}
    heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)
    print("HEAVY", heavy)
    """
)


def _run(body: str, env: dict[str, str]) -> str:
    script = _QUERY_PATH.format(root=str(ROOT), body=textwrap.dedent(body))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_the_query_path_imports_no_torch() -> None:
    out = _run(
        """
        import kb, kb.cli, kb.retrieval.hybrid, kb.answering.knowledge, kb.indexing.onnx_embedder
        import kb.app.state, kb.app.live
        """,
        {**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert "HEAVY []" in out


@pytest.mark.slow
def test_an_answer_through_the_export_loads_no_torch(
    onnx_export: Path, built_index: BuiltIndex, tmp_path: Path
) -> None:
    home = copy_home(built_index, tmp_path)
    add_export(onnx_export, home)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KB_HOME": str(home), "KB_SOURCES": str(SOURCES)}
    out = _run(
        """
        import kb
        answer = kb.answer("Do I need a licence to export gallium nitride wafers?", as_of="2026-11-22")
        print("VERDICT", answer.verdict)
        """,
        env,
    )
    assert "VERDICT licence_required" in out and "HEAVY []" in out


class _Meeting:
    """Wraps an ONNX session: each run waits until ``parties`` runs are inside at once. Behind a
    lock, the second run could never enter, and the barrier breaks."""

    def __init__(self, session: Any, parties: int) -> None:
        self.session = session
        self.barrier = threading.Barrier(parties, timeout=20)
        self.inside: list[tuple[float, float]] = []

    def run(self, *args: Any) -> Any:
        entered = time.perf_counter()
        self.barrier.wait()
        result = self.session.run(*args)
        self.inside.append((entered, time.perf_counter()))
        return result


@pytest.mark.slow
def test_concurrent_queries_overlap(onnx_export: Path, built_index: BuiltIndex) -> None:
    onnx = OnnxEmbedder.load(onnx_export)
    retriever = Retriever(built_index.settings, embedder=onnx, query_cache=0)
    retriever.search("warm up the index", k=3)  # the table loads once, before the meeting
    meeting = _Meeting(onnx._session, parties=2)
    onnx._session = meeting
    errors: list[BaseException] = []

    def ask(question: str) -> None:
        try:
            assert retriever.search(question, k=5)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=ask, args=(q,)) for q in ("gallium nitride licence", "antimony ingots")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    (a_in, a_out), (b_in, b_out) = meeting.inside
    assert max(a_in, b_in) < min(a_out, b_out)  # both were embedding at the same time


@pytest.mark.slow
def test_a_full_check_is_recorded_and_a_changed_reference_is_checked_in_full_again(
    onnx_export: Path, tmp_path: Path
) -> None:
    folder = add_export(onnx_export, tmp_path / "home")
    (folder / "checked.json").unlink(missing_ok=True)
    OnnxEmbedder.load(folder)
    stamp = json.loads((folder / "checked.json").read_text())
    assert stamp["files"]["model.onnx"][0] == (folder / "model.onnx").stat().st_size
    OnnxEmbedder.load(folder)  # the short check: the same export, the same runtime
    # The longest reference text is not among the short check's texts; editing the reference file
    # changes its stamp, so the next load checks every vector and refuses the export.
    data = json.loads((folder / "reference.json").read_text())
    longest = max(range(len(data["texts"])), key=lambda i: len(data["texts"][i]))
    data["vectors"][longest] = list(reversed(data["vectors"][longest]))
    (folder / "reference.json").unlink()
    (folder / "reference.json").write_text(json.dumps(data))
    with pytest.raises(ModelUnavailable, match="differ from sentence-transformers'"):
        OnnxEmbedder.load(folder)


def test_bfloat16_is_used_only_where_the_cpu_has_bfloat16_units(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n", encoding="utf-8")
    assert not bfloat16_cpu(cpuinfo)
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx512f amx_bf16 amx_tile\n", encoding="utf-8")
    assert bfloat16_cpu(cpuinfo)
    assert not bfloat16_cpu(tmp_path / "missing")


def test_the_bfloat16_switch_is_read_from_the_environment() -> None:
    assert not Settings.from_env({}).ingest_bf16
    assert not Settings.from_env({"KB_INGEST_BF16": "0"}).ingest_bf16
    assert Settings.from_env({"KB_INGEST_BF16": "1"}).ingest_bf16
    assert Settings.from_env({"KB_INGEST_BF16": "on"}).ingest_bf16
    with pytest.raises(KbError, match="KB_INGEST_BF16"):
        Settings.from_env({"KB_INGEST_BF16": "maybe"})


@pytest.mark.slow
def test_a_large_ingest_embeds_in_bfloat16_where_it_agrees_with_fp32(
    onnx_export: Path, tmp_path: Path
) -> None:
    settings = Settings(home=tmp_path / "kb-home", sources=SOURCES, ingest_bf16=True)
    add_export(onnx_export, settings.home)
    small = indexing_embedder(settings, texts=BFLOAT16_MIN_TEXTS - 1)
    assert isinstance(small, OnnxEmbedder)  # importing torch would cost more than it saves
    off = indexing_embedder(replace(settings, ingest_bf16=False), texts=BFLOAT16_MIN_TEXTS)
    assert isinstance(off, OnnxEmbedder)
    if not bfloat16_cpu():
        pytest.skip("this CPU has no bfloat16 matrix units (amx_bf16 or avx512_bf16)")
    bulk = indexing_embedder(settings, texts=BFLOAT16_MIN_TEXTS)
    assert isinstance(bulk, BFloat16Embedder) and bulk.name == small.name
    texts = _corpus_texts(60)
    cosines = _cosines(bulk.embed_documents(texts), small.embed_documents(texts))
    assert min(cosines) >= REFERENCE_COSINE
    assert _cosines(bulk.embed_documents(texts[:1]), bulk.embed_documents(texts[:1]))[0] > 0.99999  # unit


@pytest.mark.slow
def test_bfloat16_that_disagrees_with_fp32_is_not_used(
    onnx_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(home=tmp_path / "kb-home", sources=SOURCES, ingest_bf16=True)
    add_export(onnx_export, settings.home)
    monkeypatch.setattr(export, "bfloat16_cpu", lambda: True)
    monkeypatch.setattr(BFloat16Embedder, "lowest_cosine", lambda self, texts: 0.998)
    with caplog.at_level(logging.WARNING, logger="kb.indexing.export"):
        chosen = indexing_embedder(settings, texts=5000)
    assert isinstance(chosen, OnnxEmbedder)
    assert "lowest cosine 0.998000" in caplog.text and "fp32" in caplog.text
