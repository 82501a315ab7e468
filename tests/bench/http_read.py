"""Gateway -> service -> database read, and the same read straight to the service.

The difference is what the gateway costs (JWT check, Casbin, proxy hop); the ratio shows
it as direct over gateway throughput.
"""

from __future__ import annotations

import httpx

from tests.bench.load import peak_rss_mb, wrk
from tests.bench.report import Figure
from unison_stack.supervisor import Supervisor

PATH = "/api/inventory/materials?limit=20"


def _token(gateway: str) -> str:
    response = httpx.post(
        f"{gateway}/auth/token",
        data={"grant_type": "password", "username": "admin@acme.test", "password": "unison-demo"},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def run(supervisor: Supervisor, *, quick: bool) -> list[Figure]:
    gateway = f"http://127.0.0.1:{supervisor.stack.ports.gateway}"
    inventory = next(s for s in supervisor.specs if s.name == "inventory")
    direct = f"http://127.0.0.1:{inventory.port}"
    headers = {"Authorization": f"Bearer {_token(gateway)}"}
    seconds, connections = (5, 16) if quick else (20, 32)
    httpx.get(gateway + PATH, headers=headers).raise_for_status()
    wrk(direct + PATH, headers, seconds=2, connections=4)  # warm both paths' pools
    wrk(gateway + PATH, headers, seconds=2, connections=4)
    via = wrk(gateway + PATH, headers, seconds=seconds, connections=connections)
    straight = wrk(direct + PATH, headers, seconds=seconds, connections=connections)
    gateway_pid = supervisor.pid_of(next(s for s in supervisor.specs if s.name == "gateway"))
    inventory_pid = supervisor.pid_of(inventory)
    note = (
        f"{connections} connections, {seconds}s, wrk;"
        f" errors gateway={via.errors} direct={straight.errors}"
    )
    return [
        Figure(
            "http.gateway_read_throughput",
            round(via.requests_per_second, 1),
            "req/s",
            "higher",
            "direct to service",
            round(straight.requests_per_second, 1),
            note=note,
        ),
        Figure(
            "http.gateway_read_p50", via.p50_ms, "ms", "lower", "direct to service", straight.p50_ms
        ),
        Figure(
            "http.gateway_read_p95", via.p95_ms, "ms", "lower", "direct to service", straight.p95_ms
        ),
        Figure(
            "http.gateway_read_p99", via.p99_ms, "ms", "lower", "direct to service", straight.p99_ms
        ),
        Figure("http.gateway_peak_rss", peak_rss_mb(gateway_pid or 0), "MiB", "lower"),
        Figure("http.inventory_peak_rss", peak_rss_mb(inventory_pid or 0), "MiB", "lower"),
    ]
