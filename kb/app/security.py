"""The app's guard at the HTTP level: one ASGI middleware in front of Gradio's routes.

- Every response carries a Content-Security-Policy that lets the page load and connect only to
  the app's own address (:data:`CONTENT_SECURITY_POLICY`), ``X-Frame-Options: DENY`` and
  ``nosniff``; a link followed out of the app sends no referrer. Gradio's page needs inline
  scripts and ``eval`` (its HTML components compile templates), so those are allowed; what the
  policy forbids is any request to another address, whatever text ends up on the page.
- Failed sign-ins are counted per client address: after ``login_attempts`` failures within a
  minute, ``POST /login`` answers 429 with a sentence saying how long to wait.
- The login page shows no API description (Gradio embeds it in every page it serves).
- A request body larger than ``max_body`` bytes is refused with 413 (uploads have their own limit,
  Gradio's ``max_file_size``).

The middleware is Starlette's plain ASGI form, so it is independent of Gradio's version; it is
passed to Gradio through ``launch(app_kwargs={"middleware": [...]})`` (see :func:`middleware`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["CONTENT_SECURITY_POLICY", "AppGuard", "LoginLimiter", "middleware"]

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
#: Largest request body accepted outside uploads: a restored conversation history is the
#: largest thing the page sends (bounded well below this by the history limits).
MAX_BODY_BYTES = 8 * 1024 * 1024
_API_INFO = re.compile(rb"window\.gradio_api_info\s*=\s*.*?;\s*</script>", re.DOTALL)
_LOGIN_PAGE = re.compile(rb'"auth_required"\s*:\s*true')


class LoginLimiter:
    """Failed sign-ins per client address in a sliding window; thread-safe and bounded in size."""

    def __init__(self, attempts: int, window_s: float = 60.0, max_addresses: int = 10_000) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self.max_addresses = max_addresses
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, address: str, now: float | None = None) -> float:
        """Seconds ``address`` must wait before it may try again (0 when it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent(address, now)
            if len(recent) < self.attempts:
                return 0.0
            return max(0.0, recent[-self.attempts] + self.window_s - now)

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if address not in self._failures and len(self._failures) >= self.max_addresses:
                self._prune(now)
            self._failures[address] = [*self._recent(address, now), now]

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)

    def _recent(self, address: str, now: float) -> list[float]:
        return [t for t in self._failures.get(address, []) if now - t < self.window_s]

    def _prune(self, now: float) -> None:
        for address in list(self._failures):
            if not self._recent(address, now):
                del self._failures[address]
        while len(self._failures) >= self.max_addresses:  # all busy: forget the oldest
            del self._failures[next(iter(self._failures))]


class _BodyTooLarge(Exception):
    pass


class AppGuard:
    """ASGI middleware: security headers, sign-in rate limit, body size limit, bare login page."""

    def __init__(self, app: ASGIApp, login_attempts: int = 5, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limiter = LoginLimiter(login_attempts)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", "")).rstrip("/")
        method = scope.get("method", "GET")
        address = (scope.get("client") or ("unknown", 0))[0]
        if method == "POST" and path.endswith("/login"):
            wait = self.limiter.wait_s(address)
            if wait > 0:
                log.warning("sign-in from %s refused: too many failed attempts", address)
                await _respond(send, 429, f"Too many failed sign-ins: try again in {wait:.0f} s.")
                return
        uploading = path.endswith("/upload")
        length = _content_length(scope)
        if method == "POST" and not uploading and length is not None and length > self.max_body:
            await _respond(send, 413, f"The request is larger than {self.max_body // 2**20} MB.")
            return

        started = False
        status = 0
        buffering = method == "GET" and path == ""  # the page itself (the app or the login form)
        held: Message | None = None
        chunks: list[bytes] = []
        received = 0

        async def guarded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request" and not uploading:
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, status, held
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in dict(_HEADERS)]
                message["headers"] = headers + _HEADERS
                if buffering:
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = _without_api_description(b"".join(chunks))
                headers = [(k, v) for k, v in held["headers"] if k.lower() != b"content-length"]
                held["headers"] = [*headers, (b"content-length", str(len(body)).encode())]
                await send(held)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except _BodyTooLarge:
            if not started:
                await _respond(send, 413, f"The request is larger than {self.max_body // 2**20} MB.")
            return
        if method == "POST" and path.endswith("/login"):
            if status == 200:
                self.limiter.succeeded(address)
            elif 400 <= status < 500:
                self.limiter.failed(address)


def _without_api_description(body: bytes) -> bytes:
    """The login page without the description of every API endpoint Gradio puts in each page."""
    if not _LOGIN_PAGE.search(body):
        return body
    return _API_INFO.sub(b"window.gradio_api_info = {};</script>", body, count=1)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _respond(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def middleware(login_attempts: int) -> list[Any]:
    """The middleware list for ``gr.Blocks.launch(app_kwargs={"middleware": ...})``."""
    from starlette.middleware import Middleware

    return [Middleware(AppGuard, login_attempts=login_attempts)]
