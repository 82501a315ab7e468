-- What the KPIs of equipment $1 (uuid[]) over [$2, $3) are computed from: one statement
-- per kind of input, for every equipment at once.

-- name: planned
-- Planned operating seconds per equipment (production days in the period).
SELECT equipment_id, sum(planned_seconds) AS seconds
FROM maintenance.planned_time
WHERE organization_id = app.current_org() AND equipment_id = ANY($1::uuid[])
  AND production_day >= $2::date AND production_day < $3::date
GROUP BY equipment_id;

-- name: failures
-- Unplanned breakdowns that started in the period (an open one runs until $3).
SELECT equipment_id, started_at, coalesce(ended_at, $3) AS ended_at
FROM maintenance.equipment_downtime
WHERE organization_id = app.current_org() AND equipment_id = ANY($1::uuid[])
  AND loss = 'breakdown' AND NOT planned AND started_at >= $2 AND started_at < $3
ORDER BY equipment_id, started_at;

-- name: orders
-- Work orders that matter to the period: due in it, done in it, or open at its end.
SELECT w.equipment_id, w.kind, w.status, w.created_at, w.started_at, w.done_at, w.due_date,
    w.estimated_minutes,
    CASE p.calendar_unit WHEN 'days' THEN p.calendar_interval
                         WHEN 'weeks' THEN 7 * p.calendar_interval
                         WHEN 'months' THEN 30 * p.calendar_interval
                         WHEN 'years' THEN 365 * p.calendar_interval END AS interval_days
FROM maintenance.work_orders w
LEFT JOIN maintenance.pm_plans p ON p.organization_id = w.organization_id AND p.id = w.plan_id
WHERE w.organization_id = app.current_org() AND w.equipment_id = ANY($1::uuid[])
  AND w.status <> 'cancelled'
  AND ((w.due_date >= $2::date AND w.due_date < $3::date)
       OR (w.done_at >= $2 AND w.done_at < $3)
       OR (w.created_at < $3 AND (w.done_at IS NULL OR w.done_at >= $3)));

-- name: labour
-- Labour booked in the period, with whether it was planned work.
SELECT w.equipment_id, w.kind, l.started_at, l.ended_at, l.hourly_rate
FROM maintenance.work_order_labour l
JOIN maintenance.work_orders w ON w.organization_id = l.organization_id AND w.id = l.work_order_id
WHERE l.organization_id = app.current_org() AND w.equipment_id = ANY($1::uuid[])
  AND l.started_at >= $2 AND l.started_at < $3;

-- name: parts
-- The value of parts issued in the period.
SELECT w.equipment_id, sum(r.value) AS value
FROM maintenance.part_requests r
JOIN maintenance.work_orders w ON w.organization_id = r.organization_id AND w.id = r.work_order_id
WHERE r.organization_id = app.current_org() AND w.equipment_id = ANY($1::uuid[])
  AND r.status = 'issued' AND r.settled_at >= $2 AND r.settled_at < $3
GROUP BY w.equipment_id;

-- name: active_equipment
-- Active equipment of the transaction's plants after $1, at most $2 (the daily job pages).
SELECT id, plant_id FROM maintenance.equipment
WHERE organization_id = app.current_org() AND status = 'active'
  AND ($1::uuid IS NULL OR id > $1)
ORDER BY id
LIMIT $2;
