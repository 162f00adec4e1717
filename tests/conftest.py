"""Shared test set-up: every test runs offline with its own KB_HOME."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
        pytest.skip("../shared is not beside this checkout (a user's clone): fact base, seeds and dev set are there")
    return SHARED
