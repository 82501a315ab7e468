"""OEE for any period, read from the buckets: per shift, day, ISO week or month, for a
work center, a line or a plant; several periods or work centers are combined by summing
their inputs (an average of OEEs would weigh a short shift like a long one)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec

from production import oee
from production.caller import Caller
from production.oee_tracking import repo
from production.work_centers import repo as work_centers_repo
from unison_pg import Database
from unison_web import Invalid, NotFound

Granularity = Literal["shift", "day", "week", "month", "total"]
MAX_DAYS = 400
# A plant's work centers fit one read: hundreds, not tens of thousands.
MAX_CENTERS = 10_000


class OeeQuery(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    first: date
    last: date
    granularity: Granularity = "day"
    work_center_id: UUID | None = None
    line: str | None = None


class OeePeriod(msgspec.Struct, kw_only=True):
    """One period's factors and loss tree, and the inputs they came from."""

    period: str
    start: date
    end: date
    shift_code: str | None = None
    inputs: oee.OeeInputs
    result: oee.OeeResult | None
    error: str | None = None


class OeeReport(msgspec.Struct, kw_only=True):
    plant_id: UUID
    work_center_ids: list[UUID]
    granularity: Granularity
    periods: list[OeePeriod]
    total: OeePeriod


def _key(bucket: repo.Bucket, granularity: Granularity) -> tuple[str, date, date, str | None]:
    day = bucket.production_day
    if granularity == "shift":
        return f"{day.isoformat()} {bucket.shift_code}", day, day, bucket.shift_code
    if granularity == "day":
        return day.isoformat(), day, day, None
    if granularity == "week":
        monday = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", monday, monday + timedelta(days=6), None
    if granularity == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return f"{day.year:04d}-{day.month:02d}", first, following - timedelta(days=1), None
    raise AssertionError(granularity)


def _elapsed(bucket: repo.Bucket, now: datetime) -> repo.Bucket:
    """A shift still running counts the planned time that has passed, not the whole
    shift: otherwise every morning would look like a breakdown."""
    if bucket.shift_end <= now or bucket.shift_start >= now:
        return bucket
    whole = Decimal((bucket.shift_end - bucket.shift_start).total_seconds())
    if not whole:
        return bucket
    share = Decimal((now - bucket.shift_start).total_seconds()) / whole
    return msgspec.structs.replace(
        bucket,
        scheduled_seconds=(bucket.scheduled_seconds * share).quantize(Decimal(1)),
        break_seconds=(bucket.break_seconds * share).quantize(Decimal(1)),
    )


def _period(key: tuple[str, date, date, str | None], parts: Iterable[repo.Bucket]) -> OeePeriod:
    label, start, end, shift = key
    period = OeePeriod(
        period=label,
        start=start,
        end=end,
        shift_code=shift,
        inputs=oee.OeeInputs(scheduled_seconds=Decimal(0)),
        result=None,
    )
    try:
        period.inputs = oee.total(b.inputs() for b in parts)
        period.result = oee.calculate(period.inputs)
    except ValueError as exc:
        # Stops and setup booked over each other (a stop reported during a setup) can
        # exceed the planned time: show why there are no factors rather than fail.
        period.error = str(exc)
    return period


async def report(db: Database, caller: Caller, query: OeeQuery) -> OeeReport:
    caller.check_plant(query.plant_id)
    if query.last < query.first:
        raise Invalid("must not be before from", "/to")
    if (query.last - query.first).days > MAX_DAYS:
        raise Invalid(f"at most {MAX_DAYS} days", "/to")
    async with db.transaction(caller.tenant, readonly=True) as conn:
        in_plant = await work_centers_repo.page(
            conn, query.plant_id, query.line, None, None, MAX_CENTERS
        )
        centers = [c for c in in_plant if query.work_center_id in (None, c.id)]
        if query.work_center_id is not None and not centers:
            raise NotFound(f"work center {query.work_center_id} does not exist in this plant")
        buckets = await repo.buckets(conn, [c.id for c in centers], query.first, query.last)
    now = datetime.now(UTC)
    buckets = [_elapsed(b, now) for b in buckets if b.shift_start < now]
    groups: dict[tuple[str, date, date, str | None], list[repo.Bucket]] = defaultdict(list)
    if query.granularity != "total":
        for bucket in buckets:
            groups[_key(bucket, query.granularity)].append(bucket)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1], min(b.shift_start for b in kv[1])))
    periods = [_period(key, parts) for key, parts in ordered]
    total = _period(("total", query.first, query.last, None), buckets)
    return OeeReport(
        plant_id=query.plant_id,
        work_center_ids=[c.id for c in centers],
        granularity=query.granularity,
        periods=periods,
        total=total,
    )
