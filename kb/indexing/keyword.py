"""The keyword index: BM25 in bm25s's own format, memory-mapped, beside the record of every chunk.

    keyword.json          header: format, model, tokenizer, the Chinese -> English names the
                          documents define, and the folder below (replaced in one rename)
    keyword.<stamp>/      bm25s's saved index (score arrays, vocabulary, parameters),
                          records.jsonl (one chunk per line: text, metadata, fingerprints, tokens),
                          offsets.npy (where each line starts) and columns.json (per chunk: id,
                          document, earliest date, kind, families -- what search filters read)

A reader opens the header, then the folder it names: the BM25 arrays and the records are
memory-mapped, so opening costs the vocabulary and the columns only, whatever the collection's
size, and a hit's text is read from disk when it is asked for. A writer fills a new folder, then
replaces the header; the folder the previous header named is kept for readers still using it, and
older ones are removed.
"""

from __future__ import annotations

import json
import logging
import mmap
import secrets
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.config import Settings
from kb.errors import IndexNotBuilt
from kb.files import read_json, write_atomic, write_json_atomic
from kb.indexing.chunks import Chunk
from kb.language.dates import day_number, parse_date

__all__ = [
    "KeywordIndex",
    "bm25_of",
    "keyword_index_path",
    "open_keyword_index",
    "read_keyword_index",
    "write_keyword_index",
]

log = logging.getLogger(__name__)

RECORDS = "records.jsonl"
OFFSETS = "offsets.npy"
COLUMNS = "columns.json"
#: Chunk objects kept in memory per opened index (a hit's chunk is read from disk once).
CHUNK_CACHE = 4096


def keyword_index_path(settings: Settings) -> Path:
    """Where the keyword index's header lives (the folder it names is beside it)."""
    return settings.keyword_path


