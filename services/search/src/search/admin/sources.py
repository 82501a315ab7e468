"""The other services' list APIs as the rebuild reads them: through the gateway with a
token for the organization (the gateway's service grant, or an API client of the
organization with client_credentials), page by page
(keyset cursors), so the rebuild sees exactly what their owners publish and nothing of
their schemas."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any
from uuid import UUID

import httpx
import msgspec

from search.admin.settings import RebuildSettings

SERVICE_GRANT = "urn:unison:grant-type:service"


class SourceUnavailable(Exception):
    """A source could not be read (no credentials, refused, unreachable): the rebuild fails
    with this message, and the job says it."""


class TokenClaims(msgspec.Struct, frozen=True):
    org: UUID
    plants: tuple[UUID, ...] = ()


def claims_of(token: str) -> TokenClaims:
    """What the token is for. Read, not verified: it came straight from the gateway, and
    every service verifies it again."""
    try:
        payload = token.split(".")[1]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return msgspec.json.decode(raw, type=TokenClaims)
    except (IndexError, ValueError, msgspec.DecodeError) as exc:
        raise SourceUnavailable("the gateway's access token is not a JWT with org") from exc


class Sources:
    """``async with Sources(settings) as sources``: a token, then ``pages(path)``."""

    def __init__(
        self,
        settings: RebuildSettings,
        http: httpx.AsyncClient | None = None,
        organization_id: UUID | None = None,
    ) -> None:
        self._settings = settings
        self._organization_id = organization_id
        self._own = http is None  # a client handed in is its owner's to close
        self._http = http or httpx.AsyncClient(
            base_url=settings.gateway_url, timeout=settings.rebuild_timeout_seconds
        )
        self._token: str | None = None
        self.claims: TokenClaims | None = None

    async def __aenter__(self) -> Sources:
        await self._authorize()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._own:
            await self._http.aclose()

    async def _authorize(self) -> None:
        s = self._settings
        if s.service_secret and self._organization_id is not None:
            data = {
                "grant_type": SERVICE_GRANT,
                "organization_id": str(self._organization_id),
            }
            auth = ("search", s.service_secret)
        elif s.search_client_id and s.search_client_secret:
            data = {"grant_type": "client_credentials"}
            auth = (s.search_client_id, s.search_client_secret)
        else:
            raise SourceUnavailable(
                "the rebuild needs the gateway's service grant (UNISON_SERVICE_SECRET) or an"
                " API client (UNISON_SEARCH_CLIENT_ID and UNISON_SEARCH_CLIENT_SECRET) for the"
                " search worker"
            )
        response = await self._token_request(data, auth)
        if response.status_code != 200:
            raise SourceUnavailable(
                f"the gateway refused the search worker ({response.status_code}): {response.text}"
            )
        token = response.json().get("access_token")
        if not isinstance(token, str):
            raise SourceUnavailable("the gateway sent no access_token")
        self._token = token
        self.claims = claims_of(token)

    async def _token_request(self, data: dict[str, str], auth: tuple[str, str]) -> httpx.Response:
        """The gateway may still be starting (``./dev up`` queues the demo's rebuilds before
        it runs): connection failures are retried for a while."""
        deadline = time.monotonic() + self._settings.gateway_wait_seconds
        while True:
            try:
                return await self._http.post("/auth/token", data=data, auth=auth)
            except httpx.HTTPError as exc:
                if time.monotonic() >= deadline:
                    raise SourceUnavailable(f"the gateway is unreachable: {exc!r}") from None
                await asyncio.sleep(1.0)

    async def pages(self, path: str) -> AsyncIterator[list[Any]]:
        """Every page of a keyset-paged list (``{"items": [...], "next_cursor": ...}``)."""
        cursor: str | None = None
        while True:
            params = {"limit": str(self._settings.rebuild_page_size)}
            if cursor is not None:
                params["cursor"] = cursor
            page = await self._get(path, params)
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise SourceUnavailable(f"GET {path} answered no items list")
            yield items
            cursor = page.get("next_cursor")
            if not cursor:
                return

    async def listing(self, path: str) -> list[Any]:
        """An unpaged list (a thing's few attachments)."""
        answer = await self._get(path, {})
        if not isinstance(answer, list):
            raise SourceUnavailable(f"GET {path} answered no list")
        return answer

    async def _get(self, path: str, params: dict[str, str]) -> Any:
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self._token}"}
            try:
                response = await self._http.get(path, params=params, headers=headers)
            except httpx.HTTPError as exc:
                raise SourceUnavailable(f"GET {path} failed: {exc!r}") from None
            if response.status_code == 401 and attempt == 0:
                await self._authorize()  # the token expired during a long rebuild
                continue
            if response.status_code != 200:
                raise SourceUnavailable(
                    f"GET {path} answered {response.status_code}: {response.text[:500]}"
                )
            return response.json()
        raise SourceUnavailable(f"GET {path}: the gateway keeps refusing the search client")
