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

-- name: scoped_generation
-- The sum of the counters of plants $4 (uuid[]) and scopes $5 (text[]) over days
-- [$6, $7], plus those of day $8 (the state day; null: none): grows with every change
-- there, and only then. One statement outside any transaction, as the tenant of $1..$3
-- (organization, plants, user; reporting.dashboard_generation in 0012).
SELECT reporting.dashboard_generation($1, $2, $3, $4::uuid[], $5::text[], $6, $7, $8);
