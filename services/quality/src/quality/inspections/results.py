"""Recording results: one sample's result per characteristic, from an inspector or in
thousands from a gauge; the plan's verdict follows at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from quality.caller import MACHINES, Caller
from quality.charts.service import watch
from quality.inspections import repo
from quality.inspections.models import Inspection, ResultIn, Results, ResultsAccepted
from quality.inspections.repo import NewResult
from quality.inspections.verdict import verdict
from quality.plans.models import Characteristic
from unison_bus import LiveUpdate, notify_live, publish
from unison_events.quality import Measurement, MeasurementsRecorded
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound

CLOCK_SKEW = timedelta(minutes=1)


def _passed(c: Characteristic, row: ResultIn, at: str) -> bool:
    if c.kind == "measured":
        if row.value is None or not row.value.is_finite():
            raise Invalid(f"{c.code} is measured: give its value", f"{at}/value")
        return (c.lsl is None or row.value >= c.lsl) and (c.usl is None or row.value <= c.usl)
    if row.passed is None:
        raise Invalid(f"{c.code} is an attribute: say whether it passed", f"{at}/passed")
    if (
        row.defect_code is not None
        and c.defect_codes
        and row.defect_code.upper() not in c.defect_codes
    ):
        raise Invalid(f"{row.defect_code} is not a defect of {c.code}", f"{at}/defect_code")
    return row.passed


def _rows(inspection: Inspection, data: Results, now: datetime) -> list[NewResult]:
    by_code = {c.code: c for c in inspection.characteristics}
    rows: list[NewResult] = []
    for i, row in enumerate(data.rows):
        at = f"/rows/{i}"
        c = by_code.get(row.characteristic.upper())
        if c is None:
            raise Invalid(
                f"the plan has no characteristic {row.characteristic}", f"{at}/characteristic"
            )
        if row.sample_no > inspection.sample_size:
            raise Invalid(f"the sample has {inspection.sample_size} pieces", f"{at}/sample_no")
        measured_at = row.measured_at or now
        if measured_at > now + CLOCK_SKEW:
            raise Invalid("lies in the future", f"{at}/measured_at")
        passed = _passed(c, row, at)
        rows.append(
            NewResult(
                measured_at=measured_at.astimezone(UTC),
                characteristic=c.code,
                sample_no=row.sample_no,
                value=row.value if c.kind == "measured" else None,
                passed=passed,
                defect_code=row.defect_code.upper() if row.defect_code else None,
            )
        )
    return rows


def _measurements(
    caller: Caller, inspection: Inspection, rows: list[NewResult]
) -> MeasurementsRecorded:
    """The measured values for reporting's capability trend, with the limits they were
    judged against, in the order recorded."""
    by_code = {c.code: c for c in inspection.characteristics}
    return MeasurementsRecorded(
        organization_id=caller.tenant.organization_id,
        plant_id=inspection.plant_id,
        inspection_id=inspection.id,
        material_id=inspection.material_id,
        work_center_id=inspection.work_center_id,
        measurements=tuple(
            Measurement(
                characteristic=r.characteristic,
                sample_no=r.sample_no,
                value=r.value,
                measured_at=r.measured_at,
                lsl=by_code[r.characteristic].lsl,
                usl=by_code[r.characteristic].usl,
            )
            for r in rows
            if r.value is not None
        ),
    )


async def record(
    db: Database, caller: Caller, inspection_id: UUID, data: Results
) -> ResultsAccepted:
    """Results of one lot, all or none (a refusal names the row); a measurement recorded
    again replaces the earlier one in the verdict (the history keeps both)."""
    caller.require(*MACHINES)
    now = datetime.now(UTC)
    async with db.transaction(caller.tenant) as conn:
        inspection = await repo.get(conn, inspection_id, lock=True)
        if inspection is None:
            raise NotFound(f"inspection {inspection_id} does not exist")
        if inspection.status not in ("open", "results_recorded"):
            raise Conflict(
                f"inspection {inspection.number} is {inspection.status}: no more results"
            )
        if not inspection.characteristics:
            raise Conflict(f"inspection {inspection.number} has no characteristics to record")
        rows = _rows(inspection, data, now)
        await repo.results_insert(conn, inspection, rows)
        recorded, nonconforming = await repo.tally(conn, inspection.id)
        found = verdict(
            sample_size=inspection.sample_size,
            characteristics=len(inspection.characteristics),
            acceptance=inspection.acceptance_number,
            rejection=inspection.rejection_number,
            recorded=recorded,
            nonconforming=nonconforming,
        )
        await repo.verdict(conn, inspection.id, found.status, (found.proposal, found.rule))
        measured = sorted({r.characteristic for r in rows if r.value is not None})
        if measured:
            await publish(conn, _measurements(caller, inspection, rows))
            lot = (inspection.plant_id, inspection.material_id, inspection.id, inspection.number)
            await watch(conn, caller, lot, measured, min(r.measured_at for r in rows))
        await notify_live(
            conn,
            LiveUpdate(
                type="quality.inspection.results_recorded",
                id=str(inspection.id),
                organization_id=caller.tenant.organization_id,
                plant_id=inspection.plant_id,
                data={"rows": len(rows), "proposal": found.proposal},
            ),
        )
    return ResultsAccepted(
        rows=len(rows), status=found.status, proposal=found.proposal, proposal_rule=found.rule
    )
