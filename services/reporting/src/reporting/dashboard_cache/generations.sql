-- Freshness counters of the cached dashboards (reporting.dashboard_generations), one per
-- organization, plant, scope (the family of facts: production, quality, ...) and day.

-- name: bump_days
-- A fact of plant $1 changed the rollups of days $2 (date[]) of scope $3: their counters
-- go up by one.
INSERT INTO reporting.dashboard_generations AS g (organization_id, plant_id, scope, day)
SELECT app.current_org(), $1::uuid, $3::text, d FROM unnest($2::date[]) AS d
ON CONFLICT (organization_id, plant_id, scope, day) DO UPDATE SET generation = g.generation + 1;

-- name: bump_span
-- A rebuild of days [$2, $3] for plants $1 (uuid[]) and scopes $4 (text[]): every one of
-- those days counts as changed.
INSERT INTO reporting.dashboard_generations AS g (organization_id, plant_id, scope, day)
SELECT app.current_org(), p, s, d::date
FROM unnest($1::uuid[]) AS p, unnest($4::text[]) AS s,
    generate_series($2::date, $3::date, interval '1 day') AS d
ON CONFLICT (organization_id, plant_id, scope, day) DO UPDATE SET generation = g.generation + 1;

-- name: range_generation
-- The sum of the production counters of plants $1 (uuid[]) over days [$2, $3]: grows
-- with every change in that range, and only then.
SELECT coalesce(sum(generation), 0)::bigint
FROM reporting.dashboard_generations
WHERE organization_id = app.current_org() AND plant_id = ANY($1::uuid[])
  AND scope = 'production' AND day BETWEEN $2 AND $3;

-- name: generation
-- The sum of the counters of plants $1 (uuid[]) and scopes $2 (text[]) over days
-- [$3, $4], plus those of day $5 (the state day; null: none).
SELECT coalesce(sum(generation), 0)::bigint
FROM reporting.dashboard_generations
WHERE organization_id = app.current_org() AND plant_id = ANY($1::uuid[])
  AND scope = ANY($2::text[]) AND (day BETWEEN $3 AND $4 OR day = $5);
