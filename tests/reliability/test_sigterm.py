"""SIGTERM: every process finishes what it is doing, then exits 0 within 10 s.

What is in flight is made real and slow without any test hook in the code: the test takes
an ACCESS EXCLUSIVE lock on every table of the schemas involved, so a request or handler
that reaches them waits in PostgreSQL (seen in ``pg_stat_activity``). Then SIGTERM; a
second later the process must still be there, waiting for its work; the lock goes, the
work completes (the request answers 200, the message is handled and gone from its queue),
and the process exits 0, within 10 s of the signal.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx

from tests.reliability import harness
from tests.reliability.figures import record
from unison_stack.supervisor import Supervisor

# The target (Docker's grace before SIGKILL): reported with the figures, not
# asserted, since a test never asserts timings; the processes' own 8 s grace enforces it.
EXIT_TARGET = 10.0
# How long a process may take before it counts as hung (no exit at all): a failure.
HUNG_AFTER = 30.0
ADMIN = "admin@globex.test"
# A read per service that reaches the service's own tables (first time: nothing cached).
SERVICE_READS = {
    "production": "/api/production/work-centers",
    "quality": "/api/quality/inspection-plans",
    "maintenance": "/api/maintenance/equipment",
    "search": "/api/search?q=pump",
    "reporting": "/api/reporting/maintenance/kpis?from=2026-01-01&to=2026-01-31",
}
GATEWAY_READ = "/api/inventory/materials?limit=5"  # through the gateway to inventory


# Tables a request reads before it queues the work the test holds: locking them would hold
# the request instead (reporting's rebuild request checks the archived months first).
REQUESTS_READ = frozenset({"reporting.fact_archives"})


async def lock(conn: asyncpg.Connection, schemas: list[str]) -> Callable[[], Awaitable[None]]:
    """Every table of ``schemas`` locked, but for those requests read before queueing
    (``REQUESTS_READ``); the lock goes with the returned release."""
    names = [t for schema in schemas for t in (await _tables(conn, schema)).split(", ")]
    tables = ", ".join(t for t in names if t not in REQUESTS_READ)
    # The tables are locked one after another, so a process reading two of them can
    # deadlock with the test (seen once): PostgreSQL then aborts the test's side, which
    # holds nothing afterwards, and it tries again.
    for attempt in range(5):
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
            break
        except asyncpg.DeadlockDetectedError:
            await transaction.rollback()
            if attempt == 4:
                raise

    async def release() -> None:
        await transaction.rollback()

    return release


async def wait_for_lock_waiters(supervisor: Supervisor, names: list[str]) -> None:
    """Until a backend of each process (``application_name``) waits on a lock."""
    conn = await asyncpg.connect(supervisor.stack.admin_database_dsn)
    try:
        await _wait_for_lock_waiters(conn, names)
    finally:
        await conn.close()


async def _wait_for_lock_waiters(conn: asyncpg.Connection, names: list[str]) -> None:
    deadline = time.monotonic() + 60
    waiting: set[str] = set()
    while time.monotonic() < deadline:
        rows = await conn.fetch(
            "SELECT DISTINCT application_name FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND application_name = ANY($1)",
            names,
        )
        waiting = {r[0] for r in rows}
        if waiting == set(names):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never reached the locked tables: {sorted(set(names) - waiting)}")


async def terminate_while_busy(
    supervisor: Supervisor,
    processes: list[str],
    release: Callable[[], Awaitable[None]],
) -> list[harness.Exit]:
    """SIGTERM each process, check they wait, release the lock, collect their exits."""
    signalled = [harness.send(supervisor, name, signal.SIGTERM) for name in processes]
    await asyncio.sleep(1.0)
    gone = [s.name for s in signalled if not harness.alive(s)]
    assert not gone, f"exited with work in flight: {gone}"
    await release()
    return [await harness.wait_exit(supervisor, s, timeout=HUNG_AFTER) for s in signalled]


def check_exits(what: str, exits: list[harness.Exit]) -> None:
    bad = [e for e in exits if e.code != 0]  # code None: still running after HUNG_AFTER
    assert not bad, f"not a clean exit: {bad}"
    slowest = max(exits, key=lambda e: e.seconds)
    within = "within" if slowest.seconds <= EXIT_TARGET else "OVER"
    record(
        f"SIGTERM: {what}",
        f"in-flight work completed, exit 0, slowest {slowest.name} {slowest.seconds:.1f} s"
        f" ({within} the {EXIT_TARGET:.0f} s target)",
    )


async def test_the_gateway_and_every_service_finish_their_request_then_exit_0(
    reliable_stack: Supervisor, gateway: str
) -> None:
    token = harness.password_token(gateway, ADMIN)
    auth = {"Authorization": f"Bearer {token}"}
    conn = await asyncpg.connect(reliable_stack.stack.admin_database_dsn)
    processes = ["gateway", "inventory", *SERVICE_READS]
    try:
        release = await lock(conn, ["inventory", *SERVICE_READS])
        async with httpx.AsyncClient(headers=auth, timeout=60) as client:
            requests = [asyncio.create_task(client.get(gateway + GATEWAY_READ))] + [
                asyncio.create_task(client.get(_url(reliable_stack, name) + path))
                for name, path in SERVICE_READS.items()
            ]
            await wait_for_lock_waiters(reliable_stack, ["inventory", *SERVICE_READS])
            exits = await terminate_while_busy(reliable_stack, processes, release)
            answers = await asyncio.gather(*requests)
    finally:
        await conn.close()
        await harness.restart(reliable_stack, [p for p in processes if p != "gateway"])
        await harness.restart(reliable_stack, ["gateway"])
    assert [a.status_code for a in answers] == [200] * len(answers), [a.text for a in answers]
    check_exits("gateway and six services", exits)


def _url(supervisor: Supervisor, name: str) -> str:
    return f"http://127.0.0.1:{harness.spec(supervisor, name).port}"


@dataclass(frozen=True)
class Busy:
    """A worker made busy: what it will handle and where to see that it did."""

    worker: str
    queue: str  # its message leaves this queue when the handler commits
    job_href: str | None = None  # a job: it ends succeeded
    topic: str | None = None  # an event: the worker's inbox records it


async def _create_material(client: httpx.AsyncClient, gateway: str) -> None:
    number = f"SIGTERM-{uuid.uuid4().hex[:10].upper()}"
    body = {"number": number, "description": "SIGTERM probe", "type": "raw", "base_unit": "EA"}
    response = await client.post(f"{gateway}/api/inventory/materials", json=body)
    assert response.status_code == 201, response.text


async def _queue_job(client: httpx.AsyncClient, url: str, body: dict[str, object]) -> str:
    response = await client.post(url, json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["href"])


async def test_every_worker_finishes_its_handler_then_exits_0(
    reliable_stack: Supervisor, gateway: str
) -> None:
    """Round one: inventory's material event held in production's, quality's and search's
    handlers, an inventory export job and a reporting rebuild job. Round two: production's
    work-center event in maintenance's handler (production's tables must be free for it)."""
    token = harness.password_token(gateway, ADMIN)
    organization_id = str(harness.claims(token)["org"])
    conn = await asyncpg.connect(reliable_stack.stack.admin_database_dsn)
    started = datetime.now(UTC)
    exits: list[harness.Exit] = []
    busy: list[Busy] = []
    try:
        async with httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            release = await lock(conn, ["production", "quality", "search", "reporting"])
            await _create_material(client, gateway)
            busy += [
                Busy(f"{s}-worker", f"{s}_events", topic="inventory.material.created")
                for s in ("production", "quality", "search")
            ]
            await conn.execute(
                f"LOCK TABLE {await _tables(conn, 'inventory')} IN ACCESS EXCLUSIVE MODE"
            )
            export = await _queue_job(client, f"{gateway}/api/inventory/materials/exports", {})
            rebuild = await _queue_job(
                client,
                f"{gateway}/api/reporting/admin/rollups/rebuild",
                {"from": "2026-01-01", "to": "2026-01-02"},
            )
            busy += [
                Busy("inventory-worker", "inventory_jobs", job_href=export),
                Busy("reporting-worker", "reporting_jobs", job_href=rebuild),
            ]
            await wait_for_lock_waiters(reliable_stack, [b.worker for b in busy])
            exits += await terminate_while_busy(reliable_stack, [b.worker for b in busy], release)
            await harness.restart(reliable_stack, [b.worker for b in busy])
            await _check_done(conn, client, gateway, busy, organization_id, started)

            release = await lock(conn, ["maintenance"])
            calendar = (await client.get(f"{gateway}/api/production/calendars")).json()["items"][0]
            body = {
                "plant_id": calendar["plant_id"],
                "calendar_id": calendar["id"],
                "code": f"WC-{uuid.uuid4().hex[:8].upper()}",
                "name": "SIGTERM probe",
            }
            created = await client.post(f"{gateway}/api/production/work-centers", json=body)
            assert created.status_code == 201, created.text
            last = Busy(
                "maintenance-worker", "maintenance_events", topic="production.work_center.changed"
            )
            await wait_for_lock_waiters(reliable_stack, [last.worker])
            exits += await terminate_while_busy(reliable_stack, [last.worker], release)
            await harness.restart(reliable_stack, [last.worker])
            await _check_done(conn, client, gateway, [last], organization_id, started)
    finally:
        await conn.close()
        await harness.restart(reliable_stack, [s.name for s in reliable_stack.specs])
    check_exits("six workers", exits)


async def _tables(conn: asyncpg.Connection, schema: str) -> str:
    return str(
        await conn.fetchval(
            "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ')"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition",
            schema,
        )
    )


async def _check_done(
    conn: asyncpg.Connection,
    client: httpx.AsyncClient,
    gateway: str,
    busy: list[Busy],
    organization_id: str,
    since: datetime,
) -> None:
    """Each held message was handled once, before the exit: its queue is empty, an event
    is in the worker's inbox, a job succeeded."""
    for item in busy:
        left = await conn.fetchval(f"SELECT count(*) FROM pgmq.q_{item.queue}")
        assert left == 0, f"{item.worker}: {left} message(s) left in {item.queue}"
        if item.topic is not None:
            handled = await conn.fetchval(
                "SELECT count(*) FROM bus.inbox WHERE organization_id = $1 AND owner = $2"
                " AND topic = $3 AND handled_at >= $4",
                uuid.UUID(organization_id),
                "unison_" + item.worker.removesuffix("-worker"),
                item.topic,
                since,
            )
            assert handled == 1, f"{item.worker}: {item.topic} handled {handled} times"
        if item.job_href is not None:
            job = (await client.get(gateway + item.job_href)).json()
            assert job["status"] == "succeeded", (item.worker, job)
