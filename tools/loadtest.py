"""A bounded load test of the app: simulated users asking questions through ``gradio_client``.

``make load`` (not part of CI) starts the app on 127.0.0.1, drives ``--users`` concurrent users
for ``--seconds`` and prints requests, errors, p50/p95 latency and the app's peak RSS. Traffic
goes only to the loopback address the test started; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from dataclasses import dataclass, field

from kb.errors import KbError
from kb.evaluation.metrics import percentile
from kb.evaluation.serving import app_server, process_memory_mb

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
            report.peak_rss_mb = process_memory_mb(app.pid, "VmHWM")
    except KbError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0 if not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
