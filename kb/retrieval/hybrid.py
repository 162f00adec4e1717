"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank fusion.

The embedding model reads English only, so a Chinese question is served by the keyword index
(jieba words and character pairs over the corpus's Chinese titles, numbers, summaries and item
names) and by a dense query in English: the names the corpus itself gives the Chinese terms it
holds (item names, titles), else the glossary's equivalents. HS codes (``2850001901``,
``8112.92.90.10``) and control-list codes (``3C001.b``) are kept as whole tokens, and a query
holding one leans on the keyword ranking, which can read them.

Filters (document family, kind, "in force as of a date") narrow both rankings before fusion; a
filter that matches nothing gives nothing, never the whole corpus. Fusion sits behind the small
``Fuser`` protocol; further chunks of an already-ranked document are discounted a little so that
one long document does not fill every place. An optional ``Reranker`` can reorder the fused
hits; none ships, because none is available offline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kb.config import Settings
from kb.corpus.schema import FAMILIES
from kb.errors import IndexNotBuilt, QueryError
from kb.indexing.chunks import Chunk, keyword_text
from kb.indexing.embedding import Embedder, serving_embedder
from kb.indexing.keyword import KeywordIndex, bm25_of, keyword_index_path, open_keyword_index
from kb.indexing.prefetch import Prefetcher
from kb.indexing.store import ChunkStore
from kb.language.codes import CONTROL_CODE_TOKEN, HS_CODE_TOKEN
from kb.language.dates import day_number, parse_date
from kb.language.glossary import english_terms
from kb.language.script import has_chinese
from kb.language.tokens import TOKENIZER_VERSION, keyword_tokens
from kb.retrieval.fusion import SAME_DOCUMENT_DECAY, Fuser, ReciprocalRankFusion, spread

__all__ = ["KINDS", "Hit", "Reranker", "Retriever"]

log = logging.getLogger(__name__)

#: Fusion weight of the dense ranking (keyword = 1) for a query holding an HS or control code,
#: which the embedding model cannot read.
CODE_DENSE_WEIGHT = 0.1
#: Fusion weight of the dense ranking (keyword = 1) for a Chinese query, which the model reads
#: only through the English terms added to it.
CHINESE_DENSE_WEIGHT = 0.5
#: Threads that embed prefetched texts, and how many unclaimed prefetches are kept at most.
PREFETCH_WORKERS = 2
MAX_PREFETCHED = 32

