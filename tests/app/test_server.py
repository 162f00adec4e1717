"""The app over HTTP: a login refuses anonymous requests, its page describes no API, failed
sign-ins are rate-limited, every response carries the security headers, and simulated users (the
load test's client) get cited answers without errors."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.app.security import CONTENT_SECURITY_POLICY
from tests.conftest import BuiltIndex, copy_home, running_app
from tools.loadtest import HttpUser, run_load

pytestmark = pytest.mark.slow

LOGIN = ("alice", "s3cret")


@pytest.fixture(scope="module")
def guarded_url(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("server")
    home = copy_home(built_index, folder)
    with running_app(home, folder / "app.log", KB_AUTH=":".join(LOGIN), KB_LOGIN_ATTEMPTS="3") as url:
        yield url


def _fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, str]:
    """(status, headers, body) of a request, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.headers, exc.read().decode("utf-8", "replace")


def _status(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    return _fetch(url, data, headers)[0]


def test_without_login_the_app_and_its_api_refuse(guarded_url: str) -> None:
    assert _status(guarded_url + "config") == 401
    call = json.dumps({"data": ["Is gallium controlled?", "2026-11-22", ""]}).encode()
    assert _status(guarded_url + "gradio_api/call/on_ask", call, {"Content-Type": "application/json"}) == 401
    wrong = urllib.parse.urlencode({"username": "alice", "password": "wrong"}).encode()
    assert _status(guarded_url + "login", wrong) in (400, 401)


def test_with_login_simulated_users_get_answers(guarded_url: str) -> None:
    anonymous = run_load(guarded_url, users=1, seconds=1)
    assert anonymous.errors and not anonymous.latencies
    report = run_load(guarded_url, users=2, seconds=3, auth=LOGIN)
    assert report.errors == [] and len(report.latencies) >= 2
    print("\n".join(report.lines()))
    # the same through gradio_client (make load --client gradio)
    through_gradio = run_load(guarded_url, users=1, seconds=2, auth=LOGIN, client="gradio")
    assert through_gradio.errors == [] and through_gradio.latencies


def _turns(outputs: list[Any]) -> int:
    """How many turns the conversation in an ask's outputs (the transcript is the second) holds."""
    found = re.search(r'data-turns="(\d+)"', str(outputs[1]))
    assert found, str(outputs[1])[:300]
    return int(found.group(1))


def test_the_server_forgets_the_least_recently_used_session_beyond_kb_max_sessions(
    built_index: BuiltIndex, tmp_path: Path
) -> None:
    home = copy_home(built_index, tmp_path)
    with running_app(home, tmp_path / "app.log", KB_MAX_SESSIONS="2") as url:
        first, second, third = HttpUser(url), HttpUser(url), HttpUser(url)
        assert _turns(first.ask("Is gallium controlled?", "2026-11-22", "")) == 1
        assert _turns(first.ask("And germanium?", "2026-11-22", "")) == 2
        assert _turns(second.ask("Is antimony controlled?", "2026-11-22", "")) == 1
        assert _turns(third.ask("Is graphite controlled?", "2026-11-22", "")) == 1  # first forgotten
        assert _turns(third.ask("And tungsten?", "2026-11-22", "")) == 2  # kept
        assert _turns(first.ask("And indium?", "2026-11-22", "")) == 1  # a new conversation
        for user in (first, second, third):
            user.close()


def test_every_response_carries_the_security_headers(guarded_url: str) -> None:
    for path in ("", "config", "gradio_api/info", "no-such-page"):
        status, headers, _ = _fetch(guarded_url + path)
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, (path, status)
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_describes_no_api(guarded_url: str) -> None:
    status, _, page = _fetch(guarded_url)
    assert status == 200 and '"auth_required":true' in page.replace(" ", "")
    assert "window.gradio_api_info = {};" in page
    assert "on_ask" not in page and "named_endpoints" not in page


def test_failed_sign_ins_are_rate_limited(guarded_url: str) -> None:
    """Last in the module: it locks the loopback address out of signing in for a minute."""
    wrong = urllib.parse.urlencode({"username": "alice", "password": "wrong"}).encode()
    statuses = [_status(guarded_url + "login", wrong) for _ in range(3)]
    assert all(status in (400, 401) for status in statuses), statuses
    right = urllib.parse.urlencode({"username": LOGIN[0], "password": LOGIN[1]}).encode()
    status, _, body = _fetch(guarded_url + "login", right)
    assert status == 429 and "Too many failed sign-ins: try again in" in json.loads(body)["detail"]
    assert _status(guarded_url + "config") == 401  # the app still answers, and still asks for a login
