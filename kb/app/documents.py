"""The documents tab's work: what is indexed, the user's uploads, and removing one of them.

Official sources are the files under ``settings.sources`` that carry our front matter; every other
indexed document (an upload, a file without front matter, a folder given to ``kb ingest``) is the
user's own: evidence only, never a rule. Uploads are saved under ``settings.uploads_path`` with a
safe file name after their type and size are checked, then that folder is ingested; a file that
cannot be read is named with the reason and removed again, the others are indexed. Removing a
document deletes its file and ingests the folder again, so its chunks leave the index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
import shutil
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.config import Settings
from kb.corpus.documents import Corpus, SourceDocument
from kb.corpus.parsing import parse_file
from kb.errors import KbError, QueryError
from kb.files import read_json

if TYPE_CHECKING:
    from kb.indexing.chunks import Chunk
    from kb.indexing.embedding import Embedder
    from kb.indexing.ingest import IngestReport

__all__ = [
    "ACCEPTED_SUFFIXES",
    "DOCUMENT_HEADERS",
    "DocumentRow",
    "UploadResult",
    "check_upload",
    "indexed_files",
    "list_documents",
    "own_document",
    "remove_upload",
    "safe_name",
    "upload_documents",
]

log = logging.getLogger(__name__)

ACCEPTED_SUFFIXES: tuple[str, ...] = (".md", ".txt", ".html", ".htm", ".pdf", ".docx")
DOCUMENT_HEADERS: tuple[str, ...] = ("Kind", "Title", "Document", "Dates", "Chunks", "Status")
OFFICIAL, OWN = "official", "your own"


@dataclass(frozen=True)
class DocumentRow:
    """One document as the documents tab lists it."""

    kind: str
    title: str
    reference: str
    dates: str
    chunks: int
    status: str
    document_id: str
    #: The upload's file name when the user can remove it (``None`` otherwise).
    upload: str | None = None

    def cells(self) -> list[str]:
        return [self.kind, self.title, self.reference, self.dates, str(self.chunks), self.status]


@dataclass(frozen=True)
class IndexedFile:
    path: Path
    document_id: str
    chunks: int
    sha256: str


def indexed_files(settings: Settings) -> dict[Path, IndexedFile]:
    """Every file the index holds, from its manifest (empty when there is none)."""
    manifest = read_json(settings.manifest_path) or {}
    files = manifest.get("files")
    found: dict[Path, IndexedFile] = {}
    for path, state in (files if isinstance(files, Mapping) else {}).items():
        if not isinstance(state, Mapping):
            continue
        chunks = state.get("chunks")
        found[Path(path)] = IndexedFile(
            Path(path),
            str(state.get("document_id", "")),
            len(chunks) if isinstance(chunks, list) else 0,
            str(state.get("sha256", "")),
        )
    return found


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _official_dates(doc: SourceDocument) -> str:
    parts = [
        f"issued {doc.meta.issued}" if doc.meta.issued else "",
        f"effective {doc.meta.effective}" if doc.meta.effective else "",
    ]
    return " · ".join(p for p in parts if p) or "-"


def _added(path: Path) -> str:
    try:
        return "added " + dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return "-"


def list_documents(settings: Settings, corpus: Corpus, chunks: Sequence[Chunk] = ()) -> list[DocumentRow]:
    """The user's own documents first (newest first), then the official ones (by date issued)."""
    files = indexed_files(settings)
    meta: dict[str, Mapping[str, Any]] = {}
    for chunk in chunks:
        meta.setdefault(chunk.document_id, chunk.metadata)
    official: list[DocumentRow] = []
    seen: set[Path] = set()
    for doc in sorted(corpus, key=lambda d: (d.meta.issued or dt.date.max, d.id)):
        if doc.meta.kind == "user":
            continue
        path = doc.path.resolve()
        seen.add(path)
        state = files.get(path)
        if state is None:
            status = "not indexed: run kb ingest"
        elif state.sha256 and _sha256(path) not in (state.sha256, None):
            status = "changed since indexing: run kb ingest"
        else:
            status = "indexed"
        official.append(
            DocumentRow(
                OFFICIAL,
                doc.meta.title,
                doc.meta.number or doc.id,
                _official_dates(doc),
                state.chunks if state else 0,
                status,
                doc.id,
            )
        )
    own: list[tuple[float, DocumentRow]] = []
    uploads = settings.uploads_path
    for path, state in files.items():
        if path in seen:
            continue
        seen.add(path)
        data = meta.get(state.document_id, {})
        upload = path.name if _under(path, uploads) and path.parent.resolve() == uploads.resolve() else None
        where = path.name if upload else f"{path.name} (from {path.parent.name}/)"
        title = str(data.get("title") or path.stem)
        status = "indexed" if path.exists() else "file gone: run kb ingest"
        row = DocumentRow(OWN, title, where, _added(path), state.chunks, status, state.document_id, upload)
        own.append((_mtime(path), row))
    if uploads.is_dir():
        for path in sorted(uploads.iterdir()):
            if path.resolve() not in seen and path.is_file() and not path.name.startswith("."):
                row = DocumentRow(
                    OWN, path.stem, path.name, _added(path), 0, "not indexed yet", "", path.name
                )
                own.append((_mtime(path), row))
    return [row for _, row in sorted(own, key=lambda pair: -pair[0])] + official


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def safe_name(name: str) -> str:
    """A file name that is safe to save under the uploads folder: no folders, no leading dot,
    letters (any script), digits, ``-``, ``_`` and ``.`` only, at most 100 characters."""
    base = unicodedata.normalize("NFKC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^\w-]+", "-", stem, flags=re.UNICODE).strip("-._") or "document"
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix).lower()
    if stem.lower() == "readme":  # README files are not indexed as documents
        stem = "readme-document"
    return f"{stem[:90]}.{suffix}" if suffix else stem[:90]


