"""Shared test set-up: every test runs offline with its own KB_HOME."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from kb.config import Settings
    from kb.embedding import Embedder
    from kb.index import IngestReport
    from kb.retrieve import Retriever

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
SHARED = ROOT.parent / "shared"

# Models come from site-packages; nothing may reach a hub, and no telemetry leaves the machine.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point KB_HOME at a temporary folder and clear settings a developer may have exported."""
    home = tmp_path / "kb-home"
    monkeypatch.setenv("KB_HOME", str(home))
    for name in ("KB_SOURCES", "KB_CHROMA_URL", "KB_LLM_URL", "KB_LLM_MODEL", "KB_AUTH"):
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder beside the checkout; absent in a user's clone."""
    if not SHARED.is_dir():
        pytest.skip(
            "../shared is not beside this checkout (a user's clone): fact base, seeds and dev set are there"
        )
    return SHARED


class CachingEmbedder:
    """The real embedder, remembering every text it embedded this session.

    Vectors are exactly the model's; a test that ingests a copy of the corpus again only pays for
    texts the session has not seen. Same ``name`` as the model, so indexes are interchangeable.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._vectors: dict[str, list[float]] = {}
        self._queries: dict[str, list[float]] = {}

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.inner.embed_documents(missing), strict=True))
        return [self._vectors[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]


@dataclass(frozen=True)
class BuiltIndex:
    """The whole corpus indexed once per session: its settings, a ready retriever, the shared
    (caching) real embedder and the report of the build."""

    settings: Settings
    retriever: Retriever
    embedder: CachingEmbedder
    report: IngestReport


@pytest.fixture(scope="session")
def session_embedder() -> CachingEmbedder:
    """The real offline model (loaded once per session), behind a memo of what it embedded."""
    from kb.embedding import default_embedder

    return CachingEmbedder(default_embedder())


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, session_embedder: CachingEmbedder) -> BuiltIndex:
    """The whole ``sources/`` corpus ingested once into a session KB_HOME, real model and Chroma.

    Shared by every test that needs real retrieval; do not ingest into it (copy the corpus instead).
    """
    from kb.config import Settings
    from kb.index import ingest
    from kb.retrieve import Retriever

    settings = Settings(home=tmp_path_factory.mktemp("built-index") / "kb-home", sources=SOURCES)
    report = ingest(settings, embedder=session_embedder, progress=False)
    return BuiltIndex(settings, Retriever(settings, embedder=session_embedder), session_embedder, report)


def copy_home(built: BuiltIndex, folder: Path) -> Path:
    """A copy of the session index (so an app's feedback log does not land in the shared one)."""
    home = folder / "kb-home"
    shutil.copytree(built.settings.home, home, ignore=shutil.ignore_patterns(".ingest.lock"))
    return home


@contextlib.contextmanager
def running_app(home: Path, log_path: Path, **env_vars: str) -> Iterator[str]:
    """``python app.py`` on a free loopback port with KB_HOME ``home``; yields its URL once it
    answers, stops it afterwards. ``env_vars`` (e.g. ``KB_AUTH``) are added to the environment."""
    from kb.loadtest import app_server

    env = {**os.environ, "KB_HOME": str(home), "KB_SOURCES": str(SOURCES)}
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("KB_AUTH", None)
    env.update(env_vars)
    with app_server(env, log_path) as (url, _):
        yield url
