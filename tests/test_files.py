"""Atomic writes: one rename, no temporary left behind, threads of one process never collide."""

from __future__ import annotations

import threading
from pathlib import Path

from kb.files import read_json, write_json_atomic


def test_threads_writing_one_file_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "topic-vectors.json"
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        start.wait()
        try:
            for _ in range(50):
                write_json_atomic(path, {"writer": n, "vectors": [[0.1] * 64] * 20})
        except BaseException as exc:  # pragma: no cover - the failure this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    data = read_json(path)
    assert data is not None and data["writer"] in range(8)
    assert [p.name for p in tmp_path.iterdir()] == ["topic-vectors.json"]
