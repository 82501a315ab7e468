-- Fact ranges for exports, read in keyset batches: each batch is its own short read
-- transaction (no snapshot held for the length of a million-row export), ordered by the
-- fact's primary key after organization_id, so each batch is one index range scan.
-- Parameters of every *_batch: $1, $2 the time range [start, end), $3 plant (null: all
-- the caller may see), $4 the second filter (work center, material or equipment; null:
-- all), then the key of the last row of the previous batch (exclusive), then the key of
-- the last row of this batch (inclusive), then the batch size (null: no limit). The first
-- batch passes a key just before the range start; a batch of a given size passes a key
-- after the range end. Each *_last gives the key of the last row of the next batch
-- ($1 to $4, the previous key, the size), so a batch can be copied out (COPY has no
-- result rows to read the key from) between two keys. Each *_count counts the rows ($1
-- to $4) for the progress total.

-- name: counts_batch
SELECT logged_at, event_id, plant_id, work_center_id, first_at, good_quantity,
    scrap_quantity, rework_quantity, ideal_run_seconds, source
FROM reporting.count_facts
WHERE organization_id = app.current_org() AND logged_at >= $1 AND logged_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
  AND (logged_at, event_id) > ($5::timestamptz, $6::uuid)
  AND (logged_at, event_id) <= ($7::timestamptz, $8::uuid)
ORDER BY logged_at, event_id
LIMIT $9

-- name: counts_last
SELECT logged_at, event_id FROM (
    SELECT logged_at, event_id
    FROM reporting.count_facts
    WHERE organization_id = app.current_org() AND logged_at >= $1 AND logged_at < $2
      AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
      AND (logged_at, event_id) > ($5::timestamptz, $6::uuid)
    ORDER BY logged_at, event_id
    LIMIT $7
) AS batch
ORDER BY logged_at DESC, event_id DESC
LIMIT 1

-- name: counts_count
SELECT count(*) FROM reporting.count_facts
WHERE organization_id = app.current_org() AND logged_at >= $1 AND logged_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)

-- name: downtimes_batch
SELECT started_at, downtime_id, event_id, plant_id, work_center_id, ended_at,
    round(extract(epoch FROM ended_at - started_at)::numeric, 3) AS seconds, planned, loss,
    reason_code
FROM reporting.downtime_facts
WHERE organization_id = app.current_org() AND started_at >= $1 AND started_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
  AND (started_at, downtime_id) > ($5::timestamptz, $6::uuid)
  AND (started_at, downtime_id) <= ($7::timestamptz, $8::uuid)
ORDER BY started_at, downtime_id
LIMIT $9

-- name: downtimes_last
SELECT started_at, downtime_id FROM (
    SELECT started_at, downtime_id
    FROM reporting.downtime_facts
    WHERE organization_id = app.current_org() AND started_at >= $1 AND started_at < $2
      AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
      AND (started_at, downtime_id) > ($5::timestamptz, $6::uuid)
    ORDER BY started_at, downtime_id
    LIMIT $7
) AS batch
ORDER BY started_at DESC, downtime_id DESC
LIMIT 1

-- name: downtimes_count
SELECT count(*) FROM reporting.downtime_facts
WHERE organization_id = app.current_org() AND started_at >= $1 AND started_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)

-- name: shifts_batch
SELECT shift_start, work_center_id, production_day, shift_code, plant_id, line, shift_end,
    scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
    setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
    rework_count, quality_rejected_count
FROM reporting.shift_facts
WHERE organization_id = app.current_org() AND shift_start >= $1 AND shift_start < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
  AND (shift_start, work_center_id, production_day, shift_code)
      > ($5::timestamptz, $6::uuid, $7::date, $8::text)
  AND (shift_start, work_center_id, production_day, shift_code)
      <= ($9::timestamptz, $10::uuid, $11::date, $12::text)
ORDER BY shift_start, work_center_id, production_day, shift_code
LIMIT $13

-- name: shifts_last
SELECT shift_start, work_center_id, production_day, shift_code FROM (
    SELECT shift_start, work_center_id, production_day, shift_code
    FROM reporting.shift_facts
    WHERE organization_id = app.current_org() AND shift_start >= $1 AND shift_start < $2
      AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
      AND (shift_start, work_center_id, production_day, shift_code)
          > ($5::timestamptz, $6::uuid, $7::date, $8::text)
    ORDER BY shift_start, work_center_id, production_day, shift_code
    LIMIT $9
) AS batch
ORDER BY shift_start DESC, work_center_id DESC, production_day DESC, shift_code DESC
LIMIT 1

