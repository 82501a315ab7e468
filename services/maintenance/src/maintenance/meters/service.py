"""Meter use cases: meters, readings (one, many, from production), alarms and the usage
plans a reading may make due."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from maintenance.caller import MACHINES, MAINTAINERS, Caller, system_caller
from maintenance.equipment import repo as equipment_repo
from maintenance.meters import repo
from maintenance.meters.models import (
    BatchReading,
    BatchReadings,
    Meter,
    MeterCreate,
    MeterUpdate,
    Reading,
    ReadingCreate,
    ReadingsAccepted,
)
from maintenance.meters.repo import NewReading
from maintenance.plans import generation
from maintenance.work_orders import repo as orders_repo
from maintenance.work_orders.repo import NewOrder
from maintenance.work_orders.service import create_in
from unison_events.production import CountsLogged
from unison_pg import Database, Tenant
from unison_pg.scope import scope_plants
from unison_web import Conflict, DomainError, Invalid, NotFound, checks, paging
from unison_web.paging import Page

COUNTERS = frozenset({"cycles", "strokes", "counter"})
CLOCK_SKEW = timedelta(minutes=1)


def _check_alarms(kind: str, above: Decimal | None, below: Decimal | None) -> None:
    if kind != "condition" and (above is not None or below is not None):
        raise Invalid("only condition gauges have alarm limits", "/alarm_above")
    if above is not None and below is not None and below >= above:
        raise Invalid("must be below alarm_above", "/alarm_below")


async def create(db: Database, caller: Caller, data: MeterCreate) -> Meter:
    caller.require(*MAINTAINERS)
    _check_alarms(data.kind, data.alarm_above, data.alarm_below)
    async with db.transaction(caller.tenant) as conn:
        equipment = await equipment_repo.get(conn, data.equipment_id)
        if equipment is None:
            raise Invalid("no such equipment", "/equipment_id")
        fields = (
            equipment.id,
            checks.code(data.code),
            data.kind,
            data.unit.strip(),
            data.from_production,
            data.alarm_above,
            data.alarm_below,
        )
        meter = await repo.insert(conn, equipment.plant_id, fields)
    if meter is None:
        raise Conflict(
            f"the equipment has a meter {fields[1]} already",
            errors=[{"pointer": "/code", "detail": "already used on this equipment"}],
        )
    return meter


async def update(db: Database, caller: Caller, meter_id: UUID, data: MeterUpdate) -> Meter:
    caller.require(*MAINTAINERS)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    async with db.transaction(caller.tenant) as conn:
        meters = await repo.lock_many(conn, [meter_id])
        meter = meters.get(meter_id)
        if meter is None:
            raise NotFound(f"meter {meter_id} does not exist")
        merged = msgspec.structs.replace(meter, **changes)
        _check_alarms(merged.kind, merged.alarm_above, merged.alarm_below)
        updated = await repo.update_settings(
            conn, meter_id, (merged.from_production, merged.alarm_above, merged.alarm_below)
        )
    assert updated is not None
    return updated


async def of_equipment(db: Database, caller: Caller, equipment_id: UUID) -> list[Meter]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await equipment_repo.get(conn, equipment_id) is None:
            raise NotFound(f"equipment {equipment_id} does not exist")
        return await repo.of_equipment(conn, equipment_id)


async def readings(
    db: Database, caller: Caller, meter_id: UUID, cursor: str | None, limit: int
) -> Page[Reading]:
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.get(conn, meter_id) is None:
            raise NotFound(f"meter {meter_id} does not exist")
        rows = await repo.readings_page(conn, meter_id, key, limit + 1)
    return paging.cut(rows, limit, lambda r: (r.read_at, r.id))


def _usage(meter: Meter, value: Decimal, reset: bool) -> Decimal:
    """What a counter reading adds: the increment; after a reset (or a value lower than
    the last one: a replaced meter) its whole value; the first reading is the baseline."""
    if meter.kind not in COUNTERS and meter.kind != "operating_hours":
        return Decimal(0)
    if meter.last_value is None:
        return Decimal(0)
    if reset or value < meter.last_value:
        return value
    return value - meter.last_value


def _alarm(meter: Meter, value: Decimal) -> str | None:
    if meter.alarm_above is not None and value > meter.alarm_above:
        return f"{meter.code} at {value} {meter.unit}, above its limit {meter.alarm_above}"
    if meter.alarm_below is not None and value < meter.alarm_below:
        return f"{meter.code} at {value} {meter.unit}, below its limit {meter.alarm_below}"
    return None


async def _predictive(
    conn: asyncpg.Connection, caller: Caller, meter: Meter, alarm: str
) -> str | None:
    """A gauge past its limit opens a predictive order, unless one is open for it."""
    if await orders_repo.open_for_meter(conn, meter.id) is not None:
        return None
    new = NewOrder(
        plant_id=meter.plant_id,
        equipment_id=meter.equipment_id,
        kind="predictive",
        title=f"Condition alarm: {alarm}"[:200],
        priority=2,
        meter_id=meter.id,
        due_date=datetime.now(UTC).date(),
    )
    order = await create_in(conn, caller, new)
    return order.number if order else None


async def _apply(
    conn: asyncpg.Connection, caller: Caller, rows: list[tuple[int, BatchReading]], source: str
) -> ReadingsAccepted:
    """Readings in time order per meter under the meters' locks; a refusal names the row."""
    meters = await repo.lock_many(conn, sorted({r.meter_id for _, r in rows}, key=str))
    by_meter: dict[UUID, list[tuple[int, BatchReading]]] = defaultdict(list)
    for index, row in rows:
        if row.meter_id not in meters:
            raise Invalid("no such meter", f"/rows/{index}/meter_id")
        by_meter[row.meter_id].append((index, row))
    written: list[NewReading] = []
    orders: list[str] = []
    for meter_id, mine in by_meter.items():
        meter = meters[meter_id]
        for index, row in sorted(mine, key=lambda p: p[1].at):
            if meter.last_read_at is not None and row.at <= meter.last_read_at:
                raise Invalid(
                    f"older than the meter's last reading ({meter.last_read_at.isoformat()})",
                    f"/rows/{index}/at",
                )
            usage = _usage(meter, row.value, row.reset)
            written.append(
                NewReading(
                    meter=meter,
                    read_at=row.at,
                    value=row.value,
                    usage=usage,
                    reset=row.reset,
                    source=source,
                )
            )
            alarm = _alarm(meter, row.value)
            meter = msgspec.structs.replace(
                meter,
                last_value=row.value,
                last_read_at=row.at,
                total_usage=meter.total_usage + usage,
            )
            if alarm and (number := await _predictive(conn, caller, meter, alarm)):
                orders.append(number)
    await repo.record(conn, written)
    orders += await _usage_plans(conn, caller, list(by_meter))
    return ReadingsAccepted(rows=len(rows), meters=len(by_meter), work_orders=orders)


