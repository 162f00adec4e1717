"""The knowledge base as the running app sees it: loaded once, and again after each ingest.

An ingest (from the documents tab or ``kb ingest``) rewrites the index manifest; the next request
then loads the corpus, catalogue and timeline again (the retriever follows the index by itself
and is kept). If the new corpus cannot be loaded, the previous one keeps answering and
:attr:`LiveBase.problem` says why. The corpus version recorded with feedback is worked out once
per loaded corpus, so feedback never reads the source files again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kb.answering.knowledge import KnowledgeBase
from kb.app.feedback import corpus_version, index_version
from kb.config import Settings
from kb.errors import IndexNotBuilt, KbError

if TYPE_CHECKING:
    from kb.indexing.embedding import Embedder
    from kb.retrieval.hybrid import Retriever

__all__ = ["LiveBase"]

log = logging.getLogger(__name__)


class LiveBase:
    """The knowledge base of ``settings``, following the index. A ``fixed`` one is used as it is
    (tests); ``embedder`` is the model for searching and ingesting (default: the offline one)."""

    def __init__(
        self, settings: Settings, fixed: KnowledgeBase | None = None, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.fixed = fixed
        self.embedder = embedder
        self._base: KnowledgeBase | None = fixed
        self._stamp: tuple[int, int] | None = None
        self._corpus_version: str | None = None
        #: The index version, with the manifest (path and stamp) it was worked out from.
        self._index_version: tuple[tuple[Path, tuple[int, int] | None], str] | None = None
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()
        #: Why the corpus changed on disk but is not the one answering (``None`` when all is well).
        self.problem: str | None = None

    @property
    def base(self) -> KnowledgeBase:
        """The knowledge base; loaded again when the index manifest changed since it was loaded."""
        if self.fixed is not None:
            return self.fixed
        stamp = _stamp(self.settings.manifest_path)
        if self._base is None or stamp != self._stamp:
            with self._lock:
                if self._base is None or stamp != self._stamp:
                    self._load(stamp)
        assert self._base is not None
        return self._base

    def _load(self, stamp: tuple[int, int] | None) -> None:
        fresh = KnowledgeBase(self.settings, retriever=self.retriever())
        try:
            fresh.catalogue  # noqa: B018 - loads and validates the corpus now, not in a request
            fresh.timeline  # noqa: B018
            # At start a bad file is skipped and the rest answers; a file that breaks while the app
            # runs must not take away what it said before, so the previous corpus keeps answering.
            broken = fresh.corpus.bad_files
            if broken and self._base is not None:
                raise KbError("skipped: " + ", ".join(Path(path).name for path in broken))
        except KbError as exc:
            if self._base is None:
                raise
            self.problem = (
                f"The corpus changed but cannot be loaded ({exc}); answers still use the corpus loaded "
                "before. Fix the file and run kb ingest, or restart the app."
            )
            log.error("%s", self.problem)
            self._stamp = stamp
            return
        if self._base is not None:
            log.info("the index changed: loaded %d documents again", len(fresh.corpus))
        self._base, self._stamp, self.problem = fresh, stamp, None
        self._corpus_version = None

    def retriever(self) -> Retriever | None:
        """One retriever for every reload (it follows the index itself); ``None`` without an index
        (and for a fixed knowledge base, which brings its own)."""
        if self.fixed is not None:
            return None
        if self._retriever is None:
            from kb.retrieval.hybrid import Retriever

            try:
                self._retriever = Retriever(self.settings, embedder=self.embedder)
            except IndexNotBuilt:
                return None
        return self._retriever

    def ingest_embedder(self) -> Embedder | None:
        """The model an ingest should use: the one searching already has loaded, if any."""
        if self.embedder is not None:
            return self.embedder
        retriever = self.retriever()
        return retriever.embedder if retriever is not None else None

    def versions(self) -> tuple[str, str]:
        """(corpus version, index version): short content hashes recorded with every feedback."""
        base = self.base
        if self._corpus_version is None or self.fixed is not None:
            try:
                self._corpus_version = corpus_version(base.corpus)
            except KbError as exc:
                log.warning("corpus version unknown: %s", exc)
                self._corpus_version = "unknown"
        manifest = self.settings.manifest_path
        seen = (manifest, _stamp(manifest))
        if self._index_version is None or self._index_version[0] != seen:
            # Hashed once per manifest, not once per answer: an unchanged manifest has the same hash.
            self._index_version = (seen, index_version(manifest))
        return self._corpus_version, self._index_version[1]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size
