"""A bounded load test of the app: simulated users asking questions, each in a session of its own.

``make load`` (not part of CI) starts the app on 127.0.0.1, drives ``--users`` concurrent users
for ``--seconds`` and prints requests, errors, p50/p95 latency, the app's CPU time per request and
its peak RSS. Traffic goes only to the loopback address the test started; every loop is bounded in
count and time.

The users share the app's machine, so the client's own work is part of every figure. The default
client (``--client http``) speaks the browser's protocol (join the queue, read the session's event
stream) over one kept-alive connection per user. ``--client gradio`` uses ``gradio_client``
instead, which opens a connection per call and a heartbeat thread per user: on 2 cores it spends
more CPU per request than the app does, and its figures say more about itself than about the app.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import KbError
from kb.evaluation.metrics import percentile
from kb.evaluation.serving import app_server, process_memory_mb

__all__ = ["CLIENTS", "GradioUser", "HttpUser", "LoadReport", "main", "process_cpu_s", "run_load"]

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
    #: The app's CPU seconds (user and system) over the run, when known.
    app_cpu_s: float | None = None
    client: str = "http"

    def lines(self) -> list[str]:
        p50 = percentile(self.latencies, 50)
        p95 = percentile(self.latencies, 95)
        done = len(self.latencies)
        cpu = (
            f"app CPU {self.app_cpu_s:.1f} s, {1000 * self.app_cpu_s / done:.1f} ms per request"
            if self.app_cpu_s is not None and done
            else "app CPU unknown"
        )
        return [
            f"users {self.users}, duration {self.seconds:.0f} s, client {self.client}",
            f"requests {len(self.latencies) + len(self.errors)}, errors {len(self.errors)}",
            f"latency p50 {p50 if p50 is not None else float('nan'):.2f} s, "
            f"p95 {p95 if p95 is not None else float('nan'):.2f} s",
            cpu,
            f"app peak RSS {self.peak_rss_mb:.0f} MB" if self.peak_rss_mb else "app peak RSS unknown",
            *(f"error: {e}" for e in self.errors[:5]),
        ]


class HttpUser:
    """One simulated browser: signs in (with ``auth``), reads the page's config for the ask
    event, and asks as the page does, by joining the queue and reading the session's event stream,
    over one kept-alive connection."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None, timeout_s: float = 60.0) -> None:
        import httpx

        self.http = httpx.Client(base_url=url, timeout=timeout_s)
        try:
            self.fn_index = self._ask_event(auth)
        except BaseException:
            self.http.close()
            raise
        self.session_hash = ""
        self.reset_session()

    def _ask_event(self, auth: tuple[str, str] | None) -> int:
        """Sign in (with ``auth``) and find the page's ask event in its config."""
        if auth:
            login = self.http.post("login", data={"username": auth[0], "password": auth[1]})
            if login.status_code != 200:
                raise RuntimeError(f"sign-in refused: HTTP {login.status_code}")
        config = self.http.get("config")
        if config.status_code != 200:
            raise RuntimeError(f"no page config: HTTP {config.status_code}")
        found = next(
            (int(d["id"]) for d in config.json().get("dependencies", []) if d.get("api_name") == "on_ask"),
            None,
        )
        if found is None:
            raise RuntimeError("the page has no on_ask event: is this the knowledge base's app?")
        return found

    def reset_session(self) -> None:
        """A new session (the page opened again): a new, empty conversation."""
        self.session_hash = uuid.uuid4().hex[:12]

    def ask(self, text: str, day: str, dest: str) -> list[Any]:
        """The ask event's outputs; a failed event, or a stream that ends without it, raises."""
        body = {
            # The conversation (a gr.State) is kept by the server for the session; the page sends null.
            "data": [text, None, day, dest],
            "fn_index": self.fn_index,
            "session_hash": self.session_hash,
            "event_data": None,
            "trigger_id": None,
        }
        join = self.http.post("gradio_api/queue/join", json=body)
        if join.status_code != 200:
            raise RuntimeError(f"queue/join: HTTP {join.status_code}: {join.text[:200]}")
        event_id = join.json()["event_id"]
        stream = {"session_hash": self.session_hash}
        with self.http.stream("GET", "gradio_api/queue/data", params=stream) as sse:
            if sse.status_code != 200:
                raise RuntimeError(f"queue/data: HTTP {sse.status_code}")
            for line in sse.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") != event_id or message.get("msg") != "process_completed":
                    continue
                if not message.get("success"):
                    raise RuntimeError(f"the ask failed: {str(message.get('output'))[:200]}")
                outputs: list[Any] = message["output"]["data"]
                return outputs
        raise RuntimeError("the event stream ended before the answer")

    def close(self) -> None:
        self.http.close()


class GradioUser:
    """One simulated user through ``gradio_client`` (see the module help for its cost)."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None) -> None:
        from gradio_client import Client

        self.client = Client(url, auth=auth, verbose=False)

    def reset_session(self) -> None:
        self.client.reset_session()

    def ask(self, text: str, day: str, dest: str) -> list[Any]:
        # The conversation (a gr.State) is not part of the API: the server keeps it, within the
        # app's turn limit, for each client session.
        return list(self.client.predict(text=text, day=day, dest=dest, api_name="/on_ask"))

    def close(self) -> None:
        self.client.close()


CLIENTS: dict[str, Callable[[str, tuple[str, str] | None], HttpUser | GradioUser]] = {
    "http": HttpUser,
    "gradio": GradioUser,
}


def run_load(
    url: str,
    users: int,
    seconds: float,
    auth: tuple[str, str] | None = None,
    client: str = "http",
) -> LoadReport:
    """Drive ``users`` concurrent clients of kind ``client`` (see ``CLIENTS``) against ``url`` for
    ``seconds`` (signed in with ``auth``)."""
    report = LoadReport(users, seconds, client=client)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    make = CLIENTS[client]

    def user(number: int) -> None:
        try:
            person = make(url, auth)
        except Exception as exc:
            with lock:
                report.errors.append(f"cannot connect: {type(exc).__name__}: {exc}")
            return
        try:
            for i in range(MAX_REQUESTS_PER_USER):
                if time.monotonic() >= deadline:
                    return
                question = QUESTIONS[(number + i) % len(QUESTIONS)]
                if i and i % QUESTIONS_PER_CONVERSATION == 0:
                    person.reset_session()
                started = time.perf_counter()
                try:
                    outputs = person.ask(question, "2026-11-22", "")
                    if html.escape(question, quote=False) not in str(outputs):
                        raise RuntimeError(f"the conversation came back without the question {question!r}")
                except Exception as exc:
                    with lock:
                        report.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    report.latencies.append(time.perf_counter() - started)
        finally:
            person.close()

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return report


def process_cpu_s(pid: int) -> float | None:
    """A process's user and system CPU seconds so far, from ``/proc/<pid>/stat``; ``None`` without."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--client",
        choices=sorted(CLIENTS),
        default="http",
        help="http: the browser's protocol, one connection per user (default); gradio: gradio_client",
    )
    args = parser.parse_args(argv)
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    try:
        with app_server(env, queue_size=256) as (url, app):
            before = process_cpu_s(app.pid)
            report = run_load(url, args.users, args.seconds, client=args.client)
            after = process_cpu_s(app.pid)
            if before is not None and after is not None:
                report.app_cpu_s = after - before
            report.peak_rss_mb = process_memory_mb(app.pid, "VmHWM")
    except KbError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0 if not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
