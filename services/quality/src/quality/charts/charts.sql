-- Measurements as SPC reads them.

-- name: series
-- The latest $4 measurements of characteristic $2 of material $1 in plant $3 taken at or
-- after $5, oldest first; a sample measured again counts with its latest value only.
SELECT value, measured_at, inspection_id, sample_no FROM (
    SELECT DISTINCT ON (inspection_id, sample_no)
           value, measured_at, inspection_id, sample_no, id
    FROM (
        SELECT value, measured_at, inspection_id, sample_no, id
        FROM quality.results
        WHERE organization_id = app.current_org() AND material_id = $1
          AND characteristic = $2 AND plant_id = $3 AND value IS NOT NULL
          AND measured_at >= $5
        ORDER BY measured_at DESC, id DESC
        LIMIT $4
    ) latest
    ORDER BY inspection_id, sample_no, measured_at DESC, id DESC
) kept
ORDER BY measured_at, id;

-- name: specification
-- Characteristic $2 as inspection $1 (the latest of a series) had it from its plan.
SELECT c::text AS characteristic
FROM quality.inspections i, jsonb_array_elements(i.characteristics) c
WHERE i.organization_id = app.current_org() AND i.id = $1 AND c ->> 'code' = $2;
