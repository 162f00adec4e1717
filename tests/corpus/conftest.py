"""What the corpus tests share: a copy of the corpus to break or extend, and the fixture announcement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SOURCES

#: A complete official file of the kind a compliance team adds (a test fixture, not a real document).
NEW = Path(__file__).parent / "fixtures" / "mofcom-2026-901.md"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A copy of ``sources/`` in a temporary folder."""
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    return folder
