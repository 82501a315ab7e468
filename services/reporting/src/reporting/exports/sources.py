"""What can be exported: the dashboards (their series, exactly as the endpoints compute
them, one row per bucket and a ``total`` row) and the fact ranges (every fact of the
period, read in keyset batches), with the filters each one takes."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints
from uuid import UUID

import msgspec

from reporting.exports.models import Column, ExportRequest
from reporting.exports.repo import FACTS
from reporting.maintenance_facts import service as maintenance
from reporting.maintenance_facts.models import KpiPoint
from reporting.production_facts import service as production
from reporting.production_facts.models import OeePoint
from reporting.quality_facts import service as quality
from reporting.quality_facts.models import CapaOnTime, DefectBar, NcrAgeing, NcrPoint, YieldPoint
from unison_pg import Database, Tenant
from unison_web import Invalid
from unison_web.caller import Caller

Row = Sequence[Any]


class Source(msgspec.Struct, frozen=True, kw_only=True):
    """``granularities`` (first is the default) and the longest period for each; a
    source without granularity has one longest period under ``""``."""

    name: str
    filters: frozenset[str]
    max_days: dict[str, int]

    @property
    def granularities(self) -> tuple[str, ...]:
        return tuple(g for g in self.max_days if g)


class FactSource(Source, frozen=True, kw_only=True):
    """A fact table read in keyset batches: ``columns`` as its batch query returns them,
    ``key`` the columns of its order (the primary key after the organization), and
    whether its time column is a date."""

    columns: tuple[Column, ...]
    key: tuple[str, ...]
    by_day: bool = False


_PERIOD = {"": quality.MAX_PERIOD}
_WC = frozenset({"plant_id", "work_center_id"})
_MATERIAL = frozenset({"plant_id", "material_id"})


def _cols(spec: str) -> tuple[Column, ...]:
    """``"name:kind name:kind ..."``, kinds as :class:`Column` lists them."""
    return tuple(Column(*c.split(":")) for c in spec.split())


KPIS: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            name="production.oee",
            filters=_WC,
            max_days={"day": 400, **production.MAX_DAYS},
        ),
        Source(name="quality.fpy", filters=_MATERIAL, max_days={"day": 400, **quality.MAX_DAYS}),
        Source(name="quality.defects", filters=frozenset({"plant_id"}), max_days=_PERIOD),
        Source(
            name="quality.ncrs",
            filters=frozenset({"plant_id"}),
            max_days={"week": 732, **quality.MAX_DAYS},
        ),
        Source(name="quality.capa_on_time", filters=frozenset({"plant_id"}), max_days=_PERIOD),
        Source(
            name="maintenance.kpis",
            filters=frozenset({"plant_id", "equipment_id"}),
            max_days={"day": 400, **quality.MAX_DAYS},
        ),
    )
}
FACT_SOURCES: dict[str, FactSource] = {
    s.name: s
    for s in (
        FactSource(
            name="facts.counts",
            filters=_WC,
            max_days=_PERIOD,
            columns=_cols(
                "logged_at:timestamp event_id:uuid plant_id:uuid work_center_id:uuid"
                " first_at:timestamp good_quantity:number scrap_quantity:number"
                " rework_quantity:number ideal_run_seconds:number source:text"
            ),
            key=("logged_at", "event_id"),
        ),
        FactSource(
            name="facts.downtimes",
            filters=_WC,
            max_days=_PERIOD,
            columns=_cols(
                "started_at:timestamp downtime_id:uuid event_id:uuid plant_id:uuid"
                " work_center_id:uuid ended_at:timestamp seconds:number planned:boolean"
                " loss:text reason_code:text"
            ),
            key=("started_at", "downtime_id"),
        ),
        FactSource(
            name="facts.shifts",
            filters=_WC,
            max_days=_PERIOD,
            columns=_cols(
                "shift_start:timestamp work_center_id:uuid production_day:date shift_code:text"
                " plant_id:uuid line:text shift_end:timestamp scheduled_seconds:number"
                " break_seconds:number planned_stop_seconds:number breakdown_seconds:number"
                " setup_seconds:number minor_stop_seconds:number ideal_run_seconds:number"
                " good_count:number scrap_count:number rework_count:number"
                " quality_rejected_count:number"
            ),
            key=("shift_start", "work_center_id", "production_day", "shift_code"),
        ),
        FactSource(
            name="facts.quality_days",
            filters=_MATERIAL,
            max_days=_PERIOD,
            columns=_cols(
                "day:date plant_id:uuid material_id:uuid work_center_key:uuid"
                " inspected:number passed_first_time:number defects:text"
            ),
            key=("day", "plant_id", "material_id", "work_center_key"),
            by_day=True,
        ),
        FactSource(
            name="facts.inspections",
            filters=_MATERIAL,
            max_days=_PERIOD,
            columns=_cols(
                "decided_at:timestamp inspection_id:uuid plant_id:uuid material_id:uuid"
                " work_center_key:uuid lot:text decision:text accepted_quantity:number"
                " rejected_quantity:number"
            ),
            key=("decided_at", "inspection_id"),
        ),
        FactSource(
            name="facts.maintenance_days",
            filters=frozenset({"plant_id", "equipment_id"}),
            max_days=_PERIOD,
            columns=_cols(
                "day:date plant_id:uuid equipment_id:uuid planned_operating_hours:number"
                " downtime_hours:number failures:integer repairs:integer repair_hours:number"
                " maintenance_hours:number planned_maintenance_hours:number pm_due:integer"
                " pm_on_time:integer backlog_count:integer backlog_hours:number"
                " labour_cost:number parts_cost:number"
            ),
            key=("day", "plant_id", "equipment_id"),
            by_day=True,
        ),
    )
}
SOURCES: dict[str, Source] = {**KPIS, **FACT_SOURCES}
_FILTERS = ("plant_id", "work_center_id", "material_id", "equipment_id")


def check(request: ExportRequest, caller: Caller) -> str:
    """Refuse what the job would refuse, before it is queued; returns the granularity
    (``""`` for a source without one)."""
    source = SOURCES.get(request.source)
    if source is None:
        raise Invalid(f"source must be one of {', '.join(sorted(SOURCES))}", "/source")
    filters = request.filters
    for name in _FILTERS:
        if getattr(filters, name) is not None and name not in source.filters:
            raise Invalid(f"{name} does not apply to {source.name}", f"/filters/{name}")
    granularity = ""
    if source.granularities:
        granularity = filters.granularity or source.granularities[0]
        if granularity not in source.max_days:
            choices = ", ".join(dict.fromkeys(source.granularities))
            raise Invalid(f"granularity must be one of {choices}", "/filters/granularity")
    elif filters.granularity is not None:
        raise Invalid(f"{source.name} has no granularity", "/filters/granularity")
    if request.last < request.first:
        raise Invalid("the period ends before it starts", "/to")
    longest = source.max_days[granularity]
    if (request.last - request.first).days + 1 > longest:
        raise Invalid(f"at most {longest} days", "/to")
    if filters.plant_id is not None:
        caller.check_plant(filters.plant_id)
    return granularity


# ---------------------------------------------------------------- dashboards


_KINDS = {
    str: "text",
    datetime: "timestamp",
    date: "date",
    int: "integer",
    Decimal: "number",
    float: "number",
    UUID: "uuid",
    bool: "boolean",
}


def _bare(hint: Any) -> Any:
    if get_origin(hint) in (Union, UnionType):
        return next(a for a in get_args(hint) if a is not NoneType)
    return hint


def columns_of(cls: type[msgspec.Struct]) -> list[Column]:
    """The columns of a series point, nested structs (the loss tree) flattened."""
    hints = get_type_hints(cls)
    found: list[Column] = []
    for name in cls.__struct_fields__:
        hint = _bare(hints[name])
        if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
            found.extend(columns_of(hint))
        else:
            found.append(Column(name, _KINDS[hint]))
    return found


def values_of(item: msgspec.Struct) -> list[Any]:
    found: list[Any] = []
    for name in item.__struct_fields__:
        value = getattr(item, name)
        found.extend(values_of(value) if isinstance(value, msgspec.Struct) else [value])
    return found


async def kpi_table(
    db: Database, tenant: Tenant, request: ExportRequest, granularity: str
) -> tuple[list[Column], list[Row]]:
    """The dashboard's series as rows: the same service call its endpoint makes."""
    caller = Caller(tenant=tenant)
    period = (request.first, request.last)
    f = request.filters
    match request.source:
        case "production.oee":
            oee = await production.oee_series(
                db, caller, period, granularity, (f.plant_id, f.work_center_id)
            )
            return columns_of(OeePoint), [values_of(p) for p in (*oee.points, oee.total)]
        case "quality.fpy":
            fpy = await quality.fpy_series(
                db, caller, period, granularity, (f.plant_id, f.material_id)
            )
            return columns_of(YieldPoint), [values_of(p) for p in (*fpy.points, fpy.total)]
        case "quality.defects":
            pareto = await quality.defect_pareto(db, caller, period, f.plant_id)
            rows: list[Row] = [values_of(b) for b in pareto.defects]
            return columns_of(DefectBar), [*rows, ["total", pareto.total, None, None]]
        case "quality.ncrs":
            ncrs = await quality.ncr_series(db, caller, period, granularity, f.plant_id)
            ageing = columns_of(NcrAgeing)
            rows = [[*values_of(p), *[None] * len(ageing)] for p in ncrs.points]
            total = ["total", request.first, ncrs.opened, ncrs.closed, *values_of(ncrs.ageing)]
            return [*columns_of(NcrPoint), *ageing], [*rows, total]
        case "quality.capa_on_time":
            capa = await quality.capa_on_time(db, caller, period, f.plant_id)
            return columns_of(CapaOnTime), [values_of(capa)]
        case _:
            kpis = await maintenance.kpi_series(
                db, caller, period, granularity, (f.plant_id, f.equipment_id)
            )
            return columns_of(KpiPoint), [values_of(p) for p in (*kpis.points, kpis.total)]


