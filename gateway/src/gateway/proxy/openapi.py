"""``/schema/openapi.json``: one OpenAPI 3.1 document for the gateway and every service.

Each service publishes its own document at ``/schema/openapi.json`` with paths already
under ``/api/<service>/``. Components that two documents define differently under the
same name are renamed ``<service>_<Name>`` (and their ``$ref``s rewritten); identical
ones are shared. A service that does not answer is left out and named in
``x-unison-unavailable``; such a partial document is cached only briefly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec
import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

log = structlog.get_logger("gateway.openapi")

OPENAPI_PATH = "/schema/openapi.json"
PARTIAL_CACHE_SECONDS = 2.0
_REF_PREFIX = "#/components/"

Document = dict[str, Any]
Renames = dict[tuple[str, str], str]  # (section, name) -> new name


def _rewrite(node: Any, renames: Renames) -> Any:
    """Copy of ``node`` with ``$ref``s and security requirement names renamed."""
    if isinstance(node, list):
        return [_rewrite(item, renames) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
            section, _, name = value[len(_REF_PREFIX) :].partition("/")
            out[key] = _REF_PREFIX + section + "/" + renames.get((section, name), name)
        elif key == "security" and isinstance(value, list):
            out[key] = [
                {renames.get(("securitySchemes", n), n): scopes for n, scopes in req.items()}
                for req in value
                if isinstance(req, dict)
            ]
        else:
            out[key] = _rewrite(value, renames)
    return out


def _collisions(documents: dict[str, Document]) -> set[tuple[str, str]]:
    seen: dict[tuple[str, str], bytes] = {}
    clashing: set[tuple[str, str]] = set()
    for document in documents.values():
        for section, entries in (document.get("components") or {}).items():
            for name, definition in (entries or {}).items():
                encoded = msgspec.json.encode(definition, order="sorted")
                if seen.setdefault((section, name), encoded) != encoded:
                    clashing.add((section, name))
    return clashing


def merge(documents: dict[str, Document], *, title: str, version: str) -> Document:
    """Merge documents by source name ("gateway", "inventory", ...) into one."""
    clashing = _collisions(documents)
    merged: Document = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "components": {},
    }
    for source in sorted(documents):
        renames: Renames = {key: f"{source}_{key[1]}" for key in clashing}
        document = _rewrite(documents[source], renames)
        for path, item in (document.get("paths") or {}).items():
            merged["paths"].setdefault(path, item)
        for section, entries in (document.get("components") or {}).items():
            target = merged["components"].setdefault(section, {})
            for name, definition in (entries or {}).items():
                target[renames.get((section, name), name)] = definition
        for tag in document.get("tags") or []:
            if tag not in merged.setdefault("tags", []):
                merged["tags"].append(tag)
    merged["security"] = [{"bearer": []}]
    return merged


class MergedOpenAPI:
    def __init__(
        self,
        services: dict[str, str],
        own_document: Callable[[], Document],
        *,
        cache_seconds: float,
        timeout: float,
        client: Callable[[], httpx.AsyncClient],
    ) -> None:
        self._services = services
        self._own = own_document
        self._cache_seconds = cache_seconds
        self._timeout = timeout
        self._client = client
        self._cached: tuple[bytes, float] | None = None
        self._lock = asyncio.Lock()

    async def _fetch(self, service: str, base_url: str) -> Document | None:
        try:
            response = await self._client().get(f"{base_url}{OPENAPI_PATH}", timeout=self._timeout)
            response.raise_for_status()
            document = msgspec.json.decode(response.content)
        except (httpx.HTTPError, msgspec.DecodeError) as exc:
            log.warning("openapi_fetch_failed", service=service, error=repr(exc))
            return None
        if not isinstance(document, dict):
            return None
        root = f"/api/{service}"
        paths = document.get("paths") or {}
        # A service publishes only what lives under its own prefix (the prefix itself too:
        # search's query is GET /api/search).
        document["paths"] = {
            p: v for p, v in paths.items() if p == root or p.startswith(root + "/")
        }
        return document

    async def _build(self) -> tuple[bytes, bool]:
        names = sorted(self._services)
        fetched = await asyncio.gather(*(self._fetch(n, self._services[n]) for n in names))
        documents: dict[str, Document] = {"gateway": self._own()}
        missing = [n for n, d in zip(names, fetched, strict=True) if d is None]
        documents.update({n: d for n, d in zip(names, fetched, strict=True) if d is not None})
        merged = merge(documents, title="Unison", version="0.1.0")
        if missing:
            merged["x-unison-unavailable"] = missing
        return msgspec.json.encode(merged), not missing

    async def document(self) -> bytes:
        async with self._lock:
            now = time.monotonic()
            if self._cached is not None and now < self._cached[1]:
                return self._cached[0]
            body, complete = await self._build()
            ttl = self._cache_seconds if complete else PARTIAL_CACHE_SECONDS
            self._cached = (body, now + ttl)
            return body


def openapi_middleware(merged: Callable[[], Awaitable[bytes]]) -> Any:
    """Serves the merged document in place of the gateway's own at the same path."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if (
                scope["type"] != ScopeType.HTTP
                or scope.get("path") != OPENAPI_PATH
                or scope.get("method") not in ("GET", "HEAD")
            ):
                await app(scope, receive, send)
                return
            body = await merged()
            headers = [
                (b"content-type", b"application/vnd.oai.openapi+json"),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        return middleware

    return factory
