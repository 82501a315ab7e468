-- Work orders: their open state, the completion fact with its daily rollup (in the fact's
-- statement), and the schedule adherence and lead time reads.

-- name: lock_order
-- One event of work order $1 at a time: the completion checks the order is not counted.
SELECT pg_advisory_xact_lock(hashtextextended('reporting.work_order:' || $1::uuid::text, 0));

-- name: order_seen
-- Work order $1 of plant $2, number $3, status $4, created at $5, released at $6 (null
-- unless this event released it), version $7. Times keep the earliest seen (an order
-- released again after a hold keeps its first release); the status the newest version's.
INSERT INTO reporting.work_order_states AS s (organization_id, work_order_id, plant_id,
    number, status, created_at, released_at, version)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (organization_id, work_order_id) DO UPDATE SET
    plant_id = excluded.plant_id, number = excluded.number,
    status = CASE WHEN excluded.version > s.version THEN excluded.status ELSE s.status END,
    created_at = least(s.created_at, excluded.created_at),
    released_at = least(s.released_at, excluded.released_at),
    version = greatest(s.version, excluded.version);

-- name: complete
-- Work order $2 completed at $1 (its actual end): plant $3, work center key $4, number
-- $5, material $6, quantity $7, good $8, scrap $9, due $10, scheduled end $11, created at
-- $12 (null: as first seen), actual start $13, event $14. Once per order (hold lock_order):
-- a second completion (closed after completed, a replay under another event id) adds
-- nothing. Returns 1 when counted.
WITH st AS (
    SELECT created_at, released_at FROM reporting.work_order_states
    WHERE organization_id = app.current_org() AND work_order_id = $2
), fact AS (
    INSERT INTO reporting.work_order_facts (organization_id, completed_at, work_order_id,
        plant_id, work_center_key, number, material_id, quantity, good_quantity,
        scrap_quantity, due_at, scheduled_end, created_at, released_at, actual_start,
        on_time, on_schedule, quantity_met, release_seconds, create_seconds, event_id)
    SELECT app.current_org(), $1::timestamptz, $2::uuid, $3::uuid, $4::uuid, $5::text,
        $6::uuid, $7::numeric, $8::numeric, $9::numeric, $10::timestamptz, $11::timestamptz,
        least($12::timestamptz, st.created_at), st.released_at, $13::timestamptz,
        $1::timestamptz <= $10::timestamptz,
        CASE WHEN $11::timestamptz IS NULL THEN NULL ELSE $1::timestamptz <= $11 END,
        $8::numeric >= $7::numeric,
        extract(epoch FROM $1::timestamptz - st.released_at),
        extract(epoch FROM $1::timestamptz - least($12::timestamptz, st.created_at)),
        $14::uuid
    FROM (SELECT) AS one LEFT JOIN st ON true
    WHERE NOT EXISTS (
        SELECT FROM reporting.work_order_facts
        WHERE organization_id = app.current_org() AND work_order_id = $2)
    RETURNING *
), daily AS (
    INSERT INTO reporting.work_order_daily AS r (organization_id, bucket_day, plant_id,
        work_center_key, completed, on_time, scheduled, on_schedule, quantity_met,
        planned_quantity, good_quantity, released, release_seconds, created, create_seconds)
    SELECT app.current_org(), (completed_at AT TIME ZONE 'UTC')::date, plant_id,
        work_center_key, 1, on_time::int, (on_schedule IS NOT NULL)::int,
        coalesce(on_schedule, false)::int, quantity_met::int, quantity, good_quantity,
        (release_seconds IS NOT NULL)::int, coalesce(release_seconds, 0),
        (create_seconds IS NOT NULL)::int, coalesce(create_seconds, 0)
    FROM fact
    ON CONFLICT (organization_id, bucket_day, plant_id, work_center_key) DO UPDATE SET
        completed = r.completed + excluded.completed, on_time = r.on_time + excluded.on_time,
        scheduled = r.scheduled + excluded.scheduled,
        on_schedule = r.on_schedule + excluded.on_schedule,
        quantity_met = r.quantity_met + excluded.quantity_met,
        planned_quantity = r.planned_quantity + excluded.planned_quantity,
        good_quantity = r.good_quantity + excluded.good_quantity,
        released = r.released + excluded.released,
        release_seconds = r.release_seconds + excluded.release_seconds,
        created = r.created + excluded.created,
        create_seconds = r.create_seconds + excluded.create_seconds
    RETURNING 1
)
SELECT count(*) FROM fact;

