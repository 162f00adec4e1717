"""How the system behaves as a user's collection grows, and how fast it starts from cold.

``kb bench scale`` indexes the corpus plus a synthetic user collection that brings the index to
``factor`` times the corpus's chunks (10x and 100x by default), each size under a temporary
``KB_HOME``, and measures for each size: ingest chunks/s, index size on disk, index load time
(opening the keyword index and the vector store and the first search, in a fresh process whose
modules are imported: those cost the same at every size), search p50/p95, answer p50/p95 and the
peak RSS of that process.

The collection is deterministic and made of the corpus's own words: each synthetic section draws
its words from two corpus chunks (so topics mix as in real notes, and the keyword index sees the
corpus's vocabulary, Chinese included). Embedding 100x the corpus with the real model would take
about an hour on two cores, so by default the synthetic sections get vectors composed from the
real model's vectors of the corpus chunks their words come from (``compose``): the same space
the queries are embedded in, with the neighbourhoods the store must search. The real model's
throughput is measured on a sample of the synthetic sections and the ingest time it would take
is printed beside the composed one. ``embedding="model"`` embeds everything with the real model.

``kb bench cold`` runs ``kb ask`` in fresh processes (wall time and peak RSS each) and starts the
app, timing how long until its page answers and reading its resident memory then.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.config import Settings
from kb.errors import KbError, QuestionSetError
from kb.evaluation.metrics import percentile
from kb.evaluation.questions import Question

__all__ = [
    "ColdBench",
    "ScaleRow",
    "bench_cold",
    "bench_scale",
    "scale_lines",
    "scale_plot",
    "synthetic_collection",
]

#: Synthetic sections per file (one chunk each).
SECTIONS_PER_FILE = 50
#: Synthetic sections embedded with the real model to measure its throughput.
MODEL_SAMPLE = 256
#: Seed of the synthetic collection: the same collection every run.
SEED = 20261202
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{2,}|[0-9][0-9.]{2,}|[\u4e00-\u9fff]{2,8}")


@dataclass(frozen=True)
class ScaleRow:
    """One size's figures."""

    factor: int
    chunks: int
    ingest_s: float
    chunks_per_s: float
    model_chunks_per_s: float | None  # the real model's throughput on a sample (composed vectors)
    projected_ingest_s: float | None  # the ingest with the real model embedding everything
    index_mb: float
    load_s: float
    search_p50_ms: float
    search_p95_ms: float
    answer_p50_ms: float
    answer_p95_ms: float
    peak_rss_mb: float

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def scale_lines(rows: Sequence[ScaleRow]) -> list[str]:
    """The table ``kb bench scale`` prints (Markdown, so it can go into the README as it is)."""
    lines = [
        "| size | chunks | ingest chunks/s | ingest s (real model) | index MB | load s "
        "| search p50/p95 ms | answer p50/p95 ms | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.projected_ingest_s is not None and row.model_chunks_per_s is not None:
            rate = f"{row.chunks_per_s:.0f} (model alone {row.model_chunks_per_s:.0f})"
            real = f"{row.ingest_s:.0f} ({row.projected_ingest_s:.0f})"
        else:
            rate, real = f"{row.chunks_per_s:.0f}", f"{row.ingest_s:.0f}"
        lines.append(
            f"| {row.factor}x | {row.chunks:,} | {rate} | {real} | {row.index_mb:.0f} | {row.load_s:.2f} "
            f"| {row.search_p50_ms:.0f} / {row.search_p95_ms:.0f} "
            f"| {row.answer_p50_ms:.0f} / {row.answer_p95_ms:.0f} | {row.peak_rss_mb:.0f} |"
        )
    return lines


def synthetic_collection(
    chunk_texts: Sequence[str], count: int, folder: Path, seed: int = SEED
) -> list[tuple[int, int]]:
    """Write ``count`` synthetic sections as Markdown files under ``folder``, made of the words of
    ``chunk_texts`` (two source chunks per section); returns each section's two sources."""
    rng = random.Random(seed)
    words = [_WORD.findall(text) or ["note"] for text in chunk_texts]
    lengths = [len(w) for w in words]
    folder.mkdir(parents=True, exist_ok=True)
    sources: list[tuple[int, int]] = []
    for start in range(0, count, SECTIONS_PER_FILE):
        parts = [f"# Collection note {start // SECTIONS_PER_FILE + 1:05d}\n"]
        for number in range(start, min(start + SECTIONS_PER_FILE, count)):
            a, b = rng.randrange(len(words)), rng.randrange(len(words))
            size = max(20, min(160, (lengths[a] + lengths[b]) // 2))
            pool = words[a] + words[b]
            body = " ".join(rng.choice(pool) for _ in range(size))
            parts.append(f"## Section {number + 1}\n\n{body}.\n")
            sources.append((a, b))
        (folder / f"note-{start // SECTIONS_PER_FILE + 1:05d}.md").write_text(
            "\n".join(parts), encoding="utf-8"
        )
    return sources


class _ComposedEmbedder:
    """Vectors for synthetic sections from the real model's vectors of the corpus chunks whose
    words they use: the normalised mean of the vectors of the chunks holding each word."""

    def __init__(self, name: str, chunk_texts: Sequence[str], chunk_vectors: Any) -> None:
        import numpy as np

        self.name = name
        holders: dict[str, list[int]] = {}
        for i, text in enumerate(chunk_texts):
            for word in set(_WORD.findall(text)):
                holders.setdefault(word, []).append(i)
        vectors = np.asarray(chunk_vectors, dtype=np.float32)
        self._words = {
            word: vectors[ids].mean(axis=0)
            for word, ids in holders.items()
            if len(ids) <= len(chunk_texts) // 2
        }
        self._dim = vectors.shape[1]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        import numpy as np

        out: list[list[float]] = []
        for text in texts:
            parts = [self._words[w] for w in _WORD.findall(text) if w in self._words]
            vector = np.mean(parts, axis=0) if parts else np.ones(self._dim, dtype=np.float32)
            out.append((vector / (np.linalg.norm(vector) or 1.0)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def bench_scale(
    settings: Settings,
    questions: Sequence[Question],
    factors: Sequence[int] = (10, 100),
    embedding: str = "compose",
    keep: Path | None = None,
    echo: Callable[[str], None] = print,
) -> list[ScaleRow]:
    """Measure each size in ``factors`` (times the corpus's chunks); see the module's docstring.
    ``keep`` keeps each size's KB_HOME under that folder instead of a temporary one."""
    from kb.indexing.export import indexing_embedder
    from kb.indexing.ingest import ingest
    from kb.indexing.keyword import read_keyword_index

    if not questions:
        raise QuestionSetError("no questions to time")
    if embedding not in ("compose", "model"):
        raise KbError(f"unknown embedding {embedding!r}; choose compose or model")
    rows: list[ScaleRow] = []
    with tempfile.TemporaryDirectory(prefix="kb-scale-") as tmp:
        root = keep or Path(tmp)
        base = dataclasses.replace(settings, home=root / "corpus", chroma_url=None, llm_url=None)
        model = indexing_embedder(base)
        echo("indexing the corpus with the real model")
        first = ingest(base, embedder=model, progress=True)
        records = read_keyword_index(base)["chunks"]
        texts = [str(r["text"]) for r in records]
        corpus_chunks = len(texts)
        echo(f"corpus: {corpus_chunks} chunks in {first.seconds:.1f} s")
        composed = None
        if embedding == "compose":
            from kb.indexing.store import ChunkStore

            vectors = ChunkStore(base).stored_vectors([str(r["id"]) for r in records])
            composed = _ComposedEmbedder(model.name, texts, [vectors[str(r["id"])] for r in records])
        for factor in factors:
            home = root / f"x{factor}"
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(base.home, home)  # the corpus's index, then the collection on top
            scratch = dataclasses.replace(base, home=home)
            collection = home / "collection"
            count = max(0, corpus_chunks * factor - corpus_chunks)
            if count == 0:  # the corpus alone: its own build is the ingest figure
                rows.append(_corpus_row(factor, corpus_chunks, first, scratch, questions))
                echo(scale_lines(rows)[-1])
                continue
            echo(f"{factor}x: writing {count:,} synthetic sections")
            synthetic_collection(texts, count, collection)
            model_rate = None
            if composed is not None:
                sample = [p.read_text(encoding="utf-8") for p in sorted(collection.glob("*.md"))[:6]]
                sections = [s for text in sample for s in text.split("\n## ")[1:]][:MODEL_SAMPLE]
                started = time.perf_counter()
                model.embed_documents(sections)
                model_rate = len(sections) / (time.perf_counter() - started)
            limits = dataclasses.replace(
                scratch, max_chunks_per_file=max(scratch.max_chunks_per_file, 10_000)
            )
            report = ingest(limits, paths=[collection], embedder=composed or model, progress=True)
            rate = report.embedded / report.seconds if report.seconds else 0.0
            projected = None
            if model_rate:
                projected = report.seconds + report.embedded / model_rate
            echo(f"{factor}x: {report.summary()}")
            serving = _serve_figures(scratch, questions)
            rows.append(
                ScaleRow(
                    factor=factor,
                    chunks=corpus_chunks + report.added,
                    ingest_s=round(report.seconds, 1),
                    chunks_per_s=round(rate, 1),
                    model_chunks_per_s=None if model_rate is None else round(model_rate, 1),
                    projected_ingest_s=None if projected is None else round(projected, 0),
                    index_mb=round(_size_mb(scratch.index_path), 1),
                    **serving,
                )
            )
            echo(scale_lines(rows)[-1])
            if keep is None:
                shutil.rmtree(home, ignore_errors=True)
    return rows


def _corpus_row(
    factor: int, chunks: int, report: Any, settings: Settings, questions: Sequence[Question]
) -> ScaleRow:
    rate = report.embedded / report.seconds if report.seconds else 0.0
    return ScaleRow(
        factor=factor,
        chunks=chunks,
        ingest_s=round(report.seconds, 1),
        chunks_per_s=round(rate, 1),
        model_chunks_per_s=None,
        projected_ingest_s=None,
        index_mb=round(_size_mb(settings.index_path), 1),
        **_serve_figures(settings, questions),
    )


def scale_plot(rows: Sequence[ScaleRow], path: Path) -> Path:
    """A PNG of how each figure grows with the collection (log scale of chunks), one panel each."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    chunks = [r.chunks for r in rows]
    single: list[tuple[str, list[float]]] = [
        ("index size (MB)", [r.index_mb for r in rows]),
        ("index load (s)", [r.load_s for r in rows]),
        ("peak RSS serving (MB)", [r.peak_rss_mb for r in rows]),
        ("ingest s (real model)", [r.projected_ingest_s or r.ingest_s for r in rows]),
    ]
    paired: list[tuple[str, list[float], list[float]]] = [
        ("search p50 / p95 (ms)", [r.search_p50_ms for r in rows], [r.search_p95_ms for r in rows]),
        ("answer p50 / p95 (ms)", [r.answer_p50_ms for r in rows], [r.answer_p95_ms for r in rows]),
    ]
    figure = Figure(figsize=(12, 6.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = list(figure.subplots(2, 3).flat)
    for axis, (title, values) in zip(axes[:4], single, strict=True):
        axis.plot(chunks, values, marker="o")
        axis.set_title(title, fontsize=10)
    for axis, (title, p50, p95) in zip(axes[4:], paired, strict=True):
        axis.plot(chunks, p50, marker="o", label="p50")
        axis.plot(chunks, p95, marker="o", label="p95")
        axis.legend(fontsize=8)
        axis.set_title(title, fontsize=10)
    for axis in axes:
        axis.set_xscale("log")
        axis.set_xlabel("chunks in the index", fontsize=8)
        axis.grid(True, alpha=0.3)
    figure.suptitle("kb bench scale: the corpus, and synthetic user collections of 10x and 100x its chunks")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    return path


def _serve_figures(settings: Settings, questions: Sequence[Question]) -> dict[str, float]:
    """Load, search and answer figures of the index of ``settings``, from a fresh process (so its
    peak RSS is that of serving this index, not of building it)."""
    payload = {
        "home": str(settings.home),
        "sources": str(settings.sources),
        "questions": [[q.question, str(q.as_of) if q.as_of else None, q.destination] for q in questions],
    }
    done = subprocess.run(
        [sys.executable, "-m", "kb.evaluation.scale"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"},
        timeout=3600,
    )
    if done.returncode != 0:
        raise KbError(f"the serving measurement failed:\n{done.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _measure_serving(payload: dict[str, Any]) -> dict[str, float]:
    from kb.answering.knowledge import KnowledgeBase
    from kb.evaluation.bench import peak_rss_mb
    from kb.evaluation.serving import process_memory_mb
    from kb.indexing.embedding import serving_embedder
    from kb.retrieval.hybrid import Retriever

    settings = dataclasses.replace(
        Settings.from_env(), home=Path(payload["home"]), sources=Path(payload["sources"]), llm_url=None
    )
    asked = [(q, a, d) for q, a, d in payload["questions"]]
    embedder = serving_embedder(settings)
    embedder.embed_query("warm up")  # the model's load is not the index's
    import bm25s  # noqa: F401  - imports cost the same at every size (kb bench cold has them)
    import chromadb  # noqa: F401

    started = time.perf_counter()
    retriever = Retriever(settings, embedder=embedder, query_cache=0)
    retriever.search("warm up", k=5)
    load_s = time.perf_counter() - started
    searches: list[float] = []
    for _ in range(2):
        for question, _, _ in asked:
            t0 = time.perf_counter()
            retriever.search(question, k=10)
            searches.append((time.perf_counter() - t0) * 1000)
    base = KnowledgeBase(settings, retriever=retriever)
    base.answer(asked[0][0], as_of=asked[0][1], destination=asked[0][2])
    answers: list[float] = []
    for question, as_of, destination in asked:
        t0 = time.perf_counter()
        base.answer(question, as_of=as_of, destination=destination)
        answers.append((time.perf_counter() - t0) * 1000)
    return {
        "load_s": round(load_s, 2),
        "search_p50_ms": round(percentile(searches, 50) or 0.0, 1),
        "search_p95_ms": round(percentile(searches, 95) or 0.0, 1),
        "answer_p50_ms": round(percentile(answers, 50) or 0.0, 1),
        "answer_p95_ms": round(percentile(answers, 95) or 0.0, 1),
        # The process's own peak: ru_maxrss would also count the builder's memory at the fork.
        "peak_rss_mb": round(process_memory_mb("self", "VmHWM") or peak_rss_mb(), 0),
    }


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / (1024 * 1024)


# --- from cold ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColdBench:
    runs: int
    ask_s: tuple[float, ...]
    ask_rss_mb: tuple[float, ...]
    app_ready_s: float | None
    app_rss_mb: float | None
    app_answered_rss_mb: float | None

    def lines(self) -> list[str]:
        lines = [
            f"kb ask from cold      median {statistics.median(self.ask_s):.2f} s, "
            f"max {max(self.ask_s):.2f} s over {self.runs} runs  (target <= 3 s)",
            f"kb ask peak RSS       median {statistics.median(self.ask_rss_mb):.0f} MB, "
            f"max {max(self.ask_rss_mb):.0f} MB  (target <= 400 MB)",
        ]
        if self.app_ready_s is not None:
            lines.append(f"app ready             {self.app_ready_s:.1f} s  (target <= 6 s)")
        if self.app_rss_mb is not None:
            lines.append(f"app RSS when ready    {self.app_rss_mb:.0f} MB")
        if self.app_answered_rss_mb is not None:
            lines.append(f"app RSS after answers {self.app_answered_rss_mb:.0f} MB  (target <= 500 MB)")
        return lines


def bench_cold(
    settings: Settings, question: str, runs: int = 5, app: bool = True, answers: int = 10
) -> ColdBench:
    """``kb ask QUESTION`` in ``runs`` fresh processes, then (``app``) the app started once: seconds
    until its page answers, and its resident memory then and after ``answers`` questions."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "KB_HOME": str(settings.home),
        "ANONYMIZED_TELEMETRY": "False",
    }
    env.pop("KB_LLM_URL", None)
    kb = [sys.executable, "-c", "import sys; from kb.cli import main; sys.exit(main())"]
    subprocess.run([*kb, "status"], env=env, capture_output=True, timeout=600)  # warm the disk cache
    seconds: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _RSS_WRAPPER, *kb, "ask", question],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        seconds.append(round(time.perf_counter() - started, 2))
        if done.returncode != 0:
            raise KbError(f"kb ask failed:\n{done.stderr[-2000:]}")
        rss.append(float(done.stderr.strip().splitlines()[-1]))
    ready = ready_rss = answered_rss = None
    if app:
        ready, ready_rss, answered_rss = _app_figures(env, question, answers)
    return ColdBench(runs, tuple(seconds), tuple(rss), ready, ready_rss, answered_rss)


#: Runs a command and prints its peak RSS in MB (of the child alone) on stderr's last line.
_RSS_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, file=sys.stderr)
sys.exit(code)
"""


def _app_figures(
    env: dict[str, str], question: str, answers: int
) -> tuple[float, float | None, float | None]:
    from kb.evaluation.serving import app_server, process_memory_mb

    with tempfile.TemporaryDirectory(prefix="kb-cold-") as folder:
        started = time.perf_counter()
        with app_server(env, Path(folder) / "app.log", wait_s=300, poll_s=0.05) as (url, process):
            ready = round(time.perf_counter() - started, 2)
            ready_rss = process_memory_mb(process.pid)
            answered = None
            if answers:
                from gradio_client import Client

                client = Client(url, verbose=False)
                for _ in range(answers):
                    client.predict(text=question, day="", dest="", api_name="/on_ask")
                answered = process_memory_mb(process.pid)
    return ready, _rounded(ready_rss), _rounded(answered)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 0)


if __name__ == "__main__":
    print(json.dumps(_measure_serving(json.loads(sys.stdin.read()))))
