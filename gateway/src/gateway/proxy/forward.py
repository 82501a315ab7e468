"""``/api/{service}/...`` goes to the service unchanged, streamed both ways.

The access middleware has already verified the token and asked Casbin; the service
verifies the token again (it trusts no network). Bodies are never buffered: request
chunks go upstream as they arrive, response chunks go to the client as they arrive.

The hop to the service uses aiohttp: under load httpx's connection pool spent more than
a third of the gateway's CPU per proxied request (measured with py-spy), most of it
checking every pooled connection for expiry. httpx stays for the gateway's occasional
calls (readiness probes, OpenAPI documents).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import structlog
from litestar import asgi
from litestar.types import Receive, Scope, Send

from gateway.problems import original_path, send_problem
from gateway.proxy.headers import client_response_headers, has_body, upstream_request_headers
from unison_web.observability import request_id_of

log = structlog.get_logger("gateway.proxy")

# How long an idle pooled connection to a service is reused; the services keep theirs
# open longer (unison_web.serve.KEEP_ALIVE_SECONDS), or a reuse meets a closing socket.
UPSTREAM_KEEPALIVE_SECONDS = 30


class ClientDisconnectError(Exception):
    """The client went away while its request body was still being forwarded."""


class Upstreams:
    """The services by name; one pooled client for proxying, one for the gateway's own calls."""

    def __init__(self, services: dict[str, str], *, connect_timeout: float, timeout: float) -> None:
        self.services = services
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout, pool=connect_timeout)
        self._proxy_timeout = aiohttp.ClientTimeout(
            total=None, connect=connect_timeout, sock_read=timeout
        )
        self._client: httpx.AsyncClient | None = None
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=self._timeout,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            follow_redirects=False,
            # Proxy variables in the environment must never reroute service traffic.
            trust_env=False,
        )
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=200, limit_per_host=100, keepalive_timeout=UPSTREAM_KEEPALIVE_SECONDS
            ),
            timeout=self._proxy_timeout,
            auto_decompress=False,  # relay the body exactly as the service encoded it
            trust_env=False,
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("Upstreams.open() was not called")
        return self._client

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("Upstreams.open() was not called")
        return self._session


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


def _failure(exc: Exception, service: str) -> tuple[int, str, str, dict[str, str]]:
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return (
            503,
            "Service unavailable",
            f"service {service!r} is not reachable",
            {"Retry-After": "1"},
        )
    if isinstance(exc, TimeoutError):
        return 504, "Gateway timeout", f"service {service!r} did not answer in time", {}
    return 502, "Bad gateway", f"service {service!r} sent no valid response", {}


def _upstream_headers(scope: Scope) -> list[tuple[str, str]]:
    peer = scope.get("client")
    headers = upstream_request_headers(
        scope.get("headers", []),
        request_id=scope.get("state", {}).get("request_id") or request_id_of(scope),
        client_host=peer[0] if peer else None,
        scheme=scope.get("scheme", "http"),
    )
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


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
            response = await upstreams.session.request(
                str(scope.get("method", "GET")),
                _target(scope, base_url),
                headers=_upstream_headers(scope),
                data=_request_body(receive) if has_body(scope.get("headers", [])) else None,
                allow_redirects=False,
            )
        except ClientDisconnectError:
            return
        except (aiohttp.InvalidURL, ValueError) as exc:
            await send_problem(scope, send, 400, "Bad request", f"unusable request target: {exc}")
            return
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, title, detail, extra = _failure(exc, service)
            log.warning("upstream_failed", service=service, error=repr(exc), status=status)
            await send_problem(scope, send, status, title, detail, extra)
            return
        try:
            await _relay(response, send, service)
        finally:
            response.release()

    return proxy


async def _relay(response: aiohttp.ClientResponse, send: Send, service: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": client_response_headers(response.raw_headers),
        }
    )
    try:
        async for chunk in response.content.iter_any():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    except (aiohttp.ClientError, TimeoutError) as exc:
        # Too late for a problem response: abort, so the client sees a broken message
        # rather than a complete-looking truncated one.
        log.warning("upstream_broke_mid_response", service=service, error=repr(exc))
        raise
    await send({"type": "http.response.body", "body": b"", "more_body": False})
