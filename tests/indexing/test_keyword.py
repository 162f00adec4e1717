"""The keyword index: bm25s's own saved format, memory-mapped when opened, chunks read lazily; an
unchanged re-ingest touches nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence

import numpy as np
import pytest

from kb.config import Settings
from kb.errors import IndexNotBuilt
from kb.indexing.ingest import ingest
from kb.indexing.keyword import Bm25Arrays, keyword_index_path, open_keyword_index, read_keyword_index
from kb.language.tokens import keyword_tokens
from kb.retrieval.hybrid import Retriever
from tests.conftest import FakeEmbedder


class _NoEmbedding(FakeEmbedder):
    """Fails the test if anything is embedded."""

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        raise AssertionError(f"{len(texts)} texts embedded by an ingest that had nothing to do")


def test_the_bm25_arrays_are_bm25s_files_opened_memory_mapped(indexed: Settings) -> None:
    index = open_keyword_index(indexed)
    assert (index.folder / "params.index.json").is_file() and (index.folder / "vocab.index.json").is_file()
    assert isinstance(index.bm25, Bm25Arrays)
    # the arrays are views of the mapped files, not copies
    assert not index.bm25._data.flags.owndata and isinstance(index.bm25._data.base, np.memmap)
    # the records are read one by one, and agree with what was indexed
    whole = read_keyword_index(indexed)["chunks"]
    assert len(index) == len(whole) > 0
    assert [index.record(i)["id"] for i in range(len(index))] == [r["id"] for r in whole]
    assert index.chunk(0).text == whole[0]["text"]


def test_the_arrays_score_every_chunk_as_bm25s_does(indexed: Settings) -> None:
    import bm25s

    index = open_keyword_index(indexed)
    reference = bm25s.BM25.load(str(index.folder), mmap=True, show_progress=False)
    queries = ["antimony ingots", "出口许可证 审查 45个工作日", "gallium germanium licence penalties", "zzzz"]
    for query in queries:
        tokens = [t for t in dict.fromkeys(keyword_tokens(query, query=True)) if t in reference.vocab_dict]
        ours = index.bm25.get_scores([*tokens, "no-such-token"])
        assert ours.dtype == np.float32 and len(ours) == len(index)
        if tokens:
            assert np.array_equal(ours, reference.get_scores(tokens)), query
        else:
            assert not ours.any()
    # ingest writes an index of a method the arrays score (others are opened by bm25s)
    params = json.loads((index.folder / "params.index.json").read_text(encoding="utf-8"))
    assert params["method"] in Bm25Arrays.METHODS


def test_search_reads_the_stored_index(indexed: Settings) -> None:
    hits = Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots", k=3)
    assert hits and all(h.keyword_score is None or h.keyword_score > 0 for h in hits)
    assert any("ntimony" in h.text for h in hits)


def test_an_index_of_another_tokenizer_is_indexed_again_in_memory(indexed: Settings) -> None:
    path = keyword_index_path(indexed)
    header = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**header, "tokenizer": "an older one"}), encoding="utf-8")
    hits = Retriever(indexed, embedder=FakeEmbedder()).search("antimony ingots", k=3)
    assert any("ntimony" in h.text for h in hits)


def test_an_unchanged_reingest_writes_nothing_and_loads_no_model(indexed: Settings) -> None:
    path = keyword_index_path(indexed)
    before = (path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir()))
    report = ingest(indexed, embedder=_NoEmbedding(), progress=False)
    assert report.ok and report.embedded == 0 and report.changed == 0
    assert (path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())) == before


def test_a_change_writes_a_new_folder_and_keeps_the_previous_one_only(indexed: Settings) -> None:
    first = open_keyword_index(indexed).folder.name
    (indexed.sources / "extra.txt").write_text("Tellurium ingots need a licence.\n", encoding="utf-8")
    assert ingest(indexed, embedder=FakeEmbedder(), progress=False).added >= 1
    second = open_keyword_index(indexed).folder.name
    (indexed.sources / "extra.txt").write_text("Bismuth needs a licence.\n", encoding="utf-8")
    assert ingest(indexed, embedder=FakeEmbedder(), progress=False).ok
    third = open_keyword_index(indexed).folder.name
    folders = {p.name for p in keyword_index_path(indexed).parent.glob("keyword.*") if p.is_dir()}
    assert len({first, second, third}) == 3 and folders == {second, third}


def test_a_missing_folder_is_index_not_built(indexed: Settings) -> None:
    shutil.rmtree(open_keyword_index(indexed).folder)
    with pytest.raises(IndexNotBuilt, match="incomplete"):
        open_keyword_index(indexed)
