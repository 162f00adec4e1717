"""The app over HTTP: a login refuses anonymous requests, and simulated users (the load test's
client) get cited answers without errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import BuiltIndex, copy_home, running_app
from tools.loadtest import run_load

pytestmark = pytest.mark.slow

LOGIN = ("alice", "s3cret")


@pytest.fixture(scope="module")
def guarded_url(built_index: BuiltIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("server")
    with running_app(copy_home(built_index, folder), folder / "app.log", KB_AUTH=":".join(LOGIN)) as url:
        yield url


def _status(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_without_login_the_app_and_its_api_refuse(guarded_url: str) -> None:
    assert _status(guarded_url + "config") == 401
    call = json.dumps({"data": ["Is gallium controlled?", [], "2026-11-22", ""]}).encode()
    assert _status(guarded_url + "gradio_api/call/on_ask", call, {"Content-Type": "application/json"}) == 401
    wrong = urllib.parse.urlencode({"username": "alice", "password": "wrong"}).encode()
    assert _status(guarded_url + "login", wrong) in (400, 401)


def test_with_login_simulated_users_get_answers(guarded_url: str) -> None:
    anonymous = run_load(guarded_url, users=1, seconds=1)
    assert anonymous.errors and not anonymous.latencies
    report = run_load(guarded_url, users=2, seconds=3, auth=LOGIN)
    assert report.errors == [] and len(report.latencies) >= 2
    print("\n".join(report.lines()))
