"""BOM explosion of a 5-level, 500-line structure: HTTP straight to the inventory service
(wrk), and the recursive query alone (asyncpg, one connection) to show what the SQL costs.

The structure, seeded once into the demo organization ``acme`` through the service's own
use cases: the top and every sub-assembly down to level 3 use two sub-assemblies and ten
raw materials; the 16 assemblies on level 4 use twenty raw materials each. Lines per level
12, 24, 48, 96, 320: 500 exploded lines, 31 BOMs, scrap on a third of the items, some
quantities in grams of materials kept in kilograms, one phantom assembly.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date
from decimal import Decimal

import asyncpg
import httpx

from gateway.demo import DemoOrg
from inventory import bom_repo, repo
from inventory.bom_models import BomCreate, BomItemIn
from inventory.models import MaterialCreate, MaterialType
from inventory.service import boms
from inventory.service.caller import Caller
from tests.bench.bus import percentile
from tests.bench.load import wrk
from tests.bench.report import Figure
from unison_pg import Tenant
from unison_stack.supervisor import Supervisor

TOP = "BENCH-BOM-TOP"
LEVELS = 5
SUB_ASSEMBLIES = 2
RAW_PER_ASSEMBLY = 10
RAW_PER_LEAF_ASSEMBLY = 20
RAW_MATERIALS = 60
SINCE = date(2020, 1, 1)


async def _material(
    conn: asyncpg.Connection, number: str, kind: MaterialType, unit: str
) -> uuid.UUID:
    fields = MaterialCreate(
        number=number, description=f"Bench {kind} {number}", type=kind, base_unit=unit
    )
    created = await repo.material_insert(conn, fields)
    if created is not None:
        return created.id
    found = await repo.material_id_by_number(conn, number)
    assert found is not None
    return found


def _raw_items(raw: list[uuid.UUID], count: int, offset: int, first: int) -> list[BomItemIn]:
    items = []
    for n in range(count):
        index = (offset + n) % len(raw)
        in_grams = index % 5 == 0  # raw materials with index % 5 == 0 are kept in KG
        items.append(
            BomItemIn(
                item_number=first + 10 * n,
                component_id=raw[index],
                quantity=Decimal(250) if in_grams else Decimal(1 + n % 4),
                unit="G" if in_grams else None,
                scrap_percent=Decimal("2.5") if n % 3 == 0 else Decimal(0),
            )
        )
    return items


async def _assembly(
    conn: asyncpg.Connection, caller: Caller, raw: list[uuid.UUID], path: str, depth: int
) -> uuid.UUID:
    """Seed the assembly at ``path`` (depth 0 is the top) and everything below it."""
    number = TOP if depth == 0 else f"BENCH-BOM-A{path}"
    material_id = await _material(conn, number, "semi_finished" if depth else "finished", "PC")
    if depth == LEVELS - 1:
        items = _raw_items(raw, RAW_PER_LEAF_ASSEMBLY, len(path) * 7, 10)
    else:
        subs = [
            await _assembly(conn, caller, raw, f"{path}{n}", depth + 1)
            for n in range(1, SUB_ASSEMBLIES + 1)
        ]
        items = [
            BomItemIn(
                item_number=10 * (n + 1),
                component_id=sub,
                quantity=Decimal(n + 1),
                phantom=path == "1" and n == 0,
            )
            for n, sub in enumerate(subs)
        ]
        items += _raw_items(raw, RAW_PER_ASSEMBLY, len(path) * 3, 100)
    data = BomCreate(
        material_id=material_id,
        base_quantity=Decimal(1 + depth),
        valid_from=SINCE,
        status="released",
        items=items,
    )
    await boms.create_in(conn, caller, data)
    return material_id


async def seed(owner_dsn: str, org: DemoOrg) -> uuid.UUID:
    """The structure in ``org`` (once: a second run finds it); the top material's id."""
    tenant = Tenant(org.organization_id, org.plant_ids, "system:bench")
    conn = await asyncpg.connect(owner_dsn)
    try:
        async with conn.transaction():
            await repo.tenant_scope(conn, tenant)
            top = await repo.material_id_by_number(conn, TOP)
            if top is not None:
                return top
            raw = [
                await _material(conn, f"BENCH-RM-{n:03d}", "raw", "KG" if n % 5 == 0 else "PC")
                for n in range(RAW_MATERIALS)
            ]
            return await _assembly(conn, Caller(tenant=tenant), raw, "", 0)
    finally:
        await conn.close()


