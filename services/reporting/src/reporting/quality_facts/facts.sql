-- Quality facts in, rollups maintained in the same statement.

-- name: lock_day_figures
-- One (day $1, material $2, work center key $3) at a time: its replacement reads the row
-- it replaces.
SELECT pg_advisory_xact_lock(
    hashtextextended(
        'reporting.quality_day:' || $1::date::text || '/' || $2::uuid::text || '/'
        || $3::uuid::text, 0));

-- name: add_day_figures
-- A day's figures: $1 day, $2 plant, $3 material, $4 work center key, $5 inspected,
-- $6 passed first time, $7 defect codes, $8 their counts, $9 event id, $10 occurred_at.
-- A newer publication of the same key replaces the fact and the rollups get new minus
-- old; an older one (out of order) changes nothing. Hold lock_day_figures first. Returns
-- 1 when the fact changed.
WITH old AS (
    SELECT day, plant_id, material_id, inspected, passed_first_time, defect_codes,
        defect_counts
    FROM reporting.quality_day_facts
    WHERE organization_id = app.current_org() AND day = $1 AND plant_id = $2
      AND material_id = $3 AND work_center_key = $4
), new AS (
    INSERT INTO reporting.quality_day_facts AS f (organization_id, day, plant_id,
        material_id, work_center_key, inspected, passed_first_time, defect_codes,
        defect_counts, event_id, occurred_at)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (organization_id, day, plant_id, material_id, work_center_key)
    DO UPDATE SET inspected = excluded.inspected,
        passed_first_time = excluded.passed_first_time, defect_codes = excluded.defect_codes,
        defect_counts = excluded.defect_counts, event_id = excluded.event_id,
        occurred_at = excluded.occurred_at, received_at = now()
    WHERE (f.occurred_at, f.event_id) < (excluded.occurred_at, excluded.event_id)
    RETURNING day, plant_id, material_id, inspected, passed_first_time, defect_codes,
        defect_counts
), contributions AS (
    SELECT 1 AS sign, * FROM new
    UNION ALL
    SELECT -1 AS sign, * FROM old WHERE EXISTS (SELECT FROM new)
), yields AS (
    INSERT INTO reporting.quality_daily AS r (organization_id, bucket_day, plant_id,
        material_id, figures, inspected, passed_first_time)
    SELECT app.current_org(), day, plant_id, material_id, sum(sign), sum(sign * inspected),
        sum(sign * passed_first_time)
    FROM contributions
    GROUP BY 2, 3, 4
    ON CONFLICT (organization_id, bucket_day, plant_id, material_id)
    DO UPDATE SET figures = r.figures + excluded.figures,
        inspected = r.inspected + excluded.inspected,
        passed_first_time = r.passed_first_time + excluded.passed_first_time
    RETURNING 1
), defects AS (
    INSERT INTO reporting.defect_daily AS r (organization_id, bucket_day, plant_id, code,
        count)
    SELECT app.current_org(), c.day, c.plant_id, d.code, sum(c.sign * d.count)
    FROM contributions c
    CROSS JOIN LATERAL unnest(c.defect_codes, c.defect_counts) AS d (code, count)
    GROUP BY 2, 3, 4
    ON CONFLICT (organization_id, bucket_day, plant_id, code)
    DO UPDATE SET count = r.count + excluded.count
    RETURNING 1
)
SELECT count(*) FROM new;

-- name: ncr_changed
-- An NCR's state: $1 id, $2 plant, $3 number, $4 status, $5 severity, $6 material,
-- $7 created_at, $8 version, $9 event id, $10 occurred_at. A higher version replaces the
-- row; closed_at is the time it was first seen closed and is cleared if it reopens.
-- Returns 1 when the row changed.
WITH changed AS (
    INSERT INTO reporting.ncr_facts AS f (organization_id, ncr_id, plant_id, number, status,
        severity, material_id, created_at, closed_at, version, event_id)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7,
        CASE WHEN $4::text = 'closed' THEN $10::timestamptz END, $8, $9)
    ON CONFLICT (organization_id, ncr_id)
    DO UPDATE SET plant_id = excluded.plant_id, number = excluded.number,
        status = excluded.status, severity = excluded.severity,
        material_id = excluded.material_id, created_at = excluded.created_at,
        closed_at = CASE WHEN excluded.status = 'closed'
                         THEN coalesce(CASE WHEN f.status = 'closed' THEN f.closed_at END,
                                       excluded.closed_at) END,
        version = excluded.version, event_id = excluded.event_id, received_at = now()
    WHERE f.version < excluded.version
    RETURNING 1
)
SELECT count(*) FROM changed;

-- name: capa_changed
-- A CAPA's state: $1 id, $2 plant, $3 number, $4 status, $5 due date, $6 closed_at (null:
-- not told), $7 version, $8 event id, $9 occurred_at. A higher version replaces the row;
-- closed_at is the CAPA's own when the event carries it, else the time it was first seen
-- closed, and is cleared if it reopens. Returns 1 when the row changed.
WITH changed AS (
    INSERT INTO reporting.capa_facts AS f (organization_id, capa_id, plant_id, number,
        status, due_date, closed_at, version, event_id)
    VALUES (app.current_org(), $1, $2, $3, $4, $5,
        CASE WHEN $4::text = 'closed' THEN coalesce($6::timestamptz, $9::timestamptz) END,
        $7, $8)
    ON CONFLICT (organization_id, capa_id)
    DO UPDATE SET plant_id = excluded.plant_id, number = excluded.number,
        status = excluded.status, due_date = excluded.due_date,
        closed_at = CASE WHEN excluded.status = 'closed'
                         THEN coalesce($6::timestamptz,
                                       CASE WHEN f.status = 'closed' THEN f.closed_at END,
                                       excluded.closed_at) END,
        version = excluded.version, event_id = excluded.event_id, received_at = now()
    WHERE f.version < excluded.version
    RETURNING 1
)
SELECT count(*) FROM changed;

-- name: add_decision
-- A usage decision: $1 decided_at, $2 inspection id, $3 plant, $4 material, $5 work
-- center key, $6 lot, $7 decision, $8 accepted, $9 rejected quantity, $10 event id. Added
-- to the UTC day of the decision once (an inspection is decided once). Returns 1 when the
-- fact was new.
WITH fact AS (
    INSERT INTO reporting.inspection_facts (organization_id, decided_at, inspection_id,
        plant_id, material_id, work_center_key, lot, decision, accepted_quantity,
        rejected_quantity, event_id)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT DO NOTHING
    RETURNING decided_at, plant_id, material_id, work_center_key, decision,
        accepted_quantity, rejected_quantity
), daily AS (
    INSERT INTO reporting.inspection_daily AS r (organization_id, bucket_day, plant_id,
        material_id, work_center_key, lots, lots_passed, inspected, passed_first_time,
        rejected)
    SELECT app.current_org(), (decided_at AT TIME ZONE 'UTC')::date, plant_id, material_id,
        work_center_key, 1, (decision = 'accepted')::int,
        accepted_quantity + rejected_quantity,
        CASE WHEN decision = 'accepted' THEN accepted_quantity + rejected_quantity ELSE 0 END,
        rejected_quantity
    FROM fact
    ON CONFLICT (organization_id, bucket_day, plant_id, material_id, work_center_key)
    DO UPDATE SET lots = r.lots + excluded.lots, lots_passed = r.lots_passed + excluded.lots_passed,
        inspected = r.inspected + excluded.inspected,
        passed_first_time = r.passed_first_time + excluded.passed_first_time,
        rejected = r.rejected + excluded.rejected
    RETURNING 1
)
SELECT count(*) FROM fact;