async def _usage_plans(
    conn: asyncpg.Connection, caller: Caller, meter_ids: list[UUID]
) -> list[str]:
    """Usage plans are checked whenever their meter moves."""
    made: list[str] = []
    today = datetime.now(UTC).date()
    for meter_id in sorted(meter_ids, key=str):
        result = await generation.generate_in(conn, caller, today, meter_id=meter_id)
        made += result.created
    return made


def _check_rows(rows: list[tuple[int, BatchReading]]) -> None:
    limit = datetime.now(UTC) + CLOCK_SKEW
    for index, row in rows:
        if not row.value.is_finite():
            raise Invalid("must be a finite number", f"/rows/{index}/value")
        if row.at > limit:
            raise Invalid("lies in the future", f"/rows/{index}/at")


async def record_reading(
    db: Database, caller: Caller, meter_id: UUID, data: ReadingCreate
) -> ReadingsAccepted:
    caller.require(*MACHINES)
    row = BatchReading(
        meter_id=meter_id, value=data.value, at=data.at or datetime.now(UTC), reset=data.reset
    )
    try:
        _check_rows([(0, row)])
        async with db.transaction(caller.tenant) as conn:
            return await _apply(conn, caller, [(0, row)], "manual")
    except DomainError as exc:
        # One reading: the pointer names its field, not a row of a batch.
        exc.errors = [
            {"pointer": e["pointer"].replace("/rows/0", ""), "detail": e["detail"]}
            for e in exc.errors
        ]
        raise


async def record_batch(db: Database, caller: Caller, data: BatchReadings) -> ReadingsAccepted:
    """Up to 10,000 readings from machines in one transaction: all or none."""
    caller.require(*MACHINES)
    rows = list(enumerate(data.rows))
    _check_rows(rows)
    async with db.transaction(caller.tenant) as conn:
        return await _apply(conn, caller, rows, "machine")


async def on_counts_logged(conn: asyncpg.Connection, event: CountsLogged) -> None:
    """Production's counts move the equipment's production-fed meters: cycles and strokes
    by the pieces, operating hours by the machine time they stand for."""
    if event.equipment_id is None:
        return
    await scope_plants(conn, event.plant_id)
    caller = system_caller(
        Tenant(event.organization_id, (event.plant_id,) if event.plant_id else (), "production")
    )
    meters = await repo.production_fed(conn, event.equipment_id)
    pieces = event.good_quantity + event.scrap_quantity + event.rework_quantity
    written: list[NewReading] = []
    for meter in meters:
        step = event.ideal_run_seconds / 3600 if meter.kind == "operating_hours" else pieces
        if step <= 0:
            continue
        at = (
            event.last_at
            if meter.last_read_at is None
            else max(event.last_at, meter.last_read_at + timedelta(microseconds=1))
        )
        value = (meter.last_value or Decimal(0)) + step
        written.append(
            NewReading(
                meter=meter, read_at=at, value=value, usage=step, reset=False, source="production"
            )
        )
    await repo.record(conn, written)
    await _usage_plans(conn, caller, [r.meter.id for r in written])
