"""Faults under load: PostgreSQL stopped at once (``pg_ctl stop -m immediate``) and
started again; a service killed with SIGKILL and started again; a worker killed in the
middle of a handler and started again.

A load of reads, searches and writes runs through the gateway before, during and after
each fault. Afterwards: no 5xx (nor a dropped connection) outside the outage window (from
the fault until every process is ready again), every accepted write present, every event
handled exactly once, every queue drained, and readiness back within 10 s of the fault
being over (PostgreSQL up again, the process started again).
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
import httpx
import pytest

from tests.reliability import checks, harness
from tests.reliability.figures import record
from tests.reliability.test_sigterm import lock, wait_for_lock_waiters
from unison_stack.supervisor import Supervisor

ADMIN = "admin@globex.test"
# The target for readiness after a fault: reported with the figures, not asserted
# (a test never asserts timings); readiness not coming back at all fails the test.
READY_TARGET = 10.0
WORDS = ("pump", "valve", "bearing", "motor")


@dataclass(frozen=True)
class Outcome:
    started: float
    ended: float
    kind: str
    status: int  # 0: no HTTP answer (connection refused or dropped)
    number: str | None = None


@dataclass
class Load:
    """Requests in a loop on a few connections until stopped; every outcome is kept."""

    gateway: str
    token: str
    outcomes: list[Outcome] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8].upper())

    async def _one(self, client: httpx.AsyncClient, lane: int, n: int) -> Outcome:
        kind = ("write", "read", "search", "read")[n % 4]
        number = f"FAULT-{self.run}-{lane}-{n}" if kind == "write" else None
        started = time.monotonic()
        try:
            if kind == "write":
                body = {"number": number, "description": "fault load", "type": "raw"}
                response = await client.post(
                    "/api/inventory/materials", json={**body, "base_unit": "EA"}
                )
            elif kind == "search":
                response = await client.get(f"/api/search?q={WORDS[n % len(WORDS)]}")
            else:
                response = await client.get("/api/inventory/materials?limit=20")
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        return Outcome(started, time.monotonic(), kind, status, number)

    async def _lane(self, lane: int) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.gateway, headers=auth, timeout=20) as client:
            n = 0
            while not self.stop.is_set():
                n += 1
                outcome = await self._one(client, lane, n)
                self.outcomes.append(outcome)
                if outcome.status in (0, 502, 503, 504):
                    await asyncio.sleep(0.1)  # as a client backs off; still probing the outage

    async def run_until_stopped(self, lanes: int) -> None:
        await asyncio.gather(*(self._lane(i) for i in range(lanes)))


async def all_ready(supervisor: Supervisor, *, timeout: float = 60) -> float | None:
    """Seconds until every process (the gateway last) answers ready, or None."""
    started = time.monotonic()
    for spec in supervisor.specs:
        left = timeout - (time.monotonic() - started)
        if await harness.wait_ready(spec.ready_url, timeout=max(left, 0.1)) is None:
            return None
    return time.monotonic() - started


async def stop_postgres(supervisor: Supervisor) -> float:
    """Stopped at once (no checkpoint, every connection cut), back after a second."""
    cluster = supervisor.stack.cluster
    await asyncio.to_thread(cluster.stop, "immediate")
    await asyncio.sleep(1.0)
    await asyncio.to_thread(cluster.start)
    return time.monotonic()


async def kill_service(supervisor: Supervisor) -> float:
    """Inventory, which takes the load's writes, killed (no shutdown at all)."""
    killed = harness.send(supervisor, "inventory", signal.SIGKILL)
    exit_ = await harness.wait_exit(supervisor, killed, timeout=10)
    assert exit_.code == -signal.SIGKILL, exit_
    await asyncio.sleep(1.0)
    supervisor.start(harness.spec(supervisor, "inventory"))
    return time.monotonic()


async def kill_worker_mid_handler(supervisor: Supervisor) -> float:
    """Search's worker killed while its handler of a material event waits on a lock."""
    conn = await asyncpg.connect(supervisor.stack.admin_database_dsn)
    try:
        release = await lock(conn, ["search"])
        await wait_for_lock_waiters(supervisor, ["search-worker"])
        killed = harness.send(supervisor, "search-worker", signal.SIGKILL)
        exit_ = await harness.wait_exit(supervisor, killed, timeout=10)
        assert exit_.code == -signal.SIGKILL, exit_
        await release()
    finally:
        await conn.close()
    supervisor.start(harness.spec(supervisor, "search-worker"))
    return time.monotonic()


FAULTS: dict[str, Callable[[Supervisor], Awaitable[float]]] = {
    "PostgreSQL stopped immediately": stop_postgres,
    "service SIGKILL (inventory)": kill_service,
    "worker SIGKILL mid-handler (search)": kill_worker_mid_handler,
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_fault_under_load_loses_nothing_and_recovers(
    reliable_stack: Supervisor, gateway: str, fault: str
) -> None:
    before, after = (10.0, 20.0) if harness.full() else (2.0, 3.0)
    token = harness.password_token(gateway, ADMIN)
    organization_id = str(harness.claims(token)["org"])
    conn = await asyncpg.connect(reliable_stack.stack.admin_database_dsn)
    try:
        dead_letters = await checks.queue_lengths(conn)
        since = await conn.fetchval("SELECT now()")
    finally:
        await conn.close()
    load = Load(gateway, token)
    running = asyncio.create_task(load.run_until_stopped(lanes=6))
    try:
        await asyncio.sleep(before)
        fault_at = time.monotonic()
        over_at = await FAULTS[fault](reliable_stack)
        ready_after = await all_ready(reliable_stack)
        assert ready_after is not None, (
            f"not ready again; logs in {reliable_stack.stack.paths.logs}"
        )
        recovered_at = time.monotonic()
        await asyncio.sleep(after)
    finally:
        load.stop.set()
        await running

    # A request that began before the last process was ready may have met the outage.
    failed = [o for o in load.outcomes if o.status == 0 or o.status >= 500]
    outside = [o for o in failed if o.ended < fault_at or o.started > recovered_at]
    accepted = {o.number for o in load.outcomes if o.status == 201 and o.number}
    conn = await asyncpg.connect(reliable_stack.stack.admin_database_dsn)
    try:
        missing = await checks.missing_materials(conn, organization_id, accepted)
        created, handled = await checks.exactly_once(conn, organization_id, since)
        left = await checks.drained(conn, dead_letters)
    finally:
        await conn.close()

    assert not outside, f"failures outside the outage window: {outside[:5]}"
    bad_requests = [o for o in load.outcomes if 400 <= o.status < 500]
    assert not bad_requests, bad_requests[:5]
    assert accepted, "no write was accepted: the load did not run"
    assert not missing, f"accepted but lost: {sorted(missing)[:10]}"
    assert handled == dict.fromkeys(checks.MATERIAL_CONSUMERS, created), (created, handled)
    assert not left, f"messages stuck: {left}"
    readiness = recovered_at - over_at
    within = "within" if readiness <= READY_TARGET else "OVER"
    record(
        f"fault: {fault}",
        f"outage {recovered_at - fault_at:.1f} s (ready {readiness:.1f} s after the fault was"
        f" over, {within} the {READY_TARGET:.0f} s target); {len(load.outcomes)} requests,"
        f" {len(failed)} failed inside the window,"
        f" 0 outside; {len(accepted)} writes accepted, all present; {created} events"
        " handled once each by 3 consumers; queues drained",
    )
