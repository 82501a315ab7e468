-- OEE buckets: per work center and shift, the inputs of the OEE formula.

-- name: add
-- Add to the buckets, made from the calendar when first touched. Arrays, one element per
-- bucket: $1 work_center, $2 plant, $3 production_day, $4 shift_code, $5 shift_start,
-- $6 shift_end, $7 scheduled, $8 breaks, $9 planned_stop, $10 breakdown, $11 setup,
-- $12 minor_stop, $13 ideal_run, $14 good, $15 scrap, $16 rework, $17 quality_rejected.
-- A bucket changed after its close opens again, so the next close tells it anew.
INSERT INTO production.oee_buckets AS b (organization_id, work_center_id, plant_id,
    production_day, shift_code, shift_start, shift_end, scheduled_seconds, break_seconds,
    planned_stop_seconds, breakdown_seconds, setup_seconds, minor_stop_seconds,
    ideal_run_seconds, good_count, scrap_count, rework_count, quality_rejected_count)
SELECT app.current_org(), w, p, d, s, ss, se, sch, brk, ps, bd, su, ms, ir, g, sc, rw, qr
FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::text[], $5::timestamptz[],
            $6::timestamptz[], $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[],
            $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[],
            $16::numeric[], $17::numeric[])
     AS u(w, p, d, s, ss, se, sch, brk, ps, bd, su, ms, ir, g, sc, rw, qr)
ORDER BY w, d, s
ON CONFLICT (organization_id, work_center_id, production_day, shift_code) DO UPDATE
SET planned_stop_seconds = b.planned_stop_seconds + excluded.planned_stop_seconds,
    breakdown_seconds = b.breakdown_seconds + excluded.breakdown_seconds,
    setup_seconds = b.setup_seconds + excluded.setup_seconds,
    minor_stop_seconds = b.minor_stop_seconds + excluded.minor_stop_seconds,
    ideal_run_seconds = b.ideal_run_seconds + excluded.ideal_run_seconds,
    good_count = b.good_count + excluded.good_count,
    scrap_count = b.scrap_count + excluded.scrap_count,
    rework_count = b.rework_count + excluded.rework_count,
    quality_rejected_count = b.quality_rejected_count + excluded.quality_rejected_count,
    -- Only a real change reopens a closed bucket (the close itself adds zeros to make
    -- the buckets of idle shifts).
    closed = b.closed AND excluded.planned_stop_seconds = 0 AND excluded.breakdown_seconds = 0
        AND excluded.setup_seconds = 0 AND excluded.minor_stop_seconds = 0
        AND excluded.ideal_run_seconds = 0 AND excluded.good_count = 0
        AND excluded.scrap_count = 0 AND excluded.rework_count = 0
        AND excluded.quality_rejected_count = 0,
    updated_at = now();

-- name: range
-- Buckets of work centers $1 (uuid[]) with production days in [$2, $3], in (work center,
-- day, shift start) order.
SELECT work_center_id, plant_id, production_day, shift_code, shift_start, shift_end,
    scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds, setup_seconds,
    minor_stop_seconds, ideal_run_seconds, good_count, scrap_count, rework_count,
    quality_rejected_count, closed
FROM production.oee_buckets
WHERE organization_id = app.current_org() AND work_center_id = ANY($1::uuid[])
  AND production_day BETWEEN $2 AND $3
ORDER BY work_center_id, production_day, shift_start;

-- name: open_ended
-- Open buckets of shifts that ended by $1: what the close settles, locked.
SELECT work_center_id, plant_id, production_day, shift_code, shift_start, shift_end,
    scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds, setup_seconds,
    minor_stop_seconds, ideal_run_seconds, good_count, scrap_count, rework_count,
    quality_rejected_count, closed
FROM production.oee_buckets
WHERE organization_id = app.current_org() AND NOT closed AND shift_end <= $1
ORDER BY work_center_id, production_day, shift_start
FOR UPDATE;

-- name: mark_closed
-- Buckets ($1 work_center[], $2 day[], $3 shift[]) are settled.
UPDATE production.oee_buckets b SET closed = true, updated_at = now()
FROM unnest($1::uuid[], $2::date[], $3::text[]) AS u(w, d, s)
WHERE b.organization_id = app.current_org() AND b.work_center_id = u.w
  AND b.production_day = u.d AND b.shift_code = u.s;

-- name: last_count_slot
-- Where order $1's operation $2 (null: any) last counted pieces: its work center and
-- shift, so a later quality rejection lands in the bucket that counted the pieces good.
SELECT work_center_id, production_day, shift_code
FROM production.production_logs
WHERE organization_id = app.current_org() AND work_order_id = $1
  AND ($2::integer IS NULL OR operation_no = $2) AND kind = 'count' AND good_quantity > 0
ORDER BY logged_at DESC
LIMIT 1;

-- name: add_rejected
-- Quality rejected $4 pieces that bucket (work center $1, day $2, shift $3) counted good:
-- they move from good to scrap for OEE, never more than the bucket still counts good.
UPDATE production.oee_buckets
SET quality_rejected_count = quality_rejected_count
        + least($4::numeric, greatest(good_count - quality_rejected_count, 0)),
    closed = false, updated_at = now()
WHERE organization_id = app.current_org() AND work_center_id = $1 AND production_day = $2
  AND shift_code = $3;
