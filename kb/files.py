"""Files written safely, defined once: atomic replacement, JSON read/write, and file locks.

A reader sees the old file or the new one, never half of either: data goes to a temporary file in
the same folder, is flushed and ``fsync``-ed, then renamed over the target in one step.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb.errors import KbError

__all__ = ["decode_text", "exclusive_lock", "locked", "read_json", "write_atomic", "write_json_atomic"]

log = logging.getLogger(__name__)


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-16 when a byte-order mark says so (Windows editors save it), else
    UTF-8 with or without its mark. Raises ``UnicodeDecodeError`` for other bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; a failure leaves the old file and no temporary one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # One temporary file per process and thread: two threads writing the same file never share one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: object) -> None:
    """Write ``data`` as compact UTF-8 JSON to ``path`` atomically."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_atomic(path, text.encode("utf-8"))


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``; ``None`` when the file is missing, unreadable or not an object
    (logged, for files that are rebuilt when damaged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s is unreadable (%s); the index will be rebuilt", path, exc)
        return None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def exclusive_lock(path: Path, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if needed) for the ``with`` block; if
    another process holds it, raise ``KbError(busy)`` at once instead of waiting."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except OSError as exc:
        raise KbError(
            f"cannot write in {path.parent} ({exc.strerror or exc}); make the folder writable for this "
            "user or point KB_HOME at a writable folder"
        ) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise KbError(busy) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def locked(fd: int) -> Iterator[None]:
    """Hold an exclusive lock on the open file ``fd`` for the ``with`` block, waiting for it if needed."""
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
