"""The app's tests: the app's limits come from their defaults, whatever a developer exported."""

from __future__ import annotations

import pytest

LIMIT_VARIABLES = ("KB_MAX_QUESTION_CHARS", "KB_MAX_TURNS", "KB_MAX_CONVERSATIONS", "KB_MAX_UPLOAD_MB",
                   "KB_LOGIN_ATTEMPTS", "KB_MAX_SESSIONS")  # fmt: skip


@pytest.fixture(autouse=True)
def default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIMIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
