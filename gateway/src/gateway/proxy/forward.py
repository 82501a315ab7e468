"""``/api/{service}/...`` goes to the service unchanged, streamed both ways.

The access middleware has already verified the token and asked Casbin; the service
verifies the token again (it trusts no network). Bodies are never buffered: request
chunks go upstream as they arrive, response chunks go to the client as they arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import structlog
from litestar import asgi
from litestar.types import Receive, Scope, Send

from gateway.problems import original_path, send_problem
from gateway.proxy.headers import client_response_headers, has_body, upstream_request_headers
from unison_web.observability import request_id_of

log = structlog.get_logger("gateway.proxy")


class ClientDisconnectError(Exception):
    """The client went away while its request body was still being forwarded."""


class Upstreams:
    """The services by name and one pooled HTTP client for all of them."""

    def __init__(self, services: dict[str, str], *, connect_timeout: float, timeout: float) -> None:
        self.services = services
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout, pool=connect_timeout)
        self._client: httpx.AsyncClient | None = None

    async def open(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=self._timeout,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            follow_redirects=False,
            # Proxy variables in the environment must never reroute service traffic.
            trust_env=False,
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("Upstreams.open() was not called")
        return self._client


def _target(scope: Scope, base_url: str) -> str:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    url = base_url + raw_path.decode("latin-1")
    query = scope.get("query_string", b"")
    return f"{url}?{query.decode('latin-1')}" if query else url


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnectError
        chunk = message.get("body", b"")
        if isinstance(chunk, bytes) and chunk:
            yield chunk
        if not message.get("more_body", False):
            return


def _service_of(scope: Scope) -> str:
    raw = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    parts = raw.split("/", 3)  # "", "api", service, rest
    return parts[2] if len(parts) > 2 else ""


def _failure(exc: httpx.HTTPError, service: str) -> tuple[int, str, str, dict[str, str]]:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return (
            503,
            "Service unavailable",
            f"service {service!r} is not reachable",
            {"Retry-After": "1"},
        )
    if isinstance(exc, httpx.TimeoutException):
        return 504, "Gateway timeout", f"service {service!r} did not answer in time", {}
    return 502, "Bad gateway", f"service {service!r} sent no valid response", {}


def _upstream_request(
    client: httpx.AsyncClient, scope: Scope, receive: Receive, base_url: str
) -> httpx.Request:
    headers = scope.get("headers", [])
    peer = scope.get("client")
    return client.build_request(
        str(scope.get("method", "GET")),
        _target(scope, base_url),
        headers=upstream_request_headers(
            headers,
            request_id=scope.get("state", {}).get("request_id") or request_id_of(scope),
            client_host=peer[0] if peer else None,
            scheme=scope.get("scheme", "http"),
        ),
        content=_request_body(receive) if has_body(headers) else None,
    )


def proxy_handler(upstreams: Upstreams) -> Any:
    @asgi("/api", is_mount=True, copy_scope=False, include_in_schema=False)
    async def proxy(scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar hands a mount only the rest of the path; put the whole path back so
        # the access log and problem details show what the client asked for.
        scope["path"] = original_path(scope)
        service = _service_of(scope)
        base_url = upstreams.services.get(service)
        if base_url is None:
            await send_problem(scope, send, 404, "Not found", f"no service {service!r}")
            return
        try:
            request = _upstream_request(upstreams.client, scope, receive, base_url)
        except httpx.InvalidURL as exc:
            await send_problem(scope, send, 400, "Bad request", f"unusable request target: {exc}")
            return
        try:
            response = await upstreams.client.send(request, stream=True)
        except ClientDisconnectError:
            return
        except httpx.HTTPError as exc:
            status, title, detail, extra = _failure(exc, service)
            log.warning("upstream_failed", service=service, error=repr(exc), status=status)
            await send_problem(scope, send, status, title, detail, extra)
            return
        try:
            await _relay(response, send, service)
        finally:
            await response.aclose()

    return proxy


async def _relay(response: httpx.Response, send: Send, service: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": client_response_headers(response.headers.raw),
        }
    )
    try:
        async for chunk in response.aiter_raw():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    except httpx.HTTPError as exc:
        # Too late for a problem response: abort, so the client sees a broken message
        # rather than a complete-looking truncated one.
        log.warning("upstream_broke_mid_response", service=service, error=repr(exc))
        raise
    await send({"type": "http.response.body", "body": b"", "more_body": False})
