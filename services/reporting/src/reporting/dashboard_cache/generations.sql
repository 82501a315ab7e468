-- Freshness counters of the cached dashboards (reporting.dashboard_generations).

-- name: bump_days
-- A fact of plant $1 changed the rollups of days $2 (date[]): their counters go up by one.
INSERT INTO reporting.dashboard_generations AS g (organization_id, plant_id, day)
SELECT app.current_org(), $1::uuid, d FROM unnest($2::date[]) AS d
ON CONFLICT (organization_id, plant_id, day) DO UPDATE SET generation = g.generation + 1;

-- name: bump_span
-- A rebuild of days [$2, $3] for plants $1 (uuid[]): every one of those days counts as changed.
INSERT INTO reporting.dashboard_generations AS g (organization_id, plant_id, day)
SELECT app.current_org(), p, d::date
FROM unnest($1::uuid[]) AS p, generate_series($2::date, $3::date, interval '1 day') AS d
ON CONFLICT (organization_id, plant_id, day) DO UPDATE SET generation = g.generation + 1;

-- name: range_generation
-- The sum of the counters of plants $1 (uuid[]) over days [$2, $3]: grows with every
-- change in that range, and only then.
SELECT coalesce(sum(generation), 0)::bigint
FROM reporting.dashboard_generations
WHERE organization_id = app.current_org() AND plant_id = ANY($1::uuid[])
  AND day BETWEEN $2 AND $3;
