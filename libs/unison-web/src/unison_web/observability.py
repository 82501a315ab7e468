"""Request ids, one access-log line per request, and Prometheus metrics.

Written as plain ASGI middleware so it sees every response, including problem+json from
exception handlers and 404s for unknown routes.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from unison_web.request_window import RequestWindow

log = structlog.get_logger("unison_web.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET = frozenset({"/health", "/ready", "/metrics"})


class Metrics:
    """The HTTP metrics of one process, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        labels = ("service", "method", "route", "status")
        self.requests = Counter(
            "http_requests_total", "HTTP requests", labels, registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ("service", "method", "route"),
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.pool = Gauge(
            "db_pool_connections",
            "Database pool connections",
            ("service", "state"),
            registry=self.registry,
        )
        self.service = service
        # The ops page's view of now: per-minute counts, latencies, recent 5xx.
        self.window = RequestWindow()


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def observability_middleware(metrics: Metrics) -> Any:
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            request_id = request_id_of(scope)
            scope.setdefault("state", {})["request_id"] = request_id
            started = time.perf_counter()
            status = 500

            async def send_wrapper(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    headers = list(message.get("headers", []))
                    headers.append((b"x-request-id", request_id.encode()))
                    message["headers"] = headers
                await send(message)

            structlog.contextvars.bind_contextvars(request_id=request_id)
            try:
                await app(scope, receive, send_wrapper)
            finally:
                elapsed = time.perf_counter() - started
                route = scope.get("path_template") or "unmatched"
                method = scope.get("method", "")
                metrics.requests.labels(metrics.service, method, route, str(status)).inc()
                metrics.latency.labels(metrics.service, method, route).observe(elapsed)
                if scope.get("path") not in _QUIET:
                    state = scope.get("state", {})
                    metrics.window.record(
                        method,
                        str(scope.get("path", "")),
                        status,
                        elapsed,
                        request_id,
                        state.get("unhandled_error"),
                    )
                    principal = scope.get("state", {}).get("principal")
                    log.info(
                        "request_handled",
                        method=method,
                        path=scope.get("path"),
                        status=status,
                        duration_ms=round(elapsed * 1000, 2),
                        organization_id=str(principal.organization_id) if principal else None,
                    )
                structlog.contextvars.unbind_contextvars("request_id")

        return middleware

    return factory
