-- The OEE dashboard's reads: sums of the rollups per bucket (ratios are computed from the
-- sums in Python, exactly, the way production does).

-- name: hourly
-- Hours in [$1, $2), $3 plant, $4 work center (null: every one the caller may see).
SELECT bucket_start AS bucket, sum(shifts)::bigint AS shifts,
    sum(scheduled_seconds) AS scheduled_seconds, sum(break_seconds) AS break_seconds,
    sum(planned_stop_seconds) AS planned_stop_seconds,
    sum(breakdown_seconds) AS breakdown_seconds, sum(setup_seconds) AS setup_seconds,
    sum(minor_stop_seconds) AS minor_stop_seconds, sum(ideal_run_seconds) AS ideal_run_seconds,
    sum(good_count) AS good_count, sum(scrap_count) AS scrap_count,
    sum(rework_count) AS rework_count, sum(quality_rejected_count) AS quality_rejected_count,
    sum(logged_good) AS logged_good, sum(logged_scrap) AS logged_scrap,
    sum(logged_rework) AS logged_rework,
    sum(downtime_planned_seconds) AS downtime_planned_seconds,
    sum(downtime_unplanned_seconds) AS downtime_unplanned_seconds
FROM reporting.production_hourly
WHERE organization_id = app.current_org() AND bucket_start >= $1 AND bucket_start < $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
GROUP BY bucket_start
ORDER BY bucket_start;

-- name: daily
-- Days [$1, $2] summed per $5 ('day', 'week' (ISO, from Monday) or 'month'), $3 plant,
-- $4 work center (null: every one the caller may see).
SELECT (date_trunc($5::text, bucket_day::timestamp) AT TIME ZONE 'UTC') AS bucket,
    sum(shifts)::bigint AS shifts,
    sum(scheduled_seconds) AS scheduled_seconds, sum(break_seconds) AS break_seconds,
    sum(planned_stop_seconds) AS planned_stop_seconds,
    sum(breakdown_seconds) AS breakdown_seconds, sum(setup_seconds) AS setup_seconds,
    sum(minor_stop_seconds) AS minor_stop_seconds, sum(ideal_run_seconds) AS ideal_run_seconds,
    sum(good_count) AS good_count, sum(scrap_count) AS scrap_count,
    sum(rework_count) AS rework_count, sum(quality_rejected_count) AS quality_rejected_count,
    sum(logged_good) AS logged_good, sum(logged_scrap) AS logged_scrap,
    sum(logged_rework) AS logged_rework,
    sum(downtime_planned_seconds) AS downtime_planned_seconds,
    sum(downtime_unplanned_seconds) AS downtime_unplanned_seconds
FROM reporting.production_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
  AND ($3::uuid IS NULL OR plant_id = $3) AND ($4::uuid IS NULL OR work_center_id = $4)
GROUP BY 1
ORDER BY 1;

-- name: plant_daily
-- As daily, from the plants' rollup: no work center or line filter, no grouping. Days
-- [$1, $2] per $4, $3 plant (null: every one the caller may see).
SELECT (date_trunc($4::text, bucket_day::timestamp) AT TIME ZONE 'UTC') AS bucket,
    sum(shifts)::bigint AS shifts,
    sum(scheduled_seconds) AS scheduled_seconds, sum(break_seconds) AS break_seconds,
    sum(planned_stop_seconds) AS planned_stop_seconds,
    sum(breakdown_seconds) AS breakdown_seconds, sum(setup_seconds) AS setup_seconds,
    sum(minor_stop_seconds) AS minor_stop_seconds, sum(ideal_run_seconds) AS ideal_run_seconds,
    sum(good_count) AS good_count, sum(scrap_count) AS scrap_count,
    sum(rework_count) AS rework_count, sum(quality_rejected_count) AS quality_rejected_count,
    sum(logged_good) AS logged_good, sum(logged_scrap) AS logged_scrap,
    sum(logged_rework) AS logged_rework,
    sum(downtime_planned_seconds) AS downtime_planned_seconds,
    sum(downtime_unplanned_seconds) AS downtime_unplanned_seconds
