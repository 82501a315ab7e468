"""Lot traces over a 1M-line ledger with a five-level genealogy, through the service's API.

The ledger is written once per bench database, set-based as the owner (in the demo
organization, so the demo admin's token reads it): raw lots bought on purchase orders,
then four levels of work orders (components, subassemblies, assemblies, finished goods),
each issuing four lots of the level below (two half lots, each lot split over two orders,
so the graph is a DAG) and a screw without lots, and receiving one lot; some finished lots
are scrapped. The genealogy is then rebuilt from that ledger by the service's own rebuild.
Backward traces start at random finished lots (4 levels down, ~425 links), forward traces
at random raw lots (4 levels up to finished goods and their scrap).
"""

from __future__ import annotations

import asyncio
import random
import time
from uuid import UUID

import asyncpg
import httpx

from gateway.demo import demo_id
from inventory.repo import tenant_scope
from inventory.service import genealogy
from tests.bench.bus import percentile
from tests.bench.http_read import _token
from tests.bench.report import Figure
from unison_pg import Tenant
from unison_stack.supervisor import Supervisor

PREFIX = "TRACE2"  # bump when the generated ledger changes: the old one is left alone
RAW_LOTS = 149_536  # divisible by 16: four halvings to the finished level; ~1.0M lines
LEVELS = 4  # order levels above the raw lots
SLOTS = 40  # materials per level
TYPES = ("raw", "semi_finished", "semi_finished", "semi_finished", "finished")
PER_PO = 16  # lots per purchase order, finished lots per scrap document

_MATERIALS = """
INSERT INTO inventory.materials (organization_id, number, description, type, base_unit)
SELECT app.current_org(), format('%s-L%s-%s', $1::text, k, lpad(slot::text, 2, '0')),
    format('Trace bench level %s part %s', k, slot), ($2::text[])[k + 1], 'PC'
FROM generate_series(0, $3::integer - 1) k, generate_series(0, $4::integer - 1) slot
UNION ALL
SELECT app.current_org(), $1::text || '-SCREW', 'Trace bench screw without lots',
    'consumable', 'PC'
"""

_LOCATION = """
INSERT INTO inventory.storage_locations (organization_id, plant_id, code, name, kind)
VALUES (app.current_org(), $1, $2, 'Trace bench store', 'warehouse')
RETURNING id
"""

# Material ids by level and slot ("3-07"), and the orders with the number of lot pairs of
# the level below. Order j takes pair j and pair (j * 7919 + 17) mod pairs: a permutation
# (7919 is prime to every pair count here) that never maps j to itself, so each lot goes
# half into each of two orders and the lots of one order spread over the level below.
_WORK_TABLES = """
CREATE TEMP TABLE trace_material (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE TEMP TABLE trace_order (level integer, j bigint, pairs bigint) ON COMMIT DROP
"""
_WORK_ROWS = (
    """
INSERT INTO trace_material
SELECT split_part(number, '-L', 2), id FROM inventory.materials
WHERE organization_id = app.current_org() AND number LIKE $1::text || '-L%'
""",
    """
INSERT INTO trace_order
SELECT k, j, $1::bigint >> k
FROM generate_series(1, $2::integer) k, LATERAL generate_series(0, ($1::bigint >> k) - 1) j
""",
)

_HEADERS = """
INSERT INTO inventory.goods_movements (organization_id, id, plant_id, movement_type,
    posting_date, reference)
SELECT app.current_org(), md5(format('%s/po/%s', $1::text, p))::uuid, $2::uuid, '101',
    current_date, format('%s-PO-%s', $1::text, p)
FROM generate_series(0, $3::integer / $4::integer - 1) p
UNION ALL
SELECT app.current_org(), md5(format('%s/%s/%s/%s', $1::text, t, level, j))::uuid, $2::uuid,
    CASE t WHEN 'issue' THEN '261' ELSE '101' END, current_date,
    format('%s-WO-%s-%s', $1::text, level, j)
FROM trace_order, unnest(ARRAY['issue', 'receipt']) t
UNION ALL
SELECT app.current_org(), md5(format('%s/scrap/%s', $1::text, q))::uuid, $2::uuid, '551',
    current_date, format('%s-QN-%s', $1::text, q)
FROM generate_series(0, (($3::integer >> $5::integer) - 1) / $4::integer) q
"""

