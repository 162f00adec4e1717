"""Shared test set-up: every test runs offline with its own KB_HOME."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kb.answering.records import Answer, Evidence
from kb.config import Settings
from kb.corpus.loading import load_corpus
from kb.errors import KbError
from kb.indexing.store import ChunkStore
from kb.language.sentences import split_sentences

if TYPE_CHECKING:
    from kb.indexing.embedding import Embedder
    from kb.indexing.ingest import IngestReport
    from kb.retrieval.hybrid import Retriever

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"

# Models come from site-packages; nothing may reach a hub, and no telemetry leaves the machine.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point KB_HOME at a temporary folder and clear settings a developer may have exported."""
    home = tmp_path / "kb-home"
    monkeypatch.setenv("KB_HOME", str(home))
    for name in ("KB_SOURCES", "KB_CHROMA_URL", "KB_LLM_URL", "KB_LLM_MODEL", "KB_AUTH"):
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder beside the checkout; absent in a user's clone."""
    if not SHARED.is_dir():
        pytest.skip(
            "../shared is not beside this checkout (a user's clone): fact base, seeds and dev set are there"
        )
    return SHARED


class CachingEmbedder:
    """The real embedder, remembering every text it embedded this session.

    Vectors are exactly the model's; a test that ingests a copy of the corpus again only pays for
    texts the session has not seen. Same ``name`` as the model, so indexes are interchangeable.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._vectors: dict[str, list[float]] = {}
        self._queries: dict[str, list[float]] = {}

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.inner.embed_documents(missing), strict=True))
        return [self._vectors[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]


@dataclass(frozen=True)
class BuiltIndex:
    """The whole corpus indexed once per session: its settings, a ready retriever, the shared
    (caching) real embedder and the report of the build."""

    settings: Settings
    retriever: Retriever
    embedder: CachingEmbedder
    report: IngestReport


@pytest.fixture(scope="session")
def session_embedder() -> CachingEmbedder:
    """The real offline model (loaded once per session), behind a memo of what it embedded."""
    from kb.indexing.embedding import default_embedder

    return CachingEmbedder(default_embedder())


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, session_embedder: CachingEmbedder) -> BuiltIndex:
    """The whole ``sources/`` corpus ingested once into a session KB_HOME, real model and Chroma.

    Shared by every test that needs real retrieval; do not ingest into it (copy the corpus instead).
    """
    from kb.indexing.ingest import ingest
    from kb.retrieval.hybrid import Retriever

    settings = Settings(home=tmp_path_factory.mktemp("built-index") / "kb-home", sources=SOURCES)
    report = ingest(settings, embedder=session_embedder, progress=False)
    return BuiltIndex(settings, Retriever(settings, embedder=session_embedder), session_embedder, report)


@pytest.fixture(scope="session")
def onnx_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ONNX export of the real model, made once per session; its folder (``Settings.model_path``)."""
    from kb.indexing.embedding import default_embedder
    from kb.indexing.export import export_model

    settings = Settings(home=tmp_path_factory.mktemp("onnx-export") / "kb-home", sources=SOURCES)
    export_model(settings, reference=default_embedder())
    return settings.model_path


def add_export(export: Path, home: Path) -> Path:
    """Put the session's ONNX export into ``home`` (hard links: no copy of 90 MB); its folder there."""
    target = Settings(home=home).model_path
    target.mkdir(parents=True, exist_ok=True)
    for file in export.iterdir():
        os.link(file, target / file.name)
    return target


def copy_home(built: BuiltIndex, folder: Path) -> Path:
    """A copy of the session index (so an app's feedback log does not land in the shared one)."""
    home = folder / "kb-home"
    shutil.copytree(built.settings.home, home, ignore=shutil.ignore_patterns(".ingest.lock"))
    return home


@contextlib.contextmanager
def running_app(home: Path, log_path: Path, **env_vars: str) -> Iterator[str]:
    """``python app.py`` on a free loopback port with KB_HOME ``home``; yields its URL once it
    answers, stops it afterwards. ``env_vars`` (e.g. ``KB_AUTH``) are added to the environment."""
    from kb.evaluation.serving import app_server

    env = {**os.environ, "KB_HOME": str(home), "KB_SOURCES": str(SOURCES)}
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("KB_AUTH", None)
    env.update(env_vars)
    with app_server(env, log_path) as (url, _):
        yield url


# --- shared fakes and helpers (import them from tests.conftest) ------------------------------------


@dataclass(frozen=True)
class _Chunk:
    document_id: str
    locator: str
    text: str
    dense_score: float | None
    keyword_score: float | None = None


class WordOverlapSearcher:
    """A stand-in for the retriever where ranking quality does not matter: shared words decide."""

    def __init__(self, similarity: float = 0.6) -> None:
        self.similarity = similarity
        self.chunks = [
            _Chunk(doc.id, section.locator, section.text, similarity)
            for doc in load_corpus(SOURCES)
            for section in doc.sections
        ]

    def evidence(self, query: str, k: int, documents: Sequence[str] = ()) -> Sequence[Evidence]:
        words = set(re.findall(r"\w+", query.lower()))
        scored = sorted(
            self.chunks,
            key=lambda c: (
                c.document_id not in documents,
                -len(words & set(re.findall(r"\w+", c.text.lower()))),
            ),
        )
        return scored[:k]


class CountingEmbedder:
    """Counts what ingest asks to embed, passing the work to another embedder."""

    def __init__(self, inner: CachingEmbedder | FakeEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.texts = 0

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class FakeEmbedder:
    """Deterministic vectors from a hash, for tests where ranking does not matter."""

    def __init__(self, name: str = "fake-embedder", fail: bool = False) -> None:
        self.name = name
        self.fail = fail

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if self.fail:
            raise KbError("the embedding model crashed (simulated)")
        return [self.embed_query(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        vector = [b - 127.5 for b in digest[:16]]
        norm = sum(v * v for v in vector) ** 0.5
        return [v / norm for v in vector]


def store_ids(settings: Settings) -> set[str]:
    return ChunkStore(settings).ids()


def assert_well_formed(answer: Answer) -> None:
    numbers = {c.n for c in answer.citations}
    used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert used <= numbers, f"unresolved citations {used - numbers}"
    assert numbers == set(range(1, len(numbers) + 1))
    facts = answer.text.split("\n\n")[1] if "\n\n" in answer.text else answer.text
    sentences = [re.sub(r"\s*\[\d+\]", "", s).strip() for s in split_sentences(facts)]
    repeated = {s for s in sentences if len(s) > 20 and sentences.count(s) > 1}
    assert not repeated, f"repeated sentences: {repeated}"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with a real text layer (Helvetica, one text line per string)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
        content = (
            "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({e}) Tj T*" for e in escaped) + " ET"
        ).encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Molybdenum shipping guide", 0)
    document.add_paragraph("How our warehouse ships molybdenum products abroad.")
    document.add_heading("Licences", 1)
    document.add_paragraph("Molybdenum powder needs an export licence before it leaves the warehouse.")
    document.add_paragraph("Keep the licence number on the invoice.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    cells = table.rows[0].cells + table.rows[1].cells
    for cell, text in zip(cells, ["item", "HS", "powder", "81029400"], strict=True):
        cell.text = text
    document.add_heading("Records", 1)
    document.add_paragraph("Records are kept for five years.")
    document.save(str(path))
    return path
