"""The vector store: chunk vectors in a Chroma collection, embedded or on a Chroma server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlparse

from kb.config import Settings
from kb.errors import IndexNotBuilt, KbError
from kb.indexing.chunks import Chunk

__all__ = ["ChunkStore"]


class ChunkStore:
    """The Chroma collection of chunk vectors: written through llama-index's ``ChromaVectorStore``,
    searched on the collection itself (ids and distances only).

    Embedded (``PersistentClient`` under ``settings.chroma_path``) or a server
    (``HttpClient`` at ``settings.chroma_url``); which one is a setting, the code is the same.
    Chroma never embeds anything itself: vectors always come from our embedder.
    """

    def __init__(self, settings: Settings, create: bool = False) -> None:
        self.settings = settings
        self.where = settings.chroma_url or str(settings.chroma_path)
        self._vectors: Any = None
        self._vectors_of: Any = None
        with self._errors("open"):
            self.client = self._client()
            if create:
                self.collection = self.client.get_or_create_collection(
                    settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
                )
            else:
                names = [getattr(c, "name", c) for c in self.client.list_collections()]
                if settings.collection not in names:
                    raise IndexNotBuilt(
                        f"the vector store at {self.where} has no collection {settings.collection!r}; "
                        "run `kb ingest`"
                    )
                self.collection = self.client.get_collection(settings.collection, embedding_function=None)

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

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.settings.chroma_url:
            url = urlparse(self.settings.chroma_url)
            ssl = url.scheme == "https"
            port = url.port or (443 if ssl else 8000)
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=port, ssl=ssl, settings=chroma_settings
            )
        self.settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.settings.chroma_path), settings=chroma_settings)

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Translate Chroma's and the HTTP client's exceptions into one clear ``KbError``."""
        try:
            yield
        except KbError:
            raise
        except Exception as exc:
            hint = (
                "is the server running (`chroma run`)? or unset KB_CHROMA_URL"
                if self.settings.chroma_url
                else "delete the folder and run `kb ingest` to rebuild it"
            )
            raise KbError(
                f"vector store at {self.where}: cannot {action} ({type(exc).__name__}: {exc}); {hint}"
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
                text=chunk.text,
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
            if self.settings.collection in names:
                self.client.delete_collection(self.settings.collection)
            self.collection = self.client.get_or_create_collection(
                self.settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
