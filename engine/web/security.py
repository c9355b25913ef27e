"""An ASGI guard in front of the application: Host and Origin checks, the API token, and the request size limit.

Pure ASGI rather than a Starlette ``BaseHTTPMiddleware`` so the body is counted as it streams in: a request without
Content-Length cannot slip past the limit, and nothing over the limit is ever buffered.
"""
from __future__ import annotations

import hmac
import json
from urllib.parse import urlsplit

from engine.web.settings import MB

Scope = dict
BODY_METHODS = {"POST", "PUT", "PATCH"}


def _hostname(host_header: str) -> str:
    return (urlsplit(f"//{host_header}").hostname or "").lower()


async def _send_error(send, status: int, detail: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app, *, token: str | None, max_bytes: int, allowed_hosts: frozenset[str] | None):
        self.app, self.token, self.max_bytes, self.allowed_hosts = app, token, max_bytes, allowed_hosts

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if self.allowed_hosts is not None and _hostname(host) not in self.allowed_hosts:
            return 400, "this workbench answers on localhost only (Host header refused)"
        if not scope["path"].startswith("/api/"):
            return None
        origin = headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
            return 403, "cross-origin API requests are refused"
        if self.token:
            scheme, _, given = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
                return 401, "missing or wrong token (send Authorization: Bearer <token>)"
        return None

    def _too_large(self) -> str:
        return f"request body over the {self.max_bytes / MB:g} MB limit"

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal:
            extra = [(b"www-authenticate", b"Bearer")] if refusal[0] == 401 else []
            await _send_error(send, *refusal, extra)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await _send_error(send, 400, "invalid Content-Length")
                return
            if int(length) > self.max_bytes:
                await _send_error(send, 413, self._too_large())
                return
        chunks, size, more = [], 0, True
        while more:  # read the whole body, bounded, before the application sees any of it
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_error(send, 413, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
