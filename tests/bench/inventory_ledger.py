"""Stock ledger figures at scale, through the gateway.

A ledger of 1M lines over 100k balances (1,000 materials x 100 bins of the demo
organization's first plant) is written straight into the bench database first, as the
owner, in the shape postings leave it (documents, lines with values, balances,
valuations), and analyzed. One material is "hot" (a fastener used everywhere): it has
100k of the lines. Then, through the gateway with a real token:

- batch ingest: 5,000-line batches of receipts and issues, lines per second sustained
  (the same lines every run, into work orders of the run's own; the client sends them
  with httpx's stdlib JSON encoding, ~10 ms of a ~1 s batch);
- on-hand and availability lookups of random material/bin pairs: latency percentiles;
- a back-dated receipt 60 days into the history of a typical and of the hot material:
  what restating the moving average after it costs (ERPNext reposts the whole item's
  ledger after such a posting: minutes to hours at this size).
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx

from tests.bench.bus import percentile
from tests.bench.report import Figure

BASE = "/api/inventory"


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


async def _token(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": "admin@acme.test", "password": "unison-demo"},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


SCALE_SQL = """
-- Materials, a warehouse with one area and its bins, then documents, lines, balances and
-- valuations exactly as postings would leave them.
INSERT INTO inventory.materials (organization_id, number, description, type, base_unit)
SELECT '{org}'::uuid, 'BENCH-' || lpad(m::text, 5, '0'), 'Bench material ' || m, 'raw', 'EA'
FROM generate_series(0, {materials} - 1) m;

INSERT INTO inventory.storage_locations (organization_id, plant_id, code, name, kind)
VALUES ('{org}'::uuid, '{plant}'::uuid, 'BENCH-WH', 'Bench warehouse', 'warehouse');
INSERT INTO inventory.storage_locations (organization_id, plant_id, code, name, kind, parent_id)
SELECT '{org}'::uuid, '{plant}'::uuid, 'BENCH-A', 'Bench area', 'area', id
FROM inventory.storage_locations
WHERE organization_id = '{org}'::uuid AND plant_id = '{plant}'::uuid AND code = 'BENCH-WH';
INSERT INTO inventory.storage_locations (organization_id, plant_id, code, name, kind, parent_id)
SELECT '{org}'::uuid, '{plant}'::uuid, 'BENCH-B' || lpad(b::text, 3, '0'), 'Bench bin ' || b,
    'bin', a.id
FROM generate_series(0, {bins} - 1) b,
     (SELECT id FROM inventory.storage_locations
      WHERE organization_id = '{org}'::uuid AND plant_id = '{plant}'::uuid AND code = 'BENCH-A') a;

CREATE TEMP TABLE bench_keys ON COMMIT DROP AS
SELECT m.id AS material_id, l.id AS location_id, (m.number = 'BENCH-00000') AS hot,
       row_number() OVER () AS k
FROM inventory.materials m, inventory.storage_locations l
WHERE m.organization_id = '{org}'::uuid AND m.number LIKE 'BENCH-%'
  AND l.organization_id = '{org}'::uuid AND l.plant_id = '{plant}'::uuid AND l.code LIKE 'BENCH-B%';

