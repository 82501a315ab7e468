-- The rebuild: rollups of a period recomputed from the facts, set-based. The same bucket
-- rules as facts.sql (a test proves both give the same rows).

-- name: delete_hourly
-- Hourly rows of the current organization in [$1, $2).
DELETE FROM reporting.production_hourly
WHERE organization_id = app.current_org() AND bucket_start >= $1 AND bucket_start < $2;

-- name: delete_daily
-- Daily rows of the current organization in [$1, $2] (days).
DELETE FROM reporting.production_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_hourly
-- The hours in [$1, $2) from every fact that touches them. Returns the rows written.
WITH stops AS (
    SELECT started_at AT TIME ZONE 'UTC' AS s, ended_at AT TIME ZONE 'UTC' AS e, plant_id,
        work_center_id, planned
    FROM reporting.downtime_facts
    WHERE organization_id = app.current_org() AND started_at < $2 AND ended_at >= $1
      -- stops are bounded by a day or so; the lower bound lets partitions be pruned
      AND started_at >= $1::timestamptz - interval '31 days'
), stop_hours AS (
    SELECT h AT TIME ZONE 'UTC' AS bucket_start, plant_id, work_center_id, planned,
        (h = date_trunc('hour', s))::int AS started,
        extract(epoch FROM least(e, h + interval '1 hour') - greatest(s, h)) AS seconds
    FROM stops, generate_series(date_trunc('hour', s), e, interval '1 hour') AS h
    WHERE h < e OR h = date_trunc('hour', s)
), contributions AS (
    SELECT date_trunc('hour', shift_start, 'UTC') AS bucket_start, plant_id, work_center_id,
        shift_code, 1 AS shifts, scheduled_seconds, break_seconds, planned_stop_seconds,
        breakdown_seconds, setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count,
        scrap_count, rework_count, quality_rejected_count,
        0 AS count_reports, 0 AS logged_good, 0 AS logged_scrap, 0 AS logged_rework,
        0 AS logged_ideal_seconds, 0 AS downtimes, 0 AS downtime_planned_seconds,
        0 AS downtime_unplanned_seconds
    FROM reporting.shift_facts
    WHERE organization_id = app.current_org() AND shift_start >= $1 AND shift_start < $2
    UNION ALL
    SELECT date_trunc('hour', logged_at, 'UTC'), plant_id, work_center_id, '', 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 1, good_quantity, scrap_quantity, rework_quantity,
        ideal_run_seconds, 0, 0, 0
    FROM reporting.count_facts
    WHERE organization_id = app.current_org() AND logged_at >= $1 AND logged_at < $2
    UNION ALL
    SELECT bucket_start, plant_id, work_center_id, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, started, CASE WHEN planned THEN seconds ELSE 0 END,
        CASE WHEN planned THEN 0 ELSE seconds END
    FROM stop_hours
    WHERE bucket_start >= $1 AND bucket_start < $2
), written AS (
    INSERT INTO reporting.production_hourly (organization_id, bucket_start, plant_id,
        work_center_id, shift_code, shifts, scheduled_seconds, break_seconds,
        planned_stop_seconds, breakdown_seconds, setup_seconds, minor_stop_seconds,
        ideal_run_seconds, good_count, scrap_count, rework_count, quality_rejected_count,
        count_reports, logged_good, logged_scrap, logged_rework, logged_ideal_seconds,
        downtimes, downtime_planned_seconds, downtime_unplanned_seconds)
    SELECT app.current_org(), bucket_start, plant_id, work_center_id, shift_code, sum(shifts),
        sum(scheduled_seconds), sum(break_seconds), sum(planned_stop_seconds),
        sum(breakdown_seconds), sum(setup_seconds), sum(minor_stop_seconds),
        sum(ideal_run_seconds), sum(good_count), sum(scrap_count), sum(rework_count),
        sum(quality_rejected_count), sum(count_reports), sum(logged_good), sum(logged_scrap),
        sum(logged_rework), sum(logged_ideal_seconds), sum(downtimes),
        sum(downtime_planned_seconds), sum(downtime_unplanned_seconds)
    FROM contributions
    GROUP BY bucket_start, plant_id, work_center_id, shift_code
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: rebuild_daily
-- The days [$1, $2] from every fact that touches them. Returns the rows written.
WITH bounds AS (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS lo,
        ($2::date + 1)::timestamp AT TIME ZONE 'UTC' AS hi
), stops AS (
    SELECT started_at AT TIME ZONE 'UTC' AS s, ended_at AT TIME ZONE 'UTC' AS e, plant_id,
        work_center_id, planned
    FROM reporting.downtime_facts, bounds
    WHERE organization_id = app.current_org() AND started_at < hi AND ended_at >= lo
      AND started_at >= lo - interval '31 days'
), stop_days AS (
    SELECT d::date AS bucket_day, plant_id, work_center_id, planned,
        (d = date_trunc('day', s))::int AS started,
        extract(epoch FROM least(e, d + interval '1 day') - greatest(s, d)) AS seconds
    FROM stops, generate_series(date_trunc('day', s), e, interval '1 day') AS d
    WHERE d < e OR d = date_trunc('day', s)
), contributions AS (
    -- A shift's production day is its local day: it may start the UTC day before.
    SELECT production_day AS bucket_day, plant_id, work_center_id, shift_code, 1 AS shifts,
        scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
        setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
        rework_count, quality_rejected_count,
        0 AS count_reports, 0 AS logged_good, 0 AS logged_scrap, 0 AS logged_rework,
        0 AS logged_ideal_seconds, 0 AS downtimes, 0 AS downtime_planned_seconds,
        0 AS downtime_unplanned_seconds
    FROM reporting.shift_facts, bounds
    WHERE organization_id = app.current_org() AND production_day BETWEEN $1 AND $2
      AND shift_start >= lo - interval '2 days' AND shift_start < hi + interval '2 days'
    UNION ALL
    SELECT (logged_at AT TIME ZONE 'UTC')::date, plant_id, work_center_id, '', 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 1, good_quantity, scrap_quantity, rework_quantity,
        ideal_run_seconds, 0, 0, 0
    FROM reporting.count_facts, bounds
    WHERE organization_id = app.current_org() AND logged_at >= lo AND logged_at < hi
    UNION ALL
    SELECT bucket_day, plant_id, work_center_id, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, started, CASE WHEN planned THEN seconds ELSE 0 END,
        CASE WHEN planned THEN 0 ELSE seconds END
    FROM stop_days
    WHERE bucket_day BETWEEN $1 AND $2
), written AS (
    INSERT INTO reporting.production_daily (organization_id, bucket_day, plant_id,
        work_center_id, shift_code, shifts, scheduled_seconds, break_seconds,
        planned_stop_seconds, breakdown_seconds, setup_seconds, minor_stop_seconds,
        ideal_run_seconds, good_count, scrap_count, rework_count, quality_rejected_count,
        count_reports, logged_good, logged_scrap, logged_rework, logged_ideal_seconds,
        downtimes, downtime_planned_seconds, downtime_unplanned_seconds)
    SELECT app.current_org(), bucket_day, plant_id, work_center_id, shift_code, sum(shifts),
        sum(scheduled_seconds), sum(break_seconds), sum(planned_stop_seconds),
        sum(breakdown_seconds), sum(setup_seconds), sum(minor_stop_seconds),
        sum(ideal_run_seconds), sum(good_count), sum(scrap_count), sum(rework_count),
        sum(quality_rejected_count), sum(count_reports), sum(logged_good), sum(logged_scrap),
        sum(logged_rework), sum(logged_ideal_seconds), sum(downtimes),
        sum(downtime_planned_seconds), sum(downtime_unplanned_seconds)
    FROM contributions
    GROUP BY bucket_day, plant_id, work_center_id, shift_code
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: delete_plant_daily
-- Plant daily rows of the current organization in [$1, $2] (days).
DELETE FROM reporting.production_plant_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild_plant_daily
-- The plants' days [$1, $2] from production_daily (rebuilt first, in the same
-- transaction): the same sums without the work center and shift. Returns the rows written.
WITH written AS (
    INSERT INTO reporting.production_plant_daily (organization_id, bucket_day, plant_id,
        shifts, scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
        setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
        rework_count, quality_rejected_count, count_reports, logged_good, logged_scrap,
        logged_rework, logged_ideal_seconds, downtimes, downtime_planned_seconds,
        downtime_unplanned_seconds)
    SELECT app.current_org(), bucket_day, plant_id, sum(shifts), sum(scheduled_seconds),
        sum(break_seconds), sum(planned_stop_seconds), sum(breakdown_seconds),
        sum(setup_seconds), sum(minor_stop_seconds), sum(ideal_run_seconds),
        sum(good_count), sum(scrap_count), sum(rework_count), sum(quality_rejected_count),
        sum(count_reports), sum(logged_good), sum(logged_scrap), sum(logged_rework),
        sum(logged_ideal_seconds), sum(downtimes), sum(downtime_planned_seconds),
        sum(downtime_unplanned_seconds)
    FROM reporting.production_daily
    WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
    GROUP BY bucket_day, plant_id
    RETURNING 1
)
SELECT count(*) FROM written;
