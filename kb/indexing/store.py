"""The vector store: chunk vectors in a Chroma collection, embedded or on a Chroma server."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kb.config import Settings
from kb.errors import IndexNotBuilt, KbError
from kb.indexing.chunks import Chunk

__all__ = ["ChunkStore", "drop_collections"]


def _read_only(folder: Path) -> bool:
    return folder.exists() and not os.access(folder, os.W_OK)


def drop_collections(settings: Settings, generations: Sequence[str]) -> list[str]:
    """Delete the Chroma server's collections of the index ``generations`` (``""``: the one of an
    index built before generations) where they exist; returns the collection names deleted. Only
    generations this ``KB_HOME`` made are named, so another home's collections on the same server
    are never touched."""
    if not settings.chroma_url or not generations:
        return []
    base = settings.collection
    doomed = {f"{base}-{name}" if name else base for name in generations}
    with ChunkStore._errors_of(settings, "delete old collections"):
        client = ChunkStore._server_client(settings)
        names = [str(getattr(c, "name", c)) for c in client.list_collections()]
        dropped = [name for name in names if name in doomed]
        for name in dropped:
            client.delete_collection(name)
    return dropped


class ChunkStore:
    """The Chroma collection of chunk vectors: written through llama-index's ``ChromaVectorStore``,
    searched on the collection itself (ids and distances only).

    Embedded (``PersistentClient`` under ``settings.chroma_path``) or a server
    (``HttpClient`` at ``settings.chroma_url``); which one is a setting, the code is the same.
    Chroma never embeds anything itself: vectors always come from our embedder.
    """

    def __init__(self, settings: Settings, create: bool = False) -> None:
        with self._errors_of(settings, "open"):
            settings = settings.pinned()  # one generation for the life of this store
        self.settings = settings
        self.where = settings.chroma_url or str(settings.chroma_path)
        self._vectors: Any = None
        self._vectors_of: Any = None
        with self._errors("open"):
            self.client = self._client()
            if create:
                self.collection = self.client.get_or_create_collection(
                    settings.collection_name, embedding_function=None, metadata={"hnsw:space": "cosine"}
                )
            else:
                names = [getattr(c, "name", c) for c in self.client.list_collections()]
                if settings.collection_name not in names:
                    raise IndexNotBuilt(
                        f"the vector store at {self.where} has no collection {settings.collection_name!r}; "
                        "run `kb ingest`"
                    )
                self.collection = self.client.get_collection(
                    settings.collection_name, embedding_function=None
                )

    @property
    def vectors(self) -> Any:
        """llama-index's adapter over the collection (imported on first use: it is slow to import)."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        if self._vectors is None or self._vectors_of is not self.collection:
            self._vectors = ChromaVectorStore(chroma_collection=self.collection)
            self._vectors_of = self.collection
        return self._vectors

    def _client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        if self.settings.chroma_url:
            return self._server_client(self.settings)
        self.settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(self.settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False)
        )

    @staticmethod
    def _server_client(settings: Settings) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        url = urlparse(settings.chroma_url or "")
        ssl = url.scheme == "https"
        port = url.port or (443 if ssl else 8000)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=port,
            ssl=ssl,
            settings=ChromaSettings(anonymized_telemetry=False),
        )

    def _errors(self, action: str) -> contextlib.AbstractContextManager[None]:
        return self._errors_of(self.settings, action, self.where)

    @staticmethod
    @contextlib.contextmanager
    def _errors_of(settings: Settings, action: str, where: str | None = None) -> Iterator[None]:
        """Translate Chroma's and the HTTP client's exceptions into one clear ``KbError``."""
        where = where or settings.chroma_url or str(settings.home)
        try:
            yield
        except KbError:
            raise
        except PermissionError as exc:
            # A read-only KB_HOME: deleting and rebuilding would not help.
            raise KbError(
                f"vector store at {where}: cannot {action}: {exc.strerror or exc} ({exc.filename or where}); "
                "make KB_HOME writable for this user or point KB_HOME at a writable folder"
            ) from exc
        except Exception as exc:
            if settings.chroma_url:
                hint = "is the server running (`chroma run`)? or unset KB_CHROMA_URL"
            elif read_only := next((f for f in (settings.home, settings.chroma_path) if _read_only(f)), None):
                hint = (
                    f"{read_only} is not writable for this user: make it writable or point "
                    "KB_HOME at a writable folder"
                )
            else:
                hint = "run `kb ingest --rebuild` to build it again"
            raise KbError(
                f"vector store at {where}: cannot {action} ({type(exc).__name__}: {exc}); {hint}"
            ) from exc

    def ids(self) -> set[str]:
        with self._errors("list the chunks"):
            return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        with self._errors("count the chunks"):
            return int(self.collection.count())

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        if not chunks:
            return
        from llama_index.core.schema import BaseNode, TextNode

        nodes: list[BaseNode] = [
            TextNode(
                id_=chunk.id,
                # The text lives in the keyword index, which search reads; Chroma keeps the vector
                # and the metadata (a copy of every text, and Chroma's full-text index of it, would
                # double the store for nothing).
                text="",
                embedding=list(vector),
                metadata={**chunk.metadata, "document_id": chunk.document_id, "locator": chunk.locator},
                excluded_embed_metadata_keys=list(chunk.metadata),
                excluded_llm_metadata_keys=list(chunk.metadata),
            )
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        with self._errors("add chunks"):
            for start in range(0, len(nodes), 1000):
                self.vectors.add(nodes[start : start + 1000])

    def stored_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The vectors already stored for ``ids`` (to re-store a chunk whose metadata changed)."""
        if not ids:
            return {}
        with self._errors("read vectors"):
            got = self.collection.get(ids=list(ids), include=["embeddings"])
        return {
            cid: [float(x) for x in vector] for cid, vector in zip(got["ids"], got["embeddings"], strict=True)
        }

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self._errors("delete chunks"):
            for start in range(0, len(ids), 1000):
                self.vectors.delete_nodes(node_ids=list(ids[start : start + 1000]))

    def query(
        self, vector: Sequence[float], n: int, within: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` nearest chunk ids with their cosine similarity, optionally among ``within``.

        Asks the collection for ids and distances only: texts and metadata are in the keyword
        index already, and fetching them from Chroma's SQLite costs 5-10x the search itself.
        """
        if n <= 0 or (within is not None and not within):
            return []
        kwargs: dict[str, Any] = {"ids": list(within)} if within is not None else {}
        with self._errors("search"):
            result = self.collection.query(
                query_embeddings=[list(vector)], n_results=n, include=["distances"], **kwargs
            )
        ids = (result.get("ids") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        # The collection uses the cosine space: distance = 1 - cosine similarity.
        return [(node_id, 1.0 - float(distance)) for node_id, distance in zip(ids, distances, strict=False)]

    def reset(self) -> None:
        """Drop and recreate the collection (when the embedding model changed)."""
        with self._errors("reset the collection"):
            names = [getattr(c, "name", c) for c in self.client.list_collections()]
            if self.settings.collection_name in names:
                self.client.delete_collection(self.settings.collection_name)
            self.collection = self.client.get_or_create_collection(
                self.settings.collection_name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
