"""SPC use cases: a chart of one characteristic, and the watch that tells subscribers of
a new run rule violation as results arrive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
import msgspec
from msgspec import Meta

from quality import spc
from quality.caller import Caller
from quality.charts import repo
from quality.charts.models import SpcChart, Specification
from quality.charts.subgroups import subgroups
from quality.notifications import notify
from quality.plans.models import Characteristic
from unison_pg import Database
from unison_web import Invalid, checks

DEFAULT_SPAN = timedelta(days=365)
# The watch judges a new result against the recent history of its characteristic: enough
# points for the run rules (the longest, Nelson's 15 in zone C, needs 15), few enough to be
# cheap on every batch a gauge sends.
WATCH_POINTS = 100
WATCH_MINIMUM = 20
WATCH_SPAN = timedelta(days=90)


class ChartQuery(msgspec.Struct, kw_only=True, frozen=True):
    plant_id: UUID
    material_id: UUID
    characteristic: str
    kind: spc.ChartKind = "i_mr"
    subgroup_size: Annotated[int, Meta(ge=2, le=25)] = 5
    points: Annotated[int, Meta(ge=2, le=100_000)] = 1000
    since: datetime | None = None
    baseline: Annotated[int, Meta(ge=1)] | None = None
    ruleset: spc.Ruleset = "nelson"


def _specification(c: Characteristic | None) -> Specification | None:
    if c is None:
        return None
    return Specification(
        code=c.code, name=c.name, unit=c.unit, nominal=c.nominal, lsl=c.lsl, usl=c.usl
    )


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _capability(
    spec: Specification | None, q: ChartQuery, values: list[float], groups: list[list[float]]
) -> spc.Capability | None:
    if spec is None or (spec.lsl is None and spec.usl is None):
        return None
    lsl, usl = _float(spec.lsl), _float(spec.usl)
    try:
        if q.kind == "i_mr":
            return spc.capability_individuals(values, lsl=lsl, usl=usl)
        method: Literal["range", "stdev"] = "range" if q.kind == "xbar_r" else "stdev"
        return spc.capability(groups, lsl=lsl, usl=usl, method=method)
    except ValueError:
        return None  # too few measurements, or limits the plan got wrong (LSL >= USL)


async def chart(db: Database, caller: Caller, q: ChartQuery) -> SpcChart:
    caller.check_plant(q.plant_id)
    code = checks.code(q.characteristic)
    since = q.since or datetime.now(UTC) - DEFAULT_SPAN
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.series(conn, (q.material_id, code, q.plant_id), q.points, since)
        spec = (
            _specification(await repo.specification(conn, found.inspections[-1], code))
            if found.inspections
            else None
        )
    values = found.values
    if len(values) < 2:
        raise Invalid(
            f"{len(values)} measurement(s) of {code} since {since:%Y-%m-%d}: a chart needs 2",
            "/characteristic",
        )
    groups: list[list[float]] = []
    left_out = 0
    try:
        if q.kind == "i_mr":
            control = spc.individuals(
                values, baseline=q.baseline, timestamps=found.times, ruleset=q.ruleset
            )
        else:
            cut = subgroups(values, found.times, found.inspections, q.subgroup_size)
            groups, left_out = cut.groups, cut.left_out
            if not groups:
                raise Invalid(
                    f"no lot has {q.subgroup_size} measurements of {code} for a subgroup",
                    "/subgroup_size",
                )
            make = spc.xbar_r if q.kind == "xbar_r" else spc.xbar_s
            control = make(
                groups, baseline=q.baseline, timestamps=cut.timestamps, ruleset=q.ruleset
            )
    except ValueError as e:
        raise Invalid(str(e), "/baseline") from None
    return SpcChart(
        plant_id=q.plant_id,
        material_id=q.material_id,
        specification=spec,
        measurements=len(values),
        left_out=left_out,
        first=found.times[0],
        last=found.times[-1],
        chart=control,
        capability=_capability(spec, q, values, groups),
    )


async def watch(
    conn: asyncpg.Connection,
    caller: Caller,
    lot: tuple[UUID, UUID, UUID, str],
    codes: list[str],
    since: datetime,
) -> list[str]:
    """After results of inspection lot (plant, material, inspection, number) came in:
    the run rule violations their measurements triggered on each characteristic's
    individuals chart (Nelson), told to the subscribers of ``spc_violation``. Returns the
    lines told."""
    plant_id, material_id, inspection_id, number = lot
    told: list[str] = []
    start = datetime.now(UTC) - WATCH_SPAN
    for code in codes:
        found = await repo.series(conn, (material_id, code, plant_id), WATCH_POINTS, start)
        if len(found.values) < WATCH_MINIMUM:
            continue
        control = spc.individuals(found.values, timestamps=found.times)
        for v in control.location.violations:
            at = v.triggered_at
            if found.inspections[at] == inspection_id and found.times[at] >= since:
                told.append(f"{code}: {v.name} (value {found.values[at]:g})")
    if told:
        await notify(
            conn,
            kind="spc_violation",
            plant_id=plant_id,
            subject=f"SPC: {len(told)} rule violation(s) in inspection {number}",
            body="\n".join([f"Inspection {number}, material {material_id}", "", *told]),
            organization_id=caller.tenant.organization_id,
        )
    return told
