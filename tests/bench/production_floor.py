"""Shop-floor figures through the gateway, on the bench stack's demo organization.

- logging: confirmations of one piece from 8 terminals at once (each its own order, as
  real terminals are), and machine-count batches of 1,000 rows;
- OEE: a work center's 90-day OEE by day from the buckets, with 10M log rows in the
  table (1M with --quick), next to the same figures summed from the raw log;
- scheduling: 1,000 orders x 5 operations on 20 work centers through the API.

The scale data (log rows, buckets, orders) is written set-based as the owner first, in
the shape the service leaves it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from tests.bench.bus import percentile
from tests.bench.demo_login import claims, demo_token
from tests.bench.report import Figure

API = "/api/production"
CENTERS = 20
SCOPE_SESSION = (
    "SELECT set_config('app.organization_id', $1, false), set_config('app.plant_ids', $2, false)"
)
SCOPE_TRANSACTION = (
    "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', $2, true)"
)
OPERATIONS = 5


async def _post(client: httpx.AsyncClient, headers: dict[str, str], path: str, body: Any) -> Any:
    response = await client.post(f"{API}{path}", json=body, headers=headers)
    if response.status_code >= 300:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return response.json()


SHIFTS = {
    "valid_from": "2020-01-01",
    "shifts": [
        {
            "code": c,
            "weekdays": [1, 2, 3, 4, 5, 6, 7],
            "start": s,
            "end": e,
            "breaks": [{"start": b, "end": f"{b[:3]}30:00"}],
        }
        for c, s, e, b in (
            ("EARLY", "06:00:00", "14:00:00", "10:00:00"),
            ("LATE", "14:00:00", "22:00:00", "18:00:00"),
            ("NIGHT", "22:00:00", "06:00:00", "02:00:00"),
        )
    ],
}


async def _master_data(
    client: httpx.AsyncClient, headers: dict[str, str], owner_dsn: str, org: UUID, plant: UUID
) -> tuple[list[str], UUID]:
    """Twenty work centers on a round-the-clock calendar and a product with a 5-step routing."""
    tag = str(int(time.time()))[-6:]
    calendar = await _post(
        client,
        headers,
        "/calendars",
        {
            "plant_id": str(plant),
            "code": f"B{tag}",
            "name": "Bench",
            "timezone": "UTC",
            "patterns": [SHIFTS],
        },
    )
    centers = [
        (
            await _post(
                client,
                headers,
                "/work-centers",
                {
                    "plant_id": str(plant),
                    "code": f"B{tag}-{n:02d}",
                    "name": f"Bench {n}",
                    "calendar_id": calendar["id"],
                    "capacity_units": 2,
                    "line": f"L{n % 4}",
                },
            )
        )["id"]
        for n in range(CENTERS)
    ]
    product = UUID(int=int(tag) + 7, version=4)
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute("SELECT set_config('app.organization_id', $1, false)", str(org))
        await conn.execute(
            "INSERT INTO production.materials (organization_id, id, number, description, type,"
            " base_unit, status, version) VALUES ($1, $2, $3, 'Bench pump', 'finished', 'PC',"
            " 'active', 1) ON CONFLICT DO NOTHING",
            org,
            product,
            f"BENCH-{tag}",
        )
    finally:
        await conn.close()
    ops = [
        {
            "operation_no": 10 * (n + 1),
            "description": f"Step {n + 1}",
            "work_center_id": centers[n],
            "alternative_work_center_ids": [centers[n + 5]],
            "cycle_seconds": "20",
        }
        for n in range(OPERATIONS)
    ]
    await _post(
        client,
        headers,
        "/routings",
        {
            "plant_id": str(plant),
            "material_id": str(product),
            "valid_from": "2020-01-01",
            "status": "released",
            "operations": ops,
        },
    )
    return centers, product


async def _orders(
    client: httpx.AsyncClient, headers: dict[str, str], plant: UUID, product: UUID, count: int
) -> list[str]:
    due = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    made = []
    for _ in range(count):
        order = await _post(
            client,
            headers,
            "/work-orders",
            {
                "plant_id": str(plant),
                "material_id": str(product),
                "quantity": "1000000",
                "due_at": due,
            },
        )
        await _post(client, headers, f"/work-orders/{order['id']}/release", None)
        made.append(order["id"])
    return made


async def _confirmations(
    client: httpx.AsyncClient, headers: dict[str, str], orders: list[str], seconds: float
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def terminal(order: str) -> None:
        url = f"{API}/work-orders/{order}/operations/10/confirmations"
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            response = await client.post(url, json={"good": "1"}, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                raise RuntimeError(response.text[:300])

    started = time.perf_counter()
    await asyncio.gather(*(terminal(o) for o in orders))
    return len(latencies) / (time.perf_counter() - started), latencies


async def _batches(
    client: httpx.AsyncClient, headers: dict[str, str], centers: list[str], batches: int, size: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    base = datetime.now(UTC) - timedelta(hours=2)
    started = time.perf_counter()
    for b in range(batches):
        rows = [
            {
                "work_center_id": centers[i % 5],
                "at": (base + timedelta(milliseconds=b * size + i)).isoformat(),
                "good": "1",
            }
            for i in range(size)
        ]
        t0 = time.perf_counter()
        response = await client.post(f"{API}/machine-counts", json={"rows": rows}, headers=headers)
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 201:
            raise RuntimeError(response.text[:300])
    return batches * size / (time.perf_counter() - started), latencies


SCALE_LOGS = """
INSERT INTO production.production_logs (organization_id, logged_at, plant_id, work_center_id,
    kind, good_quantity, scrap_quantity, source, production_day, shift_code, ideal_cycle_seconds)
