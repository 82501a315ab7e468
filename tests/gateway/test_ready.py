"""The gateway is ready only when it and every service and worker are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import msgspec

from gateway.settings import Settings
from tests.gateway.support import client_for, free_port


async def test_ready_is_200_when_the_gateway_and_every_target_are_ready(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200, response.text
    checks = response.json()["checks"]
    for name in ("database", "migrations", "policy_listener", "inventory", "production-worker"):
        assert checks[name]["ok"] is True, name


async def test_ready_is_503_and_names_the_target_that_is_down(
    settings: Settings, start_gateway: Callable[[Settings], Any]
) -> None:
    down = f"http://127.0.0.1:{free_port()}/ready"
    with_dead_worker = msgspec.structs.replace(
        settings, ready_urls=f"{settings.ready_urls},quality-worker={down}"
    )
    async with start_gateway(with_dead_worker) as app, client_for(app) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["quality-worker"]["ok"] is False
    assert "unreachable" in checks["quality-worker"]["detail"]
    assert checks["inventory"]["ok"] is True


async def test_health_and_metrics_need_no_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "alive"}
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert b"http_requests_total" in metrics.content
