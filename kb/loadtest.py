"""A bounded load test of the app: simulated users asking questions through ``gradio_client``.

``make load`` (not part of CI) starts the app on 127.0.0.1, drives ``--users`` concurrent users
for ``--seconds`` and prints requests, errors, p50/p95 latency and the app's peak RSS. Traffic
goes only to the loopback address the test started; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LoadReport", "main", "run_load"]

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


@dataclass
class LoadReport:
    users: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float | None = None

    def lines(self) -> list[str]:
        ordered = sorted(self.latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
        return [
            f"users {self.users}, duration {self.seconds:.0f} s",
            f"requests {len(self.latencies) + len(self.errors)}, errors {len(self.errors)}",
            f"latency p50 {statistics.median(ordered) if ordered else float('nan'):.2f} s, p95 {p95:.2f} s",
            f"app peak RSS {self.peak_rss_mb:.0f} MB" if self.peak_rss_mb else "app peak RSS unknown",
            *(f"error: {e}" for e in self.errors[:5]),
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            started = time.perf_counter()
            try:
                # The per-session answers (a gr.State) are not part of the API: the server keeps them.
                client.predict(text=question, history=[], day="2026-11-22", dest="", api_name="/on_ask")
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
    port = _free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    app = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port), "--queue-size", "256"],
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            print("the app did not start within 120 s", file=sys.stderr)
            return 1
        report = run_load(url, args.users, args.seconds)
        report.peak_rss_mb = _peak_rss_mb(app.pid)
    finally:
        app.terminate()
        app.wait(timeout=30)
    print("\n".join(report.lines()))
    return 0 if not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
