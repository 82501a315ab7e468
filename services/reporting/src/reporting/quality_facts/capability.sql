-- Measured values (the Cpk trend): facts, their daily sums, and the reads.

-- name: lock_stream
-- One writer per characteristic stream (plant $1, material $2, characteristic $3): a
-- day's sums are recomputed from its facts, which a concurrent writer must not miss.
SELECT pg_advisory_xact_lock(
    hashtextextended('reporting.spc:' || $1::uuid::text || $2::uuid::text || $3::text, 0));

-- name: add_measurements
-- Arrays: $1 measured_at, $2 characteristic, $3 sample_no, $4 value, $5 lsl, $6 usl,
-- $7 seq; inspection $8, plant $9, material $10, event $11. A sample's newer measurement
-- replaces its older one; an older one (late) changes nothing. Returns the days touched
-- (of removed and added rows) as (day, characteristic).
WITH incoming AS (
    SELECT DISTINCT ON (c, s) t, c, s, v, lo, hi, q
    FROM unnest($1::timestamptz[], $2::text[], $3::integer[], $4::numeric[],
                $5::numeric[], $6::numeric[], $7::integer[]) AS x(t, c, s, v, lo, hi, q)
    ORDER BY c, s, t DESC, q DESC
), kept AS (
    SELECT i.* FROM incoming i
    WHERE NOT EXISTS (
        SELECT FROM reporting.measurement_facts f
        WHERE f.organization_id = app.current_org() AND f.inspection_id = $8
          AND f.characteristic = i.c AND f.sample_no = i.s AND f.measured_at >= i.t)
), gone AS (
    DELETE FROM reporting.measurement_facts f USING kept k
    WHERE f.organization_id = app.current_org() AND f.inspection_id = $8
      AND f.characteristic = k.c AND f.sample_no = k.s AND f.measured_at < k.t
    RETURNING f.measured_at, f.characteristic
), added AS (
    INSERT INTO reporting.measurement_facts (organization_id, measured_at, inspection_id,
        characteristic, sample_no, plant_id, material_id, value, lsl, usl, event_id, seq)
    SELECT app.current_org(), t, $8, c, s, $9, $10, v, lo, hi, $11, q FROM kept
    RETURNING measured_at, characteristic
)
SELECT DISTINCT (measured_at AT TIME ZONE 'UTC')::date AS day, characteristic
FROM (SELECT * FROM gone UNION ALL SELECT * FROM added) touched;

-- name: clear_days
-- spc_daily of plant $1, material $2, characteristic $3 on days $4 (date[]), before
-- recompute_days writes them again (a day left with no facts keeps no row).
DELETE FROM reporting.spc_daily
WHERE organization_id = app.current_org() AND plant_id = $1 AND material_id = $2
  AND characteristic = $3 AND bucket_day = ANY($4::date[]);

-- name: recompute_days
-- spc_daily of plant $1, material $2, characteristic $3 on days $4 (date[]) from the
-- facts: n, sum, sum of squares, the moving ranges within the day (in time order), the
-- first and last value, the last value's limits.
WITH ordered AS (
    SELECT (measured_at AT TIME ZONE 'UTC')::date AS day, value, lsl, usl,
        abs(value - lag(value) OVER w) AS mr,
        row_number() OVER w AS k,
        row_number() OVER (PARTITION BY (measured_at AT TIME ZONE 'UTC')::date
                           ORDER BY measured_at DESC, event_id DESC, seq DESC) AS from_end
    FROM reporting.measurement_facts
    WHERE organization_id = app.current_org() AND plant_id = $1 AND material_id = $2
      AND characteristic = $3
      AND (measured_at AT TIME ZONE 'UTC')::date = ANY($4::date[])
      AND measured_at >= (SELECT min(d) FROM unnest($4::date[]) d)::timestamp AT TIME ZONE 'UTC'
      AND measured_at < ((SELECT max(d) FROM unnest($4::date[]) d) + 1)::timestamp
          AT TIME ZONE 'UTC'
    WINDOW w AS (PARTITION BY (measured_at AT TIME ZONE 'UTC')::date
                 ORDER BY measured_at, event_id, seq)
), written AS (
    INSERT INTO reporting.spc_daily (organization_id, bucket_day, plant_id, material_id,
        characteristic, n, sum, sum_squares, mr_count, mr_sum, first_value, last_value,
        lsl, usl)
    SELECT app.current_org(), day, $1, $2, $3, count(*), sum(value), sum(value * value),
        count(mr), coalesce(sum(mr), 0), min(value) FILTER (WHERE k = 1),
        min(value) FILTER (WHERE from_end = 1), min(lsl) FILTER (WHERE from_end = 1),
        min(usl) FILTER (WHERE from_end = 1)
    FROM ordered
    GROUP BY day
    RETURNING 1
)
SELECT count(*) FROM written;

-- name: days
-- The daily sums of plant $1, material $2, characteristic $3 over days [$4, $5], in order.
SELECT bucket_day AS day, n, sum, sum_squares, mr_count, mr_sum, first_value, last_value,
    lsl, usl
FROM reporting.spc_daily
WHERE organization_id = app.current_org() AND plant_id = $1 AND material_id = $2
  AND characteristic = $3 AND bucket_day BETWEEN $4 AND $5
ORDER BY bucket_day;

-- name: rebuild_delete
DELETE FROM reporting.spc_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2;

-- name: rebuild
-- spc_daily of every stream on days [$1, $2] from the facts (as recompute_days, set-based);
-- returns the rows written.
WITH ordered AS (
    SELECT plant_id, material_id, characteristic,
        (measured_at AT TIME ZONE 'UTC')::date AS day, value, lsl, usl,
        abs(value - lag(value) OVER w) AS mr,
        row_number() OVER w AS k,
        row_number() OVER (PARTITION BY plant_id, material_id, characteristic,
                                        (measured_at AT TIME ZONE 'UTC')::date
                           ORDER BY measured_at DESC, event_id DESC, seq DESC) AS from_end
    FROM reporting.measurement_facts
    WHERE organization_id = app.current_org()
      AND measured_at >= $1::date::timestamp AT TIME ZONE 'UTC'
      AND measured_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
    WINDOW w AS (PARTITION BY plant_id, material_id, characteristic,
                              (measured_at AT TIME ZONE 'UTC')::date
                 ORDER BY measured_at, event_id, seq)
), written AS (
    INSERT INTO reporting.spc_daily (organization_id, bucket_day, plant_id, material_id,
        characteristic, n, sum, sum_squares, mr_count, mr_sum, first_value, last_value,
        lsl, usl)
    SELECT app.current_org(), day, plant_id, material_id, characteristic, count(*),
        sum(value), sum(value * value), count(mr), coalesce(sum(mr), 0),
        min(value) FILTER (WHERE k = 1), min(value) FILTER (WHERE from_end = 1),
        min(lsl) FILTER (WHERE from_end = 1), min(usl) FILTER (WHERE from_end = 1)
    FROM ordered
    GROUP BY day, plant_id, material_id, characteristic
    RETURNING 1
)
SELECT count(*) FROM written;
