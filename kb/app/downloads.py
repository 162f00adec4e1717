"""Files the app writes for downloading (CSV, briefing packs, conversation exports): each download
in a folder of its own, so that two users never share a file, whoever asks for what; folders
older than an hour are cleared away when a new one is made."""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

__all__ = ["EXPORT_TTL_S", "fresh_folder"]

#: How long a written download is kept before it is cleared away.
EXPORT_TTL_S = 3600


def fresh_folder(root: Path, now: float | None = None) -> Path:
    """A new, empty folder under ``root`` for one download."""
    now = time.time() if now is None else now
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        stamp = child.name.split("-", 1)[0]
        if child.is_dir() and stamp.isdigit() and now - int(stamp) > EXPORT_TTL_S:
            shutil.rmtree(child, ignore_errors=True)
    folder = root / f"{int(now)}-{secrets.token_hex(6)}"
    folder.mkdir()
    return folder
