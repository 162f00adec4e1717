"""The app's HTTP guard on its own (a stand-in app behind it): security headers on every response,
sign-ins rate-limited per address, large bodies refused, no API description on the login page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from kb.app.security import CONTENT_SECURITY_POLICY, AppGuard, LoginLimiter

LOGIN_PAGE = (
    '<html><script>window.gradio_config = {"auth_required":true,"components":[]};</script>'
    '<script>window.gradio_api_info = {"named_endpoints":{"/on_ask":{"parameters":[]}}};</script></html>'
)


async def page(request: Request) -> Response:
    if request.query_params.get("signed_in"):
        return HTMLResponse(LOGIN_PAGE.replace('"auth_required":true', '"components":[1]'))
    return HTMLResponse(LOGIN_PAGE)


async def login(request: Request) -> Response:
    form = await request.form()
    if form.get("password") == "s3cret":
        return JSONResponse({"success": True})
    return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)


async def echo(request: Request) -> Response:
    return JSONResponse({"size": len(await request.body())})


@pytest.fixture
def client() -> TestClient:
    app = Starlette(
        routes=[
            Route("/", page),
            Route("/login", login, methods=["POST"]),
            Route("/echo", echo, methods=["POST"]),
        ],
        middleware=[Middleware(AppGuard, login_attempts=3, max_body=1024)],
    )
    return TestClient(app)


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/missing"), client.post("/login", data={"password": "x"})):
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
    assert (
        "default-src 'self'" in CONTENT_SECURITY_POLICY
        and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    )
    assert (
        "img-src 'self' data: blob:" in CONTENT_SECURITY_POLICY
        and "connect-src 'self'" in CONTENT_SECURITY_POLICY
    )


def test_sign_ins_are_rate_limited_per_address(client: TestClient) -> None:
    assert [client.post("/login", data={"password": "x"}).status_code for _ in range(3)] == [400] * 3
    refused = client.post("/login", data={"password": "s3cret"})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many failed sign-ins: try again in ")
    assert client.get("/").status_code == 200  # the page itself still answers


def test_a_good_sign_in_clears_the_count() -> None:
    limiter = LoginLimiter(2, window_s=60)
    limiter.failed("a", now=0)
    limiter.succeeded("a")
    limiter.failed("a", now=1)
    assert limiter.wait_s("a", now=2) == 0
    limiter.failed("a", now=3)
    assert limiter.wait_s("a", now=4) == pytest.approx(57) and limiter.wait_s("b", now=4) == 0
    assert limiter.wait_s("a", now=62) == 0  # the window has passed


def test_the_login_page_has_no_api_description(client: TestClient) -> None:
    login_page = client.get("/").text
    assert "on_ask" not in login_page and "window.gradio_api_info = {};</script>" in login_page
    assert '"auth_required":true' in login_page
    assert "on_ask" in client.get("/?signed_in=1").text  # the app's own page is left as it is


def test_large_bodies_are_refused(client: TestClient) -> None:
    assert client.post("/echo", content=b"x" * 1000).json() == {"size": 1000}
    too_big = client.post("/echo", content=b"x" * 2000)
    assert too_big.status_code == 413 and "larger than" in too_big.json()["detail"]

    def chunks() -> Any:
        for _ in range(4):
            yield b"y" * 400

    assert client.post("/echo", content=chunks()).status_code == 413  # no Content-Length given


def test_the_limiter_stays_bounded() -> None:
    limiter = LoginLimiter(5, max_addresses=10)
    for i in range(50):
        limiter.failed(f"10.0.0.{i}", now=float(i))
    assert len(limiter._failures) <= 10
    assert json.dumps(sorted(limiter._failures))  # plain data
