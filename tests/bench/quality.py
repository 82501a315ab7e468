"""Quality figures through the gateway, on the bench stack's demo organization.

- results ingestion: a gauge's or CMM's batches of 2,000 results (500 samples x 3 measured
  characteristics and 1 attribute), one inspection lot per call (POST .../results), one
  call at a time; each call also runs the SPC watch on every measured characteristic;
- SPC over 100,000 measurements of one characteristic (GET /spc/chart, I-MR and X-bar/R
  with subgroups of 5), next to the same read straight from the database and the pure
  chart computation on the same values, to show where the time goes.

Each run has materials of its own, written to quality's read model as the owner (quality
learns materials from inventory's events; the demo's predate its queue), and plans and
inspection lots made through the API. The 100,000 measurements are written set-based as
the owner, over the past 60 days, in 50 inspection lots of 2,000 samples.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec

from quality import spc
from quality.charts import repo as charts_repo
from quality.charts.subgroups import subgroups
from tests.bench.bus import percentile
from tests.bench.demo_login import claims, demo_token
from tests.bench.load import peak_rss_mb
from tests.bench.report import Figure
from unison_stack.supervisor import Supervisor

API = "/api/quality"
SCOPE = (
    "SELECT set_config('app.organization_id', $1, false), set_config('app.plant_ids', $2, false)"
)
SAMPLES = 500  # per ingestion lot: x 4 characteristics = one call of 2,000 rows
SPC_POINTS = 100_000
SPC_LOTS = 50
SUBGROUP = 5
DIA_LSL, DIA_USL, DIA_SIGMA = "9.95", "10.05", 0.01

CHARACTERISTICS = [
    {
        "code": "DIA",
        "name": "Bore diameter",
        "kind": "measured",
        "nominal": "10.000",
        "lsl": DIA_LSL,
        "usl": DIA_USL,
        "unit": "mm",
    },
    {
        "code": "LEN",
        "name": "Overall length",
        "kind": "measured",
        "nominal": "42.00",
        "lsl": "41.90",
        "usl": "42.10",
        "unit": "mm",
    },
    {"code": "RA", "name": "Surface roughness", "kind": "measured", "usl": "1.6", "unit": "um"},
    {"code": "VIS", "name": "Visual check", "kind": "attribute"},
]

MATERIAL = """
INSERT INTO quality.materials (organization_id, id, number, description, base_unit, version)
VALUES ($1, $2, $3, $4, 'PC', 1) ON CONFLICT DO NOTHING
"""

# Measurements in time order over the past 60 days, 2,000 samples per lot in turn, normal
# around the nominal (Box-Muller); passed by the plan's limits, as recording judges them.
SCALE_RESULTS = """
INSERT INTO quality.results (organization_id, measured_at, plant_id, inspection_id,
    material_id, characteristic, sample_no, value, passed, recorded_by)
SELECT $1, now() - interval '60 days' + n * ($4::float8 * interval '1 second'), $2,
       ($5::uuid[])[1 + n / $6], $3, 'DIA', 1 + n % $6, v,
       v BETWEEN $8::numeric AND $9::numeric, 'bench'
FROM (SELECT n, round((10 + $10::float8 * sqrt(-2 * ln(1 - random()))
                        * cos(2 * pi() * random()))::numeric, 4) AS v
      FROM generate_series(0, $7 - 1) n) g
