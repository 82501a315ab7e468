"""Each service's ops summary for the overview, asked with the admin's own token (so each
service checks the role and keeps to the organization itself), concurrently."""

from __future__ import annotations

import asyncio

import httpx
import msgspec

from unison_web.ops_page.data import ServiceSummary


async def _one(
    client: httpx.AsyncClient, name: str, base_url: str, authorization: str, limit: float
) -> ServiceSummary | None:
    try:
        response = await client.get(
            f"{base_url}/api/{name}/admin/ops/summary",
            headers={"Authorization": authorization},
            timeout=limit,
        )
    except httpx.HTTPError:
        return None  # the health table says why
    if response.status_code != 200:
        return None
    try:
        return msgspec.json.decode(response.content, type=ServiceSummary)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


async def summaries(
    client: httpx.AsyncClient, services: dict[str, str], authorization: str, limit: float
) -> dict[str, ServiceSummary]:
    found = await asyncio.gather(
        *(_one(client, name, url, authorization, limit) for name, url in services.items())
    )
    return {s.service: s for s in found if s is not None}
