"""What every response carries for the browser's protection: a content security policy that allows no
inline script and no other origin than the optional tile server, no MIME sniffing, no referrer, no
framing. Applied as a plain ASGI middleware, so streamed responses and errors get the headers too."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# A tile URL's host, once its {s} subdomain template is a wildcard: letters, digits, dots, dashes, a port.
_HOST = re.compile(r"(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?")


def tile_origin(tiles_url: str | None) -> str | None:
    """The origin a tile URL template loads from ("https://{s}.tile.example.org/{z}/{x}/{y}.png" ->
    "https://*.tile.example.org"); None without one. ValueError for anything but an http(s) URL."""
    if not tiles_url:
        return None
    parts = urlsplit(tiles_url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc):
        raise ValueError(f"tiles URL {tiles_url!r} is not an http(s) URL template with a plain host name")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(tiles_origin: str | None) -> str:
    extra = f" {tiles_origin}" if tiles_origin else ""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data:{extra}; connect-src 'self'{extra}; frame-ancestors 'none'")


def security_headers(tiles_origin: str | None) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(tiles_origin).encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]


class SecurityHeaders:
    """ASGI middleware: add `headers` to every HTTP response, replacing any of the same name."""

    def __init__(self, app: App, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers
        self.names = {name for name, _ in headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware: refuse a request whose body is larger than `max_bytes` (413): at once when its
    Content-Length says so, and, for a body sent in chunks without one, as soon as what has arrived passes
    the limit (the application then sees the body end there and the client gets the 413)."""

    def __init__(self, app: App, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        too_large = False
        started = False

        async def counted_receive() -> dict:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: dict) -> None:
            # Once the body has passed the limit, whatever the application answers (FastAPI turns the
            # interrupted read into a 400) is replaced by the 413.
            nonlocal started
            if too_large:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _BodyTooLarge:
            if not started:
                started = True
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = (b'{"detail": "request body too large: send at most %d bytes (fewer documents '
                b'per request)"}' % self.max_bytes)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    """Raised inside the application's receive() when a chunked body passes the limit."""