-- name: adherence
-- Days [$1, $2] summed per $3 ('day', 'week' or 'month'), plant $4, work center key $5
-- (null: all the caller sees); the row with a null bucket is the whole period.
SELECT (date_trunc($3::text, bucket_day::timestamp) AT TIME ZONE 'UTC') AS bucket,
    coalesce(sum(completed), 0)::bigint AS completed,
    coalesce(sum(on_time), 0)::bigint AS on_time,
    coalesce(sum(scheduled), 0)::bigint AS scheduled,
    coalesce(sum(on_schedule), 0)::bigint AS on_schedule,
    coalesce(sum(quantity_met), 0)::bigint AS quantity_met,
    coalesce(sum(planned_quantity), 0) AS planned_quantity,
    coalesce(sum(good_quantity), 0) AS good_quantity,
    coalesce(sum(released), 0)::bigint AS released,
    coalesce(sum(release_seconds), 0) AS release_seconds,
    coalesce(sum(created), 0)::bigint AS created,
    coalesce(sum(create_seconds), 0) AS create_seconds
FROM reporting.work_order_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
  AND ($4::uuid IS NULL OR plant_id = $4) AND ($5::uuid IS NULL OR work_center_key = $5)
GROUP BY GROUPING SETS ((1), ())
ORDER BY 1 NULLS LAST;

-- name: lead_percentiles
-- The median and 90th percentile of the lead times of the orders completed in
-- [$1, $2) (UTC), per $3 bucket and (null bucket) for the whole period, plant $4, work
-- center key $5: read from the facts (a percentile is not additive), one month's
-- partitions per month of the period, through work_order_facts_plant.
SELECT (date_trunc($3::text, completed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS bucket,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY release_seconds) AS release_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY release_seconds) AS release_p90,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY create_seconds) AS create_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY create_seconds) AS create_p90
FROM reporting.work_order_facts
WHERE organization_id = app.current_org() AND completed_at >= $1 AND completed_at < $2
  AND ($4::uuid IS NULL OR plant_id = $4) AND ($5::uuid IS NULL OR work_center_key = $5)
GROUP BY GROUPING SETS ((1), ())
ORDER BY 1 NULLS LAST;

-- name: rebuild_delete
DELETE FROM reporting.work_order_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild
-- work_order_daily of days [$1, $2] from the facts; returns the rows written.
WITH written AS (
    INSERT INTO reporting.work_order_daily (organization_id, bucket_day, plant_id,
        work_center_key, completed, on_time, scheduled, on_schedule, quantity_met,
        planned_quantity, good_quantity, released, release_seconds, created, create_seconds)
    SELECT app.current_org(), (completed_at AT TIME ZONE 'UTC')::date, plant_id,
        work_center_key, count(*), count(*) FILTER (WHERE on_time),
        count(on_schedule), count(*) FILTER (WHERE on_schedule),
        count(*) FILTER (WHERE quantity_met), sum(quantity), sum(good_quantity),
        count(release_seconds), coalesce(sum(release_seconds), 0),
        count(create_seconds), coalesce(sum(create_seconds), 0)
    FROM reporting.work_order_facts
    WHERE organization_id = app.current_org()
      AND completed_at >= $1::date::timestamp AT TIME ZONE 'UTC'
      AND completed_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
    GROUP BY 2, 3, 4
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: work_center_seen
-- Work center $1 of plant $2: code $3, name $4, line $5, deleted $6, as of $7, event $8.
-- The newer (as_of, event) wins; a closed shift (code and name null) only names the line.
-- Returns whether its line (or plant) changed: only then are line dashboards regrouped.
WITH old AS (
    SELECT plant_id, line FROM reporting.work_centers
    WHERE organization_id = app.current_org() AND work_center_id = $1
), up AS (
    INSERT INTO reporting.work_centers AS w (organization_id, work_center_id, plant_id, code,
        name, line, deleted, as_of, event_id)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (organization_id, work_center_id) DO UPDATE SET
        plant_id = excluded.plant_id, code = coalesce(excluded.code, w.code),
        name = coalesce(excluded.name, w.name), line = excluded.line,
        deleted = excluded.deleted, as_of = excluded.as_of, event_id = excluded.event_id
    WHERE (w.as_of, w.event_id) < (excluded.as_of, excluded.event_id)
    RETURNING plant_id, line
)
SELECT EXISTS (
    SELECT FROM up LEFT JOIN old ON true
    WHERE old.plant_id IS NULL OR (old.plant_id, old.line) IS DISTINCT FROM (up.plant_id, up.line)
);