#: Document kinds a ``kind`` filter may name.
KINDS = ("law", "regulation", "list", "announcement", "catalogue", "guidance", "press", "notice", "user")


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the scores of the rankings that found it.

    ``dense_score`` is the cosine similarity of the dense match (``None`` when only the keyword
    index found the chunk); ``keyword_score`` the BM25 score (``None`` when only dense found it).
    """

    chunk: Chunk
    score: float
    dense_score: float | None = None
    keyword_score: float | None = None

    @property
    def document_id(self) -> str:
        return self.chunk.document_id

    @property
    def locator(self) -> str:
        return self.chunk.locator

    @property
    def text(self) -> str:
        return self.chunk.text

    def to_dict(self) -> dict[str, object]:
        return {
            "document_id": self.chunk.document_id,
            "locator": self.chunk.locator,
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 4),
            "keyword_score": None if self.keyword_score is None else round(self.keyword_score, 4),
            "text": self.chunk.text,
            "metadata": dict(self.chunk.metadata),
            "chunk_id": self.chunk.id,
        }


class Reranker(Protocol):
    """Reorders fused hits, e.g. with a cross-encoder (none ships offline; this is the seam)."""

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]: ...


# --- the retriever ------------------------------------------------------------------------------


@dataclass
class _Table:
    """The keyword index in memory: BM25, the fields filters read and the chunks, read lazily."""

    stamp: tuple[int, int]
    index: KeywordIndex
    position: dict[str, int]
    lexicon: list[tuple[str, list[str]]]  # Chinese name -> English names, longest first

    def __len__(self) -> int:
        return len(self.index)

    def chunk(self, position: int) -> Chunk:
        return self.index.chunk(position)

    def document_of(self, chunk_id: str) -> str | None:
        """The document a chunk id belongs to, or ``None`` for an id the table does not hold."""
        position = self.position.get(chunk_id)
        return None if position is None else self.index.document_ids[position]


class Retriever:
    """Hybrid search over the index of ``settings``; loads lazily and follows a re-ingest.

    ``embedder`` must be the model the index was built with (default: the offline MiniLM, through
    its ONNX export when there is one);
    ``fuser`` combines the rankings (default: reciprocal rank fusion); ``reranker`` may reorder
    the fused hits; ``depth`` is how many candidates each ranking contributes;
    ``same_document_decay`` discounts further chunks of a ranked document; ``query_cache`` is how
    many query vectors are remembered. Raises ``IndexNotBuilt`` (at construction or search) when
    there is no index.
    """

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        fuser: Fuser | None = None,
        reranker: Reranker | None = None,
        depth: int = 40,
        same_document_decay: float = SAME_DOCUMENT_DECAY,
        query_cache: int = 512,
    ) -> None:
        self.settings = settings
        if not keyword_index_path(settings).is_file():
            raise IndexNotBuilt(f"no search index in {settings.home}; run `kb ingest`")
        self.embedder = embedder or serving_embedder(settings)
        self.fuser = fuser or ReciprocalRankFusion()
        self.reranker = reranker
        self.depth = depth
        self.same_document_decay = same_document_decay
        self.query_cache = query_cache
        self._table: _Table | None = None
        self._store: ChunkStore | None = None
        self._lock = threading.Lock()
        self._query_vectors: dict[str, list[float]] = {}
        #: The last text embedded and its vector (even with no cache: an answer embeds its question
        #: once, however many of its steps ask for it).
        self._last_vector: tuple[str, list[float]] | None = None
        #: Texts being embedded on other threads (``prefetch``), claimed by the first ask for them.
        self._prefetched: Prefetcher[list[float]] = Prefetcher(
            lambda text: self.embedder.embed_query(text), PREFETCH_WORKERS, MAX_PREFETCHED
        )

    @property
    def chunks(self) -> list[Chunk]:
        """Every indexed chunk, in index order."""
        table = self._load()
        return [table.chunk(i) for i in range(len(table))]

    def search(
        self,
        query: str,
        k: int = 5,
        as_of: str | dt.date | None = None,
        family: str | None = None,
        kind: str | None = None,
        documents: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query``, optionally only of documents issued (or in effect)
        on or before ``as_of`` (undated ones are kept), of one ``family``, of one ``kind`` or
        among the ``documents`` with these ids."""
        if not query.strip():
            raise QueryError("the search query is empty")
        if k <= 0:
            return []
        day = None if as_of is None else day_number(parse_date(as_of))
        family_name = _check_choice("family", family, FAMILIES)
        kind_name = _check_choice("kind", kind, KINDS)
        table = self._load()
        index = table.index
        allowed: Sequence[int]
        if day is None and kind_name is None and family_name is None and documents is None:
            allowed = range(len(table))
        else:
            allowed = [
                i
                for i in range(len(table))
                if (day is None or index.days[i] == 0 or index.days[i] <= day)
                and (kind_name is None or index.kinds[i] == kind_name)
                and (family_name is None or family_name in index.families[i])
                and (documents is None or index.document_ids[i] in documents)
            ]
        if not allowed:
            return []
        filtered = len(allowed) < len(table)
        depth = max(self.depth, k)

        names, terms = self._english(table, query) if has_chinese(query) else ([], [])
        within = list(allowed) if filtered else None
        keyword_scores = self._keyword(table, query, [*names, *terms], within, depth)
        # A named item or document is what a Chinese question is about; the domain words around
        # it ("export", "licence") fit every document and would drown it in the dense query.
        dense_scores = self._dense(table, query, names or terms, within, depth)
        rankings = {"dense": list(dense_scores), "keyword": list(keyword_scores)}
        fused = spread(
            self.fuser.fuse(rankings, self._weights(query)), table.document_of, self.same_document_decay
        )
        hits = [
            Hit(table.chunk(table.position[cid]), score, dense_scores.get(cid), keyword_scores.get(cid))
            for cid, score in fused
            if cid in table.position
        ]
        if self.reranker is not None:
            hits = self.reranker.rerank(query, hits[:depth])
        return hits[:k]

    @staticmethod
    def _weights(query: str) -> dict[str, float]:
        """Trust the keyword ranking more where the dense model is weak: codes, which it cannot
        read, and Chinese, which it reads only through the English terms added to the query."""
        if CONTROL_CODE_TOKEN.search(query) or HS_CODE_TOKEN.search(query):
            return {"dense": CODE_DENSE_WEIGHT, "keyword": 1.0}
        if has_chinese(query):
            return {"dense": CHINESE_DENSE_WEIGHT, "keyword": 1.0}
        return {"dense": 1.0, "keyword": 1.0}

    @staticmethod
    def _english(table: _Table, query: str) -> tuple[list[str], list[str]]:
        """English for a Chinese query: the names the corpus gives its Chinese terms (items,
        titles, numbers) and the glossary's domain terms for the rest."""
        names: list[str] = []
        rest = query
        for chinese, english in table.lexicon:
            if chinese in rest:
                rest = rest.replace(chinese, " ")
                names.extend(e for e in english if e not in names)
        return names, [term for term in english_terms(rest) if term not in names]

    # --- the two rankings ---

    def _keyword(
        self, table: _Table, query: str, english: list[str], allowed: list[int] | None, depth: int
    ) -> dict[str, float]:
        import numpy as np

        tokens = keyword_tokens(query, query=True) + keyword_tokens(" ".join(english), query=True)
        bm25 = table.index.bm25
        tokens = [t for t in dict.fromkeys(tokens) if t in bm25.vocab_dict]
        if not tokens:
            return {}
        scores = np.asarray(bm25.get_scores(tokens), dtype=float)
        if allowed is not None:
            mask = np.zeros(len(table), dtype=float)
            mask[allowed] = 1.0
            scores = scores * mask
        # The best ``depth`` without sorting every score (a large collection has many).
        if len(scores) > depth:
            top = np.argpartition(-scores, depth)[:depth]
            order = top[np.argsort(-scores[top], kind="stable")]
        else:
            order = np.argsort(-scores, kind="stable")
        ids = table.index.ids
        return {ids[i]: float(scores[i]) for i in order if scores[i] > 0}

    def _dense(
        self, table: _Table, query: str, english: list[str], allowed: list[int] | None, depth: int
    ) -> dict[str, float]:
        text = _dense_text(query, english)
        if not text:
            return {}
        vector = self._query_vector(text)
        within = [table.index.ids[i] for i in allowed] if allowed is not None else None
        return dict(self._open_store().query(vector, depth, within))

    def prefetch_search(self, query: str) -> None:
        """Start embedding what :meth:`search` will embed for ``query`` (see :meth:`prefetch`)."""
        if not query.strip():
            return
        table = self._load()
        names, terms = self._english(table, query) if has_chinese(query) else ([], [])
        text = _dense_text(query, names or terms)
        if text:
            self.prefetch([text])

    def query_vector(self, text: str) -> list[float]:
        """The embedding of a query (remembered: a search just made for it costs nothing more)."""
        return self._query_vector(text)

    def prefetch(self, texts: Iterable[str]) -> None:
        """Start embedding ``texts`` on other threads; the next ask for one of their vectors waits
        for it instead of embedding again. An answer's question is embedded while it is analysed (the
        model's run releases the interpreter), on the machine's other core."""
        self._prefetched.submit(texts, skip=lambda text: text in self._query_vectors)

    def _query_vector(self, text: str) -> list[float]:
        vector = self._query_vectors.get(text)
        if vector is not None:
            return vector
        last = self._last_vector
        if last is not None and last[0] == text:
            return last[1]  # one answer asks for its question's vector more than once
        vector = self._prefetched.claim(text) if self._prefetched else None
        if vector is None:
            vector = self.embedder.embed_query(text)
        self._last_vector = (text, vector)
        if self.query_cache > 0:
            # Several requests may come here at once: never fail on a key another one dropped.
            with contextlib.suppress(StopIteration, RuntimeError):
                while len(self._query_vectors) >= self.query_cache:
                    self._query_vectors.pop(next(iter(self._query_vectors)), None)
            self._query_vectors[text] = vector
        return vector

    # --- loading ---

    def _open_store(self) -> ChunkStore:
        if self._store is None:
            self._store = ChunkStore(self.settings, create=False)
        return self._store

    def _load(self) -> _Table:
        path = keyword_index_path(self.settings)
        try:
            info = path.stat()
        except FileNotFoundError as exc:
            raise IndexNotBuilt(f"no search index in {self.settings.home}; run `kb ingest`") from exc
        stamp = (info.st_mtime_ns, info.st_size)
        with self._lock:
            if self._table is None or self._table.stamp != stamp:
                self._table = self._build_table(path, stamp)
                self._store = None  # a rebuild may have replaced the collection
            return self._table

    def _build_table(self, path: Path, stamp: tuple[int, int]) -> _Table:
        index = open_keyword_index(self.settings)
        header = index.header
        if header.get("embedder") != self.embedder.name:
            raise IndexNotBuilt(
                f"the index in {self.settings.home} was built with {header.get('embedder')!r}, "
                f"not {self.embedder.name!r}; run `kb ingest` to rebuild it"
            )
        if not len(index) or index.bm25 is None:
            raise IndexNotBuilt(
                f"the index in {self.settings.home} is empty; add documents and run `kb ingest`"
            )
        if header.get("tokenizer") != TOKENIZER_VERSION:
            # Made by another tokenizer: the stored BM25 would not match the query's tokens. Index
            # again in memory until the next `kb ingest` stores it again.
            log.warning(
                "the keyword index in %s predates this tokenizer; run `kb ingest`", self.settings.home
            )
            index.bm25 = bm25_of([keyword_tokens(keyword_text(index.chunk(i))) for i in range(len(index))])
        log.debug("opened %d chunks from %s", len(index), path)
        return _Table(
            stamp=stamp,
            index=index,
            position={cid: i for i, cid in enumerate(index.ids)},
            lexicon=_lexicon(header.get("lexicon", [])),
        )


def _lexicon(pairs: object) -> list[tuple[str, list[str]]]:
    merged: dict[str, list[str]] = {}
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
            merged.setdefault(pair[0], [])
            if pair[1] not in merged[pair[0]]:
                merged[pair[0]].append(pair[1])
    return sorted(merged.items(), key=lambda entry: (-len(entry[0]), entry[0]))


def _check_choice(what: str, value: str | None, choices: Sequence[str]) -> str | None:
    if value is None:
        return None
    name = value.strip().lower()
    if name not in choices:
        raise QueryError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")
    return name


def _dense_text(query: str, english: Sequence[str]) -> str:
    """What the dense model is asked: the query; for Chinese, which the model reads only as English,
    the English its terms map to (and any Latin words or codes it holds), empty when there is none
    (the keyword ranking then decides alone)."""
    if not has_chinese(query):
        return query
    latin = " ".join(re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-]*", query))
    return " ".join([*english, latin]).strip()