-- Per key: lines n = 1..per_key; every fourth an issue of 2, the others receipts of 300 at
-- (enough that the bench's own issues never run a bin dry, run after run),
-- a price from 1 to 5; dated over the last 80 days in order.
CREATE TEMP TABLE bench_lines ON COMMIT DROP AS
SELECT k.material_id, k.location_id, n,
       (current_date - 80 + (n * 80 / per_key))::date AS posting_date,
       CASE WHEN n % 4 = 0 THEN '261' ELSE '101' END AS movement_type,
       CASE WHEN n % 4 = 0 THEN -2 ELSE 300 END::numeric AS quantity,
       (1 + (k.k + n) % 5)::numeric AS price
FROM bench_keys k,
     LATERAL (SELECT CASE WHEN k.hot THEN {hot_per_key} ELSE {per_key} END AS per_key) p,
     LATERAL generate_series(1, p.per_key) n;

CREATE TEMP TABLE bench_docs ON COMMIT DROP AS
SELECT app.uuid7() AS id, posting_date, movement_type, min(n) AS n
FROM bench_lines GROUP BY posting_date, movement_type;

INSERT INTO inventory.goods_movements (organization_id, id, plant_id, movement_type,
    posting_date, reference)
SELECT '{org}'::uuid, id, '{plant}'::uuid, movement_type, posting_date, 'BENCH' FROM bench_docs;

INSERT INTO inventory.goods_movement_lines (organization_id, movement_id, posting_date,
    movement_type, line_no, material_id, plant_id, location_id, lot, category, quantity,
    entry_quantity, entry_unit, value, valuation, entered_at)
SELECT '{org}'::uuid, d.id, l.posting_date, l.movement_type,
       row_number() OVER (PARTITION BY d.id ORDER BY l.material_id, l.location_id, l.n) - 1,
       l.material_id, '{plant}'::uuid, l.location_id, '', 'unrestricted', l.quantity,
       l.quantity, 'EA',
       l.quantity * l.price, CASE WHEN l.quantity > 0 THEN 'price' ELSE 'average' END,
       l.posting_date + interval '8 hours' + l.n * interval '1 millisecond'
FROM bench_lines l JOIN bench_docs d USING (posting_date, movement_type);

INSERT INTO inventory.stock_balances (organization_id, material_id, plant_id, location_id,
    lot, category, quantity)
SELECT '{org}'::uuid, material_id, '{plant}'::uuid, location_id, '', 'unrestricted', sum(quantity)
FROM bench_lines GROUP BY material_id, location_id;

INSERT INTO inventory.valuations (organization_id, material_id, plant_id, quantity, value, price)
SELECT '{org}'::uuid, material_id, '{plant}'::uuid, sum(quantity), sum(quantity * price), 3
FROM bench_lines GROUP BY material_id;
"""


async def seed_scale(owner_dsn: str, org: UUID, plant: UUID, *, quick: bool) -> int:
    """Write the scale ledger; returns its line count. Idempotent per bench database."""
    conn = await asyncpg.connect(owner_dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.organization_id', $1, true),"
                " set_config('app.plant_ids', $2, true)",
                str(org),
                str(plant),
            )
            existing = await conn.fetchval(
                "SELECT count(*) FROM inventory.materials WHERE organization_id = $1"
                " AND number = 'BENCH-00000'",
                org,
            )
            if not existing:
                materials, bins = (200, 50) if quick else (1000, 100)
                hot_per_key, per_key = (200, 9) if quick else (1000, 9)
                # Numbers and UUIDs this module made itself: safe to format into the
                # SQL (CREATE TABLE AS takes no parameters).
                script = SCALE_SQL.format(
                    org=org,
                    plant=plant,
                    materials=materials,
                    bins=bins,
                    hot_per_key=hot_per_key,
                    per_key=per_key,
                )
                await conn.execute(script)
            count = await conn.fetchval(
                "SELECT count(*) FROM inventory.goods_movement_lines WHERE organization_id = $1",
                org,
            )
        # Statistics for everything the seed bulk-loaded, as a ledger that grew over months
        # has them; the first batches would otherwise be planned against the demo
        # organization's few materials and valuations.
        for table in (
            "goods_movement_lines",
            "goods_movements",
            "stock_balances",
            "valuations",
            "materials",
            "storage_locations",
        ):
            await conn.execute(f"ANALYZE inventory.{table}")
        return int(count)
    finally:
        await conn.close()


async def _bench_keys(owner_dsn: str, org: UUID, plant: UUID) -> tuple[list[str], list[str], str]:
    conn = await asyncpg.connect(owner_dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.organization_id', $1, true),"
                " set_config('app.plant_ids', $2, true)",
                str(org),
                str(plant),
            )
            materials = await conn.fetch(
                # Its own numbers only: the BOM bench's BENCH-BOM-/BENCH-RM- materials (some
                # in KG) live in the same organization once it has run.
                "SELECT id, number FROM inventory.materials WHERE organization_id = $1"
                " AND number ~ '^BENCH-[0-9]{5}$' ORDER BY number",
                org,
            )
            bins = await conn.fetch(
                "SELECT id FROM inventory.storage_locations WHERE organization_id = $1"
                " AND plant_id = $2 AND code LIKE 'BENCH-B%' ORDER BY code",
                org,
                plant,
            )
    finally:
        await conn.close()
    hot = str(materials[0]["id"])
    return [str(r["id"]) for r in materials[1:]], [str(r["id"]) for r in bins], hot


def _batch(
    rng: random.Random, materials: list[str], bins: list[str], plant: str, size: int, run: str
) -> dict[str, Any]:
    tag = rng.randrange(10**9)
    today = datetime.now(UTC).date().isoformat()
    lines = []
    for i in range(size):
        receipt = i % 6 >= 4
        lines.append(
            {
                "movement_type": "101" if receipt else "261",
                "posting_date": today,
                # A work order every six lines: four issues of components and two
                # receipts, as a shop floor reports them.
                "reference": f"WO-{run}-{tag}-{i // 6}",
                "material_id": rng.choice(materials),
                "plant_id": plant,
                "location_id": rng.choice(bins),
                "quantity": "2" if receipt else "1",
                "unit": "EA",
                **({"price": "2.5"} if receipt else {}),
            }
        )
    return {"lines": lines}


async def _ingest(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    materials: list[str],
    bins: list[str],
    plant: str,
    *,
    batches: int,
    size: int,
    concurrency: int,
) -> tuple[float, list[float], list[str]]:
    rng = random.Random(7)
    # The same lines every run, but work orders of their own: posted again into the same
    # orders (the next run on this database, or the direct phase after the gateway's),
    # the orders' genealogy would grow from run to run and the figure with it.
    run = uuid4().hex[:8]
    bodies = [_batch(rng, materials, bins, plant, size, run) for _ in range(batches)]
    latencies: list[float] = []
    failures = 0
    failed: list[str] = []
    queue = list(bodies)

    async def worker() -> None:
        nonlocal failures
        while queue:
            body = queue.pop()
            started = time.perf_counter()
            response = await client.post(
                f"{BASE}/goods-movements/batch", json=body, headers=headers
            )
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                failures += 1
                failed.append(f"{response.status_code} {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    elapsed = time.perf_counter() - started
    # Only posted lines count; a refused batch is reported, not hidden in the rate.
    return (batches - failures) * size / elapsed, latencies, failed


async def _lookups(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    paths: list[str],
    concurrency: int,
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = list(paths)

    async def worker() -> None:
        while queue:
            path = queue.pop()
            started = time.perf_counter()
            response = await client.get(path, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return len(paths) / (time.perf_counter() - started), latencies


async def _back_dated(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    material: str,
    location: str,
    plant: str,
    days: int,
) -> float:
    body = {
        "movement_type": "101",
        "posting_date": (datetime.now(UTC).date() - timedelta(days=days)).isoformat(),
        "reference": "LATE-GR",
        "lines": [
            {
                "material_id": material,
                "plant_id": plant,
                "location_id": location,
                "quantity": "5",
                "unit": "EA",
                "price": "9.75",
            }
        ],
    }
    started = time.perf_counter()
    response = await client.post(f"{BASE}/goods-movements", json=body, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


async def _lines_after(owner_dsn: str, org: UUID, plant: UUID, material: str, days: int) -> int:
    conn = await asyncpg.connect(owner_dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.organization_id', $1, true),"
                " set_config('app.plant_ids', $2, true)",
                str(org),
                str(plant),
            )
            value = await conn.fetchval(
                "SELECT count(*) FROM inventory.goods_movement_lines WHERE organization_id = $1"
                " AND material_id = $2 AND posting_date >= current_date - $3::int",
                org,
                UUID(material),
                days,
            )
        return int(value)
    finally:
        await conn.close()


async def _run(gateway: str, direct: str, owner_dsn: str, quick: bool) -> list[Figure]:
    async with httpx.AsyncClient(base_url=gateway, timeout=120) as client:
        token = await _token(client)
        claims = _claims(token)
        org, plant = UUID(claims["org"]), UUID(claims["plants"][0])
        started = time.perf_counter()
        lines = await seed_scale(owner_dsn, org, plant, quick=quick)
        seeded_in = time.perf_counter() - started
        materials, bins, hot = await _bench_keys(owner_dsn, org, plant)
        headers = {"Authorization": f"Bearer {token}"}
        figures: list[Figure] = []

        size = 5000
        batches = 6 if quick else 20
        await _ingest(
            client, headers, materials, bins, str(plant), batches=1, size=500, concurrency=1
        )
        rate, latencies, failures = await _ingest(
            client, headers, materials, bins, str(plant), batches=batches, size=size, concurrency=2
        )
        # The same straight to the service: what the gateway's hop costs at 1 MB a request.
        async with httpx.AsyncClient(base_url=direct, timeout=120) as straight:
            direct_rate, _, _ = await _ingest(
                straight,
                headers,
                materials,
                bins,
                str(plant),
                batches=max(2, batches // 2),
                size=size,
                concurrency=2,
            )
        note = (
            f"{batches} batches of {size} lines (work orders of 4 issues and 2 receipts at a"
            f" price, new orders each run) over {len(materials)} materials x {len(bins)} bins,"
            " 2 in flight,"
            f" through the gateway; {len(failures)} failed{': ' + failures[0] if failures else ''};"
            " target 5,000 lines/s"
        )
        figures += [
            Figure(
                "inventory.batch_ingest_throughput",
                round(rate),
                "lines/s",
                "higher",
                "straight to the service",
                round(direct_rate),
                note=note,
            ),
            Figure(
                "inventory.batch_ingest_p50", round(percentile(latencies, 50), 1), "ms", "lower"
            ),
            Figure(
                "inventory.batch_ingest_p99", round(percentile(latencies, 99), 1), "ms", "lower"
            ),
        ]

        rng = random.Random(11)
        count = 500 if quick else 3000
        pairs = [(rng.choice(materials), rng.choice(bins)) for _ in range(count)]
        stock_paths = [f"{BASE}/stock?material_id={m}&location_id={b}" for m, b in pairs]
        avail_paths = [f"{BASE}/availability?material_id={m}&plant_id={plant}" for m, _ in pairs]
        scale = f"{lines:,} ledger lines, {len(materials) + 1} materials x {len(bins)} bins"
        for name, paths in (("on_hand", stock_paths), ("availability", avail_paths)):
            rate, latencies = await _lookups(client, headers, paths, concurrency=8)
            figures += [
                Figure(
                    f"inventory.{name}_lookup_p50",
                    round(percentile(latencies, 50), 2),
                    "ms",
                    "lower",
                ),
                Figure(
                    f"inventory.{name}_lookup_p99",
                    round(percentile(latencies, 99), 2),
                    "ms",
                    "lower",
                    note=f"{count} random lookups, 8 in flight, through the gateway; {scale};"
                    f" {rate:.0f} req/s",
                ),
            ]

        typical = materials[len(materials) // 2]
        days = 60
        for label, material in (("typical", typical), ("hot", hot)):
            restated = await _lines_after(owner_dsn, org, plant, material, days)
            timings = [
                await _back_dated(client, headers, material, bins[i % len(bins)], str(plant), days)
                for i in range(3)
            ]
            figures.append(
                Figure(
                    f"inventory.back_dated_posting_{label}",
                    round(sorted(timings)[1], 1),
                    "ms",
                    "lower",
                    note=f"a receipt at a new price {days} days back, median of 3 through the"
                    f" gateway; restates the {restated:,} lines of that material after it in a"
                    f" {lines:,}-line ledger (ERPNext reposts for minutes to hours at this size)",
                )
            )
        figures.append(
            Figure(
                "inventory.scale_seed_seconds",
                round(seeded_in, 1),
                "s",
                "lower",
                note="writing the scale ledger itself, set-based as the owner (not an API figure)",
            )
        )
        return figures


def run(gateway: str, direct: str, owner_dsn: str, *, quick: bool) -> list[Figure]:
    """``gateway`` and ``direct`` (the inventory service itself) are base URLs."""
    return asyncio.run(_run(gateway, direct, owner_dsn, quick))
