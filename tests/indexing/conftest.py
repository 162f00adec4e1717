"""Fixtures of the indexing tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.config import Settings
from kb.indexing.ingest import ingest
from tests.conftest import FIXTURES, FakeEmbedder


@pytest.fixture
def indexed(tmp_path: Path) -> Settings:
    """The test fixtures' documents, indexed with the fake embedder in a home of their own."""
    folder = tmp_path / "docs"
    shutil.copytree(FIXTURES, folder)
    settings = Settings(home=tmp_path / "home", sources=folder)
    assert ingest(settings, embedder=FakeEmbedder(), progress=False).ok
    return settings
