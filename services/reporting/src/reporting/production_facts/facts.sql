-- Production facts in, rollups (hourly, daily, and the plant's daily) maintained in the
-- same statement.
-- Hourly buckets are UTC hours; daily buckets are the production day for closed shifts
-- (production's own day, so week and month figures agree with production's) and the UTC
-- day for counts and stops.

-- name: lock_organization_shared
-- Handlers of organization $1 run beside each other; a rebuild ($1) waits for them and
-- they wait for it, so a rebuild never recomputes a bucket a handler is adding to.
SELECT pg_advisory_xact_lock_shared(hashtextextended('reporting.production:' || $1::uuid::text, 0));

-- name: lock_organization
-- The rebuild's exclusive hold of organization $1's production rollups.
SELECT pg_advisory_xact_lock(hashtextextended('reporting.production:' || $1::uuid::text, 0));

-- name: lock_shift
-- One closed shift ($1 work center, $2 production day, $3 shift code) at a time: its
-- replacement reads the row it replaces.
SELECT pg_advisory_xact_lock(
    hashtextextended(
        'reporting.shift:' || $1::uuid::text || '/' || $2::date::text || '/' || $3::text, 0));

-- name: add_counts
-- A counts event: $1 last_at, $2 event id, $3 plant, $4 work center, $5 first_at, $6 good,
-- $7 scrap, $8 rework, $9 ideal run seconds, $10 source. Added to the hour and the UTC
-- day of last_at. Returns 1 when the fact was new.
WITH fact AS (
    INSERT INTO reporting.count_facts (organization_id, logged_at, event_id, plant_id,
        work_center_id, first_at, good_quantity, scrap_quantity, rework_quantity,
        ideal_run_seconds, source)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT DO NOTHING
    RETURNING logged_at, plant_id, work_center_id, good_quantity, scrap_quantity,
        rework_quantity, ideal_run_seconds
), hourly AS (
    INSERT INTO reporting.production_hourly AS r (organization_id, bucket_start, plant_id,
        work_center_id, count_reports, logged_good, logged_scrap, logged_rework,
        logged_ideal_seconds)
    SELECT app.current_org(), date_trunc('hour', logged_at, 'UTC'), plant_id, work_center_id,
        1, good_quantity, scrap_quantity, rework_quantity, ideal_run_seconds
    FROM fact
    ON CONFLICT (organization_id, bucket_start, plant_id, work_center_id, shift_code)
    DO UPDATE SET count_reports = r.count_reports + excluded.count_reports,
        logged_good = r.logged_good + excluded.logged_good,
        logged_scrap = r.logged_scrap + excluded.logged_scrap,
        logged_rework = r.logged_rework + excluded.logged_rework,
        logged_ideal_seconds = r.logged_ideal_seconds + excluded.logged_ideal_seconds
    RETURNING 1
), daily AS (
    INSERT INTO reporting.production_daily AS r (organization_id, bucket_day, plant_id,
        work_center_id, count_reports, logged_good, logged_scrap, logged_rework,
        logged_ideal_seconds)
    SELECT app.current_org(), (logged_at AT TIME ZONE 'UTC')::date, plant_id, work_center_id,
        1, good_quantity, scrap_quantity, rework_quantity, ideal_run_seconds
    FROM fact
    ON CONFLICT (organization_id, bucket_day, plant_id, work_center_id, shift_code)
    DO UPDATE SET count_reports = r.count_reports + excluded.count_reports,
        logged_good = r.logged_good + excluded.logged_good,
        logged_scrap = r.logged_scrap + excluded.logged_scrap,
        logged_rework = r.logged_rework + excluded.logged_rework,
        logged_ideal_seconds = r.logged_ideal_seconds + excluded.logged_ideal_seconds
    RETURNING 1
), plant_daily AS (
    INSERT INTO reporting.production_plant_daily AS r (organization_id, bucket_day, plant_id,
        count_reports, logged_good, logged_scrap, logged_rework, logged_ideal_seconds)
    SELECT app.current_org(), (logged_at AT TIME ZONE 'UTC')::date, plant_id, 1,
        good_quantity, scrap_quantity, rework_quantity, ideal_run_seconds
    FROM fact
    ON CONFLICT (organization_id, bucket_day, plant_id)
    DO UPDATE SET count_reports = r.count_reports + excluded.count_reports,
        logged_good = r.logged_good + excluded.logged_good,
        logged_scrap = r.logged_scrap + excluded.logged_scrap,
        logged_rework = r.logged_rework + excluded.logged_rework,
        logged_ideal_seconds = r.logged_ideal_seconds + excluded.logged_ideal_seconds
    RETURNING 1
)
SELECT count(*) FROM fact;

-- name: add_downtime
-- An ended stop: $1 started_at, $2 downtime id, $3 event id, $4 plant, $5 work center,
-- $6 ended_at, $7 planned, $8 loss, $9 reason code. Its seconds are split over the UTC
-- hours and days it spans; it counts once, in the hour and day it started. A second
-- event for the same stop is ignored (the first one wins). Returns 1 when it was new.
WITH fact AS (
    INSERT INTO reporting.downtime_facts (organization_id, started_at, downtime_id, event_id,
        plant_id, work_center_id, ended_at, planned, loss, reason_code)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT DO NOTHING
    RETURNING started_at AT TIME ZONE 'UTC' AS s, ended_at AT TIME ZONE 'UTC' AS e, plant_id,
        work_center_id, planned
), hours AS (
    SELECT h AT TIME ZONE 'UTC' AS bucket_start, plant_id, work_center_id, planned,
        (h = date_trunc('hour', s))::int AS started,
        extract(epoch FROM least(e, h + interval '1 hour') - greatest(s, h)) AS seconds
    FROM fact, generate_series(date_trunc('hour', s), e, interval '1 hour') AS h
    WHERE h < e OR h = date_trunc('hour', s)
), days AS (
    SELECT d::date AS bucket_day, plant_id, work_center_id, planned,
        (d = date_trunc('day', s))::int AS started,
        extract(epoch FROM least(e, d + interval '1 day') - greatest(s, d)) AS seconds
    FROM fact, generate_series(date_trunc('day', s), e, interval '1 day') AS d
    WHERE d < e OR d = date_trunc('day', s)
), hourly AS (
    INSERT INTO reporting.production_hourly AS r (organization_id, bucket_start, plant_id,
        work_center_id, downtimes, downtime_planned_seconds, downtime_unplanned_seconds)
    SELECT app.current_org(), bucket_start, plant_id, work_center_id, started,
        CASE WHEN planned THEN seconds ELSE 0 END, CASE WHEN planned THEN 0 ELSE seconds END
    FROM hours
    ON CONFLICT (organization_id, bucket_start, plant_id, work_center_id, shift_code)
    DO UPDATE SET downtimes = r.downtimes + excluded.downtimes,
        downtime_planned_seconds = r.downtime_planned_seconds + excluded.downtime_planned_seconds,
        downtime_unplanned_seconds = r.downtime_unplanned_seconds
            + excluded.downtime_unplanned_seconds
    RETURNING 1
), daily AS (
    INSERT INTO reporting.production_daily AS r (organization_id, bucket_day, plant_id,
        work_center_id, downtimes, downtime_planned_seconds, downtime_unplanned_seconds)
    SELECT app.current_org(), bucket_day, plant_id, work_center_id, started,
        CASE WHEN planned THEN seconds ELSE 0 END, CASE WHEN planned THEN 0 ELSE seconds END
    FROM days
    ON CONFLICT (organization_id, bucket_day, plant_id, work_center_id, shift_code)
    DO UPDATE SET downtimes = r.downtimes + excluded.downtimes,
        downtime_planned_seconds = r.downtime_planned_seconds + excluded.downtime_planned_seconds,
        downtime_unplanned_seconds = r.downtime_unplanned_seconds
            + excluded.downtime_unplanned_seconds
    RETURNING 1
), plant_daily AS (
    INSERT INTO reporting.production_plant_daily AS r (organization_id, bucket_day, plant_id,
        downtimes, downtime_planned_seconds, downtime_unplanned_seconds)
    SELECT app.current_org(), bucket_day, plant_id, started,
        CASE WHEN planned THEN seconds ELSE 0 END, CASE WHEN planned THEN 0 ELSE seconds END
    FROM days
    ON CONFLICT (organization_id, bucket_day, plant_id)
    DO UPDATE SET downtimes = r.downtimes + excluded.downtimes,
        downtime_planned_seconds = r.downtime_planned_seconds + excluded.downtime_planned_seconds,
        downtime_unplanned_seconds = r.downtime_unplanned_seconds
            + excluded.downtime_unplanned_seconds
    RETURNING 1
)
SELECT count(*) FROM fact;

-- name: close_shift
-- A closed shift: $1 shift_start, $2 work center, $3 production day, $4 shift code,
-- $5 plant, $6 line, $7 shift_end, $8..$18 scheduled, break, planned stop, breakdown,
-- setup, minor stop, ideal run (seconds), good, scrap, rework, quality rejected (counts),
-- $19 event id, $20 occurred_at. A newer close of the same shift replaces the fact and
-- its rollups get new minus old; an older one (out of order) changes nothing. Hold
-- lock_shift first. Returns 1 when the fact changed.
WITH old AS (
    SELECT shift_start, plant_id, work_center_id, production_day, shift_code,
        scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
        setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
        rework_count, quality_rejected_count
    FROM reporting.shift_facts
    WHERE organization_id = app.current_org() AND shift_start = $1 AND work_center_id = $2
      AND production_day = $3 AND shift_code = $4
), new AS (
    INSERT INTO reporting.shift_facts AS f (organization_id, shift_start, work_center_id,
        production_day, shift_code, plant_id, line, shift_end, scheduled_seconds,
        break_seconds, planned_stop_seconds, breakdown_seconds, setup_seconds,
        minor_stop_seconds, ideal_run_seconds, good_count, scrap_count, rework_count,
        quality_rejected_count, event_id, occurred_at)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
        $15, $16, $17, $18, $19, $20)
    ON CONFLICT (organization_id, shift_start, work_center_id, production_day, shift_code)
    DO UPDATE SET plant_id = excluded.plant_id, line = excluded.line,
        shift_end = excluded.shift_end, scheduled_seconds = excluded.scheduled_seconds,
        break_seconds = excluded.break_seconds,
        planned_stop_seconds = excluded.planned_stop_seconds,
        breakdown_seconds = excluded.breakdown_seconds, setup_seconds = excluded.setup_seconds,
        minor_stop_seconds = excluded.minor_stop_seconds,
        ideal_run_seconds = excluded.ideal_run_seconds, good_count = excluded.good_count,
        scrap_count = excluded.scrap_count, rework_count = excluded.rework_count,
        quality_rejected_count = excluded.quality_rejected_count,
        event_id = excluded.event_id, occurred_at = excluded.occurred_at,
        received_at = now()
    WHERE (f.occurred_at, f.event_id) < (excluded.occurred_at, excluded.event_id)
    RETURNING shift_start, plant_id, work_center_id, production_day, shift_code,
        scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
        setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
        rework_count, quality_rejected_count
), contributions AS (
    SELECT 1 AS sign, * FROM new
    UNION ALL
    SELECT -1 AS sign, * FROM old WHERE EXISTS (SELECT FROM new)
), hourly AS (
    INSERT INTO reporting.production_hourly AS r (organization_id, bucket_start, plant_id,
        work_center_id, shift_code, shifts, scheduled_seconds, break_seconds,
        planned_stop_seconds, breakdown_seconds, setup_seconds, minor_stop_seconds,
        ideal_run_seconds, good_count, scrap_count, rework_count, quality_rejected_count)
    SELECT app.current_org(), date_trunc('hour', shift_start, 'UTC'), plant_id,
        work_center_id, shift_code, sum(sign), sum(sign * scheduled_seconds),
        sum(sign * break_seconds), sum(sign * planned_stop_seconds),
        sum(sign * breakdown_seconds), sum(sign * setup_seconds),
        sum(sign * minor_stop_seconds), sum(sign * ideal_run_seconds), sum(sign * good_count),
        sum(sign * scrap_count), sum(sign * rework_count), sum(sign * quality_rejected_count)
    FROM contributions
    GROUP BY 2, 3, 4, 5
    ON CONFLICT (organization_id, bucket_start, plant_id, work_center_id, shift_code)
    DO UPDATE SET shifts = r.shifts + excluded.shifts,
        scheduled_seconds = r.scheduled_seconds + excluded.scheduled_seconds,
        break_seconds = r.break_seconds + excluded.break_seconds,
        planned_stop_seconds = r.planned_stop_seconds + excluded.planned_stop_seconds,
        breakdown_seconds = r.breakdown_seconds + excluded.breakdown_seconds,
        setup_seconds = r.setup_seconds + excluded.setup_seconds,
        minor_stop_seconds = r.minor_stop_seconds + excluded.minor_stop_seconds,
        ideal_run_seconds = r.ideal_run_seconds + excluded.ideal_run_seconds,
        good_count = r.good_count + excluded.good_count,
        scrap_count = r.scrap_count + excluded.scrap_count,
        rework_count = r.rework_count + excluded.rework_count,
        quality_rejected_count = r.quality_rejected_count + excluded.quality_rejected_count
    RETURNING 1
), daily AS (
    INSERT INTO reporting.production_daily AS r (organization_id, bucket_day, plant_id,
        work_center_id, shift_code, shifts, scheduled_seconds, break_seconds,
        planned_stop_seconds, breakdown_seconds, setup_seconds, minor_stop_seconds,
        ideal_run_seconds, good_count, scrap_count, rework_count, quality_rejected_count)
    SELECT app.current_org(), production_day, plant_id, work_center_id, shift_code,
        sum(sign), sum(sign * scheduled_seconds), sum(sign * break_seconds),
        sum(sign * planned_stop_seconds), sum(sign * breakdown_seconds),
        sum(sign * setup_seconds), sum(sign * minor_stop_seconds),
        sum(sign * ideal_run_seconds), sum(sign * good_count), sum(sign * scrap_count),
        sum(sign * rework_count), sum(sign * quality_rejected_count)
    FROM contributions
    GROUP BY 2, 3, 4, 5
    ON CONFLICT (organization_id, bucket_day, plant_id, work_center_id, shift_code)
    DO UPDATE SET shifts = r.shifts + excluded.shifts,
        scheduled_seconds = r.scheduled_seconds + excluded.scheduled_seconds,
        break_seconds = r.break_seconds + excluded.break_seconds,
        planned_stop_seconds = r.planned_stop_seconds + excluded.planned_stop_seconds,
        breakdown_seconds = r.breakdown_seconds + excluded.breakdown_seconds,
        setup_seconds = r.setup_seconds + excluded.setup_seconds,
        minor_stop_seconds = r.minor_stop_seconds + excluded.minor_stop_seconds,
        ideal_run_seconds = r.ideal_run_seconds + excluded.ideal_run_seconds,
        good_count = r.good_count + excluded.good_count,
        scrap_count = r.scrap_count + excluded.scrap_count,
        rework_count = r.rework_count + excluded.rework_count,
        quality_rejected_count = r.quality_rejected_count + excluded.quality_rejected_count
    RETURNING 1
), plant_daily AS (
    -- Per plant: a shift whose plant changed moves from the old plant's day to the new's.
    INSERT INTO reporting.production_plant_daily AS r (organization_id, bucket_day, plant_id,
        shifts, scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,
        setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,
        rework_count, quality_rejected_count)
    SELECT app.current_org(), production_day, plant_id,
        sum(sign), sum(sign * scheduled_seconds), sum(sign * break_seconds),
        sum(sign * planned_stop_seconds), sum(sign * breakdown_seconds),
        sum(sign * setup_seconds), sum(sign * minor_stop_seconds),
        sum(sign * ideal_run_seconds), sum(sign * good_count), sum(sign * scrap_count),
        sum(sign * rework_count), sum(sign * quality_rejected_count)
    FROM contributions
    GROUP BY 2, 3
    ON CONFLICT (organization_id, bucket_day, plant_id)
    DO UPDATE SET shifts = r.shifts + excluded.shifts,
        scheduled_seconds = r.scheduled_seconds + excluded.scheduled_seconds,
        break_seconds = r.break_seconds + excluded.break_seconds,
        planned_stop_seconds = r.planned_stop_seconds + excluded.planned_stop_seconds,
        breakdown_seconds = r.breakdown_seconds + excluded.breakdown_seconds,
        setup_seconds = r.setup_seconds + excluded.setup_seconds,
        minor_stop_seconds = r.minor_stop_seconds + excluded.minor_stop_seconds,
        ideal_run_seconds = r.ideal_run_seconds + excluded.ideal_run_seconds,
        good_count = r.good_count + excluded.good_count,
        scrap_count = r.scrap_count + excluded.scrap_count,
        rework_count = r.rework_count + excluded.rework_count,
        quality_rejected_count = r.quality_rejected_count + excluded.quality_rejected_count
    RETURNING 1
)
SELECT count(*) FROM new;
