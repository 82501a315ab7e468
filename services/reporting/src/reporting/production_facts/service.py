"""The OEE dashboard from the rollups, and starting a rebuild."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from reporting.production_facts import figures, repo
from reporting.production_facts.models import (
    OeeGroup,
    OeeGroups,
    OeePoint,
    OeeSeries,
    RebuildRequest,
)
from unison_bus import enqueue
from unison_pg import Database
from unison_web import Invalid
from unison_web.caller import Caller

# The longest period per granularity: bounds the series (at most ~750 points), so it
# needs no paging.
MAX_DAYS = {"hour": 31, "day": 400, "week": 732, "month": 732}
MAX_REBUILD_DAYS = 732
REBUILD_KIND = "reporting.rebuild_rollups"
JOBS_QUEUE = "reporting_jobs"
ADMINS = ("admin",)
_SUMMED = tuple(f for f in repo.BucketSums.__struct_fields__ if f != "bucket")
_MINUTE = Decimal(60)


def _check_period(first: date, last: date, longest: int, what: str = "") -> None:
    if last < first:
        raise Invalid("the period ends before it starts", "/to")
    if (last - first).days + 1 > longest:
        raise Invalid(f"at most {longest} days{what}", "/to")


def _label(start: datetime, granularity: str) -> str:
    if granularity == "hour":
        return start.strftime("%Y-%m-%dT%H:00Z")
    if granularity == "week":
        year, week, _ = start.date().isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return start.strftime("%Y-%m")
    return start.date().isoformat()


def _minutes(seconds: Decimal) -> Decimal:
    return (seconds / _MINUTE).quantize(Decimal("0.001"))


def _point(sums: repo.BucketSums, label: str) -> OeePoint:
    factors, losses = figures.calculate(sums)
    return OeePoint(
        bucket=label,
        start=sums.bucket,
        shifts=sums.shifts,
        availability=factors.availability,
        performance=factors.performance,
        quality=factors.quality,
        oee=factors.oee,
        good=sums.good_count,
        scrap=sums.scrap_count,
        rework=sums.rework_count,
        quality_rejected=sums.quality_rejected_count,
        losses=losses,
        logged_good=sums.logged_good,
        logged_scrap=sums.logged_scrap,
        logged_rework=sums.logged_rework,
        downtime_planned_minutes=_minutes(sums.downtime_planned_seconds),
        downtime_unplanned_minutes=_minutes(sums.downtime_unplanned_seconds),
    )


def _total(rows: list[repo.BucketSums], start: datetime) -> repo.BucketSums:
    """The period's inputs: the buckets' sums added (never their ratios averaged)."""
    sums: dict[str, Any] = {n: sum((getattr(r, n) for r in rows), Decimal(0)) for n in _SUMMED}
    sums["shifts"] = int(sums["shifts"])
    return repo.BucketSums(bucket=start, **sums)


async def oee_series(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
) -> OeeSeries:
    """OEE per bucket of days ``period`` (inclusive; UTC hours for ``hour``, production
    days otherwise) of plant and work center ``where`` (None: all the caller sees)."""
    if granularity not in MAX_DAYS:
        raise Invalid("granularity must be one of hour, day, week, month", "/granularity")
    first, last = period
    _check_period(first, last, MAX_DAYS[granularity], f" by {granularity}")
    plant_id, work_center_id = where
    if plant_id is not None:
        caller.check_plant(plant_id)
    start = datetime.combine(first, time(), UTC)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if granularity == "hour":
            end = datetime.combine(last + timedelta(days=1), time(), UTC)
            rows = await repo.hourly(conn, (start, end), plant_id, work_center_id)
        else:
            rows = await repo.daily(conn, period, plant_id, work_center_id, granularity)
    return OeeSeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=plant_id,
        work_center_id=work_center_id,
        points=[_point(r, _label(r.bucket, granularity)) for r in rows],
        total=_point(_total(rows, start), "total"),
    )


GROUPS = ("work_center", "line", "shift")


async def oee_groups(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None, str | None],
    group_by: str | None,
) -> OeeGroups:
    """OEE as ``oee_series``, filtered to a line (the work centers on it now) and/or one
    series per work center, line or shift (``group_by``), each with its period total."""
    if granularity not in MAX_DAYS:
        raise Invalid("granularity must be one of hour, day, week, month", "/granularity")
    if group_by is not None and group_by not in GROUPS:
        raise Invalid("group_by must be one of work_center, line, shift", "/group_by")
    first, last = period
    _check_period(first, last, MAX_DAYS[granularity], f" by {granularity}")
    if where[0] is not None:
        caller.check_plant(where[0])
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.grouped(conn, period, granularity, where, group_by or "")
    start = datetime.combine(first, time(), UTC)
    by_group: dict[str, list[repo.BucketSums]] = {}
    for row in rows:
        sums = repo.BucketSums(**{f: getattr(row, f) for f in repo.BucketSums.__struct_fields__})
        by_group.setdefault(row.group_key, []).append(sums)
    return OeeGroups(
        granularity=granularity,
        group_by=group_by,
        first_day=first,
        last_day=last,
        plant_id=where[0],
        work_center_id=where[1],
        line=where[2],
        groups=[
            OeeGroup(
                key=key,
                points=[_point(r, _label(r.bucket, granularity)) for r in sums],
                total=_point(_total(sums, start), "total"),
            )
            for key, sums in sorted(by_group.items())
        ],
    )


async def request_rebuild(db: Database, caller: Caller, data: RebuildRequest) -> UUID:
    """Queue the rebuild of the period's rollups (admins only)."""
    caller.require(*ADMINS)
    _check_period(data.first, data.last, MAX_REBUILD_DAYS, " in one rebuild")
    params = {
        **msgspec.to_builtins(data),
        "plant_ids": [str(p) for p in caller.tenant.plant_ids],
        "requested_by": caller.user,
    }
    async with db.transaction(caller.tenant) as conn:
        archived = await repo.archived_months(conn, data.first, data.last)
        if archived:
            raise Invalid(
                "the facts of "
                + ", ".join(archived)
                + " were archived: a rebuild would lose those months' rollups; rebuild"
                " a period without them",
                "/from",
            )
        return await enqueue(
            conn,
            queue=JOBS_QUEUE,
            organization_id=caller.tenant.organization_id,
            kind=REBUILD_KIND,
            params=params,
        )
