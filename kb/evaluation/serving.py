"""Starting the app in a process of its own, for the benchmarks and the load test: a free port,
the app until its page answers, its memory as the kernel reports it, and stopping it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from kb.config import PROJECT_ROOT
from kb.errors import KbError

__all__ = ["app_server", "free_port", "process_memory_mb", "stop_process"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server this code started, killing it if it does not stop within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def process_memory_mb(pid: int | str = "self", field: str = "VmRSS") -> float | None:
    """A process's memory from ``/proc/<pid>/status`` in MB: ``VmRSS`` (resident now) or ``VmHWM``
    (its own peak; unlike ``ru_maxrss`` it does not count the parent's memory at the fork).
    ``None`` where there is no ``/proc``."""
    status = Path(f"/proc/{pid}/status")
    try:
        lines = status.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


@contextlib.contextmanager
def app_server(
    env: Mapping[str, str],
    log_path: Path | None = None,
    queue_size: int = 64,
    wait_s: float = 180,
    poll_s: float = 0.5,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python app.py`` on a free loopback port with ``env``; yields its URL and process once the
    page answers (asked every ``poll_s``), and stops it afterwards. A start that fails is a
    ``KbError`` with the end of ``log_path`` (where the app's output goes, when given)."""
    port = free_port()
    command = [sys.executable, str(PROJECT_ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--queue-size", str(queue_size)]
    log = log_path.open("w") if log_path else None
    process = subprocess.Popen(
        command, env=dict(env), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT if log else None
    )
    if log:
        log.close()  # the app holds its own copy of the handle
    url = f"http://127.0.0.1:{port}/"

    def failed(why: str) -> KbError:
        tail = log_path.read_text(errors="replace")[-3000:] if log_path else ""
        return KbError(f"{why}\n{tail}" if tail else why)

    try:
        deadline = time.monotonic() + wait_s
        while True:
            if process.poll() is not None:
                raise failed(f"the app exited with {process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise failed(f"the app did not answer on {url} in {wait_s:.0f} s")
            time.sleep(poll_s)
        yield url, process
    finally:
        stop_process(process)
