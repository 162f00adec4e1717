"""The feedback log: thumbs up or down on an answer, kept as an append-only audit trail.

One JSON object per line in ``KB_HOME/feedback.jsonl``: when, who (with a login), the rating and
comment, and everything needed to see later what was rated — the question, the answer text and
verdict, its citations, the as-of date and destination, and the versions of the corpus and the
index that produced it. A compliance team can keep the file as it is.

The log is only ever appended to: the file is opened in append mode (``O_APPEND``), each record is
written with one ``write`` under an exclusive ``flock`` (several app workers may share a
``KB_HOME``), then flushed and ``fsync``-ed before the call returns. Nothing here rewrites,
rotates or truncates it; a damaged line stays where it is and is reported by :meth:`records`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kb.answering.records import Answer
from kb.corpus.documents import Corpus
from kb.errors import KbError, QueryError
from kb.files import locked

__all__ = ["FeedbackLog", "FeedbackRecord", "Rating", "corpus_version", "index_version"]

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]

#: Longest comment kept; a longer one is an error, not silently cut.
MAX_COMMENT_CHARS = 4000


@dataclass(frozen=True)
class FeedbackRecord:
    """One rating of one answer, with what is needed to audit it later."""

    rating: Rating
    question: str
    answer: str
    verdict: str | None
    as_of: str
    destination: str | None
    lang: str
    citations: tuple[Mapping[str, object], ...]
    corpus_version: str
    index_version: str
    comment: str = ""
    user: str | None = None
    generator: str = "extractive"
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    recorded_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "recorded_at": self.recorded_at,
            "rating": self.rating,
            "comment": self.comment,
            "user": self.user,
            "question": self.question,
            "answer": self.answer,
            "verdict": self.verdict,
            "as_of": self.as_of,
            "destination": self.destination,
            "lang": self.lang,
            "generator": self.generator,
            "citations": [dict(c) for c in self.citations],
            "corpus_version": self.corpus_version,
            "index_version": self.index_version,
        }

    @classmethod
    def for_answer(
        cls,
        answer: Answer | Mapping[str, object],
        rating: str,
        comment: str,
        corpus_version: str,
        index_version: str,
        user: str | None = None,
    ) -> FeedbackRecord:
        """A record for ``answer`` (an ``Answer`` or its ``to_dict()``); bad ratings raise ``QueryError``."""
        if rating not in ("up", "down"):
            raise QueryError(f"rating {rating!r} is not 'up' or 'down'")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT_CHARS:
            raise QueryError(f"the comment has {len(comment)} characters; the limit is {MAX_COMMENT_CHARS}")
        data = answer.to_dict() if isinstance(answer, Answer) else answer
        citations = data.get("citations") or []
        assert isinstance(citations, list)
        destination = data.get("destination")
        verdict = data.get("verdict")
        return cls(
            rating="up" if rating == "up" else "down",
            question=str(data["question"]),
            answer=str(data["text"]),
            verdict=str(verdict) if verdict is not None else None,
            as_of=str(data["as_of"]),
            destination=str(destination) if destination else None,
            lang=str(data.get("lang") or "en"),
            citations=tuple(dict(c) for c in citations),
            corpus_version=corpus_version,
            index_version=index_version,
            comment=comment,
            user=user,
            generator=str(data.get("generator") or "extractive"),
        )


class FeedbackLog:
    """An append-only JSONL file of :class:`FeedbackRecord`; safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, record: FeedbackRecord) -> None:
        """Write ``record`` as one line and make it durable (``fsync``) before returning."""
        line = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
        data = line.encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            with self._lock:
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    with locked(fd):
                        # A line cut short by a crash must not swallow the next record.
                        if os.fstat(fd).st_size and not _ends_with_newline(fd):
                            data = b"\n" + data
                        written = os.write(fd, data)
                        if written != len(data):
                            raise OSError(f"only {written} of {len(data)} bytes were written")
                        os.fsync(fd)
                finally:
                    os.close(fd)
            if created:
                _fsync_directory(self.path.parent)
        except OSError as exc:
            raise KbError(f"cannot write the feedback log {self.path}: {exc}") from exc
        log.info("feedback %s (%s) recorded in %s", record.id, record.rating, self.path)

    def records(self) -> Iterator[dict[str, object]]:
        """Every record, oldest first; a damaged line raises ``KbError`` naming the file and line."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise KbError(f"{self.path}: line {number} is not a JSON record ({exc.msg})") from exc
                if not isinstance(data, dict):
                    raise KbError(f"{self.path}: line {number} is not a JSON object")
                yield data

    def __len__(self) -> int:
        return sum(1 for _ in self.records())


def _ends_with_newline(fd: int) -> bool:
    return os.pread(fd, 1, os.fstat(fd).st_size - 1) == b"\n"


def _fsync_directory(folder: Path) -> None:
    """Make a new file's directory entry durable too (a crash must not lose the whole log)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def corpus_version(corpus: Corpus) -> str:
    """A short content hash of the loaded documents (metadata, summary and every section): equal
    versions mean the same documents. Worked out from what is in memory, never from the files,
    so it holds for the corpus answering even after its files changed or went."""
    digest = hashlib.sha256()
    for doc in sorted(corpus, key=lambda d: d.id):
        parts = [doc.id, doc.meta.model_dump_json(), doc.summary]
        parts += [f"{s.locator}\0{s.text}\0{s.text_zh or ''}" for s in doc.sections]
        digest.update("\0".join(parts).encode("utf-8") + b"\1")
    return digest.hexdigest()[:12]


def index_version(manifest: Path) -> str:
    """A short hash of the index manifest (what was embedded, from which content); ``none`` if absent."""
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return "none"
    except OSError as exc:
        raise KbError(f"cannot read the index manifest {manifest}: {exc.strerror}") from exc
