"""Is the index there and whole? And rebuilding it when it is not."""

from __future__ import annotations

import logging
import os
import time

from kb.config import Settings
from kb.errors import IndexNotBuilt, KbError
from kb.files import read_json
from kb.indexing.embedding import Embedder
from kb.indexing.ingest import IngestReport, ingest
from kb.indexing.keyword import open_keyword_index
from kb.indexing.manifest import INDEX_FORMAT
from kb.indexing.store import ChunkStore

__all__ = ["index_problem", "rebuild_index"]

log = logging.getLogger(__name__)


def index_problem(settings: Settings) -> str | None:
    """What is wrong with the index under ``settings.home``, in one sentence; ``None`` if it is whole.

    Whole means: the manifest and the keyword index are readable and of this format, and the
    vector store opens and holds a vector for every chunk the keyword index lists.
    """
    try:
        settings = settings.pinned()  # one generation throughout, even if a rebuild switches
    except KbError as exc:
        return str(exc).removesuffix("; run `kb ingest --rebuild`")
    manifest = read_json(settings.manifest_path)
    if manifest is None:
        return f"the manifest {settings.manifest_path} is missing or unreadable"
    if manifest.get("format") != INDEX_FORMAT:
        return f"the index was built by another version (format {manifest.get('format')}, not {INDEX_FORMAT})"
    try:
        ids = set(open_keyword_index(settings, scores=False).ids)
    except IndexNotBuilt as exc:
        return str(exc).removesuffix("; run `kb ingest`")
    if not settings.chroma_url and not (settings.chroma_path / "chroma.sqlite3").is_file():
        return f"the vector store at {settings.chroma_path} is missing"
    try:
        stored = ChunkStore(settings).ids()
    except KbError as exc:
        return str(exc).rsplit("; ", 1)[0]  # the cause, without the advice to rebuild
    missing = ids - stored
    if missing:
        where = settings.chroma_url or settings.chroma_path
        return f"the vector store at {where} lacks {len(missing)} of the {len(ids)} indexed chunks"
    return None


def rebuild_index(
    settings: Settings, embedder: Embedder | None = None, progress: bool = True
) -> IngestReport:
    """Rebuild the index from ``settings.sources`` into a new generation, switched to when complete
    (the index in use keeps answering meanwhile). An embedded vector store that no longer opens is
    moved aside (``KB_HOME/chroma.broken-<time>``) first, so nothing is deleted that someone may want."""
    try:
        broken = settings.pinned()
    except KbError:
        broken = None  # an unreadable pointer: the rebuild writes a new one
    if broken is not None and not settings.chroma_url and broken.chroma_path.exists():
        try:
            ChunkStore(broken, create=False)
        except IndexNotBuilt:
            pass
        except KbError:
            aside = settings.home / f"chroma.broken-{int(time.time())}"
            log.warning("the vector store at %s does not open; moved it to %s", broken.chroma_path, aside)
            os.replace(broken.chroma_path, aside)
    return ingest(settings, embedder=embedder, progress=progress, fresh=True)
