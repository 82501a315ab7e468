-- The quality dashboards' reads: sums of the rollups per bucket (ratios computed from the
-- sums in Python, the way quality computes its own figures), NCR and CAPA states.

-- name: fpy
-- Days [$1, $2] summed per $3 ('day', 'week' (ISO, from Monday) or 'month'), $4 plant,
-- $5 material (null: every one the caller may see): quality's day figures (quantities)
-- beside the decided lots (live, by the UTC day of the decision).
WITH figures AS (
    SELECT date_trunc($3::text, bucket_day::timestamp)::date AS bucket,
        sum(inspected) AS inspected, sum(passed_first_time) AS passed_first_time
    FROM reporting.quality_daily
    WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
      AND ($4::uuid IS NULL OR plant_id = $4) AND ($5::uuid IS NULL OR material_id = $5)
    GROUP BY 1
    HAVING sum(figures) > 0
), decisions AS (
    SELECT date_trunc($3::text, bucket_day::timestamp)::date AS bucket,
        sum(lots)::bigint AS lots, sum(lots_passed)::bigint AS lots_passed
    FROM reporting.inspection_daily
    WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
      AND ($4::uuid IS NULL OR plant_id = $4) AND ($5::uuid IS NULL OR material_id = $5)
    GROUP BY 1
    HAVING sum(lots) > 0
)
SELECT coalesce(f.bucket, d.bucket) AS bucket, coalesce(f.inspected, 0) AS inspected,
    coalesce(f.passed_first_time, 0) AS passed_first_time, coalesce(d.lots, 0) AS lots,
    coalesce(d.lots_passed, 0) AS lots_passed
FROM figures f
FULL JOIN decisions d ON d.bucket = f.bucket
ORDER BY 1;

-- name: defects
-- Defects of days [$1, $2], $3 plant (null: every one the caller may see), most frequent
-- first (ties by code, as quality orders them).
SELECT code, sum(count)::bigint AS count
FROM reporting.defect_daily
WHERE organization_id = app.current_org() AND bucket_day BETWEEN $1 AND $2
  AND ($3::uuid IS NULL OR plant_id = $3)
GROUP BY code
HAVING sum(count) > 0
ORDER BY 2 DESC, 1;

-- name: ncr_flow
-- NCRs opened and closed per $3 bucket ('day', 'week', 'month') of days [$1, $2] (UTC),
-- $4 plant (null: any the caller may see).
WITH moves AS (
    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, 1 AS opened, 0 AS closed
    FROM reporting.ncr_facts
    WHERE organization_id = app.current_org() AND ($4::uuid IS NULL OR plant_id = $4)
      AND created_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
      AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
    UNION ALL
    SELECT (closed_at AT TIME ZONE 'UTC')::date, 0, 1
    FROM reporting.ncr_facts
    WHERE organization_id = app.current_org() AND ($4::uuid IS NULL OR plant_id = $4)
      AND closed_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
      AND closed_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
)
SELECT date_trunc($3::text, day::timestamp)::date AS bucket,
    sum(opened)::bigint AS opened, sum(closed)::bigint AS closed
FROM moves
GROUP BY 1
ORDER BY 1;

-- name: ncr_ageing
-- NCRs open (neither closed nor cancelled) on day $1, by age in days since they were
-- raised: 0-7, 8-30, 31-90, over 90; $2 plant (null: any the caller may see).
SELECT count(*) FILTER (WHERE age <= 7) AS days_0_7,
    count(*) FILTER (WHERE age BETWEEN 8 AND 30) AS days_8_30,
    count(*) FILTER (WHERE age BETWEEN 31 AND 90) AS days_31_90,
    count(*) FILTER (WHERE age > 90) AS over_90
FROM (
    SELECT $1::date - (created_at AT TIME ZONE 'UTC')::date AS age
    FROM reporting.ncr_facts
    WHERE organization_id = app.current_org() AND status NOT IN ('closed', 'cancelled')
      AND ($2::uuid IS NULL OR plant_id = $2)
) o;

-- name: capa_on_time
-- CAPAs closed from day $1 to $2 (UTC) and how many of them by their due date; $3 plant
-- (null: any the caller may see).
SELECT count(*) AS closed,
    count(*) FILTER (WHERE (closed_at AT TIME ZONE 'UTC')::date <= due_date) AS on_time
FROM reporting.capa_facts
WHERE organization_id = app.current_org() AND status = 'closed'
  AND closed_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
  AND closed_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'
  AND ($3::uuid IS NULL OR plant_id = $3);