SELECT $1, t, $2, c[1 + (n % array_length(c, 1))], 'count', 1, (n % 50 = 0)::int, 'machine',
       (t - interval '6 hours')::date,
       CASE WHEN extract(hour FROM t) >= 6 AND extract(hour FROM t) < 14 THEN 'EARLY'
            WHEN extract(hour FROM t) >= 14 AND extract(hour FROM t) < 22 THEN 'LATE'
            ELSE 'NIGHT' END, 20
FROM (SELECT n, now() - interval '89 days' + n * ($3::float8 * interval '1 second') AS t
      FROM generate_series(0, $4 - 1) n) g, (SELECT $5::uuid[] AS c) cs
"""

SCALE_BUCKETS = """
INSERT INTO production.oee_buckets AS b (organization_id, work_center_id, plant_id,
    production_day, shift_code, shift_start, shift_end, scheduled_seconds, break_seconds,
    ideal_run_seconds, good_count, scrap_count, closed)
SELECT $1, work_center_id, $2, production_day, shift_code, min(logged_at),
       min(logged_at) + interval '8 hours',
       2 * 28800, 2 * 1800, sum(20 * (good_quantity + scrap_quantity)), sum(good_quantity),
       sum(scrap_quantity), true
FROM production.production_logs
WHERE organization_id = $1 AND work_center_id = ANY($3::uuid[])
GROUP BY work_center_id, production_day, shift_code
ON CONFLICT (organization_id, work_center_id, production_day, shift_code) DO NOTHING
"""


async def _scale(owner_dsn: str, org: UUID, plant: UUID, centers: list[str], rows: int) -> int:
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(
            SCOPE_SESSION,
            str(org),
            str(plant),
        )
        ids = [UUID(c) for c in centers]
        spacing = 89 * 86400 / rows
        await conn.execute(SCALE_LOGS, org, plant, spacing, rows, ids)
        await conn.execute(SCALE_BUCKETS, org, plant, ids)
        await conn.execute("ANALYZE production.production_logs")
        return int(await conn.fetchval("SELECT count(*) FROM production.production_logs"))
    finally:
        await conn.close()


RAW_OEE = """
SELECT count(*), sum(good_quantity), sum(scrap_quantity),
       sum(ideal_cycle_seconds * (good_quantity + scrap_quantity))
FROM production.production_logs
WHERE organization_id = app.current_org() AND work_center_id = $1 AND logged_at >= $2
  AND kind = 'count'
"""


async def _raw(runtime_dsn: str, org: UUID, plant: UUID, center: str, repeat: int) -> list[float]:
    conn = await asyncpg.connect(runtime_dsn)
    timings = []
    try:
        since = datetime.now(UTC) - timedelta(days=90)
        for _ in range(repeat):
            async with conn.transaction(readonly=True):
                await conn.execute(
                    SCOPE_TRANSACTION,
                    str(org),
                    str(plant),
                )
                t0 = time.perf_counter()
                await conn.fetchrow(RAW_OEE, UUID(center), since)
                timings.append((time.perf_counter() - t0) * 1000)
    finally:
        await conn.close()
    return timings


async def _oee(
    client: httpx.AsyncClient, headers: dict[str, str], plant: UUID, center: str, repeat: int
) -> list[float]:
    params = {
        "plant_id": str(plant),
        "work_center_id": center,
        "granularity": "day",
        "from": (datetime.now(UTC) - timedelta(days=90)).date().isoformat(),
        "to": datetime.now(UTC).date().isoformat(),
    }
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = await client.get(f"{API}/oee", params=params, headers=headers)
        timings.append((time.perf_counter() - t0) * 1000)
        response.raise_for_status()
    return timings


SCALE_ORDERS = """
WITH o AS (
    INSERT INTO production.work_orders (organization_id, plant_id, number, material_id, quantity,
        unit, source, status, priority, due_at)
    SELECT $1, $2, 'BENCH-' || $5 || '-' || n, $3, 50 + n % 200, 'PC', 'plan', 'released',
           CASE WHEN n % 50 = 0 THEN 0 ELSE 50 END,
           now() + (2 + n % 40) * interval '1 day'
    FROM generate_series(1, $4) n
    RETURNING id, number
)
INSERT INTO production.work_order_operations (organization_id, work_order_id, plant_id,
    operation_no, description, work_center_id, alternative_work_center_ids, setup_seconds,
    cycle_seconds, predecessors)