_LINES = """
INSERT INTO inventory.goods_movement_lines (organization_id, posting_date, movement_id,
    line_no, movement_type, material_id, plant_id, location_id, lot, quantity,
    entry_quantity, entry_unit)
SELECT app.current_org(), current_date, l.movement_id, l.line_no, l.movement_type,
    coalesce(m.id, s.id), $2::uuid, $3::uuid, l.lot, l.quantity, l.quantity, 'PC'
FROM (
    SELECT md5(format('%s/po/%s', $1::text, i / $5::integer))::uuid AS movement_id,
        i % $5::integer AS line_no, '101' AS movement_type, 0 AS level, i AS lot_index,
        format('L0-%s', lpad(i::text, 6, '0')) AS lot, 100::numeric AS quantity
    FROM generate_series(0, $4::integer - 1) i
    UNION ALL
    SELECT md5(format('%s/issue/%s/%s', $1::text, o.level, o.j))::uuid, t, '261',
        o.level - 1, x.input,
        CASE WHEN t < 4 THEN format('L%s-%s', o.level - 1, lpad(x.input::text, 6, '0'))
             ELSE '' END,
        CASE WHEN t < 4 THEN -50 ELSE -4 END
    FROM trace_order o, generate_series(0, 4) t,
        LATERAL (SELECT CASE WHEN t < 2 THEN 2 * o.j + t
                     WHEN t < 4 THEN 2 * ((o.j * 7919 + 17) % o.pairs) + t - 2 END AS input) x
    UNION ALL
    SELECT md5(format('%s/receipt/%s/%s', $1::text, o.level, o.j))::uuid, 0, '101',
        o.level, o.j, format('L%s-%s', o.level, lpad(o.j::text, 6, '0')), 100
    FROM trace_order o
    UNION ALL
    SELECT md5(format('%s/scrap/%s', $1::text, f / $5::integer))::uuid,
        f % $5::integer, '551', $6::integer, f,
        format('L%s-%s', $6::integer, lpad(f::text, 6, '0')), -5
    FROM generate_series(0, ($4::integer >> $6::integer) - 1) f
) l
LEFT JOIN trace_material m ON l.lot <> ''
    AND m.key = format('%s-%s', l.level, lpad((l.lot_index % $7::integer)::text, 2, '0'))
LEFT JOIN inventory.materials s ON l.lot = '' AND s.organization_id = app.current_org()
    AND s.number = $1::text || '-SCREW'
"""


async def _generate(conn: asyncpg.Connection, tenant: Tenant) -> int:
    """Write the ledger and its genealogy in one transaction; returns the lines written."""
    plant = tenant.plant_ids[0]
    async with conn.transaction():
        await tenant_scope(conn, tenant)
        await conn.execute(_MATERIALS, PREFIX, list(TYPES), LEVELS + 1, SLOTS)
        location = await conn.fetchval(_LOCATION, plant, PREFIX)
        await conn.execute("SET LOCAL work_mem = '256MB'")
        await conn.execute(_WORK_TABLES)
        await conn.execute(_WORK_ROWS[0], PREFIX)
        await conn.execute(_WORK_ROWS[1], RAW_LOTS, LEVELS)
        await conn.execute(_HEADERS, PREFIX, plant, RAW_LOTS, PER_PO, LEVELS)
        status = await conn.execute(
            _LINES, PREFIX, plant, location, RAW_LOTS, PER_PO, LEVELS, SLOTS
        )
        # The rebuild joins what this transaction wrote: let the planner know its size.
        await conn.execute("ANALYZE inventory.goods_movements, inventory.goods_movement_lines")
        await genealogy.rebuild(conn)
    # All-visible pages: the trace steps are index-only scans, as they are on settled data.
    for table in ("lot_flows", "lot_links"):
        await conn.execute(f"VACUUM (ANALYZE) inventory.{table}")
    return int(status.split()[-1])


