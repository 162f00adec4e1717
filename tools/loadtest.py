"""A bounded load test of the app: simulated users asking questions through ``gradio_client``.

``make load`` (not part of CI) starts the app on 127.0.0.1, drives ``--users`` concurrent users
for ``--seconds`` and prints requests, errors, p50/p95 latency and the app's peak RSS. Traffic
goes only to the loopback address the test started; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.config import PROJECT_ROOT
from kb.errors import KbError
from kb.evaluation.metrics import percentile

__all__ = ["LoadReport", "app_server", "free_port", "main", "run_load", "stop_process"]

QUESTIONS = (
    "Do I need a licence to export gallium nitride wafers?",
    "Can antimony ingots go to the United States today?",
    "HS 8112929010 — is that controlled?",
    "出口氧化镓需要申请许可证吗？",
    "How long does MOFCOM have to decide on a dual-use export licence application?",
    "Is holmium oxide export-controlled now?",
)
#: Hard cap on requests per simulated user, whatever the duration.
MAX_REQUESTS_PER_USER = 500
#: A simulated user asks this many questions in one conversation, then starts another (a new
#: session: the app keeps each session's conversation, up to KB_MAX_TURNS questions).
QUESTIONS_PER_CONVERSATION = len(QUESTIONS)


@dataclass
class LoadReport:
    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float | None = None

    def lines(self) -> list[str]:
        p50 = percentile(self.latencies, 50)
        p95 = percentile(self.latencies, 95)
        return [
            f"users {self.users}, duration {self.seconds:.0f} s",
            f"requests {len(self.latencies) + len(self.errors)}, errors {len(self.errors)}",
            f"latency p50 {p50 if p50 is not None else float('nan'):.2f} s, "
            f"p95 {p95 if p95 is not None else float('nan'):.2f} s",
            f"app peak RSS {self.peak_rss_mb:.0f} MB" if self.peak_rss_mb else "app peak RSS unknown",
            *(f"error: {e}" for e in self.errors[:5]),
        ]


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


@contextlib.contextmanager
def app_server(
    env: Mapping[str, str], log_path: Path | None = None, queue_size: int = 64, wait_s: float = 180
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``python app.py`` on a free loopback port with ``env``; yields its URL and process once the
    page answers, and stops it afterwards. A start that fails is a ``KbError`` with the end of
    ``log_path`` (where the app's output goes, when given)."""
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
            time.sleep(0.5)
        yield url, process
    finally:
        stop_process(process)


def _peak_rss_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_load(url: str, users: int, seconds: float, auth: tuple[str, str] | None = None) -> LoadReport:
    """Drive ``users`` concurrent clients against ``url`` for ``seconds`` (logged in with ``auth``)."""
    from gradio_client import Client

    report = LoadReport(users, seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(number: int) -> None:
        try:
            client = Client(url, auth=auth, verbose=False)
        except Exception as exc:
            with lock:
                report.errors.append(f"cannot connect: {type(exc).__name__}: {exc}")
            return
        for i in range(MAX_REQUESTS_PER_USER):
            if time.monotonic() >= deadline:
                return
            question = QUESTIONS[(number + i) % len(QUESTIONS)]
            if i and i % QUESTIONS_PER_CONVERSATION == 0:
                client.reset_session()
            started = time.perf_counter()
            try:
                # The conversation (a gr.State) is not part of the API: the server keeps it, within
                # the app's turn limit, for each client session.
                client.predict(text=question, day="2026-11-22", dest="", api_name="/on_ask")
            except Exception as exc:
                with lock:
                    report.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                report.latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    try:
        with app_server(env, queue_size=256) as (url, app):
            report = run_load(url, args.users, args.seconds)
            report.peak_rss_mb = _peak_rss_mb(app.pid)
    except KbError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0 if not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
