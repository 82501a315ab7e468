"""Maintenance figures through the gateway, on the bench stack's demo organization.

- PM generation: 10,000 equipment with 3 plans each (a weekly and a monthly calendar plan
  and a usage plan on the equipment's cycle counter), written set-based as the owner
  first; then the generation the 06:00 schedule runs, through the API, twice (the second
  run finds everything made and creates nothing);
- meter ingestion: batches of 1,000 machine readings (POST /meter-readings).
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

API = "/api/maintenance"
SCOPE = (
    "SELECT set_config('app.organization_id', $1, false), set_config('app.plant_ids', $2, false)"
)

SCALE = """
WITH e AS (
    INSERT INTO maintenance.equipment (organization_id, plant_id, level, code, name)
    SELECT $1, $2, 'machine', 'B' || $4 || '-' || n, 'Bench machine ' || n
    FROM generate_series(1, $3) n
    RETURNING id, code
), m AS (
    INSERT INTO maintenance.meters (organization_id, plant_id, equipment_id, code, kind, unit,
        last_value, last_read_at, total_usage)
    SELECT $1, $2, e.id, 'CYC', 'cycles', 'PC', 0, now() - interval '1 day',
           (abs(hashtext(e.code)) % 5000)::numeric
    FROM e
    RETURNING id, equipment_id, total_usage
)
INSERT INTO maintenance.pm_plans (organization_id, plant_id, equipment_id, name,
    calendar_interval, calendar_unit, calendar_mode, calendar_anchor, meter_id, usage_interval,
    usage_anchor, usage_anchor_at, lead_time_days, machine_down)
SELECT $1, $2, m.equipment_id, p.name, p.interval, p.unit, p.mode,
       CASE WHEN p.unit IS NULL THEN NULL
            ELSE current_date - (abs(hashtext(m.id::text || p.name)) % 60) END,
       CASE WHEN p.unit IS NULL THEN m.id END, CASE WHEN p.unit IS NULL THEN 4000 END,
       CASE WHEN p.unit IS NULL THEN 0 END,
       CASE WHEN p.unit IS NULL THEN now() - interval '30 days' END,
       7, false
FROM m, (VALUES ('Weekly check', 1, 'weeks', 'fixed'), ('Monthly service', 1, 'months', 'floating'),
                ('Cycle service', NULL, NULL, NULL)) AS p(name, interval, unit, mode)
"""


async def _scale(owner_dsn: str, org: UUID, plant: UUID, equipment: int) -> None:
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(SCOPE, str(org), str(plant))
        await conn.execute(SCALE, org, plant, equipment, str(int(time.time()))[-6:])
        await conn.execute("ANALYZE maintenance.pm_plans")
        await conn.execute("ANALYZE maintenance.meters")
    finally:
        await conn.close()


async def _generate(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = await client.post(f"{API}/plans/generation", headers=headers)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


async def _meters(
    client: httpx.AsyncClient, headers: dict[str, str], plant: UUID, count: int
) -> list[str]:
    made = []
    tag = str(int(time.time()))[-6:]
    machine = await client.post(
        f"{API}/equipment",
        json={
            "plant_id": str(plant),
            "level": "machine",
            "code": f"BM{tag}",
            "name": "Bench press",
        },
        headers=headers,
    )
    machine.raise_for_status()
    for n in range(count):
        meter = await client.post(
            f"{API}/meters",
            json={
                "equipment_id": machine.json()["id"],
                "code": f"S{n}",
                "kind": "strokes",
                "unit": "PC",
            },
            headers=headers,
        )
        meter.raise_for_status()
        made.append(meter.json()["id"])
    return made


async def _ingest(
    client: httpx.AsyncClient, headers: dict[str, str], meters: list[str], batches: int, size: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    base = datetime.now(UTC) - timedelta(days=1)
    started = time.perf_counter()
    for b in range(batches):
        rows = [
            {
                "meter_id": meters[i % len(meters)],
                "value": str(b * size + i),
                "at": (base + timedelta(milliseconds=b * size + i)).isoformat(),
            }
            for i in range(size)
        ]
        t0 = time.perf_counter()
        response = await client.post(f"{API}/meter-readings", json={"rows": rows}, headers=headers)
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 201:
            raise RuntimeError(response.text[:300])
    return batches * size / (time.perf_counter() - started), latencies


async def _run(gateway: str, owner_dsn: str, quick: bool) -> list[Figure]:
    async with httpx.AsyncClient(base_url=gateway, timeout=600) as client:
        token = await demo_token(client)
        scope = claims(token)
        org, plant = UUID(scope["org"]), UUID(scope["plants"][0])
        headers = {"Authorization": f"Bearer {token}"}
        equipment = 1_000 if quick else 10_000
        await _scale(owner_dsn, org, plant, equipment)
        first_s, first = await _generate(client, headers)
        second_s, second = await _generate(client, headers)
        meters = await _meters(client, headers, plant, 20)
        rate, latencies = await _ingest(client, headers, meters, 5 if quick else 20, 1000)
    note = (
        f"{equipment:,} equipment x 3 plans (weekly fixed, monthly floating, usage): POST"
        f" /plans/generation through the gateway checked {first['plans']:,} plans and made"
        f" {len(first['created']):,} work orders; run again it made {len(second['created'])}"
        f" in {second_s:.1f} s"
    )
    return [
        Figure("maintenance.pm_generation_seconds", round(first_s, 1), "s", "lower", note=note),
        Figure("maintenance.pm_generation_rerun_seconds", round(second_s, 1), "s", "lower"),
        Figure(
            "maintenance.meter_ingest_throughput",
            round(rate),
            "readings/s",
            "higher",
            note="POST /meter-readings with 1,000 readings of 20 meters per call, through the"
            " gateway",
        ),
        Figure(
            "maintenance.meter_ingest_batch_p99", round(percentile(latencies, 99), 1), "ms", "lower"
        ),
    ]


def run(gateway: str, owner_dsn: str, *, quick: bool) -> list[Figure]:
    return asyncio.run(_run(gateway, owner_dsn, quick))
