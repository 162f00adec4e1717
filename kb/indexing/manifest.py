"""What the last ingest left behind: the manifest of indexed files and the chunk records, read back
so that the next ingest parses and embeds only what changed."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from kb.config import Settings
from kb.errors import IndexNotBuilt
from kb.files import read_json
from kb.indexing.embedding import Embedder
from kb.indexing.keyword import read_keyword_index

__all__ = ["INDEX_FORMAT", "FileState", "Previous"]

log = logging.getLogger(__name__)

#: Bumped when chunking or the stored layout changes: every file is then parsed again.
INDEX_FORMAT = 4


@dataclass
class FileState:
    sha256: str
    document_id: str
    chunks: list[str]
    #: Chinese -> English names the document defines (see ``kb.indexing.chunks.lexicon``).
    lexicon: list[list[str]] = dataclasses.field(default_factory=list)


@dataclass
class Previous:
    """What the last ingest left: files (manifest) and chunk records (keyword index)."""

    files: dict[str, FileState]
    records: dict[str, dict[str, Any]]
    tokenizer: object
    compatible: bool

    @classmethod
    def read(cls, settings: Settings, embedder: Embedder | str) -> Previous:
        """What the index of ``settings`` holds, if it was built with ``embedder`` (or a model of
        that name) in this format; else nothing, marked incompatible."""
        name = embedder if isinstance(embedder, str) else embedder.name
        manifest = read_json(settings.manifest_path) or {}
        try:
            keyword = read_keyword_index(settings)
        except IndexNotBuilt:
            keyword = {}
        compatible = (
            manifest.get("format") == INDEX_FORMAT
            and manifest.get("embedder") == name
            and keyword.get("embedder") == name
        )
        if not compatible:
            if manifest or keyword:
                log.warning("the index was built with another model or format; rebuilding it")
            return cls({}, {}, None, False)
        files = {p: FileState(**state) for p, state in manifest.get("files", {}).items()}
        records = {r["id"]: r for r in keyword.get("chunks", []) if isinstance(r, dict) and "id" in r}
        return cls(files, records, keyword.get("tokenizer"), True)