SELECT $1, o.id, $2, 10 * k, 'Step ' || k,
       ($6::uuid[])[1 + (abs(hashtext(o.number)) + k) % array_length($6::uuid[], 1)],
       ARRAY[($6::uuid[])[1 + (abs(hashtext(o.number)) + k + 7) % array_length($6::uuid[], 1)]],
       600, 30 + k * 10, CASE WHEN k = 1 THEN '{}'::integer[] ELSE ARRAY[10 * (k - 1)] END
FROM o, generate_series(1, 5) k
"""


async def _schedule(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    owner_dsn: str,
    ids: tuple[UUID, UUID, UUID],
    centers: list[str],
    count: int,
) -> tuple[float, dict[str, Any]]:
    org, plant, product = ids
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(
            SCOPE_SESSION,
            str(org),
            str(plant),
        )
        tag = str(int(time.time()))
        await conn.execute(
            SCALE_ORDERS, org, plant, product, count, tag, [UUID(c) for c in centers]
        )
    finally:
        await conn.close()
    t0 = time.perf_counter()
    run = await _post(
        client, headers, f"/plants/{plant}/schedule", {"direction": "forward", "horizon_days": 90}
    )
    return (time.perf_counter() - t0) * 1000, run


async def _run(gateway: str, owner_dsn: str, runtime_dsn: str, quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    async with httpx.AsyncClient(base_url=gateway, timeout=300) as client:
        token = await demo_token(client)
        scope = claims(token)
        org, plant = UUID(scope["org"]), UUID(scope["plants"][0])
        headers = {"Authorization": f"Bearer {token}"}
        centers, product = await _master_data(client, headers, owner_dsn, org, plant)
        orders = await _orders(client, headers, plant, product, 8)
        rate, latencies = await _confirmations(client, headers, orders, 10 if quick else 30)
        figures += [
            Figure(
                "production.confirmation_throughput",
                round(rate, 1),
                "req/s",
                "higher",
                note="confirmations of 1 piece from 8 terminals at once (one order each), through"
                " the gateway: log row, counters, OEE bucket, goods posting request, events",
            ),
            Figure(
                "production.confirmation_p50", round(percentile(latencies, 50), 1), "ms", "lower"
            ),
            Figure(
                "production.confirmation_p99", round(percentile(latencies, 99), 1), "ms", "lower"
            ),
        ]
        batch_rate, batch_latencies = await _batches(
            client, headers, centers, 5 if quick else 20, 1000
        )
        figures += [
            Figure(
                "production.machine_count_throughput",
                round(batch_rate),
                "rows/s",
                "higher",
                note="POST /machine-counts with 1,000 rows per call, one at a time, through"
                " the gateway",
            ),
            Figure(
                "production.machine_count_batch_p99",
                round(percentile(batch_latencies, 99), 1),
                "ms",
                "lower",
            ),
        ]
        rows = 1_000_000 if quick else 10_000_000
        t0 = time.perf_counter()
        total = await _scale(owner_dsn, org, plant, centers, rows)
        seeded = time.perf_counter() - t0
        oee = await _oee(client, headers, plant, centers[0], 50)
        raw = await _raw(runtime_dsn, org, plant, centers[0], 5)
        scale = (
            f"{total:,} log rows in the table ({seeded:.0f} s to write), 20 work centers, 90 days"
        )
        figures += [
            Figure(
                "production.oee_90_days_p50",
                round(percentile(oee, 50), 2),
                "ms",
                "lower",
                "the same sums from the raw log",
                round(percentile(raw, 50), 1),
                note=f"GET /oee by day for one work center over 90 days, through the gateway;"
                f" {scale}",
            ),
            Figure("production.oee_90_days_p99", round(percentile(oee, 99), 2), "ms", "lower"),
        ]
        count = 100 if quick else 1000
        elapsed, run = await _schedule(
            client, headers, owner_dsn, (org, plant, product), centers, count
        )
        figures += [
            Figure(
                "production.schedule_api_ms",
                round(elapsed),
                "ms",
                "lower",
                note=f"POST /plants/{{id}}/schedule: {run['stats']['operations']} operations of"
                f" {run['stats']['orders']} orders on {CENTERS} work centers x 2 units, 90-day"
                f" horizon, through the gateway; the scheduler itself {run['duration_ms']:.0f} ms",
            ),
            Figure(
                "production.schedule_api_on_time_share",
                float(run["stats"]["on_time_share"]),
                "share",
                "higher",
            ),
        ]
    return figures


def run(gateway: str, owner_dsn: str, runtime_dsn: str, *, quick: bool) -> list[Figure]:
    return asyncio.run(_run(gateway, owner_dsn, runtime_dsn, quick))