@dataclass
class KeywordIndex:
    """An opened keyword index: its header, the filter columns, BM25 and lazily read chunks."""

    header: dict[str, Any]
    folder: Path
    ids: list[str]
    document_ids: list[str]
    days: list[int]  # yyyymmdd of the earlier of issued/effective, 0 when undated
    kinds: list[str]
    families: list[frozenset[str]]
    bm25: Any
    _offsets: Any
    _map: mmap.mmap | None
    _cache: dict[int, Chunk] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, position: int) -> dict[str, Any]:
        """The stored record of the chunk at ``position`` (text, metadata, fingerprints, tokens)."""
        if self._map is None:
            raise IndexNotBuilt(f"the keyword index in {self.folder} holds no records; run `kb ingest`")
        start = int(self._offsets[position])
        end = int(self._offsets[position + 1]) if position + 1 < len(self._offsets) else len(self._map)
        data: dict[str, Any] = json.loads(self._map[start:end])  # slicing never moves a shared cursor
        return data

    def chunk(self, position: int) -> Chunk:
        """The chunk at ``position``, read from disk the first time it is asked for."""
        chunk = self._cache.get(position)
        if chunk is None:
            chunk = Chunk.from_dict(self.record(position))
            with self._lock:
                if len(self._cache) >= CHUNK_CACHE:
                    self._cache.clear()
                self._cache[position] = chunk
        return chunk

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record, in index order."""
        for position in range(len(self.ids)):
            yield self.record(position)


def open_keyword_index(settings: Settings, scores: bool = True) -> KeywordIndex:
    """The keyword index of ``settings`` (``IndexNotBuilt`` when missing, unreadable or of another
    format). ``scores=False`` skips the BM25 arrays (for reading the records back)."""
    import numpy as np

    path = keyword_index_path(settings)
    header = _header(settings, path)
    folder = path.parent / str(header["folder"])
    try:
        columns = json.loads((folder / COLUMNS).read_text(encoding="utf-8"))
        offsets = np.load(folder / OFFSETS, mmap_mode="r")
        bm25 = _load_bm25(folder) if scores else None
        with (folder / RECORDS).open("rb") as handle:
            size = handle.seek(0, 2)
            records = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
    except FileNotFoundError as exc:
        raise IndexNotBuilt(
            f"the keyword index {folder} is incomplete ({exc.filename}); run `kb ingest`"
        ) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise IndexNotBuilt(f"the keyword index {folder} is unreadable ({exc}); run `kb ingest`") from exc
    ids = [str(x) for x in columns.get("ids", [])]
    if len(offsets) != len(ids):
        raise IndexNotBuilt(f"the keyword index {folder} is not in the expected form; run `kb ingest`")
    return KeywordIndex(
        header=header,
        folder=folder,
        ids=ids,
        document_ids=[str(x) for x in columns["document_ids"]],
        days=[int(x) for x in columns["days"]],
        kinds=[str(x) for x in columns["kinds"]],
        families=[frozenset(str(f) for f in fs) for fs in columns["families"]],
        bm25=bm25,
        _offsets=offsets,
        _map=records,
    )


def read_keyword_index(settings: Settings) -> dict[str, Any]:
    """The header with every chunk record under ``chunks`` (read whole: for ingest and checks)."""
    index = open_keyword_index(settings, scores=False)
    return {**index.header, "chunks": list(index.records())}


def write_keyword_index(
    settings: Settings,
    header: dict[str, Any],
    chunks: list[Chunk],
    prints: dict[str, tuple[str, str]],
    tokens: dict[str, list[str]],
) -> None:
    """Write the index of ``chunks`` (with their fingerprints and keyword tokens) into a new
    folder, then replace the header (``header`` plus the folder's name and the count)."""
    import numpy as np

    path = keyword_index_path(settings)
    before = read_json(path) or {}
    folder = path.parent / f"keyword.{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    corpus: list[list[str]] = []
    lines: list[bytes] = []
    for chunk in chunks:
        words, (embedded, fingerprint) = tokens[chunk.id], prints[chunk.id]
        corpus.append(words)
        record = {**chunk.to_dict(), "embedded": embedded, "fingerprint": fingerprint, "tokens": words}
        lines.append(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    offsets = np.zeros(len(lines), dtype=np.int64)
    if lines:
        offsets[1:] = np.cumsum([len(line) for line in lines[:-1]])
    write_atomic(folder / RECORDS, b"".join(lines))
    np.save(folder / OFFSETS, offsets)
    write_json_atomic(
        folder / COLUMNS,
        {
            "ids": [c.id for c in chunks],
            "document_ids": [c.document_id for c in chunks],
            "days": [_chunk_day(c) for c in chunks],
            "kinds": [str(c.metadata.get("kind", "")) for c in chunks],
            "families": [
                sorted(f for f in str(c.metadata.get("families", "")).split(",") if f) for c in chunks
            ],
        },
    )
    if corpus:
        bm25_of(corpus).save(str(folder), show_progress=False)
    write_json_atomic(
        path,
        {**header, "folder": folder.name, "count": len(chunks)},
    )
    keep = {folder.name, str(before.get("folder") or "")}
    for old in path.parent.glob("keyword.*"):
        if old.is_dir() and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _header(settings: Settings, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexNotBuilt(f"no search index in {settings.home}; run `kb ingest`") from exc
    except (OSError, ValueError) as exc:
        raise IndexNotBuilt(f"the keyword index {path} is unreadable ({exc}); run `kb ingest`") from exc
    if not isinstance(data, dict) or not isinstance(data.get("folder"), str) or "/" in data["folder"]:
        raise IndexNotBuilt(f"the keyword index {path} is not in the expected form; run `kb ingest`")
    return data


def bm25_of(corpus: list[list[str]]) -> Any:
    """A BM25 model of the chunks' token lists (a chunk with none gets one empty token)."""
    import bm25s

    # bm25s sets its own logger to DEBUG at import, which would print through any handler.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    bm25 = bm25s.BM25()
    bm25.index([words or [""] for words in corpus], show_progress=False)
    return bm25


class Bm25Arrays:
    """A BM25 index bm25s saved, scored from its own memory-mapped arrays as bm25s scores them
    (``get_scores``, ``vocab_dict``) without importing bm25s: its import brings scipy, which costs
    the serving process about 10 MB and a cold start a tenth of a second, and a query nothing. Only
    for the methods whose scores bm25s stores whole (``lucene``, ``robertson``, ``atire``);
    :func:`_load_bm25` leaves the rest to bm25s."""

    #: The methods whose saved scores need nothing added at query time.
    METHODS = frozenset({"lucene", "robertson", "atire"})

    def __init__(self, folder: Path, params: dict[str, Any]) -> None:
        import numpy as np

        vocabulary = (folder / "vocab.index.json").read_text(encoding="utf-8")
        self.vocab_dict: dict[str, int] = json.loads(vocabulary)
        self.num_docs = int(params["num_docs"])
        self._dtype = np.dtype(str(params.get("dtype", "float32")))
        self._int_dtype = np.dtype(str(params.get("int_dtype", "int32")))
        # Memory-mapped, seen as plain arrays: slicing a ``memmap`` costs a Python call per slice.
        self._data = np.load(folder / "data.csc.index.npy", mmap_mode="r").view(np.ndarray)
        self._indices = np.load(folder / "indices.csc.index.npy", mmap_mode="r").view(np.ndarray)
        self._indptr = np.load(folder / "indptr.csc.index.npy", mmap_mode="r").view(np.ndarray)

    def get_scores(self, tokens: list[str]) -> Any:
        """Each chunk's BM25 score for ``tokens`` (those not in the vocabulary left out), summed token
        by token in the order bm25s sums them, so the figures are bm25s's own."""
        import numpy as np

        ids = np.asarray([self.vocab_dict[t] for t in tokens if t in self.vocab_dict], dtype=self._int_dtype)
        scores = np.zeros(self.num_docs, dtype=self._dtype)
        for token in ids:
            start, end = int(self._indptr[token]), int(self._indptr[token + 1])
            np.add.at(scores, self._indices[start:end], self._data[start:end])
        return scores


def _load_bm25(folder: Path) -> Any:
    params_path = folder / "params.index.json"
    if not params_path.is_file():
        return None  # an index of no chunks
    params = json.loads(params_path.read_text(encoding="utf-8"))
    if isinstance(params, dict) and params.get("method") in Bm25Arrays.METHODS and "num_docs" in params:
        return Bm25Arrays(folder, params)
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s.BM25.load(str(folder), mmap=True, show_progress=False)


def _chunk_day(chunk: Chunk) -> int:
    dates = [str(chunk.metadata.get(key) or "") for key in ("issued", "effective")]
    return min((day_number(parse_date(d)) for d in dates if d), default=0)
