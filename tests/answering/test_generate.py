"""The optional generator, against a stand-in OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from kb.answering.generate import check_generated
from kb.answering.knowledge import KnowledgeBase
from kb.config import Settings
from tests.conftest import WordOverlapSearcher


class _StandIn(BaseHTTPRequestHandler):
    reply: str = ""
    status: int = 200
    requests: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).requests.append(json.loads(self.rfile.read(length)))
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": type(self).reply}}]})
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[type[_StandIn]]:
    handler = type("Handler", (_StandIn,), {"requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{httpd.server_address[1]}"  # type: ignore[attr-defined]
    yield handler
    httpd.shutdown()
    httpd.server_close()


def _base(url: str) -> KnowledgeBase:
    settings = Settings.from_env({"KB_LLM_URL": url, "KB_LLM_MODEL": "stand-in"})
    return KnowledgeBase(settings, searcher=WordOverlapSearcher())


QUESTION = "Do I need a licence to export gallium nitride wafers?"


def test_generated_text_is_used_when_its_citations_resolve(server: type[_StandIn]) -> None:
    server.reply = (
        "Gallium nitride needs a dual-use export licence [1]. The duty applies since 2023-08-01 [2]."
    )
    answer = _base(server.url).answer(QUESTION, as_of="2026-11-22")  # type: ignore[attr-defined]
    assert answer.generator == "openai-compatible"
    assert answer.verdict == "licence_required"
    assert "The duty applies since 2023-08-01 [2]." in answer.text
    assert answer.text.startswith("As of 2026-11-22: licence required.")
    sent = server.requests[0]
    assert sent["model"] == "stand-in"
    assert "Evidence:" in json.dumps(sent)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("Gallium nitride needs a licence [1], see also [42].", "resolve to no source"),
        ("Gallium nitride needs a licence.", "cites no source"),
        ("Good news: no licence is needed for gallium nitride [1].", "contradicts the verdict"),
    ],
)
def test_untrustworthy_text_falls_back_and_says_why(
    server: type[_StandIn], reply: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    server.reply = reply
    with caplog.at_level(logging.WARNING, logger="kb.answering.compose"):
        answer = _base(server.url).answer(QUESTION, as_of="2026-11-22")  # type: ignore[attr-defined]
    assert answer.generator == "extractive"
    assert reply not in answer.text
    assert why in caplog.text


def test_server_failure_falls_back(server: type[_StandIn], caplog: pytest.LogCaptureFixture) -> None:
    server.status = 500
    server.reply = "whatever [1]"
    with caplog.at_level(logging.WARNING, logger="kb.answering.compose"):
        answer = _base(server.url).answer(QUESTION)  # type: ignore[attr-defined]
    assert answer.generator == "extractive"
    assert "failed" in caplog.text


def test_unreachable_endpoint_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kb.answering.compose"):
        answer = _base("http://127.0.0.1:9").answer(QUESTION)
    assert answer.generator == "extractive" and answer.verdict == "licence_required"


def test_check_generated() -> None:
    assert check_generated("Listed [1].", "licence_required", [1, 2]) is None
    assert (
        check_generated("It is prohibited [1].", "licence_required", [1])
        == "it contradicts the verdict 'licence_required'"
    )
