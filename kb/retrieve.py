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

import datetime as dt
import functools
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kb.chunking import Chunk
from kb.config import Settings
from kb.embedding import Embedder, default_embedder
from kb.errors import IndexNotBuilt, QueryError
from kb.glossary import english_terms, has_chinese
from kb.index import ChunkStore, keyword_index_path, read_keyword_index
from kb.sources import FAMILIES

__all__ = [
    "TOKENIZER_VERSION",
    "Fuser",
    "Hit",
    "ReciprocalRankFusion",
    "Reranker",
    "Retriever",
    "keyword_tokens",
]

log = logging.getLogger(__name__)

#: Bumped whenever ``keyword_tokens`` changes, so stored tokens are computed again.
TOKENIZER_VERSION = 3

#: The fusion settings below were measured on the development questions and on probes built
#: from the corpus (every item's English and Chinese name, every title, every code), never on
#: particular questions. Reciprocal-rank-fusion constant: smaller than the usual 60 so that a
#: ranking's first places count (k=10 finds more items than k=60 and loses no question).
RRF_K = 10
#: Fusion weight of the dense ranking (keyword = 1) for a query holding an HS or control code,
#: which the embedding model cannot read.
CODE_DENSE_WEIGHT = 0.1
#: Fusion weight of the dense ranking (keyword = 1) for a Chinese query, which the model reads
#: only through the English terms added to it.
CHINESE_DENSE_WEIGHT = 0.5

#: Each further chunk of a document already ranked has its fused score multiplied by this, so a
#: second document that answers too is not pushed out of the first places by one long one.
SAME_DOCUMENT_DECAY = 0.7

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


class Fuser(Protocol):
    """Combines named rankings (best first) of chunk ids into one scored ranking; ``weights``
    (per ranking name, default 1) say how much the retriever trusts each ranking for this query."""

    def fuse(
        self, rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]: ...


class Reranker(Protocol):
    """Reorders fused hits, e.g. with a cross-encoder (none ships offline; this is the seam)."""

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]: ...


class ReciprocalRankFusion:
    """score(d) = sum over rankings r of weight_r / (k + rank_r(d)), ranks counted from 1."""

    def __init__(self, k: int = RRF_K) -> None:
        self.k = k

    def fuse(
        self, rankings: Mapping[str, Sequence[str]], weights: Mapping[str, float] | None = None
    ) -> list[tuple[str, float]]:
        scores: dict[str, float] = {}
        for name, ranking in rankings.items():
            weight = (weights or {}).get(name, 1.0)
            for rank, chunk_id in enumerate(ranking, start=1):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (self.k + rank)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


# --- keyword tokens -----------------------------------------------------------------------------

_CONTROL_CODE = re.compile(r"(?<![0-9a-z])[0-9][a-e][0-9]{3}(?:\.[a-z0-9]+)*", re.IGNORECASE)
_HS_CODE = re.compile(r"(?<![\d.])\d{4}\.?\d{2}\.?\d{2}(?:\.?\d{2})?(?!\d)")
_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_STOPWORDS = frozenset(
    """a about an and any are as at be been but by can could did do does for from had has have how
    i if in into is it its may me must my no not of on or our shall should so such than that the
    their them then there these they this those to too under was we were what when where which who
    whom why will with would you your""".split()
)
_STOP_ZH = frozenset(
    "的 了 吗 呢 吧 是 在 和 与 及 或 等 对 于 为 之 其 该 这 那 有 也 就 都 而 被 把 么".split()
    + "什么 哪些 多少 怎么 如何 是否 可以".split()
)


def keyword_tokens(text: str, query: bool = False) -> list[str]:
    """BM25 tokens of ``text``: codes whole, English words stemmed, Chinese words and character pairs."""
    tokens: list[str] = []

    def codes(match: re.Match[str]) -> str:
        code = match.group(0).lower()
        parts = code.split(".")
        # Indexed with every prefix (3C001.b -> 3c001, 3c001.b) so that asking for 3C001 finds
        # its sub-items; asked as given, so that 3C001.h prefers the chunk naming 3C001.h.
        start = len(parts) - 1 if query else 0
        tokens.extend(".".join(parts[: i + 1]) for i in range(start, len(parts)))
        return " "

    def hs(match: re.Match[str]) -> str:
        digits = match.group(0).replace(".", "")
        tokens.append(digits)
        if len(digits) == 10:
            tokens.append(digits[:8])
        return " "

    rest = _HS_CODE.sub(hs, _CONTROL_CODE.sub(codes, text))
    for run in _CJK_RUN.findall(rest):
        if len(run) == 1:
            tokens.append(run)
            continue
        # jieba's words, and every pair of adjacent characters: item names (砷化铟镓) are often
        # missing from jieba's dictionary, and single characters match every document alike.
        tokens.extend(word for word in _jieba().cut_for_search(run) if len(word) > 1 and word not in _STOP_ZH)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    words = [w for w in _WORD.findall(rest.lower()) if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]
    tokens.extend(_stem(words))
    return tokens


