"""A mixed load through the gateway with wrk (loopback only, bounded in time): reads,
searches and writes. No 5xx and no error answer, every accepted write present, every
event handled exactly once, every queue drained, and the memory of every process, read
after a warm-up and again after the load, not growing without bound.

Throughput and latency are reported, never asserted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from tests.reliability import checks, harness
from tests.reliability.figures import record
from unison_stack.supervisor import Supervisor

LUA = Path(__file__).with_name("mixed_load.lua")
ADMIN = "admin@globex.test"
WRITE_SHARE, SEARCH_SHARE = 20, 20  # percent; the rest are reads


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    status_2xx: int
    status_4xx: int
    status_5xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def run_wrk(
    gateway: str, token: str, *, seconds: int, connections: int, accepted: Path
) -> WrkResult:
    run_id = uuid.uuid4().hex[:8].upper()
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        "-H",
        f"Authorization: Bearer {token}",
        gateway,
        "--",
        run_id,
        str(accepted),
        str(WRITE_SHARE),
        str(SEARCH_SHARE),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 120)
    data = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))
    return WrkResult(
        requests=data["requests"],
        seconds=data["seconds"],
        status_2xx=data["status_2xx"],
        status_4xx=data["status_4xx"],
        status_5xx=data["status_5xx"],
        socket_errors=data["socket_errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )


def memory(supervisor: Supervisor) -> dict[str, float]:
    """Resident memory of every process, MiB."""
    found: dict[str, float] = {}
    for spec in supervisor.specs:
        pid = supervisor.pid_of(spec)
        if pid is not None:
            found[spec.name] = harness.rss_mib(pid)
    return found


async def test_mixed_load_through_the_gateway_keeps_every_write_and_event(
    reliable_stack: Supervisor, gateway: str, tmp_path: Path
) -> None:
    full = harness.full()
    warm_up, seconds, connections = (15, 120, 16) if full else (3, 10, 8)
    token = harness.password_token(gateway, ADMIN)
    organization_id = str(harness.claims(token)["org"])
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
        probe = await client.get(f"{gateway}/api/search?q=pump", timeout=30)
    assert probe.status_code == 200, probe.text
    accepted = tmp_path / "accepted.txt"
    conn = await asyncpg.connect(reliable_stack.stack.admin_database_dsn)
    try:
        dead_letters = await checks.queue_lengths(conn)
        since = await conn.fetchval("SELECT now()")
        warm = await asyncio.to_thread(
            run_wrk, gateway, token, seconds=warm_up, connections=connections, accepted=accepted
        )
        before = memory(reliable_stack)
        load = await asyncio.to_thread(
            run_wrk, gateway, token, seconds=seconds, connections=connections, accepted=accepted
        )
        after = memory(reliable_stack)
        numbers = set(accepted.read_text().split())
        missing = await checks.missing_materials(conn, organization_id, numbers)
        created, handled = await checks.exactly_once(conn, organization_id, since)
        left = await checks.drained(conn, dead_letters)
    finally:
        await conn.close()

    for result in (warm, load):
        assert result.status_5xx == 0 and result.socket_errors == 0, result
        assert result.status_4xx == 0, result  # every request of the mix is a valid one
    assert not missing, f"accepted but not stored: {sorted(missing)[:10]}"
    # wrk stops at its deadline without reading the answers still on the way: those writes
    # committed unseen, at most one per connection per run (warm-up and load).
    assert len(numbers) <= created <= len(numbers) + 2 * connections, (created, len(numbers))
    assert handled == dict.fromkeys(checks.MATERIAL_CONSUMERS, created), handled
    assert not left, f"messages left in queues: {left}"
    growth = {name: after[name] - before[name] for name in before if name in after}
    # No leak shows in seconds; what is bounded here is gross growth (a copy of every
    # response kept, say), well above the noise of pools and caches filling.
    grown = {n: round(g) for n, g in growth.items() if g > 64 + before[n]}
    assert not grown, f"memory doubled and more under load (MiB): {grown}"

    record(
        "load: mix",
        f"{100 - WRITE_SHARE - SEARCH_SHARE}% reads, {SEARCH_SHARE}% searches,"
        f" {WRITE_SHARE}% writes; {connections} connections, {seconds} s after {warm_up} s"
        " warm-up, wrk through the gateway",
    )
    record(
        "load: throughput",
        f"{load.throughput:,.0f} req/s ({load.requests} requests, {len(numbers)} writes accepted)",
    )
    record(
        "load: latency",
        f"p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms, p99 {load.p99_ms:.1f} ms,"
        f" max {load.max_ms:.0f} ms",
    )
    record(
        "load: error rate",
        f"{(load.status_4xx + load.status_5xx + load.socket_errors) / max(load.requests, 1):.2%}"
        f" (5xx {load.status_5xx}, 4xx {load.status_4xx}, socket {load.socket_errors})",
    )
    record(
        "load: events",
        f"{created} materials, each handled once by {', '.join(checks.MATERIAL_CONSUMERS)};"
        " every queue drained",
    )
    for name in sorted(before):
        record(
            f"memory {name}",
            f"{before[name]:.1f} -> {after.get(name, 0):.1f} MiB RSS (after warm-up -> after load)",
        )
