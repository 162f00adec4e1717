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
from kb.indexing.keyword import read_keyword_index
from kb.indexing.manifest import INDEX_FORMAT
from kb.indexing.store import ChunkStore

__all__ = ["index_problem", "rebuild_index"]

log = logging.getLogger(__name__)


def index_problem(settings: Settings) -> str | None:
    """What is wrong with the index under ``settings.home``, in one sentence; ``None`` if it is whole.

    Whole means: the manifest and the keyword index are readable and of this format, and the
    vector store opens and holds a vector for every chunk the keyword index lists.
    """
    manifest = read_json(settings.manifest_path)
    if manifest is None:
        return f"the manifest {settings.manifest_path} is missing or unreadable"
    if manifest.get("format") != INDEX_FORMAT:
        return f"the index was built by another version (format {manifest.get('format')}, not {INDEX_FORMAT})"
    try:
        keyword = read_keyword_index(settings)
    except IndexNotBuilt as exc:
        return str(exc).removesuffix("; run `kb ingest`")
    ids = {r.get("id") for r in keyword["chunks"] if isinstance(r, dict)}
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
    """Rebuild the index from ``settings.sources``; an embedded vector store that no longer opens
    is moved aside (``chroma.broken-<time>``) first, so nothing is deleted that someone may want."""
    if not settings.chroma_url:
        try:
            ChunkStore(settings, create=True)
        except KbError:
            aside = settings.chroma_path.with_name(f"{settings.chroma_path.name}.broken-{int(time.time())}")
            log.warning("the vector store at %s does not open; moved it to %s", settings.chroma_path, aside)
            os.replace(settings.chroma_path, aside)
        # Chroma keeps one open store per path and process, even when its files are gone.
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    return ingest(settings, embedder=embedder, progress=progress, fresh=True)