FROM reporting.production_plant_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
  AND ($3::uuid IS NULL OR plant_id = $3)
GROUP BY 1
ORDER BY 1;

-- name: grouped_hourly
-- As hourly, one series per group: $5 'work_center', 'line', 'shift' or '' (one group),
-- $6 line (null: any; the work centers on that line now, as production's report groups).
SELECT CASE $5::text WHEN 'work_center' THEN r.work_center_id::text
                     WHEN 'line' THEN coalesce(w.line, '')
                     WHEN 'shift' THEN r.shift_code ELSE '' END AS group_key,
    r.bucket_start AS bucket, sum(shifts)::bigint AS shifts,
    sum(scheduled_seconds) AS scheduled_seconds, sum(break_seconds) AS break_seconds,
    sum(planned_stop_seconds) AS planned_stop_seconds,
    sum(breakdown_seconds) AS breakdown_seconds, sum(setup_seconds) AS setup_seconds,
    sum(minor_stop_seconds) AS minor_stop_seconds, sum(ideal_run_seconds) AS ideal_run_seconds,
    sum(good_count) AS good_count, sum(scrap_count) AS scrap_count,
    sum(rework_count) AS rework_count, sum(quality_rejected_count) AS quality_rejected_count,
    sum(logged_good) AS logged_good, sum(logged_scrap) AS logged_scrap,
    sum(logged_rework) AS logged_rework,
    sum(downtime_planned_seconds) AS downtime_planned_seconds,
    sum(downtime_unplanned_seconds) AS downtime_unplanned_seconds
FROM reporting.production_hourly r
LEFT JOIN reporting.work_centers w
    ON w.organization_id = r.organization_id AND w.work_center_id = r.work_center_id
WHERE r.organization_id = app.current_org() AND r.bucket_start >= $1 AND r.bucket_start < $2
  AND ($3::uuid IS NULL OR r.plant_id = $3) AND ($4::uuid IS NULL OR r.work_center_id = $4)
  AND ($6::text IS NULL OR w.line = $6)
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: grouped_daily
-- As daily (days [$1, $2] per $7 'day', 'week' or 'month'), one series per group $5, of
-- line $6 (see grouped_hourly).
SELECT CASE $5::text WHEN 'work_center' THEN r.work_center_id::text
                     WHEN 'line' THEN coalesce(w.line, '')
                     WHEN 'shift' THEN r.shift_code ELSE '' END AS group_key,
    (date_trunc($7::text, r.bucket_day::timestamp) AT TIME ZONE 'UTC') AS bucket,
    sum(shifts)::bigint AS shifts,
    sum(scheduled_seconds) AS scheduled_seconds, sum(break_seconds) AS break_seconds,
    sum(planned_stop_seconds) AS planned_stop_seconds,
    sum(breakdown_seconds) AS breakdown_seconds, sum(setup_seconds) AS setup_seconds,
    sum(minor_stop_seconds) AS minor_stop_seconds, sum(ideal_run_seconds) AS ideal_run_seconds,
    sum(good_count) AS good_count, sum(scrap_count) AS scrap_count,
    sum(rework_count) AS rework_count, sum(quality_rejected_count) AS quality_rejected_count,
    sum(logged_good) AS logged_good, sum(logged_scrap) AS logged_scrap,
    sum(logged_rework) AS logged_rework,
    sum(downtime_planned_seconds) AS downtime_planned_seconds,
    sum(downtime_unplanned_seconds) AS downtime_unplanned_seconds
FROM reporting.production_daily r
LEFT JOIN reporting.work_centers w
    ON w.organization_id = r.organization_id AND w.work_center_id = r.work_center_id
WHERE r.organization_id = app.current_org() AND r.bucket_day BETWEEN $1 AND $2
  AND ($3::uuid IS NULL OR r.plant_id = $3) AND ($4::uuid IS NULL OR r.work_center_id = $4)
  AND ($6::text IS NULL OR w.line = $6)
GROUP BY 1, 2
ORDER BY 1, 2;