@functools.cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not ours to print
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@functools.cache
def _stemmer() -> Any:
    import Stemmer  # type: ignore[import-not-found]  # PyStemmer, a dependency of the bm25 retriever

    return Stemmer.Stemmer("english")


def _stem(words: list[str]) -> list[str]:
    if not words:
        return []
    stems: list[str] = _stemmer().stemWords(words)
    # British and American spellings of the word this corpus uses most.
    return [s.replace("licens", "licenc", 1) if s.startswith("licens") else s for s in stems]


# --- the retriever ------------------------------------------------------------------------------


@dataclass
class _Table:
    """The keyword index in memory: chunks, BM25 model and the fields filters read."""

    stamp: tuple[int, int]
    chunks: list[Chunk]
    position: dict[str, int]
    bm25: Any
    lexicon: list[tuple[str, list[str]]]  # Chinese name -> English names, longest first
    days: list[int]  # yyyymmdd of the earlier of issued/effective, 0 when undated
    kinds: list[str]
    families: list[frozenset[str]]


class Retriever:
    """Hybrid search over the index of ``settings``; loads lazily and follows a re-ingest.

    ``embedder`` must be the model the index was built with (default: the offline MiniLM);
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
        self.embedder = embedder or default_embedder()
        self.fuser = fuser or ReciprocalRankFusion()
        self.reranker = reranker
        self.depth = depth
        self.same_document_decay = same_document_decay
        self.query_cache = query_cache
        self._table: _Table | None = None
        self._store: ChunkStore | None = None
        self._lock = threading.Lock()
        self._query_vectors: dict[str, list[float]] = {}
        if not keyword_index_path(settings).is_file():
            raise IndexNotBuilt(f"no search index in {settings.home}; run `kb ingest`")

    @property
    def chunks(self) -> list[Chunk]:
        """Every indexed chunk, in index order."""
        return list(self._load().chunks)

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
        day = _day(as_of)
        family_name = _check_choice("family", family, FAMILIES)
        kind_name = _check_choice("kind", kind, KINDS)
        table = self._load()
        allowed = [
            i
            for i in range(len(table.chunks))
            if (day is None or table.days[i] == 0 or table.days[i] <= day)
            and (kind_name is None or table.kinds[i] == kind_name)
            and (family_name is None or family_name in table.families[i])
            and (documents is None or table.chunks[i].document_id in documents)
        ]
        if not allowed:
            return []
        filtered = len(allowed) < len(table.chunks)
        depth = max(self.depth, k)

        names, terms = self._english(table, query) if has_chinese(query) else ([], [])
        within = allowed if filtered else None
        keyword_scores = self._keyword(table, query, [*names, *terms], within, depth)
        # A named item or document is what a Chinese question is about; the domain words around
        # it ("export", "licence") fit every document and would drown it in the dense query.
        dense_scores = self._dense(table, query, names or terms, within, depth)
        rankings = {"dense": list(dense_scores), "keyword": list(keyword_scores)}
        fused = _spread(self.fuser.fuse(rankings, self._weights(query)), table, self.same_document_decay)
        hits = [
            Hit(table.chunks[table.position[cid]], score, dense_scores.get(cid), keyword_scores.get(cid))
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
        if _CONTROL_CODE.search(query) or _HS_CODE.search(query):
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
        tokens = [t for t in dict.fromkeys(tokens) if t in table.bm25.vocab_dict]
        if not tokens:
            return {}
        scores = np.asarray(table.bm25.get_scores(tokens), dtype=float)
        if allowed is not None:
            mask = np.zeros(len(table.chunks), dtype=float)
            mask[allowed] = 1.0
            scores = scores * mask
        order = np.argsort(-scores, kind="stable")[:depth]
        return {table.chunks[i].id: float(scores[i]) for i in order if scores[i] > 0}

    def _dense(
        self, table: _Table, query: str, english: list[str], allowed: list[int] | None, depth: int
    ) -> dict[str, float]:
        text = query
        if has_chinese(query):
            # The model reads English: ask it in the English the query's terms map to (and any
            # Latin words or codes it holds); with none, the keyword ranking decides alone.
            latin = " ".join(re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-]*", query))
            text = " ".join([*english, latin]).strip()
            if not text:
                return {}
        vector = self._query_vector(text)
        within = [table.chunks[i].id for i in allowed] if allowed is not None else None
        return dict(self._open_store().query(vector, depth, within))

    def _query_vector(self, text: str) -> list[float]:
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = self.embedder.embed_query(text)
            if self.query_cache > 0:
                if len(self._query_vectors) >= self.query_cache:
                    self._query_vectors.pop(next(iter(self._query_vectors)))
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
        import bm25s

        # bm25s sets its own logger to DEBUG at import, which would print through any handler.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        data = read_keyword_index(self.settings)
        if data.get("embedder") != self.embedder.name:
            raise IndexNotBuilt(
                f"the index in {self.settings.home} was built with {data.get('embedder')!r}, "
                f"not {self.embedder.name!r}; run `kb ingest` to rebuild it"
            )
        fresh_tokens = data.get("tokenizer") != TOKENIZER_VERSION
        chunks: list[Chunk] = []
        corpus: list[list[str]] = []
        for record in data["chunks"]:
            chunk = Chunk.from_dict(record)
            chunks.append(chunk)
            if fresh_tokens:
                from kb.chunking import keyword_text

                corpus.append(keyword_tokens(keyword_text(chunk)))
            else:
                corpus.append(list(record["tokens"]))
        if not chunks:
            raise IndexNotBuilt(
                f"the index in {self.settings.home} is empty; add documents and run `kb ingest`"
            )
        bm25 = bm25s.BM25()
        bm25.index([tokens or [""] for tokens in corpus], show_progress=False)
        log.debug("loaded %d chunks from %s", len(chunks), path)
        return _Table(
            stamp=stamp,
            chunks=chunks,
            position={chunk.id: i for i, chunk in enumerate(chunks)},
            bm25=bm25,
            lexicon=_lexicon(data.get("lexicon", [])),
            days=[_chunk_day(chunk) for chunk in chunks],
            kinds=[str(chunk.metadata.get("kind", "")) for chunk in chunks],
            families=[
                frozenset(f for f in str(chunk.metadata.get("families", "")).split(",") if f)
                for chunk in chunks
            ],
        )


def _spread(fused: list[tuple[str, float]], table: _Table, decay: float) -> list[tuple[str, float]]:
    """Lower each further chunk of an already-ranked document by ``decay`` (1 = no change), so
    that one long document does not fill every place while another answers too."""
    if decay >= 1.0:
        return fused
    seen: dict[str, int] = {}
    spread = []
    for cid, score in fused:
        position = table.position.get(cid)
        if position is None:
            continue
        document = table.chunks[position].document_id
        spread.append((cid, score * decay ** seen.get(document, 0)))
        seen[document] = seen.get(document, 0) + 1
    return sorted(spread, key=lambda item: (-item[1], item[0]))


def _lexicon(pairs: object) -> list[tuple[str, list[str]]]:
    merged: dict[str, list[str]] = {}
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
            merged.setdefault(pair[0], [])
            if pair[1] not in merged[pair[0]]:
                merged[pair[0]].append(pair[1])
    return sorted(merged.items(), key=lambda entry: (-len(entry[0]), entry[0]))


def _day(value: str | dt.date | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise QueryError(f"date {value!r} is not an ISO date such as 2026-11-22") from exc
    return value.year * 10000 + value.month * 100 + value.day


def _chunk_day(chunk: Chunk) -> int:
    dates = [str(chunk.metadata.get(key) or "") for key in ("issued", "effective")]
    days = [_day(d) for d in dates if d]
    return min((d for d in days if d is not None), default=0)


def _check_choice(what: str, value: str | None, choices: Sequence[str]) -> str | None:
    if value is None:
        return None
    name = value.strip().lower()
    if name not in choices:
        raise QueryError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")
    return name
