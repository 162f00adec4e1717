"""The scale benchmark's synthetic collection and composed vectors (the benchmark itself prints
figures: ``kb bench scale``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kb.evaluation.scale import (
    SECTIONS_PER_FILE,
    ScaleRow,
    _ComposedEmbedder,
    scale_lines,
    synthetic_collection,
)

TEXTS = [
    "Gallium nitride wafers need a dual-use export licence from MOFCOM.",
    "Antimony ingots and antimony oxides are controlled since September 2024.",
    "稀土 分离 技术 禁止 出口 the separation technology of rare earths",
]


def test_the_collection_is_deterministic_and_made_of_the_corpus_words(tmp_path: Path) -> None:
    first = synthetic_collection(TEXTS, 120, tmp_path / "a")
    second = synthetic_collection(TEXTS, 120, tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(files) == -(-120 // SECTIONS_PER_FILE) and first == second
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    text = (tmp_path / "a" / files[0]).read_text(encoding="utf-8")
    words = {w for t in TEXTS for w in t.replace(".", " ").split()}
    body = [w.rstrip(".") for w in text.split() if not w.startswith("#")]
    assert sum(w in words for w in body) > 0.8 * len(body)
    assert text.count("\n## Section ") == SECTIONS_PER_FILE


def test_composed_vectors_are_unit_vectors_near_their_source_chunks() -> None:
    vectors = np.eye(3, 4, dtype=np.float32).tolist()
    embedder = _ComposedEmbedder("the model", TEXTS, vectors)
    (gallium,) = embedder.embed_documents(["gallium nitride wafers MOFCOM"])
    assert abs(float(np.linalg.norm(gallium)) - 1.0) < 1e-6
    assert int(np.argmax(gallium)) == 0 and embedder.name == "the model"


def test_the_table_shows_the_projected_ingest_beside_the_composed_one() -> None:
    row = ScaleRow(100, 116701, 360.8, 320.4, 25.5, 4902.0, 1555.4, 3.43, 14.8, 20.4, 45.3, 60.1, 997.0)
    (header, rule, line) = scale_lines([row])
    assert header.startswith("| size |") and rule.startswith("|---")
    assert (
        line
        == "| 100x | 116,701 | 320 (model alone 26) | 361 (4902) | 1555 | 3.43 | 15 / 20 | 45 / 60 | 997 |"
    )


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    from kb.evaluation.scale import scale_plot

    rows = [
        ScaleRow(1, 1113, 45.0, 24.0, None, None, 22.0, 0.5, 7.0, 9.0, 20.0, 30.0, 300.0),
        ScaleRow(10, 11590, 26.8, 391.2, 27.7, 404.0, 162.9, 1.34, 13.0, 19.3, 40.9, 49.1, 457.0),
    ]
    path = scale_plot(rows, tmp_path / "scale.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
