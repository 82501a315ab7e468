-- Production's work centers, stops and planned time, as maintenance keeps them.

-- name: work_center_upsert
-- Work center $1 (plant $2, code $3) is equipment $4 (null: none).
INSERT INTO maintenance.work_centers (organization_id, id, plant_id, code, equipment_id)
VALUES (app.current_org(), $1, $2, $3, $4)
ON CONFLICT (organization_id, id) DO UPDATE
SET code = excluded.code, equipment_id = excluded.equipment_id;

-- name: work_center_delete
-- Work center $1 is gone.
DELETE FROM maintenance.work_centers WHERE organization_id = app.current_org() AND id = $1;

-- name: equipment_of_work_center
-- The equipment of work center $1: production's link, else an equipment that names it.
SELECT coalesce(
    (SELECT equipment_id FROM maintenance.work_centers
     WHERE organization_id = app.current_org() AND id = $1),
    (SELECT id FROM maintenance.equipment
     WHERE organization_id = app.current_org() AND work_center_id = $1
     ORDER BY level DESC LIMIT 1));

-- name: downtime_upsert
-- Stop $1 of equipment $3 (plant $2): $4 started, $5 ended, $6 loss, $7 planned.
INSERT INTO maintenance.equipment_downtime (organization_id, downtime_id, plant_id,
    equipment_id, started_at, ended_at, loss, planned)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (organization_id, downtime_id) DO UPDATE
SET ended_at = coalesce(excluded.ended_at, maintenance.equipment_downtime.ended_at),
    loss = excluded.loss, planned = excluded.planned;

-- name: downtime_link
-- Stop $1 is being repaired by order $2.
UPDATE maintenance.equipment_downtime SET work_order_id = $2
WHERE organization_id = app.current_org() AND downtime_id = $1;

-- name: planned_upsert
-- Equipment $1 (plant $2) had $5 planned seconds in shift $4 of day $3 (a re-published
-- close replaces the figure).
INSERT INTO maintenance.planned_time (organization_id, equipment_id, plant_id, production_day,
    shift_code, planned_seconds)
VALUES (app.current_org(), $1, $2, $3, $4, $5)
ON CONFLICT (organization_id, equipment_id, production_day, shift_code) DO UPDATE
SET planned_seconds = excluded.planned_seconds;
