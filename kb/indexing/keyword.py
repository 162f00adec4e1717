"""The keyword index file: every indexed chunk with its BM25 tokens and fingerprints, and the Chinese
-> English names the documents define. The retriever builds its BM25 model from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kb.config import Settings
from kb.errors import IndexNotBuilt
from kb.files import write_json_atomic
from kb.indexing.chunks import Chunk, keyword_text
from kb.indexing.embedding import Embedder
from kb.indexing.manifest import INDEX_FORMAT, FileState, Previous
from kb.language.tokens import TOKENIZER_VERSION, keyword_tokens

__all__ = ["keyword_index_path", "read_keyword_index", "write_keyword_index"]


def keyword_index_path(settings: Settings) -> Path:
    """Where the keyword index (and the record of every indexed chunk) lives."""
    return settings.keyword_path


def read_keyword_index(settings: Settings) -> dict[str, Any]:
    """The keyword index as stored; ``IndexNotBuilt`` when it is missing or unreadable."""
    path = keyword_index_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexNotBuilt(f"no search index in {settings.home}; run `kb ingest`") from exc
    except (OSError, ValueError) as exc:
        raise IndexNotBuilt(f"the keyword index {path} is unreadable ({exc}); run `kb ingest`") from exc
    if not isinstance(data, dict) or not isinstance(data.get("chunks"), list):
        raise IndexNotBuilt(f"the keyword index {path} is not in the expected form; run `kb ingest`")
    return data


def write_keyword_index(
    settings: Settings,
    embedder: Embedder,
    files: dict[str, FileState],
    wanted: dict[str, Chunk],
    prints: dict[str, tuple[str, str]],
    previous: Previous,
) -> None:
    def tokens(cid: str, chunk: Chunk) -> list[str]:
        record = previous.records.get(cid, {})
        if record.get("fingerprint") == prints[cid][1] and previous.tokenizer == TOKENIZER_VERSION:
            return list(record["tokens"])
        return keyword_tokens(keyword_text(chunk))

    write_json_atomic(
        keyword_index_path(settings),
        {
            "format": INDEX_FORMAT,
            "embedder": embedder.name,
            "tokenizer": TOKENIZER_VERSION,
            "lexicon": sorted({tuple(pair) for state in files.values() for pair in state.lexicon}),
            "chunks": [
                {
                    **chunk.to_dict(),
                    "embedded": prints[cid][0],
                    "fingerprint": prints[cid][1],
                    "tokens": tokens(cid, chunk),
                }
                for cid, chunk in wanted.items()
            ],
        },
    )