async def _sql_alone(runtime_dsn: str, org: DemoOrg, top: uuid.UUID, n: int) -> list[float]:
    tenant = Tenant(org.organization_id, org.plant_ids, "system:bench")
    params = bom_repo.ExplosionParams(
        material_id=top,
        plant_id=None,
        on=date.today(),
        usage="production",
        alternative=None,
        quantity_num=Decimal(10),
        quantity_den=Decimal(1),
        max_depth=40,
        through_assemblies=True,
    )
    conn = await asyncpg.connect(runtime_dsn)
    latencies = []
    try:
        for _ in range(n):
            async with conn.transaction(readonly=True):
                await repo.tenant_scope(conn, tenant)
                began = time.perf_counter()
                rows = await bom_repo.explosion(conn, params)
                latencies.append((time.perf_counter() - began) * 1000)
            assert len(rows) == 501, len(rows)  # the top itself and 500 lines
    finally:
        await conn.close()
    return latencies


def _token(gateway: str) -> str:
    response = httpx.post(
        f"{gateway}/auth/token",
        data={"grant_type": "password", "username": "admin@acme.test", "password": "unison-demo"},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def run(
    supervisor: Supervisor, owner_dsn: str, runtime_dsn: str, org: DemoOrg, *, quick: bool
) -> list[Figure]:
    top = asyncio.run(seed(owner_dsn, org))
    gateway = f"http://127.0.0.1:{supervisor.stack.ports.gateway}"
    inventory = next(s for s in supervisor.specs if s.name == "inventory")
    url = f"http://127.0.0.1:{inventory.port}/api/inventory/materials/{top}/bom-explosion"
    url += "?quantity=10"
    headers = {"Authorization": f"Bearer {_token(gateway)}"}
    check = httpx.get(url, headers=headers, timeout=30)
    check.raise_for_status()
    seconds, connections = (5, 4) if quick else (20, 8)
    wrk(url, headers, seconds=2, connections=2)  # warm the pool and the plans
    # Latency one request at a time (under load it would be mostly queueing), throughput
    # with enough connections to keep the service busy.
    single = wrk(url, headers, seconds=seconds, connections=1)
    load = wrk(url, headers, seconds=seconds, connections=connections)
    sql = asyncio.run(_sql_alone(runtime_dsn, org, top, 50 if quick else 300))
    note = f"5 levels, 500 lines; {seconds}s each, wrk; errors={single.errors + load.errors}"
    return [
        Figure(
            "inventory.bom_explosion_throughput",
            round(load.requests_per_second, 1),
            "req/s",
            "higher",
            note=f"{connections} connections, p50 {load.p50_ms:.0f} ms; {note}",
        ),
        Figure(
            "inventory.bom_explosion_p50",
            single.p50_ms,
            "ms",
            "lower",
            note="one connection (HTTP straight to the service, tree of 500 lines as JSON)",
        ),
        Figure("inventory.bom_explosion_p95", single.p95_ms, "ms", "lower"),
        Figure("inventory.bom_explosion_p99", single.p99_ms, "ms", "lower"),
        Figure(
            "inventory.bom_explosion_sql_p50",
            round(percentile(sql, 50), 2),
            "ms",
            "lower",
            note="the recursive query alone, one connection, runtime role (RLS on)",
        ),
        Figure("inventory.bom_explosion_sql_p95", round(percentile(sql, 95), 2), "ms", "lower"),
    ]