async def _prepare(owner_dsn: str, tenant: Tenant) -> tuple[dict[str, UUID], int, str]:
    """Material ids by number, the organization's ledger lines, and how the ledger came."""
    conn = await asyncpg.connect(owner_dsn)
    try:
        began = time.perf_counter()
        async with conn.transaction():
            await tenant_scope(conn, tenant)
            exists = await conn.fetchval(
                "SELECT count(*) FROM inventory.materials WHERE organization_id ="
                " app.current_org() AND number LIKE $1",
                f"{PREFIX}-%",
            )
        if not exists:
            await _generate(conn, tenant)
        written = (
            f"written in {time.perf_counter() - began:.0f}s"
            if not exists
            else "from an earlier run"
        )
        async with conn.transaction():
            await tenant_scope(conn, tenant)
            rows = await conn.fetch(
                "SELECT number, id FROM inventory.materials WHERE organization_id ="
                " app.current_org() AND number LIKE $1",
                f"{PREFIX}-%",
            )
            lines = await conn.fetchval(
                "SELECT count(*) FROM inventory.goods_movement_lines"
                " WHERE organization_id = app.current_org()"
            )
        return {r["number"]: r["id"] for r in rows}, int(lines), written
    finally:
        await conn.close()


def _root(materials: dict[str, UUID], level: int, index: int) -> dict[str, str]:
    number = f"{PREFIX}-L{level}-{index % SLOTS:02d}"
    return {"material_id": str(materials[number]), "lot": f"L{level}-{index:06d}"}


def _measure(
    client: httpx.Client, direction: str, roots: list[dict[str, str]]
) -> tuple[list[float], int, int]:
    """Latencies (ms), and the most links and lots one answer held."""
    latencies: list[float] = []
    most_links = most_lots = 0
    for params in roots:
        began = time.perf_counter()
        response = client.get(f"/api/inventory/lots/trace/{direction}", params=params)
        latencies.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
        trace = response.json()
        if not trace["complete"] or not trace["links"]:
            raise RuntimeError(f"{direction} trace of {params} is not the generated graph")
        most_links = max(most_links, len(trace["links"]))
        most_lots = max(most_lots, len(trace["lots"]))
    return latencies, most_links, most_lots


def _figures(direction: str, latencies: list[float], note: str) -> list[Figure]:
    figure = f"inventory.trace_{direction}"
    p50, p95, p99 = (round(percentile(latencies, p), 2) for p in (50, 95, 99))
    return [
        Figure(figure, p50, "ms", "lower", note=f"p50; {note}"),
        Figure(f"{figure}_p95", p95, "ms", "lower"),
        Figure(f"{figure}_p99", p99, "ms", "lower"),
    ]


def run(supervisor: Supervisor, *, quick: bool) -> list[Figure]:
    organization = demo_id("organization:acme")
    plants = (demo_id("plant:acme:A100"), demo_id("plant:acme:A200"))
    tenant = Tenant(organization, plants, "bench:trace")
    materials, lines, written = asyncio.run(_prepare(supervisor.stack.owner_dsn, tenant))
    gateway = f"http://127.0.0.1:{supervisor.stack.ports.gateway}"
    inventory = next(s for s in supervisor.specs if s.name == "inventory")
    headers = {"Authorization": f"Bearer {_token(gateway)}"}
    samples = 100 if quick else 500
    pick = random.Random(7)
    finished = RAW_LOTS >> LEVELS
    backward_roots = [_root(materials, LEVELS, pick.randrange(finished)) for _ in range(samples)]
    forward_roots = [_root(materials, 0, pick.randrange(RAW_LOTS)) for _ in range(samples)]
    figures: list[Figure] = []
    with httpx.Client(base_url=f"http://127.0.0.1:{inventory.port}", headers=headers) as client:
        # Warm the pool and the caches on other lots than the measured ones.
        _measure(client, "backward", [_root(materials, LEVELS, i) for i in range(20)])
        _measure(client, "forward", [_root(materials, 0, i) for i in range(20)])
        for direction, roots in (("backward", backward_roots), ("forward", forward_roots)):
            latencies, most_links, most_lots = _measure(client, direction, roots)
            note = (
                f"{lines:,} ledger lines, {samples} sequential requests direct to the service,"
                f" up to {most_links} links and {most_lots} lots per answer"
                f" (ledger {written})"
            )
            figures += _figures(direction, latencies, note)
    return figures
