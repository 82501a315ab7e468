-- FPY and defects.

-- name: fpy
-- Decided inspections from $1 to $2 (decided_at), $3 plant, $4 material, $5 work center
-- (null: any), grouped by $6: material, work_center or day (UTC). A lot passes first time
-- when its usage decision accepts it whole.
SELECT CASE $6::text
           WHEN 'material' THEN material_id::text
           WHEN 'work_center' THEN coalesce(work_center_id::text, '')
           ELSE ((decided_at AT TIME ZONE 'UTC')::date)::text
       END AS key,
       count(*) AS lots,
       count(*) FILTER (WHERE decision = 'accepted') AS lots_passed,
       sum(quantity) AS inspected,
       coalesce(sum(quantity) FILTER (WHERE decision = 'accepted'), 0) AS passed_first_time,
       coalesce(sum(rejected_quantity), 0) AS rejected
FROM quality.inspections
WHERE organization_id = app.current_org() AND status = 'decided'
  AND decided_at >= $1 AND decided_at < $2
  AND ($3::uuid IS NULL OR plant_id = $3)
  AND ($4::uuid IS NULL OR material_id = $4)
  AND ($5::uuid IS NULL OR work_center_id = $5)
GROUP BY 1
ORDER BY 1;

-- name: pareto
-- Failed results from $1 to $2, $3 plant, $4 material, $5 work center (null: any), by
-- defect code (or the characteristic that failed without one), most frequent first, with
-- the catalogue's name.
SELECT f.code, f.count, d.name
FROM (
    SELECT coalesce(defect_code, characteristic) AS code, count(*) AS count
    FROM quality.results
    WHERE organization_id = app.current_org() AND NOT passed
      AND measured_at >= $1 AND measured_at < $2
      AND ($3::uuid IS NULL OR plant_id = $3)
      AND ($4::uuid IS NULL OR material_id = $4)
      AND ($5::uuid IS NULL OR work_center_id = $5)
    GROUP BY 1
) f
LEFT JOIN quality.defect_codes d ON d.organization_id = app.current_org() AND d.code = f.code
ORDER BY f.count DESC, f.code;

-- name: day_yield
-- Day $1's (UTC) decided inspections per plant, material and work center.
SELECT plant_id, material_id, work_center_id, sum(quantity) AS inspected,
       coalesce(sum(quantity) FILTER (WHERE decision = 'accepted'), 0) AS passed_first_time
FROM quality.inspections
WHERE organization_id = app.current_org() AND status = 'decided'
  AND decided_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
  AND decided_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
GROUP BY 1, 2, 3;

-- name: day_defects
-- Day $1's failed results per plant, material, work center and defect.
SELECT plant_id, material_id, work_center_id, coalesce(defect_code, characteristic) AS code,
       count(*) AS count
FROM quality.results
WHERE organization_id = app.current_org() AND NOT passed
  AND measured_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
  AND measured_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
GROUP BY 1, 2, 3, 4;