"""


async def _post(client: httpx.AsyncClient, headers: dict[str, str], path: str, body: Any) -> Any:
    response = await client.post(f"{API}{path}", json=body, headers=headers)
    if response.status_code >= 300:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return response.json()


async def _materials(owner_dsn: str, org: UUID, plant: UUID, tag: str) -> tuple[UUID, UUID]:
    """A material for ingestion and one for SPC, new in each run."""
    made = (UUID(int=int(tag) * 2 + 11, version=4), UUID(int=int(tag) * 2 + 12, version=4))
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(SCOPE, str(org), str(plant))
        for n, material in enumerate(made):
            await conn.execute(MATERIAL, org, material, f"QB-{tag}-{n}", f"Bench bushing {n}")
    finally:
        await conn.close()
    return made


async def _plan(
    client: httpx.AsyncClient, headers: dict[str, str], plant: UUID, material: UUID
) -> str:
    plan = await _post(
        client,
        headers,
        "/inspection-plans",
        {
            "plant_id": str(plant),
            "material_id": str(material),
            "trigger": "final_inspection",
            "status": "released",
            "valid_from": datetime.now(UTC).date().isoformat(),
            "sampling": "full",
            "characteristics": CHARACTERISTICS,
        },
    )
    return str(plan["id"])


async def _inspections(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    lot: tuple[UUID, UUID, str],
    quantity: int,
    count: int,
) -> list[str]:
    """``count`` manual inspection lots by the plan; full sampling samples every piece."""
    plant, material, plan = lot
    made = []
    for _ in range(count):
        found = await _post(
            client,
            headers,
            "/inspections",
            {
                "plant_id": str(plant),
                "material_id": str(material),
                "plan_id": plan,
                "trigger": "manual",
                "quantity": str(quantity),
                "hold_lot": False,
            },
        )
        if found["sample_size"] != quantity:
            raise RuntimeError(f"sample of {found['sample_size']}, not {quantity}")
        made.append(str(found["id"]))
    return made


def _batch(rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for s in range(1, SAMPLES + 1):
        rows += [
            {"characteristic": "DIA", "sample_no": s, "value": f"{rng.gauss(10, 0.01):.4f}"},
            {"characteristic": "LEN", "sample_no": s, "value": f"{rng.gauss(42, 0.02):.3f}"},
            {"characteristic": "RA", "sample_no": s, "value": f"{rng.uniform(0.4, 1.2):.2f}"},
            {"characteristic": "VIS", "sample_no": s, "passed": rng.random() > 0.001},
        ]
    return rows


async def _ingest(
    client: httpx.AsyncClient, headers: dict[str, str], inspections: list[str]
) -> tuple[float, list[float], int]:
    rng = random.Random(7)
    bodies = [{"rows": _batch(rng)} for _ in inspections]
    latencies: list[float] = []
    rows = 0
    started = time.perf_counter()
    for inspection, body in zip(inspections, bodies, strict=True):
        t0 = time.perf_counter()
        response = await client.post(
            f"{API}/inspections/{inspection}/results", json=body, headers=headers
        )
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 201:
            raise RuntimeError(f"results: {response.status_code} {response.text[:300]}")
        rows += response.json()["rows"]
    return rows / (time.perf_counter() - started), latencies, rows


async def _scale(owner_dsn: str, ids: tuple[UUID, UUID, UUID], lots: list[str]) -> float:
    org, plant, material = ids
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(SCOPE, str(org), str(plant))
        t0 = time.perf_counter()
        await conn.execute(
            SCALE_RESULTS,
            org,
            plant,
            material,
            60 * 86400 / SPC_POINTS,
            [UUID(i) for i in lots],
            SPC_POINTS // SPC_LOTS,
            SPC_POINTS,
            DIA_LSL,
            DIA_USL,
            DIA_SIGMA,
        )
        elapsed = time.perf_counter() - t0
        await conn.execute("ANALYZE quality.results")
        return elapsed
    finally:
        await conn.close()


async def _charts(
    client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, str], repeat: int
) -> tuple[list[float], dict[str, Any], int]:
    timings: list[float] = []
    body: dict[str, Any] = {}
    size = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = await client.get(f"{API}/spc/chart", params=params, headers=headers)
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"spc/chart: {response.status_code} {response.text[:300]}")
        size = len(response.content)
        body = response.json()
    return timings, body, size


async def _split(
    owner_dsn: str, ids: tuple[UUID, UUID, UUID], repeat: int
) -> tuple[list[float], dict[str, list[float]], int]:
    """The chart's read straight from the database (as the service runs it), then the
    pure computation of each chart on the values it read."""
    org, plant, material = ids
    since = datetime.now(UTC) - timedelta(days=365)
    conn = await asyncpg.connect(owner_dsn)
    reads = []
    try:
        await conn.execute(SCOPE, str(org), str(plant))
        for _ in range(repeat):
            async with conn.transaction(readonly=True):
                t0 = time.perf_counter()
                found = await charts_repo.series(conn, (material, "DIA", plant), SPC_POINTS, since)
                reads.append((time.perf_counter() - t0) * 1000)
    finally:
        await conn.close()
    lsl, usl = float(DIA_LSL), float(DIA_USL)
    compute: dict[str, list[float]] = {"i_mr": [], "xbar_r": [], "encode": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        chart = spc.individuals(found.values, timestamps=found.times)
        spc.capability_individuals(found.values, lsl=lsl, usl=usl)
        t1 = time.perf_counter()
        msgspec.json.encode(chart)
        t2 = time.perf_counter()
        cut = subgroups(found.values, found.times, found.inspections, SUBGROUP)
        spc.xbar_r(cut.groups, timestamps=cut.timestamps)
        spc.capability(cut.groups, lsl=lsl, usl=usl, method="range")
        t3 = time.perf_counter()
        compute["i_mr"].append((t1 - t0) * 1000)
        compute["encode"].append((t2 - t1) * 1000)
        compute["xbar_r"].append((t3 - t2) * 1000)
    return reads, compute, len(found.values)


def _latency(prefix: str, timings: list[float], note: str = "") -> list[Figure]:
    return [
        Figure(f"{prefix}_p50", round(percentile(timings, 50), 1), "ms", "lower", note=note),
        Figure(f"{prefix}_p95", round(percentile(timings, 95), 1), "ms", "lower"),
        Figure(f"{prefix}_p99", round(percentile(timings, 99), 1), "ms", "lower"),
    ]


async def _run(gateway: str, owner_dsn: str, quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    async with httpx.AsyncClient(base_url=gateway, timeout=600) as client:
        token = await demo_token(client)
        scope = claims(token)
        org, plant = UUID(scope["org"]), UUID(scope["plants"][0])
        headers = {"Authorization": f"Bearer {token}"}
        tag = str(int(time.time()))[-6:]
        ingested, charted = await _materials(owner_dsn, org, plant, tag)

        plan = await _plan(client, headers, plant, ingested)
        batches = 5 if quick else 25
        lots = await _inspections(client, headers, (plant, ingested, plan), SAMPLES, batches)
        rate, latencies, rows = await _ingest(client, headers, lots)
        figures += [
            Figure(
                "quality.results_ingest_throughput",
                round(rate),
                "rows/s",
                "higher",
                note=f"POST /inspections/{{id}}/results: {batches} calls of {4 * SAMPLES:,} rows"
                f" ({SAMPLES} samples x 3 measured characteristics + 1 attribute, one lot per"
                f" call, {rows:,} rows in all), one at a time, through the gateway; each call"
                " checks every row, inserts, tallies the verdict and runs the SPC watch",
            ),
            *_latency("quality.results_ingest_batch", latencies),
        ]

        plan = await _plan(client, headers, plant, charted)
        lots = await _inspections(
            client, headers, (plant, charted, plan), SPC_POINTS // SPC_LOTS, SPC_LOTS
        )
        seeded = await _scale(owner_dsn, (org, plant, charted), lots)
        repeat = 5 if quick else 20
        params = {
            "plant_id": str(plant),
            "material_id": str(charted),
            "characteristic": "DIA",
            "points": str(SPC_POINTS),
        }
        i_mr, body, i_mr_bytes = await _charts(client, headers, {**params, "kind": "i_mr"}, repeat)
        measured = int(body["measurements"])
        if measured != SPC_POINTS:
            raise RuntimeError(f"the chart read {measured} measurements, not {SPC_POINTS}")
        xbar, body, xbar_bytes = await _charts(
            client,
            headers,
            {**params, "kind": "xbar_r", "subgroup_size": str(SUBGROUP)},
            repeat,
        )
        groups = len(body["chart"]["location"]["points"])
        reads, compute, values = await _split(owner_dsn, (org, plant, charted), repeat)
    figures += [
        *_latency(
            "quality.spc_100k_i_mr",
            i_mr,
            note=f"GET /spc/chart?kind=i_mr&points={SPC_POINTS} through the gateway, {repeat}"
            f" calls: {measured:,} measurements of one characteristic ({SPC_LOTS} lots over 60"
            f" days, written set-based in {seeded:.1f} s), {i_mr_bytes / 1e6:.1f} MB of JSON",
        ),
        *_latency(
            "quality.spc_100k_xbar_r",
            xbar,
            note=f"the same with kind=xbar_r&subgroup_size={SUBGROUP}: {groups:,} subgroups,"
            f" {xbar_bytes / 1e6:.1f} MB of JSON",
        ),
        Figure(
            "quality.spc_100k_measurements",
            measured,
            "measurements",
            "higher",
        ),
        Figure(
            "quality.spc_100k_series_query_p50",
            round(percentile(reads, 50), 1),
            "ms",
            "lower",
            note=f"the chart's series query alone, straight to the database ({values:,} rows"
            " fetched, decoded by asyncpg, numeric to float),"
            " no HTTP",
        ),
        Figure(
            "quality.spc_100k_compute_i_mr_p50",
            round(percentile(compute["i_mr"], 50), 1),
            "ms",
            "lower",
            note="pure Python on the same 100,000 values: quality.spc individuals + capability"
            " (no I/O, no JSON)",
        ),
        Figure(
            "quality.spc_100k_compute_xbar_r_p50",
            round(percentile(compute["xbar_r"], 50), 1),
            "ms",
            "lower",
            note="pure Python: subgroups of 5 by lot, xbar_r + capability",
        ),
        Figure(
            "quality.spc_100k_encode_i_mr_p50",
            round(percentile(compute["encode"], 50), 1),
            "ms",
            "lower",
            note="msgspec JSON encoding of the I-MR chart alone",
        ),
    ]
    return figures


def run(supervisor: Supervisor, *, quick: bool) -> list[Figure]:
    gateway = f"http://127.0.0.1:{supervisor.stack.ports.gateway}"
    figures = asyncio.run(_run(gateway, supervisor.stack.owner_dsn, quick))
    pid = supervisor.pid_of(next(s for s in supervisor.specs if s.name == "quality"))
    figures.append(
        Figure(
            "quality.peak_rss",
            round(peak_rss_mb(pid or 0), 1),
            "MiB",
            "lower",
            note="high-water mark of the quality HTTP process after the figures above",
        )
    )
    return figures