-- name: shifts_count
SELECT count(*) FROM reporting.shift_facts
WHERE organization_id = app.current_org() AND shift_start >= $1 AND shift_start < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)

-- name: quality_days_batch
-- Defects as one text "CODE=count;CODE=count" (a file cell holds no array).
SELECT day, plant_id, material_id, work_center_key, inspected, passed_first_time,
    (SELECT coalesce(string_agg(c || '=' || n, ';' ORDER BY c), '')
     FROM unnest(defect_codes, defect_counts) AS d (c, n)) AS defects
FROM reporting.quality_day_facts
WHERE organization_id = app.current_org() AND day >= $1::date AND day < $2::date
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR material_id = $4)
  AND (day, plant_id, material_id, work_center_key) > ($5::date, $6::uuid, $7::uuid, $8::uuid)
  AND (day, plant_id, material_id, work_center_key)
      <= ($9::date, $10::uuid, $11::uuid, $12::uuid)
ORDER BY day, plant_id, material_id, work_center_key
LIMIT $13

-- name: quality_days_last
SELECT day, plant_id, material_id, work_center_key FROM (
    SELECT day, plant_id, material_id, work_center_key
    FROM reporting.quality_day_facts
    WHERE organization_id = app.current_org() AND day >= $1::date AND day < $2::date
      AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR material_id = $4)
      AND (day, plant_id, material_id, work_center_key)
          > ($5::date, $6::uuid, $7::uuid, $8::uuid)
    ORDER BY day, plant_id, material_id, work_center_key
    LIMIT $9
) AS batch
ORDER BY day DESC, plant_id DESC, material_id DESC, work_center_key DESC
LIMIT 1

-- name: quality_days_count
SELECT count(*) FROM reporting.quality_day_facts
WHERE organization_id = app.current_org() AND day >= $1::date AND day < $2::date
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR material_id = $4)

-- name: inspections_batch
SELECT decided_at, inspection_id, plant_id, material_id, work_center_key, lot, decision,
    accepted_quantity, rejected_quantity
FROM reporting.inspection_facts
WHERE organization_id = app.current_org() AND decided_at >= $1 AND decided_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR material_id = $4)
  AND (decided_at, inspection_id) > ($5::timestamptz, $6::uuid)
  AND (decided_at, inspection_id) <= ($7::timestamptz, $8::uuid)
ORDER BY decided_at, inspection_id
LIMIT $9

-- name: inspections_last
SELECT decided_at, inspection_id FROM (
    SELECT decided_at, inspection_id
    FROM reporting.inspection_facts
    WHERE organization_id = app.current_org() AND decided_at >= $1 AND decided_at < $2
      AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR material_id = $4)
      AND (decided_at, inspection_id) > ($5::timestamptz, $6::uuid)
    ORDER BY decided_at, inspection_id
    LIMIT $7
) AS batch
ORDER BY decided_at DESC, inspection_id DESC
LIMIT 1

-- name: inspections_count
SELECT count(*) FROM reporting.inspection_facts
WHERE organization_id = app.current_org() AND decided_at >= $1 AND decided_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR material_id = $4)

-- name: maintenance_days_batch
SELECT day, plant_id, equipment_id, planned_operating_hours, downtime_hours, failures,
    repairs, repair_hours, maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time,
    backlog_count, backlog_hours, labour_cost, parts_cost
FROM reporting.maintenance_day_facts
WHERE organization_id = app.current_org() AND day >= $1::date AND day < $2::date
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR equipment_id = $4)
  AND (day, plant_id, equipment_id) > ($5::date, $6::uuid, $7::uuid)
  AND (day, plant_id, equipment_id) <= ($8::date, $9::uuid, $10::uuid)
ORDER BY day, plant_id, equipment_id
LIMIT $11

-- name: maintenance_days_last
SELECT day, plant_id, equipment_id FROM (
    SELECT day, plant_id, equipment_id
    FROM reporting.maintenance_day_facts
    WHERE organization_id = app.current_org() AND day >= $1::date AND day < $2::date
      AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR equipment_id = $4)
      AND (day, plant_id, equipment_id) > ($5::date, $6::uuid, $7::uuid)
    ORDER BY day, plant_id, equipment_id
    LIMIT $8
) AS batch
ORDER BY day DESC, plant_id DESC, equipment_id DESC
LIMIT 1

-- name: maintenance_days_count
SELECT count(*) FROM reporting.maintenance_day_facts
WHERE organization_id = app.current_org() AND day >= $1::date AND day < $2::date
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR equipment_id = $4)
