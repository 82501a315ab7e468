"""Every service's and worker's readiness with its checks, for the overview page."""

from __future__ import annotations

import asyncio
import time

import httpx
import msgspec


class Component(msgspec.Struct, frozen=True):
    name: str
    ready: bool
    detail: str
    checks: dict[str, bool]
    answered_ms: float | None


class _Ready(msgspec.Struct):
    status: str = ""
    checks: dict[str, dict[str, object]] = {}


async def _ask(client: httpx.AsyncClient, name: str, url: str, limit: float) -> Component:
    started = time.perf_counter()
    try:
        response = await client.get(url, timeout=limit)
    except httpx.TimeoutException:
        return Component(name, False, f"no answer within {limit:g} s", {}, None)
    except httpx.HTTPError as exc:
        return Component(name, False, f"unreachable ({type(exc).__name__})", {}, None)
    elapsed = (time.perf_counter() - started) * 1000
    try:
        body = msgspec.json.decode(response.content, type=_Ready)
    except (msgspec.DecodeError, msgspec.ValidationError):
        body = _Ready()
    checks = {key: bool(value.get("ok")) for key, value in body.checks.items()}
    failing = [f"{key}: {body.checks[key].get('detail')}" for key, ok in checks.items() if not ok]
    detail = (
        "ready"
        if response.status_code == 200
        else "; ".join(failing) or (f"HTTP {response.status_code}")
    )
    return Component(name, response.status_code == 200, detail, checks, elapsed)


async def components(
    client: httpx.AsyncClient, targets: dict[str, str], limit: float
) -> list[Component]:
    found = await asyncio.gather(*(_ask(client, n, u, limit) for n, u in targets.items()))
    return sorted(found, key=lambda c: c.name)
