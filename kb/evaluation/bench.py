"""Benchmarks of indexing, search and answers: figures to print, not timed tests.

``kb bench index`` builds the whole corpus into a temporary store (the real index is not
touched), then ingests it again unchanged. ``kb bench search`` runs a question set's questions
through the retriever of the existing index; ``kb bench ask`` runs them through ``kb.answer``
(warm, extractive). ``kb bench screen`` screens a customer file (``tests/fixtures/customers-1000.csv``)
the way ``kb screen --csv`` does: read, screen every row, write the report. ``kb bench soak``
sends many questions (default 10,000) through the app's own answering path and reports the
resident memory as it goes: it should stay flat. Targets on a 2-core
machine: full build <= 60 s, unchanged re-ingest <= 5 s, search p50 <= 100 ms, answer p50 <= 0.3 s
and p95 <= 1 s, screening 1,000 names <= 10 s, peak RSS <= 1.5 GB.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.config import PROJECT_ROOT, Settings
from kb.errors import KbError, QuestionSetError
from kb.evaluation.metrics import percentile
from kb.evaluation.questions import Question
from kb.indexing.embedding import Embedder
from kb.indexing.export import prepare_export

__all__ = [
    "AskBench",
    "IndexBench",
    "ScreenBench",
    "SearchBench",
    "SoakBench",
    "bench_ask",
    "bench_index",
    "bench_screen",
    "bench_search",
    "bench_soak",
    "current_rss_mb",
    "default_question_file",
    "peak_rss_mb",
]

#: The customer file ``kb bench screen`` screens when none is named.
CUSTOMER_FILE = PROJECT_ROOT / "tests" / "fixtures" / "customers-1000.csv"
#: The date the fixture's ``expected`` outcomes hold for.
SCREEN_AS_OF = dt.date(2026, 11, 22)

#: Where ``kb bench search`` looks for questions when none are named, first found wins.
QUESTION_FILES = (
    PROJECT_ROOT / "evals" / "dev.yaml",
    PROJECT_ROOT.parent / "shared" / "evals" / "dev.yaml",
)


@dataclass(frozen=True)
class IndexBench:
    files: int
    chunks: int
    model_load_s: float
    build_s: float
    chunks_per_s: float
    reingest_s: float
    peak_rss_mb: float
    #: How the build embedded (``IngestReport.runtime``), and whether loading that model is in it.
    runtime: str = ""
    loads_model: bool = False

    def lines(self) -> list[str]:
        load = "loading its model included" if self.loads_model else "model load excluded"
        return [
            f"files                 {self.files}",
            f"chunks                {self.chunks}",
            *([] if self.loads_model else [f"model load            {self.model_load_s:.1f} s"]),
            f"full build            {self.build_s:.1f} s  (target <= 20 s; {load})",
            f"embedded with         {self.runtime or '-'}",
            f"embedding throughput  {self.chunks_per_s:.1f} chunks/s",
            f"unchanged re-ingest   {self.reingest_s:.2f} s  (target <= 1 s)",
            f"peak RSS              {self.peak_rss_mb:.0f} MB  (target <= 1536 MB)",
        ]


@dataclass(frozen=True)
class SearchBench:
    queries: int
    repeat: int
    first_search_s: float
    p50_ms: float
    p95_ms: float
    mean_ms: float
    peak_rss_mb: float

    def lines(self) -> list[str]:
        return [
            f"queries               {self.queries} x {self.repeat}",
            f"first search          {self.first_search_s:.1f} s  (loads the index and the model)",
            f"search p50            {self.p50_ms:.1f} ms  (target <= 100 ms)",
            f"search p95            {self.p95_ms:.1f} ms",
            f"search mean           {self.mean_ms:.1f} ms",
            f"peak RSS              {self.peak_rss_mb:.0f} MB  (target <= 1536 MB)",
        ]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench_index(settings: Settings, embedder: Embedder | None = None, progress: bool = False) -> IndexBench:
    """Build ``settings.sources`` into a temporary embedded store, then re-ingest it unchanged.
    Without ``embedder`` the build picks its embedder as ``kb ingest`` does, and loading it counts."""
    from kb.indexing.ingest import ingest

    model_load = 0.0
    if embedder is None:
        prepare_export(settings)  # made once when missing; the build loads the model it picks
    else:
        started = time.perf_counter()
        embedder.embed_query("warm up")  # load the given model outside the build figure
        model_load = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        scratch = dataclasses.replace(settings, home=Path(tmp) / "kb", chroma_url=None)
        if embedder is None and settings.model_path.is_dir():
            shutil.copytree(settings.model_path, scratch.model_path)  # the export, not made again
        first = ingest(scratch, embedder=embedder, progress=progress)
        second = ingest(scratch, embedder=embedder, progress=progress)  # embeds nothing
    chunks = first.added + first.updated + first.unchanged
    return IndexBench(
        files=first.files,
        chunks=chunks,
        model_load_s=round(model_load, 2),
        build_s=first.seconds,
        chunks_per_s=round(first.embedded / first.seconds, 1) if first.seconds else 0.0,
        reingest_s=second.seconds,
        peak_rss_mb=round(peak_rss_mb(), 1),
        runtime=first.runtime,
        loads_model=embedder is None,
    )


def bench_search(
    settings: Settings,
    questions: Sequence[Question],
    k: int = 5,
    repeat: int = 3,
    embedder: Embedder | None = None,
) -> SearchBench:
    """Time ``Retriever.search`` on every question ``repeat`` times, after one warm-up search.

    The retriever's cache of query vectors is off, so every search embeds its question.
    """
    from kb.retrieval.hybrid import Retriever

    if not questions:
        raise QuestionSetError("no questions to time")
    retriever = Retriever(settings, embedder=embedder, query_cache=0)
    started = time.perf_counter()
    retriever.search(questions[0].question, k=k)
    first = time.perf_counter() - started
    timings: list[float] = []
    for _ in range(repeat):
        for question in questions:
            t0 = time.perf_counter()
            retriever.search(question.question, k=k)
            timings.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentile(timings, 50) or 0.0, percentile(timings, 95) or 0.0
    return SearchBench(
        queries=len(questions),
        repeat=repeat,
        first_search_s=round(first, 2),
        p50_ms=round(p50, 2),
        p95_ms=round(p95, 2),
        mean_ms=round(statistics.fmean(timings), 2),
        peak_rss_mb=round(peak_rss_mb(), 1),
    )


@dataclass(frozen=True)
class AskBench:
    questions: int
    repeat: int
    first_answer_s: float
    p50_s: float
    p95_s: float
    max_s: float
    peak_rss_mb: float

    def lines(self) -> list[str]:
        return [
            f"questions             {self.questions} x {self.repeat}",
            f"first answer          {self.first_answer_s:.1f} s  (loads the index and the model)",
            f"answer p50            {self.p50_s:.3f} s  (target <= 0.3 s)",
            f"answer p95            {self.p95_s:.3f} s  (target <= 1 s)",
            f"answer max            {self.max_s:.3f} s",
            f"peak RSS              {self.peak_rss_mb:.0f} MB  (target <= 1536 MB)",
        ]


def bench_ask(settings: Settings, questions: Sequence[Question], repeat: int = 2) -> AskBench:
    """Time ``KnowledgeBase.answer`` (extractive, warm) on every question ``repeat`` times.

    A configured ``KB_LLM_URL`` is ignored: the figure is for the default generator. The
    retriever's cache of query vectors is off and the topic matcher forgets its multilingual
    vectors before each answer, so every answer embeds its question as a new one would.
    """
    from kb.answering.knowledge import KnowledgeBase
    from kb.retrieval.hybrid import Retriever

    if not questions:
        raise QuestionSetError("no questions to time")
    settings = dataclasses.replace(settings, llm_url=None)
    base = KnowledgeBase(settings, retriever=Retriever(settings, query_cache=0))
    started = time.perf_counter()
    base.answer(questions[0].question, as_of=questions[0].as_of, destination=questions[0].destination)
    first = time.perf_counter() - started
    timings: list[float] = []
    for _ in range(repeat):
        for question in questions:
            base.topic_matcher.forget_recent()
            t0 = time.perf_counter()
            base.answer(question.question, as_of=question.as_of, destination=question.destination)
            timings.append(time.perf_counter() - t0)
    p50, p95 = percentile(timings, 50) or 0.0, percentile(timings, 95) or 0.0
    return AskBench(
        questions=len(questions),
        repeat=repeat,
        first_answer_s=round(first, 2),
        p50_s=round(p50, 4),
        p95_s=round(p95, 4),
        max_s=round(max(timings), 4),
        peak_rss_mb=round(peak_rss_mb(), 1),
    )


@dataclass(frozen=True)
class SoakBench:
    requests: int
    sessions: int
    seconds: float
    #: (requests done, resident memory in MB) at the start, every ``every`` requests and at the end.
    rss: tuple[tuple[int, float], ...]
    errors: int

    @property
    def growth_mb(self) -> float:
        """Memory at the end minus memory after the first checkpoint (warm: index and model loaded)."""
        warm = self.rss[1][1] if len(self.rss) > 2 else self.rss[0][1]
        return round(self.rss[-1][1] - warm, 1)

    def lines(self) -> list[str]:
        lines = [
            f"requests              {self.requests} in {self.sessions} sessions, {self.seconds:.0f} s "
            f"({self.requests / self.seconds if self.seconds else 0:.1f} per s)",
            f"answers with errors   {self.errors}",
        ]
        lines += [f"RSS after {done:>7,}     {mb:.0f} MB" for done, mb in self.rss]
        lines.append(f"growth when warm      {self.growth_mb:+.0f} MB")
        return lines


def bench_soak(
    settings: Settings,
    questions: Sequence[Question],
    requests: int = 10_000,
    every: int = 1_000,
    turns_per_session: int = 10,
    echo: Callable[[str], None] | None = None,
) -> SoakBench:
    """Send ``requests`` questions through the app's answering path (:meth:`WebApp.ask`: the
    session history, the answer, its rendering), one session per ``turns_per_session`` questions,
    each session's history saved and restored as the browser does; measure the resident memory at
    the start, every ``every`` requests and at the end (``echo`` prints each checkpoint as it comes)."""
    from kb.app.state import WebApp

    if not questions:
        raise QuestionSetError("no questions to send")
    web = WebApp(dataclasses.replace(settings, llm_url=None))
    rss = [(0, current_rss_mb())]
    if echo:
        echo(f"RSS after {0:>7,}     {rss[0][1]:.0f} MB")
    started = time.perf_counter()
    history = web.new_history()
    sessions, errors = 1, 0
    for done in range(1, requests + 1):
        if done > 1 and (done - 1) % turns_per_session == 0:
            web.restore(history.to_stored())  # what the browser sends back, checked and bounded
            history, sessions = web.new_history(), sessions + 1
        question = questions[(done - 1) % len(questions)]
        as_of = question.as_of.isoformat() if question.as_of else None
        for _ in web.ask(history, question.question, as_of, question.destination):
            pass
        if history.current.turns[-1].answer is None:
            errors += 1
        if done % every == 0 or done == requests:
            rss.append((done, current_rss_mb()))
            if echo:
                echo(f"RSS after {done:>7,}     {rss[-1][1]:.0f} MB")
    return SoakBench(
        requests=requests,
        sessions=sessions,
        seconds=round(time.perf_counter() - started, 1),
        rss=tuple(rss),
        errors=errors,
    )


def current_rss_mb() -> float:
    """The process's resident memory now, in MB (Linux ``/proc``; elsewhere the peak)."""
    from kb.evaluation.serving import process_memory_mb

    now = process_memory_mb("self", "VmRSS")
    return peak_rss_mb() if now is None else round(now, 1)


