"""The inventory KPIs from the rollups and the current stock and reorder states."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from reporting.inventory_facts import repo
from reporting.inventory_facts.models import (
    AgeingBucket,
    BelowReorderPage,
    LotAgeing,
    MovementPoint,
    MovementSeries,
    MovementType,
    StockPoint,
    StockSeries,
)
from reporting.quality_facts.service import _check_granularity, _label
from unison_pg import Database
from unison_web.caller import Caller
from unison_web.paging import after, check_limit, encode_cursor

ZERO = Decimal(0)
PLACES = Decimal("0.0001")
# Lot age buckets: (label, first day, last day or None).
AGES = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    (">365", 366, None),
)


def _ratio(part: Decimal, whole: Decimal) -> float | None:
    """Inputs summed first, then divided, rounded half-even to 4 places; null where the
    divisor is not positive (no stock, nothing issued)."""
    if whole <= 0:
        return None
    return float((part / whole).quantize(PLACES, ROUND_HALF_EVEN))


def _stock_point(label: str, s: repo.StockSums, quantities: bool) -> StockPoint:
    average_value = s.stock_value_days / s.days if s.days else ZERO
    average_quantity = s.stock_quantity_days / s.days if s.days else ZERO
    daily_issue = s.issued_value / s.days if s.days else ZERO
    daily_issue_quantity = s.issued_quantity / s.days if s.days else ZERO
    return StockPoint(
        bucket=label,
        start=s.bucket,
        days=s.days,
        stock_value=s.closing_value,
        average_stock_value=average_value.quantize(PLACES, ROUND_HALF_EVEN),
        issued_value=s.issued_value,
        turns=_ratio(s.issued_value, average_value),
        days_of_supply=_ratio(s.closing_value, daily_issue),
        stock_quantity=s.closing_quantity if quantities else None,
        average_stock_quantity=(
            average_quantity.quantize(PLACES, ROUND_HALF_EVEN) if quantities else None
        ),
        issued_quantity=s.issued_quantity if quantities else None,
        days_of_supply_quantity=(
            _ratio(s.closing_quantity, daily_issue_quantity) if quantities else None
        ),
    )


def _stock_total(first: date, rows: list[repo.StockSums]) -> repo.StockSums:
    return repo.StockSums(
        bucket=first,
        days=sum(r.days for r in rows),
        closing_quantity=rows[-1].closing_quantity,
        closing_value=rows[-1].closing_value,
        stock_quantity_days=sum((r.stock_quantity_days for r in rows), ZERO),
        stock_value_days=sum((r.stock_value_days for r in rows), ZERO),
        issued_quantity=sum((r.issued_quantity for r in rows), ZERO),
        issued_value=sum((r.issued_value for r in rows), ZERO),
    )


async def stock_series(
    db: Database, caller: Caller, period: tuple[date, date], granularity: str, where: repo.Where
) -> StockSeries:
    """Stock value, turns and days of supply per bucket of days ``period`` (inclusive) and
    for the whole period; every day of the period is a day of the averages."""
    first, last = period
    _check_granularity(granularity, first, last)
    if where[0] is not None:
        caller.check_plant(where[0])
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.stock(conn, period, granularity, where)
    quantities = where[1] is not None
    return StockSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=where[0],
        material_id=where[1],
        material_group=where[2],
        points=[_stock_point(_label(r.bucket, granularity), r, quantities) for r in rows],
        total=_stock_point("total", _stock_total(first, rows), quantities),
    )


def _add(into: dict[str, MovementType], row: repo.MovementSums) -> None:
    kept = into.get(row.movement_type)
    if kept is None:
        into[row.movement_type] = MovementType(
            movement_type=row.movement_type,
            documents=row.documents,
            lines=row.lines,
            quantity_in=row.quantity_in,
            quantity_out=row.quantity_out,
            value_in=row.value_in,
            value_out=row.value_out,
        )
        return
    if kept.documents is not None and row.documents is not None:
        kept.documents += row.documents
    kept.lines += row.lines
    kept.quantity_in += row.quantity_in
    kept.quantity_out += row.quantity_out
    kept.value_in += row.value_in
    kept.value_out += row.value_out


async def movement_series(
    db: Database, caller: Caller, period: tuple[date, date], granularity: str, where: repo.Where
) -> MovementSeries:
    """Goods movements per bucket and SAP movement type, and per type for the period."""
    first, last = period
    _check_granularity(granularity, first, last)
    if where[0] is not None:
        caller.check_plant(where[0])
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.movements(conn, period, granularity, where)
    buckets: dict[date, dict[str, MovementType]] = defaultdict(dict)
    total: dict[str, MovementType] = {}
    for row in rows:
        _add(buckets[row.bucket], row)
        _add(total, row)
    return MovementSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=where[0],
        material_id=where[1],
        material_group=where[2],
        points=[
            MovementPoint(
                bucket=_label(start, granularity), start=start, types=list(types.values())
            )
            for start, types in sorted(buckets.items())
        ],
        total=[total[k] for k in sorted(total)],
    )


def today() -> date:
    return datetime.now(UTC).date()


async def lot_ageing(db: Database, caller: Caller, where: repo.Where) -> LotAgeing:
    """The lots in stock now, by age (days since their first receipt into the plant)."""
    if where[0] is not None:
        caller.check_plant(where[0])
    as_of = today()
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = {r.bucket: r for r in await repo.lot_ageing(conn, as_of, where)}
    buckets = []
    for n, (label, low, high) in enumerate(AGES):
        r = rows.get(n)
        buckets.append(
            AgeingBucket(
                bucket=label,
                min_days=low,
                max_days=high,
                lots=r.lots if r else 0,
                quantity=r.quantity if r else ZERO,
                value=(r.value if r else ZERO).quantize(PLACES, ROUND_HALF_EVEN),
            )
        )
    return LotAgeing(
        as_of=as_of,
        plant_id=where[0],
        material_id=where[1],
        material_group=where[2],
        buckets=buckets,
        total=AgeingBucket(
            bucket="total",
            min_days=0,
            max_days=None,
            lots=sum(b.lots for b in buckets),
            quantity=sum((b.quantity for b in buckets), ZERO),
            value=sum((b.value for b in buckets), ZERO),
        ),
    )


async def below_reorder(
    db: Database,
    caller: Caller,
    where: tuple[UUID | None, str | None],
    cursor: str | None,
    limit: int,
) -> BelowReorderPage:
    """Materials below their reorder point now, longest below first (keyset paged)."""
    check_limit(limit)
    if where[0] is not None:
        caller.check_plant(where[0])
    keyset = after(cursor, datetime, UUID, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.below_reorder(conn, where, keyset, limit + 1)
        count = await repo.below_reorder_count(conn, where)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            [last.below_since.isoformat(), str(last.plant_id), str(last.material_id)]
        )
    return BelowReorderPage(count=count, items=items, next_cursor=next_cursor)


def check_period(period: tuple[date, date], granularity: str) -> None:
    """A reversed or too long period or an unknown granularity: 422, before any cache."""
    _check_granularity(granularity, *period)