# ---------------------------------------------------------------- fact ranges

_LOWEST: dict[str, Any] = {"uuid": UUID(int=0), "date": date.min, "text": ""}


def _span(source: FactSource, first: date, last: date) -> tuple[Any, Any]:
    if source.by_day:
        return first, last + timedelta(days=1)
    return datetime.combine(first, time(), UTC), datetime.combine(
        last + timedelta(days=1), time(), UTC
    )


def _key_at(source: FactSource, lead: Any) -> tuple[Any, ...]:
    """The lowest key of time ``lead``."""
    kinds = {c.name: c.kind for c in source.columns}
    return (lead, *(_LOWEST[kinds[k]] for k in source.key[1:]))


def _before(source: FactSource, start: Any) -> tuple[Any, ...]:
    """A key just before every row of the range: the first batch's 'previous row'."""
    return _key_at(
        source, start - (timedelta(days=1) if source.by_day else timedelta(microseconds=1))
    )


def _where(source: FactSource, request: ExportRequest) -> tuple[UUID | None, UUID | None]:
    f = request.filters
    second = next((n for n in _FILTERS[1:] if n in source.filters), "")
    return f.plant_id, getattr(f, second) if second else None


async def fact_count(db: Database, tenant: Tenant, request: ExportRequest) -> int:
    source = FACT_SOURCES[request.source]
    query = getattr(FACTS, source.name.removeprefix("facts.") + "_count")
    span = _span(source, request.first, request.last)
    async with db.transaction(tenant, readonly=True) as conn:
        total: int = await conn.fetchval(query, *span, *_where(source, request))
    return total