def check_upload(name: str, size: int, max_bytes: int) -> str | None:
    """Why a file may not be uploaded (type or size), or ``None``."""
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        accepted = " ".join(ACCEPTED_SUFFIXES)
        shown = f"type {suffix}" if suffix else "no file type"
        return f"{name}: {shown} is not accepted; upload {accepted} files"
    if size > max_bytes:
        return (
            f"{name}: {size / 2**20:.1f} MB is over the {max_bytes // 2**20} MB limit "
            "(KB_MAX_UPLOAD_MB raises it)"
        )
    if size == 0:
        return f"{name}: the file is empty"
    return None


@dataclass(frozen=True)
class UploadResult:
    """What an upload did: the files added (name, chunks), the files refused or not readable, and
    a summary to show."""

    added: tuple[tuple[str, int], ...]
    problems: tuple[str, ...]

    def message(self) -> str:
        lines = []
        if self.added:
            names = ", ".join(
                f"{name} ({chunks} chunk{'s' if chunks != 1 else ''})" for name, chunks in self.added
            )
            lines.append(
                f"✓ Added to your own documents: {names}. They are evidence only and never change a verdict."
            )
        if self.problems:
            lines.append(f"⚠ Not added ({len(self.problems)}):")
            lines.extend(f"- {problem}" for problem in self.problems)
        return "\n\n".join(lines).replace("\n\n- ", "\n- ") or "No files were given."


def upload_documents(
    settings: Settings,
    files: Sequence[tuple[str, Path]],
    embedder: Embedder | None = None,
    progress: bool = False,
) -> UploadResult:
    """Save ``files`` ((name the user gave, where it is now)) under the uploads folder and index
    them. Refused and unreadable files are named with the reason; the rest are indexed."""
    from kb.indexing.ingest import ingest

    uploads = settings.uploads_path
    uploads.mkdir(parents=True, exist_ok=True)
    max_bytes = settings.max_upload_mb * 2**20
    problems: list[str] = []
    saved: dict[Path, str] = {}
    before = indexed_files(settings)
    for name, source in files:
        try:
            size = source.stat().st_size
        except OSError as exc:
            problems.append(f"{name}: cannot be read ({exc.strerror})")
            continue
        problem = check_upload(name, size, max_bytes)
        if problem:
            problems.append(problem)
            continue
        target = uploads / safe_name(name)
        shutil.copyfile(source, target)
        saved[target.resolve()] = name
    if not saved:
        return UploadResult((), tuple(problems))
    report = _ingest(settings, embedder, progress, ingest)
    failed = []
    for error in report.errors:
        path = next((p for p in saved if error.startswith(str(p))), None)
        if path is None:
            log.warning("ingest of the uploads folder: %s", error)
            continue
        failed.append(path)
        problems.append(saved[path] + error[len(str(path)) :])
    for path in failed:
        path.unlink(missing_ok=True)
    if any(path in before for path in failed):  # a broken new version replaced an indexed one
        _ingest(settings, embedder, progress, ingest)
    after = indexed_files(settings)
    added = tuple((saved[path], after[path].chunks) for path in saved if path not in failed and path in after)
    return UploadResult(added, tuple(problems))


def _ingest(settings: Settings, embedder: Embedder | None, progress: bool, ingest: Any) -> IngestReport:
    report: IngestReport = ingest(
        settings, paths=[settings.uploads_path], embedder=embedder, progress=progress
    )
    log.info("uploads: %s", report.summary())
    return report


def remove_upload(settings: Settings, name: str, embedder: Embedder | None = None) -> str:
    """Delete the uploaded file ``name`` and ingest the uploads folder again (its chunks leave the
    index); returns what to tell the user. Only files directly in the uploads folder qualify."""
    from kb.indexing.ingest import ingest

    uploads = settings.uploads_path
    if not name or name != Path(name).name or name.startswith("."):
        raise QueryError(f"{name!r} is not one of your uploaded documents")
    path = uploads / name
    if not path.is_file():
        raise QueryError(f"{name!r} is not one of your uploaded documents (already removed?)")
    path.unlink()
    report = _ingest(settings, embedder, False, ingest)
    return f"Removed {name} ({report.removed} chunks left the index)."


def own_document(settings: Settings, document_id: str) -> SourceDocument | None:
    """A user's indexed document, read again from its file for the source viewer."""
    for path, state in indexed_files(settings).items():
        if state.document_id == document_id and path.is_file():
            try:
                doc = parse_file(path, "user", max_unpacked_mb=settings.max_unpacked_mb)
            except KbError as exc:
                log.warning("cannot show %s: %s", path.name, exc)
                return None
            return dataclasses.replace(doc, id=document_id)
    return None
