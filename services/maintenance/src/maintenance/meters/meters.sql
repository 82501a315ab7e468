-- Meters and readings.

-- name: insert
-- A meter of equipment $2 (plant $1): $3 code, $4 kind, $5 unit, $6 from_production,
-- $7 alarm_above, $8 alarm_below; no row when the code is taken on the equipment.
INSERT INTO maintenance.meters (organization_id, plant_id, equipment_id, code, kind, unit,
    from_production, alarm_above, alarm_below)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (organization_id, equipment_id, code) DO NOTHING
RETURNING id, plant_id, equipment_id, code, kind, unit, from_production, alarm_above, alarm_below,
    last_value, last_read_at, total_usage, version;

-- name: get
-- Meter $1.
SELECT id, plant_id, equipment_id, code, kind, unit, from_production, alarm_above, alarm_below,
    last_value, last_read_at, total_usage, version FROM maintenance.meters
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock_many
-- Meters $1 (uuid[]), locked in id order: readings of one meter are applied one after
-- another.
SELECT id, plant_id, equipment_id, code, kind, unit, from_production, alarm_above, alarm_below,
    last_value, last_read_at, total_usage, version FROM maintenance.meters
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[])
ORDER BY id
FOR UPDATE;

-- name: of_equipment
-- The meters of equipment $1 in code order.
SELECT id, plant_id, equipment_id, code, kind, unit, from_production, alarm_above, alarm_below,
    last_value, last_read_at, total_usage, version FROM maintenance.meters
WHERE organization_id = app.current_org() AND equipment_id = $1
ORDER BY code;

-- name: production_fed
-- The meters production's counts feed on equipment $1, locked.
SELECT id, plant_id, equipment_id, code, kind, unit, from_production, alarm_above, alarm_below,
    last_value, last_read_at, total_usage, version FROM maintenance.meters
WHERE organization_id = app.current_org() AND equipment_id = $1 AND from_production
ORDER BY id
FOR UPDATE;

-- name: update_settings
-- Meter $1: $2 from_production, $3 alarm_above, $4 alarm_below.
UPDATE maintenance.meters
SET from_production = $2, alarm_above = $3, alarm_below = $4, version = version + 1
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, equipment_id, code, kind, unit, from_production, alarm_above, alarm_below,
    last_value, last_read_at, total_usage, version;

-- name: advance
-- Meters after their readings, arrays: $1 meter, $2 last value, $3 last read at,
-- $4 usage added.
UPDATE maintenance.meters m
SET last_value = u.v, last_read_at = u.t, total_usage = m.total_usage + u.d,
    version = m.version + 1
FROM unnest($1::uuid[], $2::numeric[], $3::timestamptz[], $4::numeric[]) AS u(i, v, t, d)
WHERE m.organization_id = app.current_org() AND m.id = u.i;

-- name: readings_insert
-- Readings, arrays: $1 read_at, $2 plant, $3 meter, $4 value, $5 usage, $6 reset,
-- $7 source.
INSERT INTO maintenance.meter_readings (organization_id, read_at, plant_id, meter_id, value,
    usage, reset, source)
SELECT app.current_org(), t, p, m, v, u, r, s
FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::numeric[], $5::numeric[],
            $6::boolean[], $7::text[]) AS x(t, p, m, v, u, r, s);

-- name: readings_page
-- Meter $1's readings, newest first, before ($2 read_at, $3 id), at most $4.
SELECT id, meter_id, read_at, value, usage, reset, source, entered_by
FROM maintenance.meter_readings
WHERE organization_id = app.current_org() AND meter_id = $1
  AND ($2::timestamptz IS NULL OR (read_at, id) < ($2, $3::uuid))
ORDER BY read_at DESC, id DESC
LIMIT $4;
