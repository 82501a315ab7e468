"""The Cpk trend: quality's measured values as facts, their daily additive pieces
(recomputed in the fact's transaction), and Cp/Cpk/Pp/Ppk of any bucket from them.

Quality's capability of a characteristic (its I-MR chart, ``spc.capability_individuals``)
takes the values in time order: mean, overall sigma (n - 1) and sigma within = MR-bar/d2
with d2 = 1.128 for the moving range of two. All of it is additive per day given n, the
sum and the sum of squares, the day's moving ranges (sum and count) and its first and
last value: the moving range between two days is |first of the later - last of the
earlier|, added when a bucket of several days is read. So a bucket's figures equal
quality's over the same values, without reading the values again.

Definitional differences, documented: quality's X-bar charts (subgroups of a chosen size
within a lot, sigma within = R-bar/d2 or S-bar/c4) are not reproduced: the subgroup size
is the chart's parameter, not the characteristic's; the trend is the individuals'
capability, which is quality's default chart. Quality reads the latest N values of a
series; a bucket here holds all of its values. The limits are the bucket's last
measurement's (quality: the latest inspection's plan).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from reporting.quality_facts.models import CapabilityPoint, CapabilitySeries
from unison_events.quality import MeasurementsRecorded
from unison_pg import Database, Queries
from unison_pg.rows import many
from unison_web import Invalid, checks
from unison_web.caller import Caller

SQL = Queries.load(Path(__file__).with_name("capability.sql"))
# d2 for a moving range of two (Montgomery, Appendix VI), as quality.spc.constants.
D2 = 1.128
MAX_DAYS = {"day": 400, "week": 732, "month": 732}


class DaySums(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    n: int
    sum: Decimal
    sum_squares: Decimal
    mr_count: int
    mr_sum: Decimal
    first_value: Decimal
    last_value: Decimal
    lsl: Decimal | None
    usl: Decimal | None


async def add(conn: asyncpg.Connection, e: MeasurementsRecorded) -> set[date]:
    """Keep the event's measurements and recompute the days they (and the ones they
    replace) fall on. Returns those days."""
    rows = e.measurements
    if not rows or e.plant_id is None:
        return set()
    codes = sorted({r.characteristic for r in rows})
    for code in codes:  # sorted: two events of the same characteristics never deadlock
        await conn.execute(SQL.lock_stream, e.plant_id, e.material_id, code)
    touched = await conn.fetch(
        SQL.add_measurements,
        [r.measured_at for r in rows],
        [r.characteristic for r in rows],
        [r.sample_no for r in rows],
        [r.value for r in rows],
        [r.lsl for r in rows],
        [r.usl for r in rows],
        list(range(len(rows))),
        e.inspection_id,
        e.plant_id,
        e.material_id,
        e.id,
    )
    days_of: dict[str, list[date]] = {}
    for t in touched:
        days_of.setdefault(t["characteristic"], []).append(t["day"])
    for code, days in sorted(days_of.items()):
        stream = (e.plant_id, e.material_id, code)
        await conn.execute(SQL.clear_days, *stream, days)
        await conn.execute(SQL.recompute_days, *stream, days)
    return {t["day"] for t in touched}


async def rebuild(conn: asyncpg.Connection, first: date, last: date) -> int:
    """spc_daily of days [first, last] from the facts (the caller holds the organization
    exclusively; handlers lock their streams, and hold the organization shared)."""
    await conn.execute(SQL.rebuild_delete, first, last)
    written: int = await conn.fetchval(SQL.rebuild, first, last)
    return written


def _f(value: Fraction | Decimal | None) -> float | None:
    return None if value is None else float(value)


def _indices(
    mean: float, sigma: float | None, lsl: float | None, usl: float | None
) -> tuple[float | None, float | None]:
    """(C, Ck) for one sigma, as quality's ``_indices``."""
    if sigma is None or sigma <= 0:
        return None, None
    upper = None if usl is None else (usl - mean) / (3 * sigma)
    lower = None if lsl is None else (mean - lsl) / (3 * sigma)
    both = None if usl is None or lsl is None else (usl - lsl) / (6 * sigma)
    sides = [x for x in (upper, lower) if x is not None]
    return both, min(sides) if sides else None


def combine(label: str, start: date, days: Sequence[DaySums]) -> CapabilityPoint:
    """A bucket's capability from its days' pieces (in day order)."""
    n = sum(d.n for d in days)
    lsl = _f(days[-1].lsl) if days else None
    usl = _f(days[-1].usl) if days else None
    if n < 2:
        return CapabilityPoint(
            bucket=label,
            start=start,
            n=n,
            mean=_f(days[0].sum) if n else None,
            sigma_within=None,
            sigma_overall=None,
            lsl=lsl,
            usl=usl,
            cp=None,
            cpk=None,
            pp=None,
            ppk=None,
        )
    total = sum((Fraction(d.sum) for d in days), Fraction(0))
    squares = sum((Fraction(d.sum_squares) for d in days), Fraction(0))
    # Exact: the one-pass formula loses no digits in fractions (it does in floats).
    variance = (squares - total * total / n) / (n - 1)
    mr_sum = sum((Fraction(d.mr_sum) for d in days), Fraction(0))
    # The moving range across each day boundary (itertools.pairwise of the days).
    mr_sum += sum(
        (abs(Fraction(b.first_value) - Fraction(a.last_value)) for a, b in pairwise(days)),
        Fraction(0),
    )
    mr_count = sum(d.mr_count for d in days) + len(days) - 1
    mean = float(total / n)
    within = float(mr_sum / mr_count) / D2
    overall = math.sqrt(float(variance))
    cp, cpk = _indices(mean, within, lsl, usl)
    pp, ppk = _indices(mean, overall, lsl, usl)
    return CapabilityPoint(
        bucket=label,
        start=start,
        n=n,
        mean=mean,
        sigma_within=within,
        sigma_overall=overall,
        lsl=lsl,
        usl=usl,
        cp=cp,
        cpk=cpk,
        pp=pp,
        ppk=ppk,
    )


def _bucket(day: date, granularity: str) -> tuple[str, date]:
    if granularity == "week":
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", date.fromordinal(day.toordinal() - weekday + 1)
    if granularity == "month":
        return day.strftime("%Y-%m"), day.replace(day=1)
    return day.isoformat(), day


async def capability_series(
    db: Database,
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    series: tuple[UUID, UUID, str],
) -> CapabilitySeries:
    """Cp, Cpk, Pp, Ppk per bucket of ``period`` and for the period, of characteristic
    ``series`` = (plant, material, code)."""
    if granularity not in MAX_DAYS:
        raise Invalid("granularity must be one of day, week, month", "/granularity")
    first, last = period
    if last < first:
        raise Invalid("the period ends before it starts", "/to")
    if (last - first).days + 1 > MAX_DAYS[granularity]:
        raise Invalid(f"at most {MAX_DAYS[granularity]} days by {granularity}", "/to")
    plant_id, material_id, raw = series
    code = checks.code(raw)
    if not code:
        raise Invalid("must not be blank", "/characteristic")
    caller.check_plant(plant_id)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = many(await conn.fetch(SQL.days, plant_id, material_id, code, first, last), DaySums)
    buckets: dict[tuple[str, date], list[DaySums]] = {}
    for row in rows:
        buckets.setdefault(_bucket(row.day, granularity), []).append(row)
    return CapabilitySeries(
        granularity=granularity,
        first_day=first,
        last_day=last,
        plant_id=plant_id,
        material_id=material_id,
        characteristic=code,
        points=[combine(label, start, days) for (label, start), days in buckets.items()],
        total=combine("total", first, rows),
    )