def default_question_file() -> Path | None:
    """The development question set, if one is beside the project."""
    return next((path for path in QUESTION_FILES if path.is_file()), None)


@dataclass(frozen=True)
class ScreenBench:
    rows: int
    registry_s: float
    seconds: float
    rows_per_s: float
    counts: dict[str, int]
    #: Rows whose outcome differs from the file's ``expected`` column (``None``: the file has none).
    unexpected: int | None
    peak_rss_mb: float

    def lines(self) -> list[str]:
        found = ", ".join(
            f"{self.counts.get(k, 0)} {k}" for k in ("listed", "possible_match", "no_match", "error")
        )
        lines = [
            f"rows                  {self.rows}",
            f"registry build        {self.registry_s:.2f} s  (corpus loaded, names indexed)",
            f"screen + report       {self.seconds:.2f} s  (target <= 10 s for 1,000 rows)",
            f"throughput            {self.rows_per_s:.0f} rows/s",
            f"outcomes              {found}",
        ]
        if self.unexpected is not None:
            lines.append(f"unexpected outcomes   {self.unexpected}  (rows whose 'expected' column differs)")
        lines.append(f"peak RSS              {self.peak_rss_mb:.0f} MB  (target <= 1536 MB)")
        return lines


def bench_screen(
    settings: Settings, path: Path | None = None, rows: int = 1000, as_of: dt.date | None = None
) -> ScreenBench:
    """Screen ``rows`` customers of ``path`` (repeated when the file holds fewer) as ``kb screen
    --csv`` does, into a temporary report; time the registry build and the screening apart. When
    the file has an ``expected`` column, count the rows whose outcome differs from it."""
    from kb.corpus.loading import load_corpus
    from kb.verdicts.parties import PartyRegistry
    from kb.verdicts.screening import read_customers, screen_file, write_report

    path = path or CUSTOMER_FILE
    if not path.is_file():
        raise KbError(f"customer file {path} not found; name one with --file FILE")
    day = as_of or SCREEN_AS_OF
    started = time.perf_counter()
    registry = PartyRegistry(load_corpus(settings.sources))
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        started = time.perf_counter()
        found = read_customers(path)
        if not found.customers:
            raise KbError(f"{path} holds no customer to screen")
        chosen = tuple(found.customers[i % len(found.customers)] for i in range(rows))
        screened = list(screen_file(registry, dataclasses.replace(found, customers=chosen, bad=()), day))
        counts = write_report(Path(tmp) / "report.csv", screened)
        seconds = time.perf_counter() - started
    expected = _expected_outcomes(path)
    unexpected = sum(1 for r in screened if expected.get(r.line) != r.label) if expected else None
    return ScreenBench(
        rows=rows,
        registry_s=round(built, 3),
        seconds=round(seconds, 3),
        rows_per_s=round(rows / seconds, 1) if seconds else 0.0,
        counts=dict(counts),
        unexpected=unexpected,
        peak_rss_mb=round(peak_rss_mb(), 1),
    )


def _expected_outcomes(path: Path) -> dict[int, str]:
    """Line number -> the ``expected`` column of a customer file (empty when it has none)."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    if "expected" not in (reader.fieldnames or []):
        return {}
    expected: dict[int, str] = {}
    for row in reader:
        expected[reader.line_num] = row["expected"]
    return expected