async def fact_batches(
    db: Database, tenant: Tenant, request: ExportRequest, size: int
) -> AsyncGenerator[list[Row], None]:
    """Every fact of the range in order, ``size`` rows at a time, each batch its own
    short read transaction (keyset on the primary key: one index range scan each)."""
    source = FACT_SOURCES[request.source]
    query = getattr(FACTS, source.name.removeprefix("facts.") + "_batch")
    span = _span(source, request.first, request.last)
    where = _where(source, request)
    # Every row of the range is before the range's end.
    key, beyond = _before(source, span[0]), _key_at(source, span[1])
    while True:
        async with db.transaction(tenant, readonly=True) as conn:
            rows = await conn.fetch(query, *span, *where, *key, *beyond, size)
        if rows:
            yield rows
        if len(rows) < size:
            return
        key = tuple(rows[-1][k] for k in source.key)


async def fact_copy(
    db: Database,
    tenant: Tenant,
    request: ExportRequest,
    size: int,
    output: Callable[[bytes], Awaitable[None]],
) -> AsyncGenerator[int, None]:
    """Every fact of the range in order as CSV (PostgreSQL's text of each value, times in
    UTC) written to ``output`` by ``COPY``, about ``size`` rows a batch; yields each
    batch's row count. No row passes through Python: the fast way for CSV and Parquet.
    Each batch is the rows between two keys (the previous batch's last and this one's,
    read first), so a fact arriving meanwhile is neither lost nor written twice."""
    source = FACT_SOURCES[request.source]
    name = source.name.removeprefix("facts.")
    span = _span(source, request.first, request.last)
    where = _where(source, request)
    key = _before(source, span[0])
    while True:
        async with db.transaction(tenant, readonly=True) as conn:
            last = await conn.fetchrow(getattr(FACTS, f"{name}_last"), *span, *where, *key, size)
            if last is None:
                return
            upper = tuple(last)
            await conn.execute("SET LOCAL TimeZone = 'UTC'")
            status = await conn.copy_from_query(
                getattr(FACTS, f"{name}_batch"),
                *span,
                *where,
                *key,
                *upper,
                None,
                output=output,
                format="csv",
            )
        yield int(status.split()[-1])
        key = upper
