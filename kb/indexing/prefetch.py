"""Texts embedded ahead on other threads, claimed by the first ask for their vectors.

An answer knows early what it will embed (its search text, its question's readings for the topic
matcher); the models' runs release the interpreter, so those texts are embedded on the machine's other
core while the question is analysed, and the step that needs a vector waits for it instead of
embedding again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

__all__ = ["Prefetcher"]

log = logging.getLogger(__name__)

V = TypeVar("V")


class Prefetcher(Generic[V]):
    """Embeds texts with ``embed`` on up to ``workers`` threads (started on first use); at most
    ``limit`` unclaimed texts are kept, the oldest forgotten first. Safe to share between threads."""

    def __init__(self, embed: Callable[[str], V], workers: int = 2, limit: int = 32, name: str = "kb-embed"):
        self._embed = embed
        self._workers = workers
        self._limit = limit
        self._name = name
        self._lock = threading.Lock()
        self._pending: dict[str, Future[V]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def __len__(self) -> int:
        """How many texts are pending (embedded or being embedded, not yet claimed)."""
        return len(self._pending)

    def __contains__(self, text: object) -> bool:
        return text in self._pending

    def submit(self, texts: Iterable[str], skip: Callable[[str], bool] = lambda _: False) -> None:
        """Start embedding each of ``texts`` not already pending, blank or ``skip``-ped."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix=self._name)
            for text in dict.fromkeys(texts):
                if not text.strip() or text in self._pending or skip(text):
                    continue
                while len(self._pending) >= self._limit:  # never claimed: forgotten, oldest first
                    self._pending.pop(next(iter(self._pending)))
                self._pending[text] = self._pool.submit(self._embed, text)

    def claim(self, text: str) -> V | None:
        """The vector made (or being made) for ``text``, waited for; ``None`` without one, or when it
        failed (the caller then embeds again, and that error, if any, is the one raised)."""
        with self._lock:
            future = self._pending.pop(text, None)
        if future is None:
            return None
        try:
            return future.result()
        except Exception:  # embedded again by the caller, which then reports its own error
            log.debug("prefetching the vector of %r failed", text, exc_info=True)
            return None
